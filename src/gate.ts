/**
 * The gate: the one place that knows the order. Load the policy from the base branch, gather the
 * facts, decide, publish. It fails closed: any exception becomes a published `error` with the reason.
 * GitHub is reached only through a GatePort (src/github/port.ts): the entry points build the real
 * one from the run; the `...With` functions take any port (tests use an in-memory one).
 */
import { mergeGroupNote, sharedHeadNote, statusCapNote } from "./report/notes.js";
import { performance } from "node:perf_hooks";
import { defaultPolicy, type PublishMode } from "./config/schema.js";
import type { Decision, GateState } from "./policy/types.js";
import { STATUS_DESCRIPTION_LIMIT, truncate } from "./report/headline.js";
import { LRUCache } from "lru-cache";
import { publishedKey, type AppIdentity, type PublishOptions, type PublishResult, type RepoRef } from "./publish.js";
import type { GroupMember } from "./facts/merge-group.js";
import { groupMemory } from "./memory/publish.js";
import { deadlinesOf, withinTurn } from "./deadlines.js";
import { diagnose, type EnforcementReport } from "./doctor/core.js";
import { decisionEvent } from "./audit/event.js";
import { appVersion } from "./version.js";
import { errorDecision, reasonOf, SHA, type Evaluation } from "./evaluation.js";
import { githubGatePort, type GatePort } from "./github/port.js";
import type { GateContext, GateRun, OurCheckRun } from "./github/run.js";
import { cacheSlot, cachesOf } from "./runtime/caches.js";

export type { GateContext, GateRun, OurCheckRun } from "./github/run.js";

// The readers moved behind the port (src/github/); named here too for the handlers, the CLI and tests.
export { errorDecision, type Evaluation, type Logger } from "./evaluation.js";
export {
  evaluatePullRequest,
  githubReadSource,
  openPullRequestsAt,
  readAndDecide,
  type EvaluateOptions,
  type MemoryAccess,
  type PayloadHint,
  type ReadAndDecided,
  type ReadSource,
} from "./github/evaluate.js";

async function timed<T>(run: GateContext, work: () => Promise<T>): Promise<T> {
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


/**
 * Deliveries for one repository are handled one at a time in this process, so an evaluation that
 * read older facts cannot publish after one that read newer facts (an old "success" landing after a
 * new "changes requested"). Replicas also hold the turn in Redis (run.order, src/runtime/order.ts).
 * A turn lasts at most `limitMs` (deadlines.ts): a delivery stuck longer no longer holds the others
 * back, rejects with TurnExpiredError, and is fenced from GitHub so it cannot publish afterwards.
 */
export type RepositoryQueues = Map<string, Promise<unknown>>;
const repositoryQueuesKept = cacheSlot((): RepositoryQueues => new Map());

export function oneAtATime<T>(queues: RepositoryQueues, key: string, fn: () => Promise<T>, limitMs?: number): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const turn = () => withinTurn(fn, limitMs);
  const next = previous.then(turn, turn);
  const tail: Promise<unknown> = next.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return next;
}

const queueKey = (where: RepoRef) => `${where.owner}/${where.repo}`.toLowerCase();

/** A repository's turn: in this process, and across replicas when the run has a shared order. */
function inTurn<T>(run: GateRun, where: RepoRef, fn: () => Promise<T>): Promise<T> {
  const key = queueKey(where);
  const inOrder = () => (run.order ? run.order.run(key, fn, run.receivedAt === undefined ? {} : { since: run.receivedAt }) : fn());
  return oneAtATime(cachesOf(run.gh).of(repositoryQueuesKept), key, inOrder, deadlinesOf(run.gh).turnLimitMs);
}

/**
 * Evaluate pull requests and publish, one result per head SHA. Other open PRs sharing a head SHA are
 * evaluated too, so the status on the commit is the strictest of them all.
 */
export function gatePullRequests(run: GateRun, where: RepoRef, numbers: readonly number[]): Promise<Evaluation[]> {
  return inTurn(run, where, () => gatePullRequestsWith(githubGatePort(run), run, where, numbers));
}


