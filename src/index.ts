/**
 * agentgate: a two-person rule for code written by AI agents.
 * The Probot app: wires webhook families to their handlers.
 */
import type { Probot } from "probot";
import type { AppIdentity } from "./publish.js";
import { appAnswer, checked } from "./facts/answers.js";
import { shareCommitFacts, shareCopies } from "./facts/github.js";
import type { SharedPolicyCopies } from "./runtime/policy-copies.js";
import type { SharedCommitFacts } from "./runtime/commit-facts.js";
import { deadlines, guardRequests, type Deadlines } from "./deadlines.js";
import { ConditionalCache, useConditionalRequests } from "./github/conditional.js";
import { auditDelivery, observeDelivery, orderDelivery, outcomesOf, publishedFor, type GateObserver } from "./handlers/context.js";
import { onBypass } from "./handlers/bypass.js";
import { AuditTrail } from "./runtime/audit.js";
import { onDeploymentProtectionRule } from "./handlers/deployment.js";
import type { RepositoryOrder } from "./runtime/order.js";
import { InProcessHandled, type HandledDeliveries } from "./runtime/handled.js";
import { InProcessPublished, type PublishedStatuses } from "./runtime/published.js";
import { onInstallation } from "./handlers/installation.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPullRequest } from "./handlers/pull-request.js";
import { onPeopleChange } from "./handlers/people.js";
import { onPush } from "./handlers/push.js";
import { onRerequest } from "./handlers/rerequest.js";
import { onStatus } from "./handlers/status.js";
import { AppCaches, attachCaches } from "./runtime/caches.js";
import { octokitReads } from "./github/reads.js";

export type AgentgateOptions = Partial<Deadlines> & {
  /** Conditional requests' copies, shared by every delivery of this process (made once per app). */
  conditional?: ConditionalCache;
  /** Told of every decision and evaluation (the server's metrics). */
  observer?: GateObserver;
  /** The per-repository order shared with other replicas (Redis); absent: this process alone. */
  order?: RepositoryOrder;
  /** Where audit events go (src/runtime/audit.ts); absent: the app's log alone. */
  audit?: AuditTrail;
  /** What was last posted per commit and context, shared with other replicas (Redis); absent: this process's. */
  published?: PublishedStatuses;
  /** Deliveries handled to the end, shared with other replicas (Redis); absent: this process's. */
  handled?: HandledDeliveries;
  /**
   * Several replicas receive this App's webhooks: copies that only a webhook forgets are shared
   * (policies on a default branch, in Redis) or not kept (the status handler's check name), since
   * that webhook may reach another replica.
   */
  policyCopies?: SharedPolicyCopies;
  /** What commits and blobs hold (policy files, local actions), shared with other replicas (Redis); absent: this process's. */
  commitFacts?: SharedCommitFacts;
};

/**
 * The same Probot app whose handlers' Octokits all carry the request timeout and the delivery's
 * fence (deadlines.ts): `probot run` builds the Octokit class itself, so it is hooked per instance.
 */
type HandlerContext = { id: string; octokit: unknown; payload: { installation?: { id?: number } }; log: { info(o: object, m: string): void } };

interface Services {
  /** This app's request timeout and turn limit: every delivery's client is guarded with them. */
  bounds: Deadlines;
  /** This app's caches (src/runtime/caches.ts): every delivery's client is attached to them. */
  caches: AppCaches;
  audit: AuditTrail;
  conditional: ConditionalCache;
  published: PublishedStatuses;
  handled: HandledDeliveries;
  observer: GateObserver | undefined;
  order: RepositoryOrder | undefined;
  policyCopies: SharedPolicyCopies | undefined;
  commitFacts: SharedCommitFacts | undefined;
}

function withGuardedOctokits(app: Probot, { bounds, caches, conditional, published, handled, observer, order, policyCopies, commitFacts, audit }: Services): Probot {
  const guarded = Object.create(app) as Probot;
  // Deliveries handled to the end, by handler (src/runtime/handled.ts). A failed one is not kept.
  let handlers = 0;
  guarded.on = ((events: never, handler: (context: HandlerContext) => unknown) => {
    const which = handlers++;
    return app.on(events, async (context: HandlerContext) => {
      const key = `${context.id}:${which}`;
      if (context.id && (await handled.has(key))) {
        context.log.info({ delivery: context.id }, "this delivery was handled already: nothing to do");
        return;
      }
      guardRequests(context.octokit, bounds);
      // The client and the reads made of it: the facts modules look their caches up by either.
      attachCaches(context.octokit as object, caches);
      attachCaches(octokitReads(context.octokit as never), caches);
      if (policyCopies) shareCopies(context.octokit as object, policyCopies);
      if (commitFacts) shareCommitFacts(context.octokit as object, commitFacts);
      if (observer) observeDelivery(context, observer);
      if (order) orderDelivery(context, order);
      auditDelivery(context, audit);
      publishedFor(context, published);
      // A 304 costs no rate limit: every GET goes out with the ETag of its last answer.
      useConditionalRequests(context.octokit as never, conditional, String(context.payload.installation?.id ?? "app"));
      await handler(context);
      // An error published (or nothing publishable) is worth the redelivery: GitHub may answer now.
      const settled = !outcomesOf(context).some((o) => o === "error" || o === "unpublished");
      if (context.id && settled) await handled.add(key);
    });
  }) as Probot["on"];
  return guarded;
}

export function createAgentgate(options: AgentgateOptions = {}): (app: Probot) => void {
  return (app: Probot) => {
    const { conditional, observer, order, audit, published, handled, policyCopies, commitFacts, ...limits } = options;
    const bounds: Deadlines = { ...deadlines, ...limits };
    // Who we are (app id for check runs, bot login for statuses), asked once and kept. Only a
    // well-formed answer is kept: a wrong bot login would make our own statuses look forged.
    let identity: Promise<AppIdentity> | undefined;
    const whoAmI = () => {
      identity ??= app
        .auth()
        .then((octokit) => {
          guardRequests(octokit, bounds);
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

    // Made once per app: each app (and each test's stack) has its own unless the server shares one.
    const guarded = withGuardedOctokits(app, {
      bounds,
      caches: new AppCaches(),
      conditional: conditional ?? new ConditionalCache(),
      published: published ?? new InProcessPublished(),
      handled: handled ?? new InProcessHandled(),
      observer,
      order,
      policyCopies,
      commitFacts,
      audit: audit ?? new AuditTrail({ log: app.log as never }),
    });
    onPullRequest(guarded, whoAmI);
    onRerequest(guarded, whoAmI);
    onMergeGroup(guarded, whoAmI);
    onPush(guarded, whoAmI);
    onStatus(guarded, whoAmI);
    onPeopleChange(guarded, whoAmI);
    onInstallation(guarded, whoAmI);
    onDeploymentProtectionRule(guarded, whoAmI);
    onBypass(guarded, whoAmI);

    app.onError((error) => {
      // Probot answers 500, GitHub marks the delivery failed (it can be redelivered); the id names it.
      const event = (error as { event?: { id?: string; name?: string } }).event;
      app.log.error({ err: error, delivery: event?.id, event: event?.name }, "webhook could not be processed");
    });
  };
}

export default createAgentgate();
