/**
 * The gate: the one place that knows the order. Load the policy from the base branch, gather the
 * facts, decide, publish. It fails closed: any exception becomes a published `error` with the reason.
 */
import type { Octokit } from "@octokit/rest";
import { performance } from "node:perf_hooks";
import { loadPolicy, type LoadedPolicy } from "./config/load.js";
import { defaultPolicy } from "./config/schema.js";
import { decide } from "./decide.js";
import { gatherFacts, githubPolicyReader, readPullRequest, withFreshDiffChecks, withFreshReviewers, type PullRequestRef } from "./facts/github.js";
import type { Decision, GateState } from "./policy/types.js";
import { headlineOf, STATUS_DESCRIPTION_LIMIT, truncate } from "./report/headline.js";
import { CANNOT_DECIDE } from "./report/reasons.js";
import { LRUCache } from "lru-cache";
import { publishCheckRun, publishDecision, publishedKey, type AppIdentity, type PublishOptions, type PublishResult, type RepoRef } from "./publish.js";
import type { Detection } from "./detect/types.js";
import type { PullRequestFacts } from "./facts/types.js";
import { mergeGroupContents, type GroupMember } from "./facts/merge-group.js";
import { forgetOwnCheckRuns, readMemory } from "./facts/memory.js";
import { detectorFor, detectPullRequest } from "./decide.js";
import { withMemory } from "./memory/remember.js";
import { groupMemory } from "./memory/publish.js";
import { withinTurn } from "./deadlines.js";
import type { RepositoryOrder } from "./runtime/order.js";
import type { PublishedStatuses } from "./runtime/published.js";
import { diagnose, type EnforcementReport } from "./doctor/core.js";
import { cachedEnforcement } from "./doctor/read.js";
import { decisionEvent, type AuditEvent } from "./audit/event.js";
import { appVersion } from "./version.js";

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface Evaluation {
  ref: PullRequestRef;
  headSha: string;
  loaded: LoadedPolicy | null;
  decision: Decision;
  /** The PR's base branch, when the PR could be read: where the enforcement doctor looks. */
  baseRef?: string;
}

function reasonOf(e: unknown): string {
  const status = typeof e === "object" && e && "status" in e ? ` (HTTP ${(e as { status: unknown }).status})` : "";
  const message = e instanceof Error ? e.message : String(e);
  return `${message.split("\n")[0]}${status}`;
}

function emptyDetection(): Detection {
  return { agentAuthored: false, agents: [], pr: [], commits: [], steeringHumans: [] };
}

/** A decision that says agentgate could not decide, and why. Never success. */
export function errorDecision(headSha: string, checkName: string, reason: string): Decision {
  const d: Decision = {
    state: "error",
    headline: "",
    headSha,
    checkName,
    detection: emptyDetection(),
    findings: [],
    requirement: { applies: true, approvals: 0, teams: [], blocked: false, reasons: [] },
    approvals: { counted: [], ignored: [] },
    changesRequestedBy: [],
    reasons: [{ code: "facts-incomplete", message: reason }],
    missing: [CANNOT_DECIDE],
    problems: [reason],
  };
  return { ...d, headline: headlineOf(d) };
}

export interface ReadAndDecided {
  headSha: string;
  loaded: LoadedPolicy;
  facts: PullRequestFacts;
  decision: Decision;
  baseRef: string;
}

/** What reading agentgate's memory needs: who agentgate is, and what the webhook says the head was. */
export interface MemoryAccess {
  self: () => Promise<AppIdentity>;
  /** By PR number: the head SHA before this event (a synchronize's `before`). */
  earlierHeads?: Readonly<Record<number, string>>;
  /** Set when replicas share the repository's turn: then another process may have written agentgate's runs. */
  order?: unknown;
}

/**
 * The App's steps for one pull request: fresh PR, the policy from its base branch (never the head:
 * an agent cannot loosen its own gate), fresh facts, agentgate's own memory of the PR and its
 * commits (with `memory`; see facts/memory.ts), decide. Read-only. Throws when GitHub fails
 * (after Octokit's retries) or answers malformed; the CLI's `explain` uses this as it is, without memory.
 */
