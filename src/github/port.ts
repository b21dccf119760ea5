/**
 * The gate's one narrow GitHub port: the plain methods its orchestration (src/gate.ts: PRs sharing
 * a head, merge groups, forged statuses) needs, so that orchestration runs the same against GitHub
 * and against the in-memory fake in test/helpers/fake-port.ts. The real one below adapts the
 * readers and writers; one PR's facts are read through the per-fact reads of src/facts/reads.ts
 * (real: src/github/reads.ts; in memory: test/helpers/fake-reads.ts).
 */
import { LRUCache } from "lru-cache";
import type { GateRun, OurCheckRun } from "./run.js";
import type { Evaluation } from "../evaluation.js";
import { evaluatePullRequest, openPullRequestsListedAt, type PayloadHint } from "./evaluate.js";
import { SHA } from "../evaluation.js";
import { publishCheckRun, publishDecision, type AppIdentity, type PublishOptions, type PublishResult, type RepoRef } from "../publish.js";
import type { Decision } from "../policy/types.js";
import { mergeGroupContents, type MergeGroupContents } from "../facts/merge-group.js";
import { forgetOwnCheckRuns } from "../facts/memory.js";
import { cachedEnforcement, type EnforcementReads } from "../doctor/read.js";
import { ownStatuses, type OwnStatus } from "../facts/statuses.js";
import { attachCaches, cacheSlot, cachesOf } from "../runtime/caches.js";

export type { GitHubClient } from "./run.js";

/** A status to post as agentgate. */
export interface StatusWrite {
  state: Decision["state"];
  context: string;
  description: string;
}

export interface GatePort {
  /** Who agentgate is: its app id (check runs) and bot login (statuses). */
  identity(): Promise<AppIdentity>;
  /**
   * One PR read and decided (the policy from its base branch, the facts, agentgate's memory).
   * Never throws: GitHub trouble is an error decision; `headSha` is "" when no head is known.
   * `hint` only for a PR the event itself names (used to fail closed, never to pass).
   */
  evaluate(where: RepoRef, number: number, hint?: PayloadHint): Promise<Evaluation>;
  /** Open PRs whose head is this SHA. Throws when GitHub cannot say. */
  openPullRequestsAt(where: RepoRef, sha: string): Promise<number[]>;
  /** The status and check run for a decision on a SHA (skipping what is unchanged). */
  publish(where: RepoRef, sha: string, decision: Decision, self: AppIdentity, opts: PublishOptions): Promise<PublishResult>;
  /** The check run alone (when GitHub refuses the status). */
  publishCheckRun(where: RepoRef, sha: string, decision: Decision, self: AppIdentity, opts: PublishOptions): Promise<PublishResult["checkRun"]>;
  /** What branch protection and rulesets say about a branch (information only). */
  enforcement(where: RepoRef, branch: string): Promise<EnforcementReads>;
  /** The PRs a merge group's commit contains. Throws when GitHub cannot say. */
  mergeGroupContents(where: RepoRef, baseSha: string, headSha: string): Promise<MergeGroupContents>;
  /** agentgate's own latest check runs on a SHA (by app id). */
  ownCheckRuns(where: RepoRef, sha: string, appId: number): Promise<OurCheckRun[]>;
  /** agentgate's own commit statuses on a SHA (by its bot's login), newest first. */
  ownStatuses(where: RepoRef, sha: string, botLogin: string): Promise<OwnStatus[]>;
  /** Post a commit status as agentgate (answering a forged one). */
  postStatus(where: RepoRef, sha: string, status: StatusWrite): Promise<void>;
  /** Replace one of agentgate's check runs' output (title, summary, text). */
  updateCheckRunOutput(where: RepoRef, sha: string, id: number, output: { title: string; summary: string; text?: string }): Promise<void>;
}

/**
 * Evaluations started in this process, counted, and per PR the count its latest one started at. The
 * sweep evaluates each PR in a turn of its own, after one list read for them all: an evaluation of
 * that PR in between (a webhook's) may have read newer facts than the list, and the sweep's must
 * not publish older ones after it. So the list's copy stands in for pulls.get only for a PR nothing
 * evaluated since the list was read, and never with replicas (another one may have).
 */