/** gatePullRequests on a port, outside the repository's turn (the caller holds it, or a test needs none). */
export async function gatePullRequestsWith(port: GatePort, run: GateContext, where: RepoRef, numbers: readonly number[]): Promise<Evaluation[]> {
  // The PRs at the head the webhook names are listed beside the evaluation (one round trip less);
  // the list is used only for a PR whose head GitHub then says is that one.
  const listing = new Map<string, Promise<number[]>>();
  if (!run.openAt) {
    for (const n of numbers) {
      const hinted = run.payloadHints?.get(n)?.headSha?.toLowerCase();
      if (!hinted || !SHA.test(hinted) || listing.has(hinted)) continue;
      const listed = port.openPullRequestsAt(where, hinted);
      listed.catch(() => undefined); // met (and logged) where it is used
      listing.set(hinted, listed);
    }
  }
  const evaluated = new Map<number, Evaluation>();
  for (const number of new Set(numbers)) {
    evaluated.set(number, await timed(run, () => port.evaluate(where, number, run.payloadHints?.get(number))));
  }
  const bySha = new Map<string, Evaluation[]>();
  // Commits whose other PRs could not be listed: one of them may be stricter, so they cannot pass.
  const unlisted = new Map<string, string>();
  for (const ev of [...evaluated.values()]) {
    if (!ev.headSha || bySha.has(ev.headSha)) continue;
    bySha.set(ev.headSha, []);
    try {
      const listed = ev.decision.state !== "success" ? run.openAt?.get(ev.headSha) : undefined;
      for (const n of listed ?? (await (listing.get(ev.headSha.toLowerCase()) ?? port.openPullRequestsAt(where, ev.headSha)))) {
        const other = evaluated.get(n) ?? (await timed(run, () => port.evaluate(where, n)));
        // GitHub listed this PR at this head: when it cannot be read, its error belongs to this SHA's group.
        evaluated.set(n, other.headSha ? other : atHead(other, ev.headSha));
      }
    } catch (e) {
      run.log.error({ err: e, sha: ev.headSha }, "could not list the pull requests of a commit");
      unlisted.set(ev.headSha, `could not list the pull requests that share commit ${ev.headSha.slice(0, 7)}: ${reasonOf(e)}`);
    }
  }
  for (const ev of evaluated.values()) if (ev.headSha) bySha.get(ev.headSha)?.push(ev);

  const self = await port.identity();
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
              sharedHeadNote(numbersHere, chosen.ref.number),
            ],
          }
        : chosen.decision;
    // Twins into different branches may use different check names: each name shows the strictest
    // result, or a lenient twin's earlier success would stay on its name.
    for (const checkName of checkNamesOf(group)) {
      // The run on this commit remembers what every PR on it was judged (src/memory/).
      const baseRef = chosen.baseRef ?? run.payloadHints?.get(chosen.ref.number)?.baseRef;
      const enforcement = baseRef ? await enforcementOf(port, run, where, baseRef, checkName, self.appId) : undefined;
      const named = { ...decision, checkName, memory: groupMemory(sha, group.map((g) => g.decision)), ...(enforcement ? { enforcement } : {}) };
      const result = await publishOrSayWhy(port, run, where, sha, named, self, {
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
async function enforcementOf(port: GatePort, run: GateContext, where: RepoRef, branch: string, checkName: string, appId: number): Promise<EnforcementReport | undefined> {
  try {
    return diagnose({ ...(await port.enforcement(where, branch)), checkName, appId });
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
 * What to write under one check name: one of the two alone (`check_run`, `status`) only when every
 * policy behind that name says the same; policies that differ, or an evaluation without a policy (it
 * could not be read), publish both.
 */
export function publishModeOf(group: readonly Evaluation[], checkName: string): PublishMode {
  const modes = new Set(group.filter((g) => g.decision.checkName === checkName).map((g) => g.loaded?.policy?.publish ?? "both"));
  return modes.size === 1 ? [...modes][0]! : "both";
}

/** The check names a group of evaluations publishes under, in first-seen order. */
export function checkNamesOf(group: readonly Evaluation[]): string[] {
  return [...new Set(group.map((g) => g.decision.checkName))];
}

function logPublished(run: GateContext, where: RepoRef, sha: string, d: Decision, result: Published, prs: readonly number[]) {
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
  return inTurn(run, where, () => gateMergeGroupWith(githubGatePort(run), run, where, group));
}

/** gateMergeGroup on a port, outside the repository's turn. */
export async function gateMergeGroupWith(port: GatePort, run: GateContext, where: RepoRef, group: MergeGroupRef): Promise<Evaluation[]> {
  const self = await port.identity();
  const { headSha } = group;
  const problems: string[] = [];
  let members: GroupMember[] = [];
  try {
    const contents = await port.mergeGroupContents(where, group.baseSha, headSha);
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
    const ev = await timed(run, () => port.evaluate(where, m.number));
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
    ? [mergeGroupNote(evaluations.map((e) => ({ number: e.ref.number, state: e.decision.state })))]
    : [];
  const published = { ...decision, notes: [...(decision.notes ?? []), ...notes] };
  for (const name of evaluations.length ? checkNamesOf(evaluations) : [checkName]) {
    const result = await publishOrSayWhy(port, run, where, headSha, { ...published, checkName: name }, self, {
      externalId: evaluations.map((e) => e.ref.number).join(","),
      publish: publishModeOf(evaluations, name),
    });
    logPublished(run, where, headSha, { ...published, checkName: name }, result, evaluations.map((e) => e.ref.number));
  }
  return evaluations;
}

/**
 * The check names agentgate published under lately, per repository: a policy on another branch may
 * use its own name, and a forgery on it must be answered too. Per app, in this process; the status
 * handler also reads the App's check runs on the forged SHA, which every replica sees.
 */
const publishedNamesKept = cacheSlot(() => new LRUCache<string, string[]>({ max: 5_000, ttl: 7 * 24 * 3_600_000 }));
const NAMES_KEPT = 20;

/** `port`: the app's port that published (its app keeps the names). */
function rememberCheckName(port: GatePort, where: RepoRef, name: string): void {
  const publishedNames = cachesOf(port).of(publishedNamesKept);
  const key = queueKey(where);
  const names = publishedNames.get(key) ?? [];
  if (!names.includes(name)) publishedNames.set(key, [name, ...names].slice(0, NAMES_KEPT));
}

function publishedCheckNames(port: GatePort, where: RepoRef): string[] {
  return cachesOf(port).of(publishedNamesKept).get(queueKey(where)) ?? [];
}

/** GitHub keeps at most 1000 statuses per commit and context, then answers 422. */
export function isStatusCapError(e: unknown): boolean {
  if (typeof e !== "object" || !e || (e as { status?: unknown }).status !== 422) return false;
  const body = JSON.stringify((e as { response?: { data?: unknown } }).response?.data ?? null);
  return /maximum number of statuses/i.test(`${e instanceof Error ? e.message : ""} ${body}`);
}


type Published = Omit<PublishResult, "status"> & { status: PublishResult["status"] | "refused" };

/** Publish; when GitHub refuses the status (the cap), the check run still carries the decision and says why. */
async function publishOrSayWhy(
  port: GatePort,
  run: GateContext,
  where: RepoRef,
  sha: string,
  decision: Decision,
  self: AppIdentity,
  opts: PublishOptions,
): Promise<Published> {
  rememberCheckName(port, where, decision.checkName);
  try {
    return await port.publish(where, sha, decision, self, opts);
  } catch (e) {
    if (!isStatusCapError(e)) throw e;
    run.log.error({ sha, context: decision.checkName }, "GitHub refused the status: this commit has 1000 on its context");
    // The check run went out beside the refused status: the note updates that run, so the run read
    // before deciding (memory.previous) no longer says which one to update.
    const memory = decision.memory ? { record: decision.memory.record } : undefined;
    const noted = { ...decision, ...(memory ? { memory } : {}), notes: [...(decision.notes ?? []), statusCapNote(decision.checkName)] };
    return { status: "refused", checkRun: await port.publishCheckRun(where, sha, noted, self, opts) };
  }
}


export type ForgeryAnswer =
  | { kind: "ignore"; why: string }
  | { kind: "answer"; state: "success" | "failure"; description: string; run: OurCheckRun | undefined };

/**
 * Whether a context is agentgate's: (in any letter case) the name of one of its check runs on that
 * SHA or a name a policy of the repository uses; case variants count too, since it is not documented
 * how branch protection compares names.
 */
export function isOurContext(context: string, runs: readonly OurCheckRun[], watched: readonly string[]): boolean {
  const key = context.toLowerCase();
  return runs.some((r) => r.name.toLowerCase() === key) || watched.some((n) => n.toLowerCase() === key);
}

/** agentgate's own newest status on the exact context, read where it has no check run of that name (`publish: status`). */
export interface OwnLatestStatus {
  state: string;
  description: string | null;
}

/**
 * How to answer a status someone else posted on one of agentgate's contexts (isOurContext). The
 * check run holds the real decision; where there is no run of the exact name (`publish: status`),
 * agentgate's own newest status there does (only its bot can post as it). A success there is restored
 * on the exact name; anything else, or a name agentgate never decided on, is answered with failure.
 * A forged non-success passes nothing and is left alone (each answer counts against GitHub's 1000
 * statuses per context).
 */
export function forgeryAnswer(
  context: string,
  forger: string,
  forgedState: string,
  runs: readonly OurCheckRun[],
  watched: readonly string[],
  own?: OwnLatestStatus,
): ForgeryAnswer {
  const key = context.toLowerCase();
  const exact = runs.find((r) => r.name === context);
  const variant = exact ?? runs.find((r) => r.name.toLowerCase() === key);
  const exactName = !!exact || watched.includes(context);
  if (!isOurContext(context, runs, watched)) return { kind: "ignore", why: "not agentgate's context" };
  const fromStatus = !exact && own !== undefined;
  const passed = exact ? exact.status === "completed" && exact.conclusion === "success" : own?.state === "success";
  if (passed) {
    // A forged success where the decision is success hides nothing; restoring it would spend the cap.
    if (forgedState === "success") return { kind: "ignore", why: `agentgate's ${exact ? "check run" : "status"} says success too` };
    const restored = exact ? (exact.output.title ?? "") : (own?.description ?? "");
    return { kind: "answer", state: "success", description: truncate(restored, STATUS_DESCRIPTION_LIMIT), run: exact };
  }
  if (forgedState !== "success") return { kind: "ignore", why: `a forged ${forgedState} passes nothing` };
  const description = fromStatus
    ? `forged status by @${forger} overwritten · agentgate said ${own?.state}`
    : exactName
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
  return inTurn(run, where, () => answerForgedStatusWith(githubGatePort(run), run, where, forged, watched));
}

/** answerForgedStatus on a port, outside the repository's turn. */
export async function answerForgedStatusWith(
  port: GatePort,
  run: GateContext,
  where: RepoRef,
  forged: { sha: string; context: string; forger: string; state: string },
  watched: readonly string[],
): Promise<void> {
  const self = await port.identity();
  const { sha, context, forger } = forged;
  // Forgotten again within the turn: a publish that was running when the forged status came in may
  // have remembered its own write after the status handler forgot it.
  await run.published?.forget(publishedKey(where, sha, context));
  const names = [...watched, ...publishedCheckNames(port, where)];
  let answer: ForgeryAnswer;
  try {
    const ours = await port.ownCheckRuns(where, sha, self.appId);
    if (!isOurContext(context, ours, names)) return;
    // No run of this name (`publish: status`): agentgate's own newest status there is its decision (1 read).
    const own = ours.some((r) => r.name === context) ? undefined : (await port.ownStatuses(where, sha, self.botLogin)).find((s) => s.context === context);
    answer = forgeryAnswer(context, forger, forged.state, ours, names, own);
  } catch (e) {
    await answerUnverifiedForgery(port, run, where, forged, names, e);
    throw e;
  }
  if (answer.kind === "ignore") return;
  try {
    await port.postStatus(where, sha, { state: answer.state, context, description: answer.description });
  } catch (e) {
    if (!isStatusCapError(e)) throw e;
    run.log.error({ repo: `${where.owner}/${where.repo}`, sha, context, forger }, "forged status cannot be overwritten: 1000 statuses on its context");
    if (answer.run) {
      const summary = `${statusCapNote(context, forger)}\n\n${answer.run.output.summary ?? ""}`.slice(0, CHECK_SUMMARY_LIMIT);
      if (answer.run.output.summary?.startsWith(statusCapNote(context, forger))) return; // said already
      const text = answer.run.output.text;
      await port.updateCheckRunOutput(where, sha, answer.run.id, { title: answer.run.output.title ?? context, summary, ...(text ? { text } : {}) });
    }
    return;
  }
  run.log.warn(
    { repo: `${where.owner}/${where.repo}`, sha, context, forger, forgedState: forged.state, answer: answer.state, ...(run.requestCount ? { githubRequests: run.requestCount() } : {}) },
    "forged status answered",
  );
}

/**
 * What agentgate decided on the commit could not be read, so the forgery cannot be answered from
 * it: a forged success on a context known to be agentgate's is overwritten with an error meanwhile
 * (fail closed). The caller still fails the delivery, so a redelivery or the next event answers it
 * from the decision. A forged non-success passes nothing and is left for that answer.
 */
async function answerUnverifiedForgery(
  port: GatePort,
  run: GateContext,
  where: RepoRef,
  forged: { sha: string; context: string; forger: string; state: string },
  names: readonly string[],
  why: unknown,
): Promise<void> {
  if (forged.state !== "success" || !isOurContext(forged.context, [], names)) return;
  const description = truncate(`forged status by @${forged.forger} overwritten · agentgate could not read its decision; judging again`, STATUS_DESCRIPTION_LIMIT);
  const at = { repo: `${where.owner}/${where.repo}`, sha: forged.sha, context: forged.context, forger: forged.forger };
  try {
    await port.postStatus(where, forged.sha, { state: "error", context: forged.context, description });
    run.log.warn({ ...at, err: why }, "forged status overwritten with error: agentgate's decision could not be read");
  } catch (e) {
    run.log.error({ ...at, err: e }, "forged status could not be overwritten");
  }
}

/** GitHub's limit on a check run's summary. */
const CHECK_SUMMARY_LIMIT = 65_535;