export async function readAndDecide(
  gh: Octokit,
  ref: PullRequestRef,
  /** Filled in as steps succeed, so a failure later can still be published on the right SHA and name. */
  seen: { headSha?: string; loaded?: LoadedPolicy } = {},
  opts: {
    memory?: MemoryAccess;
    /** A review the webhook is about; the reviews read must include it (see PayloadHint). */
    expectReviewId?: number;
    /** The base branch the webhook names: its tip is read beside the PR (used only if the PR names it too). */
    baseRefHint?: string;
  } = {},
): Promise<ReadAndDecided> {
  const reader = githubPolicyReader(gh);
  if (opts.baseRefHint) reader.prefetchTip(ref.owner, ref.repo, opts.baseRefHint);
  const pr = await readPullRequest(gh, ref);
  seen.headSha = pr.head.sha;
  const loaded = await loadPolicy(reader, { owner: ref.owner, repo: ref.repo, ref: pr.base.ref });
  seen.loaded = loaded;
  const policy = loaded.policy ?? defaultPolicy();
  let facts = await gatherFacts(gh, ref, policy, pr, opts.expectReviewId === undefined ? {} : { expectReviewId: opts.expectReviewId });
  let previous: NonNullable<Decision["memory"]>["previous"] | undefined;
  const withoutMemory = facts;
  const remember = async (memory: MemoryAccess, useKnown: boolean) => {
    const self = await memory.self();
    const current = detectPullRequest(withoutMemory, detectorFor(policy));
    const read = await readMemory(gh, ref, withoutMemory, {
      appId: self.appId,
      checkName: policy.check_name,
      before: memory.earlierHeads?.[ref.number],
      needsCommits: (sofar) => !withMemory(current, { ...withoutMemory, memory: sofar }).agentAuthored,
      useKnown,
    });
    facts = { ...withoutMemory, memory: read.memory, incomplete: [...withoutMemory.incomplete, ...read.problems] };
    previous = read.head;
    return read;
  };
  // In one process, the runs agentgate last wrote stand in for reading them again (facts/memory.ts).
  const memoryRead = opts.memory ? await remember(opts.memory, !opts.memory.order) : undefined;
  let decision = decide(facts, loaded);
  if (decision.state === "success" && ((opts.memory && memoryRead?.fromCache) || facts.diffUnchangedFromCache?.length)) {
    // A cache is never the reason for a success: what came from one (agentgate's memory, an earlier
    // head's change) is read from GitHub before one.
    if (opts.memory && memoryRead?.fromCache) await remember(opts.memory, false);
    facts = await withFreshDiffChecks(gh, ref, facts);
    decision = decide(facts, loaded);
  }
  if (decision.state === "success" && Object.values(facts.reviewers).some((r) => r.fromCache)) {
    // A cache is never the reason for a success: a reviewer demoted (or promoted, whose change
    // request was not counted) within the cache's lifetime is read again before anything passes.
    facts = await withFreshReviewers(gh, ref, policy, facts);
    decision = decide(facts, loaded);
  }
  if (previous) decision = { ...decision, memory: { record: decision.memory?.record ?? null, previous } };
  return { headSha: pr.head.sha, loaded, facts, decision, baseRef: pr.base.ref };
}

/**
 * What the webhook payload says about a PR. Used only to fail closed, never to pass: when the PR
 * itself cannot be read, the error is published on that head (under the check name of the policy
 * on that base), so an earlier success does not stand; and a review it names must be listed.
 */
export interface PayloadHint {
  headSha?: string;
  baseRef?: string;
  /** The review a pull_request_review event is about: the reviews GitHub lists must include it. */
  reviewId?: number;
}

export interface EvaluateOptions {
  fallback?: PayloadHint;
  /** Read agentgate's own memory of the PR (the App has it; the CLI does not). */
  memory?: MemoryAccess;
}

const SHA = /^[0-9a-f]{40}$/i;

/** The check name an error goes out under when the PR could not be read; the default if unknowable. */
async function fallbackCheckName(gh: Octokit, ref: PullRequestRef, baseRef: string | undefined): Promise<string> {
  if (!baseRef) return defaultPolicy().check_name;
  try {
    const loaded = await loadPolicy(githubPolicyReader(gh), { owner: ref.owner, repo: ref.repo, ref: baseRef });
    return loaded.policy?.check_name ?? defaultPolicy().check_name;
  } catch {
    return defaultPolicy().check_name;
  }
}