const evaluationsKept = cacheSlot(() => ({ count: 0, at: new LRUCache<string, number>({ max: 100_000 }) }));
/** Evaluations this client's app started so far (the sweep notes it before its list read). */
export const evaluationsSoFar = (client: object): number => cachesOf(client).of(evaluationsKept).count;

/** Whether the sweep's copy of a PR is as new as anything this process judged that PR on. */
export function sweptCopyUsable(listedAfter: number, lastEvaluated: number | undefined, replicas: boolean): boolean {
  return !replicas && (lastEvaluated ?? 0) <= listedAfter;
}

/** The real port for one delivery's run: Octokit, the published-status memory and agentgate's memory. */
const prKey = (where: RepoRef, number: number) => `${where.owner}/${where.repo}#${number}`.toLowerCase();

export function githubGatePort(run: GateRun): GatePort {
  const gh = run.gh;
  const evaluations = cachesOf(gh).of(evaluationsKept);
  // One list per commit and port (a delivery's turn): the gate's twins and the PRs it evaluates share it.
  const listings = new Map<string, Promise<{ number: number; listed: unknown }[]>>();
  const listedAt = (where: RepoRef, sha: string) => {
    const key = `${where.owner}/${where.repo}@${sha}`.toLowerCase();
    let listing = listings.get(key);
    if (!listing) listings.set(key, (listing = openPullRequestsListedAt(gh, where, sha)));
    return listing;
  };
  /** The PR as a list read in this turn gave it, when that saves pulls.get a 200 (see PayloadHint.prChanged). */
  const listedCopy = async (where: RepoRef, number: number, hint: PayloadHint | undefined): Promise<unknown> => {
    const swept = run.listedPulls?.pulls.get(number);
    if (swept !== undefined && run.listedPulls && sweptCopyUsable(run.listedPulls.after, evaluations.at.get(prKey(where, number)), !!run.order)) return swept;
    if (!hint?.prChanged || !hint.headSha || !SHA.test(hint.headSha)) return undefined;
    try {
      return (await listedAt(where, hint.headSha)).find((p) => p.number === number)?.listed;
    } catch {
      return undefined; // the PR is read itself; the gate meets (and reports) the failed list
    }
  };
  const port: GatePort = {
    identity: () => run.self(),
    evaluate: async (where, number, hint) => {
      const listed = await listedCopy(where, number, hint);
      evaluations.at.set(prKey(where, number), ++evaluations.count);
      return evaluatePullRequest(gh, { ...where, number }, run.log, { fallback: hint, memory: run, ...(listed === undefined ? {} : { listed }) });
    },
    openPullRequestsAt: async (where, sha) => (await listedAt(where, sha)).map((p) => p.number),
    publish: (where, sha, decision, self, opts) => publishDecision(gh, where, sha, decision, self, opts, run.published),
    publishCheckRun: (where, sha, decision, self, opts) => publishCheckRun(gh, where, sha, decision, self, opts),
    enforcement: (where, branch) => cachedEnforcement(gh, where, branch),
    mergeGroupContents: (where, baseSha, headSha) => mergeGroupContents(gh, where, baseSha, headSha),
    ownCheckRuns: async (where, sha, appId) => {
      const { data } = await gh.rest.checks.listForRef({ ...where, ref: sha, app_id: appId, filter: "latest", per_page: 100 });
      return data.check_runs.filter((r) => r.app?.id === appId);
    },
    ownStatuses: (where, sha, botLogin) => ownStatuses(gh, where, sha, botLogin),
    postStatus: async (where, sha, status) => {
      await gh.rest.repos.createCommitStatus({ ...where, sha, ...status });
    },
    updateCheckRunOutput: async (where, sha, id, output) => {
      forgetOwnCheckRuns(gh, where, sha); // a write the copy of this commit's runs does not follow
      await gh.rest.checks.update({ ...where, check_run_id: id, output });
    },
  };
  // The port belongs to its client's app: what the gate keeps through it (the check names) is that app's.
  attachCaches(port, cachesOf(gh));
  return port;
}
