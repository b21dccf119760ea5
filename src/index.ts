/**
 * agentgate: a two-person rule for code written by AI agents.
 * The Probot app: wires webhook families to their handlers.
 */
import type { Probot } from "probot";
import type { AppIdentity } from "./publish.js";
import { onInstallation } from "./handlers/installation.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPush } from "./handlers/push.js";
import { onRerequest } from "./handlers/rerequest.js";
import { onStatus } from "./handlers/status.js";

export default function agentgate(app: Probot): void {
  // Who we are (app id for check runs, bot login for statuses), asked once and kept.
  let identity: Promise<AppIdentity> | undefined;
  const whoAmI = () => {
    identity ??= app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => {
        if (!data) throw new Error("GitHub did not say who this app is");
        return { appId: data.id, botLogin: `${data.slug}[bot]` };
      })
      .catch((e: unknown) => {
        identity = undefined; // try again on the next delivery
        throw e;
      });
    return identity;
  };

  onPullRequest(app, whoAmI);
  onRerequest(app, whoAmI);
  onMergeGroup(app, whoAmI);
  onPush(app, whoAmI);
  onStatus(app, whoAmI);
  onInstallation(app, whoAmI);

  app.onError((error) => {
    // Probot answers 500, GitHub marks the delivery failed (it can be redelivered); the id names it.
    const event = (error as { event?: { id?: string; name?: string } }).event;
    app.log.error({ err: error, delivery: event?.id, event: event?.name }, "webhook could not be processed");
  });
}
