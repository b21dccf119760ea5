/**
 * The gate: the one place that knows the order. Load the policy from the base branch, gather the
 * facts, decide, publish. It fails closed: any exception becomes a published `error` with the reason.
 */
import type { Octokit } from "@octokit/rest";
import { loadPolicy, type LoadedPolicy } from "./config/load.js";
import { defaultPolicy } from "./config/schema.js";
import { decide } from "./decide.js";
import { gatherFacts, githubPolicyReader, readPullRequest, withFreshReviewers, type PullRequestRef } from "./facts/github.js";
import type { Decision, GateState } from "./policy/types.js";
import { headlineOf } from "./report/headline.js";
import { publishCheckRun, publishDecision, publishStatus, type AppIdentity, type PublishResult, type RepoRef } from "./publish.js";
import type { Detection } from "./detect/types.js";
import type { PullRequestFacts } from "./facts/types.js";
import { withinTurn } from "./deadlines.js";

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
    missing: ["agentgate could not decide; see problems"],
    problems: [reason],
  };
  return { ...d, headline: headlineOf(d) };
}

export interface ReadAndDecided {
  headSha: string;
  loaded: LoadedPolicy;
  facts: PullRequestFacts;
  decision: Decision;
}

/**
 * The App's steps for one pull request: fresh PR, the policy from its base branch (never the head:
 * an agent cannot loosen its own gate), fresh facts, decide. Read-only. Throws when GitHub fails
 * (after Octokit's retries) or answers malformed; the CLI's `explain` uses this as it is.
 */
export async function readAndDecide(
  gh: Octokit,
  ref: PullRequestRef,
  /** Filled in as steps succeed, so a failure later can still be published on the right SHA and name. */
  seen: { headSha?: string; loaded?: LoadedPolicy } = {},
  /** A review the webhook is about; the reviews read must include it (see ReadOptions). */
  expectReviewId?: number,
): Promise<ReadAndDecided> {
  const pr = await readPullRequest(gh, ref);
  seen.headSha = pr.head.sha;
  const loaded = await loadPolicy(githubPolicyReader(gh), { owner: ref.owner, repo: ref.repo, ref: pr.base.ref });
  seen.loaded = loaded;
  const policy = loaded.policy ?? defaultPolicy();
  let facts = await gatherFacts(gh, ref, policy, pr, expectReviewId === undefined ? {} : { expectReviewId });
  let decision = decide(facts, loaded);
  if (decision.state === "success" && Object.values(facts.reviewers).some((r) => r.fromCache)) {
    // A cache is never the reason for a success: a reviewer demoted (or promoted, whose change
    // request was not counted) within the cache's lifetime is read again before anything passes.
    facts = await withFreshReviewers(gh, ref, policy, facts);
    decision = decide(facts, loaded);
  }
  return { headSha: pr.head.sha, loaded, facts, decision };
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
    const { headSha, loaded, decision } = await readAndDecide(gh, ref, seen, opts.fallback?.reviewId);
    return { ref, headSha, loaded, decision };
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
  /** By PR number: where to publish an error when that PR cannot be read (see PayloadHint). */
  payloadHints?: ReadonlyMap<number, PayloadHint>;
}

