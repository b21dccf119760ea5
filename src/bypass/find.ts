/**
 * Finding bypasses: agent-written commits a push or a merge brought to a watched branch past the gate.
 *
 * Costs (REST requests):
 * - push to a watched branch: the policy (cached a minute; read at `before` when the push may change
 *   it) + 1 (agentgate's own runs on the pushed head: its memory may name the commits). A push whose
 *   commits look human (their messages and identities, from the payload) and that no memory names
 *   stops there. Otherwise, for each suspect commit (at most BYPASS_COMMITS_READ; more fails closed):
 *   the deploy gate's route reading (facts/deployment.ts commitRoutes: 1 + 1 per merged PR + 1 when
 *   no merged PR brought it).
 * - a merged pull request: the policy + 1 (agentgate's own runs on the head: the gate's verdict) [+ 1
 *   when there is none: agentgate's own statuses on the head, its verdict under `publish: status`]
 *   [+ 1: its commits, only when agentgate never judged it] [+ 1: the runs on the merge commit, before posting].
 */
import { minimatch } from "minimatch";
import type { Octokit } from "@octokit/rest";
import type { Policy } from "../config/schema.js";
import { detectAgents, detectCommit, type Detector, type PullRequestSignals } from "../detect/detect.js";
import { judgeCommit, REMEMBERED_AGENT, verdictMatters, type CommitJudgment, type CommitOutcome, type GateVerdict } from "../deploy/judge.js";
import { commitRoutes, gateVerdictOf, reasonOf, statusVerdictOn, type Self } from "../facts/deployment.js";
import { ownCheckRuns, type OwnCheckRun } from "../facts/memory.js";
import { commitFromRest, type RestCommit } from "../facts/rest.js";
import type { CommitFacts } from "../facts/types.js";
import { decodeMemory } from "../memory/record.js";
import { isBypassRun } from "./record.js";

/** Suspect commits of one push whose routes are read; a push with more fails closed. */
export const BYPASS_COMMITS_READ = 100;

/** GitHub lists at most this many commits in a push webhook (see handlers/push.ts). */
const PUSH_COMMITS_LISTED = 2048;

interface Where {
  owner: string;
  repo: string;
}

/** The default branch, and the policy's `bypasses.branches`. */
export function isWatchedBranch(branch: string, defaultBranch: string, policy: Pick<Policy, "bypasses">): boolean {
  return branch === defaultBranch || policy.bypasses.branches.some((g) => minimatch(branch, g, { dot: true }));
}

export interface PayloadCommit {
  id: string;
  message: string;
  author?: { name?: string; email?: string | null; username?: string };
  committer?: { name?: string; email?: string | null; username?: string };
}

/** A push payload's commit as the detector reads it: no account type (the payload has none). */
export function commitFromPayload(c: PayloadCommit): CommitFacts {
  const who = (i: PayloadCommit["author"]) => ({ name: i?.name ?? "", email: i?.email ?? "", login: i?.username ?? null, type: null });
  return { sha: c.id.toLowerCase(), message: c.message ?? "", author: who(c.author), committer: who(c.committer), parents: [] };
}

/**
 * Which commits of a push may be agent-written, from the payload and agentgate's memory on the
 * pushed head: their own markers, or a record that names them (a record of an agent PR's head names
 * all its commits). An unreadable record makes every commit suspect. Pure.
 */
export function suspectCommits(commits: readonly CommitFacts[], headRuns: readonly OwnCheckRun[], detector: Detector): CommitFacts[] {
  const named = new Set<string>();
  let all = false;
  for (const r of headRuns) {
    if (isBypassRun(r)) continue;
    const d = decodeMemory(r.output.text);
    if (d.kind === "garbled") all = true;
    if (d.kind === "record" && d.record.prs.length) for (const s of d.record.commits) named.add(s);
  }
  return commits.filter((c) => all || named.has(c.sha) || detectCommit(c, detector).agents.length > 0);
}

/**
 * Why a commit, a push or a merge could not be checked for bypasses (fail closed: a failing status
 * says so), as data: src/report/bypass.ts words it. `cause`: the HTTP status or the error's first line.
 */
export type Unchecked =
  | { code: "policy-unusable"; problem: string }
  | { code: "push-too-long"; listed: number }
  | { code: "too-many-suspects"; suspects: number; max: number }
  | { code: "route-unread"; outcome: Extract<CommitOutcome, { kind: "unread" }> }
  | { code: "not-marked"; left: number; max: number }
  | { code: "verdict-unread"; pr: number; cause: string }
  | { code: "commits-unread"; pr: number; cause: string };

export interface PushBypasses {
  /** Commits pushed straight (no merged PR brought them), with their agents; `reported`: a bypass run is on it already. */
  direct: (CommitJudgment & { reported: boolean })[];
  /** Commits whose route could not be read: fail closed, a failing status says so. */
  unread: CommitJudgment[];
  /** The push could not be checked whole: a failing status on its head says why. */
  tooMany?: Unchecked;
  /** Suspects read (0: the push looked human). */
  suspects: number;
}