/** Decide one pull request; GitHub or policy trouble becomes an error decision, never a throw. */
export async function evaluatePullRequest(gh: Octokit, ref: PullRequestRef, log?: Logger, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const seen: { headSha?: string; loaded?: LoadedPolicy } = {};
  try {
    const { headSha, loaded, decision, baseRef } = await readAndDecide(gh, ref, seen, {
      memory: opts.memory,
      expectReviewId: opts.fallback?.reviewId,
      baseRefHint: opts.fallback?.baseRef,
    });
    return { ref, headSha, loaded, decision, baseRef };
  } catch (e) {
    log?.error({ err: e, pr: `${ref.owner}/${ref.repo}#${ref.number}` }, "evaluation failed");
    // Without the PR (and without a SHA from the webhook) there is nothing to publish on; the handler logs it.
    const hinted = opts.fallback?.headSha && SHA.test(opts.fallback.headSha) ? opts.fallback.headSha : "";
    const headSha = seen.headSha ?? hinted;
    const checkName =
      seen.loaded?.policy?.check_name ??
      (seen.headSha || !hinted ? defaultPolicy().check_name : await fallbackCheckName(gh, ref, opts.fallback?.baseRef));
    return { ref, headSha, loaded: seen.loaded ?? null, decision: errorDecision(headSha, checkName, `could not evaluate: ${reasonOf(e)}`) };
  }
}

async function timed<T>(run: GateRun, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    run.onEvaluated?.(performance.now() - started);
  }
}

const STRICTNESS: Record<GateState, number> = { success: 0, pending: 1, error: 2, failure: 3 };

/** Statuses attach to commits, not PRs: of several PRs on one SHA, the strictest decision is shown. */
export function strictest(evaluations: readonly Evaluation[]): Evaluation {
  return evaluations.reduce((a, b) => (STRICTNESS[b.decision.state] > STRICTNESS[a.decision.state] ? b : a));
}

export interface GateRun {
  gh: Octokit;
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
  /** When the delivery arrived (Date.now()): a shared turn is waited for from then (src/runtime/order.ts). */
  receivedAt?: number;
  /** What was last posted per commit and context (shared by replicas); absent: GitHub's list is read. */
  published?: PublishedStatuses;
}

/**
 * Deliveries for one repository are handled one at a time in this process, so an evaluation that
 * read older facts cannot publish after one that read newer facts (an old "success" landing after a
 * new "changes requested"). Replicas also hold the turn in Redis (run.order, src/runtime/order.ts).
 * A turn lasts at most `limitMs` (deadlines.ts): a delivery stuck longer no longer holds the others
 * back, rejects with TurnExpiredError, and is fenced from GitHub so it cannot publish afterwards.
 */
const repositoryQueues = new Map<string, Promise<unknown>>();
export function oneAtATime<T>(key: string, fn: () => Promise<T>, limitMs?: number): Promise<T> {
  const previous = repositoryQueues.get(key) ?? Promise.resolve();
  const turn = () => withinTurn(fn, limitMs);
  const next = previous.then(turn, turn);
  const tail: Promise<unknown> = next.catch(() => undefined);
  repositoryQueues.set(key, tail);
  void tail.then(() => {
    if (repositoryQueues.get(key) === tail) repositoryQueues.delete(key);
  });
  return next;
}

const queueKey = (where: RepoRef) => `${where.owner}/${where.repo}`.toLowerCase();

/** A repository's turn: in this process, and across replicas when the run has a shared order. */
function inTurn<T>(run: GateRun, where: RepoRef, fn: () => Promise<T>): Promise<T> {
  const key = queueKey(where);
  return oneAtATime(key, () => (run.order ? run.order.run(key, fn, run.receivedAt === undefined ? {} : { since: run.receivedAt }) : fn()));
}

/** Open PRs whose head is this SHA (they share its status). */
export async function openPullRequestsAt(gh: Octokit, where: RepoRef, sha: string): Promise<number[]> {
  const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ ...where, commit_sha: sha, per_page: 100 });
  return data.filter((p) => p.state === "open" && p.head.sha === sha).map((p) => p.number);
}

/**
 * Evaluate pull requests and publish, one result per head SHA. Other open PRs sharing a head SHA are
 * evaluated too, so the status on the commit is the strictest of them all.
 */
export function gatePullRequests(run: GateRun, where: RepoRef, numbers: readonly number[]): Promise<Evaluation[]> {
  return inTurn(run, where, () => gatePullRequestsNow(run, where, numbers));
}

