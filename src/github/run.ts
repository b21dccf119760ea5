/**
 * What one delivery hands the gate (src/gate.ts) and its GitHub port (./port.ts): types
 * alone, here so that both import them and neither imports the other back.
 */
import type { Octokit } from "@octokit/rest";
import type { GateState } from "../policy/types.js";
import type { AppIdentity } from "../publish.js";
import type { Logger } from "../evaluation.js";
import type { PayloadHint } from "./evaluate.js";
import type { RepositoryOrder } from "../runtime/order.js";
import type { PublishedStatuses } from "../runtime/published.js";
import type { AuditEvent } from "../audit/event.js";

/** The client the real port wraps; other modules name it through this alias. */
export type GitHubClient = Octokit;

export interface GateRun {
  gh: GitHubClient;
  log: Logger;
  self: () => Promise<AppIdentity>;
  /** After check_run.rerequested: create a new run instead of updating. */
  newCheckRun?: boolean;
  /** GitHub requests made so far for this webhook (logged with each result). */
  requestCount?: () => number;
  /** By PR number: the head before this event (a synchronize's `before`), where agentgate's memory is read too. */
  earlierHeads?: Readonly<Record<number, string>>;
  /** By PR number: where to publish an error when that PR cannot be read (see PayloadHint). */
  payloadHints?: ReadonlyMap<number, PayloadHint>;
  /** Told of every decision published (its state), and of each PR nothing could be published for. */
  onOutcome?: (outcome: GateState | "unpublished") => void;
  /** Told how long each pull request's evaluation (reading its facts and deciding) took. */
  onEvaluated?: (ms: number) => void;
  /** Told of each answer the deploy gate gives GitHub. */
  onDeployAnswer?: (state: "approved" | "rejected") => void;
  /** The per-repository order shared by replicas (Redis); absent: this process's order alone. */
  order?: RepositoryOrder;
  /** Where each published decision is recorded as an audit event (src/runtime/audit.ts). */
  audit?: { record(event: AuditEvent): void };
  /** The webhook delivery being handled, for the audit events. */
  delivery?: string;
  /**
   * Open PRs by head SHA as this delivery listed them moments ago (the sweep's one list call). They
   * stand in for listing a commit's PRs only when the decision there is not a success (a PR opened
   * since cannot make a non-success any stricter than not passing); before a success, GitHub is asked.
   */
  openAt?: ReadonlyMap<string, readonly number[]>;
  /**
   * By PR number: the PR as that same list gave it, read instead of pulls.get (never the reason for
   * a success); `after`: evaluationsSoFar() just before the list was read (see sweptCopyUsable).
   */
  listedPulls?: { pulls: ReadonlyMap<number, unknown>; after: number };
  /** When the delivery arrived (Date.now()): a shared turn is waited for from then (src/runtime/order.ts). */
  receivedAt?: number;
  /** What was last posted per commit and context (shared by replicas); absent: GitHub's list is read. */
  published?: PublishedStatuses;
}

/** What the orchestration needs of a run besides GitHub (the port): the log, the hooks, the hints, the memories. */
export type GateContext = Omit<GateRun, "gh" | "self">;

/** One of agentgate's check runs on the forged SHA, as GitHub lists it. */
export interface OurCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  /** Holds agentgate's memory record (src/memory/): an update of the output must carry it on. */
  output: { title: string | null; summary: string | null; text?: string | null };
}
