/**
 * agentgate: a two-person rule for code written by AI agents.
 * The Probot app: wires webhook families to their handlers.
 */
import type { Probot } from "probot";
import type { AppIdentity } from "./publish.js";
import { appAnswer, checked } from "./facts/answers.js";
import { configureDeadlines, guardRequests, type deadlines } from "./deadlines.js";
import { onInstallation } from "./handlers/installation.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/push.js";
import { onRerequest } from "./handlers/rerequest.js";
import { onStatus } from "./handlers/status.js";

export type AgentgateOptions = Partial<typeof deadlines>;

/**
 * The same Probot app whose handlers' Octokits all carry the request timeout and the delivery's
 * fence (deadlines.ts): `probot run` builds the Octokit class itself, so it is hooked per instance.
 */
function withGuardedOctokits(app: Probot): Probot {
  const guarded = Object.create(app) as Probot;
  guarded.on = ((events: never, handler: (context: { octokit: unknown }) => unknown) =>
    app.on(events, (context: { octokit: unknown }) => {
      guardRequests(context.octokit);
      return handler(context) as Promise<void>;
    })) as Probot["on"];
  return guarded;
}

export function createAgentgate(options: AgentgateOptions = {}): (app: Probot) => void {
  return (app: Probot) => {
    configureDeadlines(options);
    // Who we are (app id for check runs, bot login for statuses), asked once and kept. Only a
    // well-formed answer is kept: a wrong bot login would make our own statuses look forged.
    let identity: Promise<AppIdentity> | undefined;
    const whoAmI = () => {
      identity ??= app
        .auth()
        .then((octokit) => {
          guardRequests(octokit);
          return octokit.rest.apps.getAuthenticated();
        })
        .then(({ data }) => {
          const me = checked<{ id: number; slug: string }>(appAnswer, data, "apps.getAuthenticated");
          return { appId: me.id, botLogin: `${me.slug}[bot]` };
        })
        .catch((e: unknown) => {
          identity = undefined; // never keep a failure: try again on the next delivery
          throw e;
        });
      return identity;
    };

    const guarded = withGuardedOctokits(app);
    onPullRequest(guarded, whoAmI);
    onRerequest(guarded, whoAmI);
    onMergeGroup(guarded, whoAmI);
    onPush(guarded, whoAmI);
    onStatus(guarded, whoAmI);
    onInstallation(guarded, whoAmI);

    app.onError((error) => {
      // Probot answers 500, GitHub marks the delivery failed (it can be redelivered); the id names it.
      const event = (error as { event?: { id?: string; name?: string } }).event;
      app.log.error({ err: error, delivery: event?.id, event: event?.name }, "webhook could not be processed");
    });
  };
}

export default createAgentgate();