/**
 * Deliveries for one repository are handled one at a time in this process, so an evaluation that
 * read older facts cannot publish after one that read newer facts (an old "success" landing after a
 * new "changes requested"). Replicas do not share this; see the README on running several.
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
  return oneAtATime(queueKey(where), () => gatePullRequestsNow(run, where, numbers));
}

async function gatePullRequestsNow(run: GateRun, where: RepoRef, numbers: readonly number[]): Promise<Evaluation[]> {
  const evaluated = new Map<number, Evaluation>();
  for (const number of new Set(numbers)) {
    evaluated.set(number, await evaluatePullRequest(run.gh, { ...where, number }, run.log, { fallback: run.payloadHints?.get(number) }));
  }
  const bySha = new Map<string, Evaluation[]>();
  // Commits whose other PRs could not be listed: one of them may be stricter, so they cannot pass.
  const unlisted = new Map<string, string>();
  for (const ev of [...evaluated.values()]) {
    if (!ev.headSha || bySha.has(ev.headSha)) continue;
    bySha.set(ev.headSha, []);
    try {
      for (const n of await openPullRequestsAt(run.gh, where, ev.headSha)) {
        if (!evaluated.has(n)) evaluated.set(n, await evaluatePullRequest(run.gh, { ...where, number: n }, run.log));
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
    const result = await publishDecision(run.gh, where, sha, decision, self, {
      externalId: numbersHere.join(","),
      newCheckRun: run.newCheckRun,
    });
    logPublished(run, where, sha, decision, result);
  }
  const unknownHead = [...evaluated.values()].filter((e) => !e.headSha);
  for (const ev of unknownHead) {
    // Nothing to attach a status to: the PR could not even be read. Say so loudly.
    run.log.error({ pr: `${where.owner}/${where.repo}#${ev.ref.number}`, problems: ev.decision.problems }, "could not read the pull request; nothing published");
  }
  return [...evaluated.values()];
}

function logPublished(run: GateRun, where: RepoRef, sha: string, d: Decision, result: PublishResult) {
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

/**
 * A merge queue's temporary commit needs the required check, or the queue stalls. It gets the
 * strictest decision of the pull requests in the group.
 */
export function gateMergeGroup(run: GateRun, where: RepoRef, headSha: string, numbers: readonly number[]): Promise<Evaluation[]> {
  return oneAtATime(queueKey(where), () => gateMergeGroupNow(run, where, headSha, numbers));
}

async function gateMergeGroupNow(run: GateRun, where: RepoRef, headSha: string, numbers: readonly number[]): Promise<Evaluation[]> {
  const self = await run.self();
  const evaluations: Evaluation[] = [];
  for (const number of new Set(numbers)) evaluations.push(await evaluatePullRequest(run.gh, { ...where, number }, run.log));
  const decision = evaluations.length
    ? { ...strictest(evaluations).decision, headSha }
    : errorDecision(headSha, defaultPolicy().check_name, "could not tell which pull requests are in this merge group");
  const notes = evaluations.length
    ? [`Merge group of ${evaluations.map((e) => `#${e.ref.number} (${e.decision.state})`).join(", ")}.`]
    : [];
  const published = { ...decision, notes: [...(decision.notes ?? []), ...notes] };
  const result = await publishDecision(run.gh, where, headSha, published, self, {
    externalId: evaluations.map((e) => e.ref.number).join(","),
  });
  logPublished(run, where, headSha, published, result);
  return evaluations;
}

/** Someone else posted on our context: overwrite with failure and say who. */
export function answerForgedStatus(run: GateRun, where: RepoRef, sha: string, forger: string, forgedState: string): Promise<void> {
  return oneAtATime(queueKey(where), () => answerForgedStatusNow(run, where, sha, forger, forgedState));
}

async function answerForgedStatusNow(run: GateRun, where: RepoRef, sha: string, forger: string, forgedState: string): Promise<void> {
  const self = await run.self();
  const numbers = await openPullRequestsAt(run.gh, where, sha);
  const evaluations: Evaluation[] = [];
  for (const n of numbers) evaluations.push(await evaluatePullRequest(run.gh, { ...where, number: n }, run.log));
  const real = evaluations.length ? strictest(evaluations).decision : errorDecision(sha, defaultPolicy().check_name, "no open pull request has this head");
  const note = `A "${forgedState}" status on "${real.checkName}" was posted by @${forger}, not by agentgate. It was overwritten with failure; re-run the check to re-evaluate.`;
  const forged: Decision = {
    ...real,
    state: "failure",
    headline: `forged status by @${forger} overwritten · re-run the check`,
    notes: [...(real.notes ?? []), note],
  };
  // The status says failure; the check run (which only this app can write) keeps the real decision.
  const status = await publishStatus(run.gh, where, sha, forged, self);
  const checkRun = await publishCheckRun(run.gh, where, sha, { ...real, notes: forged.notes }, self, { externalId: numbers.join(",") });
  const result = { status, checkRun };
  run.log.warn({ repo: `${where.owner}/${where.repo}`, sha, forger, forgedState, result }, "forged status overwritten");
}
