/**
 * What every handler needs from a Probot context: an Octokit, a logger that names the delivery,
 * and who agentgate is. Handlers only work out which pull requests to evaluate.
 */
import type { Octokit } from "@octokit/rest";
import type { Context } from "probot";
import type { GateRun, Logger, PayloadHint } from "../gate.js";
import type { GateState } from "../policy/types.js";
import type { RepositoryOrder } from "../runtime/order.js";
import type { PublishedStatuses } from "../runtime/published.js";
import type { AppIdentity } from "../publish.js";

export type WhoAmI = () => Promise<AppIdentity>;

const outcomes = new WeakMap<object, (GateState | "unpublished")[]>();

/** Who wants to know what the gate did (the server's metrics): set per delivery by the app. */
export interface GateObserver {
  decision(state: GateState): void;
  evaluated(ms: number): void;
  /** The deploy gate answered a deployment protection rule. */
  deployAnswer?(state: "approved" | "rejected"): void;
}
const observers = new WeakMap<object, GateObserver>();
const audits = new WeakMap<object, NonNullable<GateRun["audit"]>>();

/** The audit trail this delivery's gate runs record to. */
export function auditDelivery(context: object, audit: NonNullable<GateRun["audit"]>): void {
  audits.set(context, audit);
}
const orders = new WeakMap<object, RepositoryOrder>();
const publishedMemories = new WeakMap<object, PublishedStatuses>();

export function observeDelivery(context: object, observer: GateObserver): void {
  observers.set(context, observer);
}

/** The order replicas share (Redis), for this delivery's gate runs. */
export function orderDelivery(context: object, order: RepositoryOrder): void {
  orders.set(context, order);
}

/** What was last posted per commit and context (in process, or shared by replicas), for this delivery. */
export function publishedFor(context: object, published: PublishedStatuses): void {
  publishedMemories.set(context, published);
}

/** The same memory, for handlers that forget an entry (a status someone else posted). */
export function publishedOf(context: object): PublishedStatuses | undefined {
  return publishedMemories.get(context);
}

/** What the gate published while handling this delivery: a state per decision, or "unpublished". */
export function outcomesOf(context: object): readonly (GateState | "unpublished")[] {
  return outcomes.get(context) ?? [];
}

export function gateRun(context: Context, whoAmI: WhoAmI, extra: Partial<GateRun> = {}): GateRun {
  // Each delivery has its own Octokit: count what this webhook costs in GitHub requests.
  let requests = 0;
  context.octokit.hook.before("request", () => {
    requests += 1;
  });
  return {
    receivedAt: Date.now(),
    requestCount: () => requests,
    // Probot's Octokit carries the same REST methods as @octokit/rest's (same plugins).
    gh: context.octokit as unknown as Octokit,
    log: context.log.child({ delivery: context.id, event: context.name }) as Logger,
    self: whoAmI,
    onOutcome: (o) => {
      const seen = outcomes.get(context) ?? [];
      seen.push(o);
      outcomes.set(context, seen);
      if (o !== "unpublished") observers.get(context)?.decision(o);
    },
    onEvaluated: (ms) => observers.get(context)?.evaluated(ms),
    onDeployAnswer: (state) => observers.get(context)?.deployAnswer?.(state),
    ...(orders.has(context) ? { order: orders.get(context)! } : {}),
    ...(audits.has(context) ? { audit: audits.get(context)! } : {}),
    ...(context.id ? { delivery: context.id } : {}),
    ...(publishedMemories.has(context) ? { published: publishedMemories.get(context)! } : {}),
    ...extra,
  };
}

export function repoOf(payload: { repository?: { owner: { login?: string; name?: string | null } | null; name: string } | null }) {
  const owner = payload.repository?.owner?.login ?? payload.repository?.owner?.name;
  if (!payload.repository || !owner) throw new Error("the webhook names no repository");
  return { owner, repo: payload.repository.name };
}

/** The head (and base) a webhook names for these PRs: where an error goes if a PR cannot be read. */
export function hintsFor(numbers: readonly number[], headSha: string | undefined, baseRef?: string): Map<number, PayloadHint> {
  return new Map(numbers.map((n) => [n, { ...(headSha ? { headSha } : {}), ...(baseRef ? { baseRef } : {}) }]));
}