async function gatePullRequestsNow(run: GateRun, where: RepoRef, numbers: readonly number[]): Promise<Evaluation[]> {
  // The PRs at the head the webhook names are listed beside the evaluation (one round trip less);
  // the list is used only for a PR whose head GitHub then says is that one.
  const listing = new Map<string, Promise<number[]>>();
  if (!run.openAt) {
    for (const n of numbers) {
      const hinted = run.payloadHints?.get(n)?.headSha?.toLowerCase();
      if (!hinted || !SHA.test(hinted) || listing.has(hinted)) continue;
      const listed = openPullRequestsAt(run.gh, where, hinted);
      listed.catch(() => undefined); // met (and logged) where it is used
      listing.set(hinted, listed);
    }
  }
  const evaluated = new Map<number, Evaluation>();
  for (const number of new Set(numbers)) {
    evaluated.set(number, await timed(run, () => evaluatePullRequest(run.gh, { ...where, number }, run.log, { fallback: run.payloadHints?.get(number), memory: run })));
  }
  const bySha = new Map<string, Evaluation[]>();
  // Commits whose other PRs could not be listed: one of them may be stricter, so they cannot pass.
  const unlisted = new Map<string, string>();
  for (const ev of [...evaluated.values()]) {
    if (!ev.headSha || bySha.has(ev.headSha)) continue;
    bySha.set(ev.headSha, []);
    try {
      const listed = ev.decision.state !== "success" ? run.openAt?.get(ev.headSha) : undefined;
      for (const n of listed ?? (await (listing.get(ev.headSha.toLowerCase()) ?? openPullRequestsAt(run.gh, where, ev.headSha)))) {
        const other = evaluated.get(n) ?? (await timed(run, () => evaluatePullRequest(run.gh, { ...where, number: n }, run.log, { memory: run })));
        // GitHub listed this PR at this head: when it cannot be read, its error belongs to this SHA's group.
        evaluated.set(n, other.headSha ? other : atHead(other, ev.headSha));
      }
    } catch (e) {
      run.log.error({ err: e, sha: ev.headSha }, "could not list the pull requests of a commit");
      unlisted.set(ev.headSha, `could not list the pull requests that share commit ${ev.headSha.slice(0, 7)}: ${reasonOf(e)}`);
    }
  }
  for (const ev of evaluated.values()) if (ev.headSha) bySha.get(ev.headSha)?.push(ev);

  const self = await run.self();
  for (const [sha, group] of bySha) {
    const strictestHere = strictest(group);
    const reason = unlisted.get(sha);
    const chosen = reason ? { ...strictestHere, decision: errorDecision(sha, strictestHere.decision.checkName, reason) } : strictestHere;
    const numbersHere = group.map((g) => g.ref.number).sort((a, b) => a - b);
    const decision =
      group.length > 1
        ? {
            ...chosen.decision,
            notes: [
              ...(chosen.decision.notes ?? []),
              `Pull requests ${numbersHere.map((n) => "#" + n).join(", ")} share this head commit; the strictest result (#${chosen.ref.number}) is shown.`,
            ],
          }
        : chosen.decision;
    // Twins into different branches may use different check names: each name shows the strictest
    // result, or a lenient twin's earlier success would stay on its name.
    for (const checkName of checkNamesOf(group)) {
      // The run on this commit remembers what every PR on it was judged (src/memory/).
      const baseRef = chosen.baseRef ?? run.payloadHints?.get(chosen.ref.number)?.baseRef;
      const enforcement = baseRef ? await enforcementOf(run, where, baseRef, checkName, self.appId) : undefined;
      const named = { ...decision, checkName, memory: groupMemory(sha, group.map((g) => g.decision)), ...(enforcement ? { enforcement } : {}) };
      const result = await publishOrSayWhy(run, where, sha, named, self, {
        externalId: numbersHere.join(","),
        newCheckRun: run.newCheckRun,
        publish: publishModeOf(group, checkName),
      });
      logPublished(run, where, sha, named, result, numbersHere);
    }
  }
  const unknownHead = [...evaluated.values()].filter((e) => !e.headSha);
  for (const ev of unknownHead) {
    // Nothing to attach a status to: the PR could not even be read. Say so loudly.
    run.onOutcome?.("unpublished");
    run.log.error({ pr: `${where.owner}/${where.repo}#${ev.ref.number}`, problems: ev.decision.problems }, "could not read the pull request; nothing published");
  }
  return [...evaluated.values()];
}