export async function findPushBypasses(
  gh: Octokit,
  where: Where,
  push: { after: string; branch: string; defaultBranch?: string; commits: readonly PayloadCommit[] },
  detector: Detector,
  self: Self,
): Promise<PushBypasses> {
  const { appId } = self;
  if (push.commits.length >= PUSH_COMMITS_LISTED) {
    return { direct: [], unread: [], suspects: 0, tooMany: { code: "push-too-long", listed: PUSH_COMMITS_LISTED } };
  }
  const commits = push.commits.map(commitFromPayload);
  const headRuns = await ownCheckRuns(gh, where, push.after, appId);
  const suspects = suspectCommits(commits, headRuns, detector);
  if (!suspects.length) return { direct: [], unread: [], suspects: 0 };
  if (suspects.length > BYPASS_COMMITS_READ) {
    return { direct: [], unread: [], suspects: suspects.length, tooMany: { code: "too-many-suspects", suspects: suspects.length, max: BYPASS_COMMITS_READ } };
  }
  const routes = await commitRoutes(gh, where, suspects, self, verdictMatters(detector));
  const out: PushBypasses = { direct: [], unread: [], suspects: suspects.length };
  for (const c of suspects) {
    const route = routes[c.sha];
    const j = judgeCommit(c, route, detector, push.branch, new Set([push.branch, ...(push.defaultBranch ? [push.defaultBranch] : [])]));
    // A merged PR agentgate did not pass is the merge handler's to report (pull_request.closed).
    if (j.outcome.kind === "direct-push") out.direct.push({ ...j, reported: route?.kind === "pulls" && !!route.reported });
    else if (j.outcome.kind === "unread") out.unread.push(j);
  }
  return out;
}

export interface MergedPull {
  number: number;
  headSha: string;
  mergeSha: string;
  signals: PullRequestSignals;
}

export type MergeFinding =
  | { kind: "passed" }
  | { kind: "human" }
  | { kind: "bypass"; shown: string; agents: string[] }
  | { kind: "unread"; reason: Unchecked };

/**
 * What agentgate said on the head, read as the deploy gate reads it: every run of ours there but the
 * deploy and bypass records (a branch's own policy may name the check otherwise), all success or not.
 * Reading the same keeps "merged past the gate" exactly what the deploy gate rejects, so that every
 * such merge has a bypass run to accept. None: never judged. Pure.
 */
export function verdictOnHead(runs: readonly OwnCheckRun[]): GateVerdict {
  return gateVerdictOf([...runs]);
}

/** The agents agentgate's record on the head names, else its signals say; [] when none. Pure. */
export function agentsOfPull(runs: readonly OwnCheckRun[], signals: PullRequestSignals, commits: readonly CommitFacts[], detector: Detector): string[] {
  const remembered: string[] = [];
  for (const r of runs) {
    if (isBypassRun(r)) continue;
    const d = decodeMemory(r.output.text);
    if (d.kind === "record" && d.record.prs.length) remembered.push(...d.record.agents);
    if (d.kind === "garbled") remembered.push(REMEMBERED_AGENT);
  }
  return [...new Set([...remembered, ...detectAgents({ pr: signals, commits: [...commits] }, detector).agents])];
}

/** A merged pull request: passed, human, or a bypass (merged while agentgate did not say success). */
export async function findMergeBypass(gh: Octokit, where: Where, pull: MergedPull, detector: Detector, self: Self): Promise<MergeFinding> {
  let runs: OwnCheckRun[];
  let verdict: GateVerdict;
  try {
    runs = await ownCheckRuns(gh, where, pull.headSha, self.appId);
    verdict = verdictOnHead(runs);
    // No run of agentgate's there: under `publish: status` its verdict is its own status on the head.
    if (verdict.state === "none") verdict = await statusVerdictOn(gh, where, pull.headSha, self.botLogin);
  } catch (e) {
    return { kind: "unread", reason: { code: "verdict-unread", pr: pull.number, cause: reasonOf(e) } };
  }
  if (verdict.state === "success") return { kind: "passed" };
  let commits: CommitFacts[] = [];
  if (verdict.state === "none") {
    // Never judged: only an agent-written PR is a bypass; its commits may be all that tells (1 request).
    try {
      const { data } = await gh.rest.pulls.listCommits({ ...where, pull_number: pull.number, per_page: 100 });
      if (!Array.isArray(data)) throw new Error(`GitHub's commits of #${pull.number} are malformed`);
      commits = (data as RestCommit[]).map(commitFromRest);
    } catch (e) {
      return { kind: "unread", reason: { code: "commits-unread", pr: pull.number, cause: reasonOf(e) } };
    }
  }
  const agents = agentsOfPull(runs, pull.signals, commits, detector);
  if (verdict.state === "none" && !agents.length) return { kind: "human" };
  return { kind: "bypass", shown: verdict.state === "none" ? "none" : verdict.shown, agents };
}