/**
 * Whether GitHub enforces `checkName` on the base branch (src/doctor/), read at most every 10 minutes
 * per branch. Information only: it is shown first in the check run and never changes the state.
 */
async function enforcementOf(run: GateRun, where: RepoRef, branch: string, checkName: string, appId: number): Promise<EnforcementReport | undefined> {
  try {
    return diagnose({ ...(await cachedEnforcement(run.gh, where, branch)), checkName, appId });
  } catch (e) {
    run.log.warn({ err: e, branch }, "could not read the branch's protection");
    return undefined;
  }
}

/** The evaluation of a PR GitHub listed at `sha` but that could not be read: an error on that SHA. */
function atHead(ev: Evaluation, sha: string): Evaluation {
  return { ...ev, headSha: sha, decision: { ...ev.decision, headSha: sha } };
}

/**
 * What to write under one check name: the check run alone only when every policy behind that name
 * says so; an evaluation without a policy (it could not be read) publishes both.
 */
export function publishModeOf(group: readonly Evaluation[], checkName: string): "both" | "check_run" {
  const named = group.filter((g) => g.decision.checkName === checkName);
  return named.length && named.every((g) => g.loaded?.policy?.publish === "check_run") ? "check_run" : "both";
}

/** The check names a group of evaluations publishes under, in first-seen order. */
export function checkNamesOf(group: readonly Evaluation[]): string[] {
  return [...new Set(group.map((g) => g.decision.checkName))];
}

function logPublished(run: GateRun, where: RepoRef, sha: string, d: Decision, result: Published, prs: readonly number[]) {
  run.onOutcome?.(d.state);
  run.audit?.record(decisionEvent({ ...d, headSha: sha }, prs, auditContext(run, where)));
  run.log.info(
    {
      repo: `${where.owner}/${where.repo}`,
      sha,
      state: d.state,
      status: result.status,
      checkRun: result.checkRun,
      ...(run.requestCount ? { githubRequests: run.requestCount() } : {}),
    },
    `agentgate ${d.state}: ${d.headline}`,
  );
}

/** Who, where and when, for an audit event. */
export function auditContext(run: Pick<GateRun, "delivery">, where: RepoRef): { delivery: string | null; repository: string; at: string; app: string } {
  return { delivery: run.delivery ?? null, repository: `${where.owner}/${where.repo}`, at: new Date().toISOString(), app: appVersion() };
}

/** The merge group GitHub asks about, as its webhook names it. */
export interface MergeGroupRef {
  headSha: string;
  baseSha: string;
  /** `refs/heads/gh-readonly-queue/<base>/pr-<n>-<sha>`, named by GitHub. */
  headRef: string;
}

/** The PR a queue branch is named after (GitHub names it; used as a cross-check only). */
export function queueBranchPullRequest(headRef: string): number | undefined {
  const m = /\/pr-(\d+)-[0-9a-f]+$/.exec(headRef);
  return m ? Number(m[1]) : undefined;
}

/**
 * A merge queue's temporary commit needs the required check, or the queue stalls. Every PR whose
 * changes the group's commit contains is judged (found from GitHub, see facts/merge-group.ts) and the
 * strictest result is published; a group whose PRs cannot all be determined is an error.
 */
export function gateMergeGroup(run: GateRun, where: RepoRef, group: MergeGroupRef): Promise<Evaluation[]> {
  return inTurn(run, where, () => gateMergeGroupNow(run, where, group));
}

async function gateMergeGroupNow(run: GateRun, where: RepoRef, group: MergeGroupRef): Promise<Evaluation[]> {
  const self = await run.self();
  const { headSha } = group;
  const problems: string[] = [];
  let members: GroupMember[] = [];
  try {
    const contents = await mergeGroupContents(run.gh, where, group.baseSha, headSha);
    members = contents.members;
    problems.push(...contents.problems);
  } catch (e) {
    run.log.error({ err: e, sha: headSha }, "could not read the merge group's commits");
    problems.push(`could not tell which pull requests are in this merge group: ${reasonOf(e)}`);
  }
  if (!members.length && !problems.length) problems.push("no pull request was found among the merge group's commits");
  const named = queueBranchPullRequest(group.headRef);
  if (named !== undefined && !problems.length && !members.some((m) => m.number === named)) {
    problems.push(`the queue's branch names #${named}, but its head is not among the merge group's commits`);
  }
  const evaluations: Evaluation[] = [];
  for (const m of members) {
    const ev = await timed(run, () => evaluatePullRequest(run.gh, { ...where, number: m.number }, run.log, { memory: run }));
    // The PR moved on since it was queued: its current decision is not about what the group merges.
    evaluations.push(
      ev.headSha && ev.headSha !== m.headSha
        ? { ...ev, decision: errorDecision(headSha, ev.decision.checkName, `#${m.number} has a new head since it was queued`) }
        : ev,
    );
  }
  const chosen = evaluations.length ? strictest(evaluations).decision : undefined;
  const checkName = chosen?.checkName ?? defaultPolicy().check_name;
  const decision = problems.length ? errorDecision(headSha, checkName, problems.join("; ")) : { ...(chosen as Decision), headSha };
  const notes = evaluations.length
    ? [`Merge group of ${evaluations.map((e) => `#${e.ref.number} (${e.decision.state})`).join(", ")}.`]
    : [];
  const published = { ...decision, notes: [...(decision.notes ?? []), ...notes] };
  for (const name of evaluations.length ? checkNamesOf(evaluations) : [checkName]) {
    const result = await publishOrSayWhy(run, where, headSha, { ...published, checkName: name }, self, {
      externalId: evaluations.map((e) => e.ref.number).join(","),
      publish: publishModeOf(evaluations, name),
    });
    logPublished(run, where, headSha, { ...published, checkName: name }, result, evaluations.map((e) => e.ref.number));
  }
  return evaluations;
}

/**
 * The check names agentgate published under lately, per repository: a policy on another branch may
 * use its own name, and a forgery on it must be answered too. In this process only; the status
 * handler also reads the App's check runs on the forged SHA, which every replica sees.
 */
const publishedNames = new LRUCache<string, string[]>({ max: 5_000, ttl: 7 * 24 * 3_600_000 });
const NAMES_KEPT = 20;

export function rememberCheckName(where: RepoRef, name: string): void {
  const key = queueKey(where);
  const names = publishedNames.get(key) ?? [];
  if (!names.includes(name)) publishedNames.set(key, [name, ...names].slice(0, NAMES_KEPT));
}

export function publishedCheckNames(where: RepoRef): string[] {
  return publishedNames.get(queueKey(where)) ?? [];
}

/** GitHub keeps at most 1000 statuses per commit and context, then answers 422. */
export function isStatusCapError(e: unknown): boolean {
  if (typeof e !== "object" || !e || (e as { status?: unknown }).status !== 422) return false;
  const body = JSON.stringify((e as { response?: { data?: unknown } }).response?.data ?? null);
  return /maximum number of statuses/i.test(`${e instanceof Error ? e.message : ""} ${body}`);
}

export function statusCapNote(context: string, lastBy?: string): string {
  return (
    `The commit status "${context}" on this commit ${lastBy ? `was last posted by @${lastBy} and ` : ""}cannot be overwritten: ` +
    "GitHub accepts at most 1000 statuses per commit and context, and this one is full. Ignore that status; this check run is " +
    "agentgate's decision. Only a required check pinned to the agentgate App in branch protection ignores statuses others post."
  );
}

type Published = Omit<PublishResult, "status"> & { status: PublishResult["status"] | "refused" };

/** Publish; when GitHub refuses the status (the cap), the check run still carries the decision and says why. */
async function publishOrSayWhy(
  run: GateRun,
  where: RepoRef,
  sha: string,
  decision: Decision,
  self: AppIdentity,
  opts: PublishOptions,
): Promise<Published> {
  rememberCheckName(where, decision.checkName);
  try {
    return await publishDecision(run.gh, where, sha, decision, self, opts, run.published);
  } catch (e) {
    if (!isStatusCapError(e)) throw e;
    run.log.error({ sha, context: decision.checkName }, "GitHub refused the status: this commit has 1000 on its context");
    const noted = { ...decision, notes: [...(decision.notes ?? []), statusCapNote(decision.checkName)] };
    return { status: "refused", checkRun: await publishCheckRun(run.gh, where, sha, noted, self, opts) };
  }
}

/** One of agentgate's check runs on the forged SHA, as GitHub lists it. */
export interface OurCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  /** Holds agentgate's memory record (src/memory/): an update of the output must carry it on. */
  output: { title: string | null; summary: string | null; text?: string | null };
}

export type ForgeryAnswer =
  | { kind: "ignore"; why: string }
  | { kind: "answer"; state: "success" | "failure"; description: string; run: OurCheckRun | undefined };

/**
 * How to answer a status someone else posted. A context is ours when it is (in any letter case) the
 * name of one of our check runs on that SHA or a name a policy of the repository uses; case variants
 * are answered too, since it is not documented how branch protection compares names. The check run
 * holds the real decision: a success there is restored on the exact name; anything else, or a name
 * without a run, is answered with failure. A forged non-success passes nothing and is left alone
 * (each answer counts against GitHub's 1000 statuses per context).
 */
export function forgeryAnswer(
  context: string,
  forger: string,
  forgedState: string,
  runs: readonly OurCheckRun[],
  watched: readonly string[],
): ForgeryAnswer {
  const key = context.toLowerCase();
  const exact = runs.find((r) => r.name === context);
  const variant = exact ?? runs.find((r) => r.name.toLowerCase() === key);
  const exactName = !!exact || watched.includes(context);
  if (!variant && !watched.some((n) => n.toLowerCase() === key)) return { kind: "ignore", why: "not agentgate's context" };
  if (exact && exact.status === "completed" && exact.conclusion === "success") {
    // A forged success where the decision is success hides nothing; restoring it would spend the cap.
    if (forgedState === "success") return { kind: "ignore", why: "agentgate's check run says success too" };
    return { kind: "answer", state: "success", description: truncate(exact.output.title ?? "", STATUS_DESCRIPTION_LIMIT), run: exact };
  }
  if (forgedState !== "success") return { kind: "ignore", why: `a forged ${forgedState} passes nothing` };
  const description = exactName
    ? `forged status by @${forger} overwritten · re-run the check`
    : `forged status by @${forger} overwritten · agentgate's context is spelled differently`;
  return { kind: "answer", state: "failure", description: truncate(description, STATUS_DESCRIPTION_LIMIT), run: variant };
}

/** Someone else posted on one of our contexts: answer it from the check run, without re-judging. */
export function answerForgedStatus(
  run: GateRun,
  where: RepoRef,
  forged: { sha: string; context: string; forger: string; state: string },
  watched: readonly string[],
): Promise<void> {
  return inTurn(run, where, () => answerForgedStatusNow(run, where, forged, watched));
}

async function answerForgedStatusNow(
  run: GateRun,
  where: RepoRef,
  forged: { sha: string; context: string; forger: string; state: string },
  watched: readonly string[],
): Promise<void> {
  const self = await run.self();
  const { sha, context, forger } = forged;
  // Forgotten again within the turn: a publish that was running when the forged status came in may
  // have remembered its own write after the status handler forgot it.
  await run.published?.forget(publishedKey(where, sha, context));
  const { data } = await run.gh.rest.checks.listForRef({ ...where, ref: sha, app_id: self.appId, filter: "latest", per_page: 100 });
  const ours = data.check_runs.filter((r) => r.app?.id === self.appId);
  const answer = forgeryAnswer(context, forger, forged.state, ours, [...watched, ...publishedCheckNames(where)]);
  if (answer.kind === "ignore") return;
  try {
    await run.gh.rest.repos.createCommitStatus({ ...where, sha, state: answer.state, context, description: answer.description });
  } catch (e) {
    if (!isStatusCapError(e)) throw e;
    run.log.error({ repo: `${where.owner}/${where.repo}`, sha, context, forger }, "forged status cannot be overwritten: 1000 statuses on its context");
    if (answer.run) {
      const summary = `${statusCapNote(context, forger)}\n\n${answer.run.output.summary ?? ""}`.slice(0, CHECK_SUMMARY_LIMIT);
      if (answer.run.output.summary?.startsWith(statusCapNote(context, forger))) return; // said already
      const text = answer.run.output.text;
      forgetOwnCheckRuns(where, sha); // a write the copy of this commit's runs does not follow
      await run.gh.rest.checks.update({
        ...where,
        check_run_id: answer.run.id,
        output: { title: answer.run.output.title ?? context, summary, ...(text ? { text } : {}) },
      });
    }
    return;
  }
  run.log.warn(
    { repo: `${where.owner}/${where.repo}`, sha, context, forger, forgedState: forged.state, answer: answer.state, ...(run.requestCount ? { githubRequests: run.requestCount() } : {}) },
    "forged status answered",
  );
}

/** GitHub's limit on a check run's summary. */
const CHECK_SUMMARY_LIMIT = 65_535;
