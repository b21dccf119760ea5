/**
 * The deploy gate's core: what a deployment brings, and how each agent-written commit reached the
 * branch, in; approved or rejected with the reasons out. Pure, no I/O (facts/deployment.ts reads).
 *
 * A deployment is approved only when every agent-written commit it brings (since the environment's
 * last successful deployment) reached the branch through a merged pull request whose agentgate
 * check run concluded success, and the deployer is no agent (unless the policy allows it there).
 * Anything that could not be read rejects: never approve in doubt.
 */
import { minimatch } from "minimatch";
import { DEPLOY_MAX_COMMITS_DEFAULT, type EnvironmentRule, type Policy } from "../config/schema.js";
import { detectAgents, detectCommit, type Detector, type PullRequestSignals } from "../detect/detect.js";
import type { CommitFacts } from "../facts/types.js";
import type { PolicyFileRef } from "../config/load.js";
import type { PolicyProblem } from "../config/parse.js";

/** What agentgate said about a pull request's head: its own check runs there. */
export type GateVerdict =
  | { state: "success" }
  /** Completed otherwise, or still running: the conclusion or status GitHub shows. */
  | { state: "not-success"; shown: string }
  | { state: "none" };

/** What agentgate's memory (its check run's record on the PR head) says about the PR. */
export interface Remembered {
  /** The record names this PR as agent-written. */
  pr: boolean;
  /** The record's commits (judged agent-written with their PR). */
  commits: readonly string[];
  /** One of agentgate's runs there held text that is not a record: counted as agent-written. */
  garbled: boolean;
}

export interface PullRoute {
  number: number;
  merged: boolean;
  /** The branch it was merged into. Only the deployed branch or the default branch count: a PR into any other branch was judged by that branch's policy, which whoever can push there wrote. */
  baseRef: string;
  headSha: string;
  signals: PullRequestSignals;
  verdict: GateVerdict;
  memory: Remembered;
  /** A merged PR agentgate did not pass: its bypass (on the merge commit) was accepted. */
  accepted?: Acceptance;
  /** The merge commit GitHub names (a squash or rebase makes new commits). */
  mergeSha?: string;
  /** A merged PR agentgate did not pass: a bypass run is on its merge commit already. */
  reported?: boolean;
}

/**
 * How one commit reached the branch, as GitHub tells. `remembered`: no merged PR brought it, and
 * agentgate's own check runs on the commit itself remember it agent-written (it was the head of an
 * agent PR that was closed, or whose branch was pushed to the base by hand). `accepted`: its bypass
 * run says a named person accepted it; `reported`: a bypass run is on it (accepted or not), and
 * `bypassAgents` the agents its record names (a bypass run is only put on an agent-written commit).
 */
export type CommitRoute =
  | { kind: "pulls"; pulls: readonly PullRoute[]; remembered?: boolean; accepted?: Acceptance; reported?: boolean; bypassAgents?: readonly string[] }
  /** `cause`: the HTTP status or the error's first line (facts/deployment.ts reasonOf), never file contents. */
  | { kind: "unread"; cause: string };

/**
 * Why a deployment is rejected before (or besides) its commits, as data: src/report/deploy.ts
 * words each one. `policy-unusable`: the default branch's policy cannot be used; `read-failed`:
 * GitHub failed (`cause` as in CommitRoute); `too-many-commits`: more than `max` (`count` null:
 * more than max, the exact number unknown); `range-cut-short`: GitHub listed fewer than it counted;
 * `agent-deployer`: an agent deploys where the policy does not let agents.
 */
export type DeployProblem =
  | { code: "policy-unusable"; branch: string; problem: PolicyProblem }
  | { code: "read-failed"; cause: string }
  | { code: "too-many-commits"; count: number | null; since?: string; max: number }
  | { code: "range-cut-short"; listed: number; total: number; since: string }
  | { code: "agent-deployer"; login: string; environment: string };

export type DeployProblemCode = DeployProblem["code"];

export interface DeploymentFacts {
  environment: string;
  sha: string;
  ref: string;
  /** The repository's default branch: its policy is the one the deploy gate applies. */
  defaultBranch?: string;
  sender: { login: string; type: string };
  /** The last successful deployment's SHA the range starts after; absent: the whole history. */
  since?: string;
  /** Where `since` came from: a deployment agentgate approved (default), or the policy's `since`. */
  sinceFrom?: "deployment" | "policy";
  /** The commits the deployment brings, newest first or any order. */
  commits: readonly CommitFacts[];
  /** By commit SHA. A commit without an entry was not looked up: it rejects. */
  routes: Readonly<Record<string, CommitRoute>>;
  /** Reads that failed or were cut short (the range, the policy): each rejects. */
  problems: readonly DeployProblem[];
}

/** A bypass the deploy gate rejects that has no `agentgate bypass` run yet (nothing to accept). */
export type UnmarkedBypass =
  | { kind: "direct-push"; sha: string; agents: string[] }
  | { kind: "merged-not-passing"; sha: string; pr: number; shown: string; agents: string[] };

export interface CommitFinding {
  sha: string;
  agents: string[];
  /** How it arrived: src/report/deploy.ts `outcomeText` says it. */
  outcome: RejectedOutcome;
}

export interface DeploymentJudgment {
  state: "approved" | "rejected";
  environment: string;
  rule: EnvironmentRule;
  /** Why it is rejected: problems first, then the deployer, then each commit. */
  problems: DeployProblem[];
  senderIsAgent: boolean;
  rejectedCommits: CommitFinding[];
  /** Agent-written commits that passed, with the PR that brought each. */
  passedCommits: { sha: string; pr: number }[];
  /** Agent-written commits whose bypass a person the policy names accepted. */
  acceptedCommits?: { sha: string; by: string }[];
  /** Rejected bypasses without a bypass run (the push or merge webhook missed them): to be marked. */
  unmarked?: UnmarkedBypass[];
  /** What marking them needs from the policy. */
  marking?: { checkName: string; bypasses: Policy["bypasses"] };
  commitCount: number;
  since?: string;
  sinceFrom?: "deployment" | "policy";
  /** The policy files it was judged by, with their blob SHAs (for the audit trail); absent: not known. */
  policyFiles?: PolicyFileRef[];
}

/** The defaults apply to an environment no rule names. */
export function defaultEnvironmentRule(name = "*"): EnvironmentRule {
  return { name, allow_agent_deployers: false, max_commits: DEPLOY_MAX_COMMITS_DEFAULT };
}

/** The first rule whose glob matches the environment's name (case-insensitive, as GitHub names environments). */
export function environmentRuleFor(policy: Pick<Policy, "environments">, environment: string): EnvironmentRule {
  return policy.environments.find((r) => minimatch(environment, r.name, { nocase: true, dot: true })) ?? defaultEnvironmentRule();
}

/** Whether an account is an agent: the same markers as a PR author (login, Bot type). */
export function isAgentAccount(who: { login: string; type: string }, detector: Detector): boolean {
  return detectAgents({ pr: { authorLogin: who.login, authorType: who.type, headRef: "", labels: [], title: "", body: "" }, commits: [] }, detector)
    .agentAuthored;
}

/**
 * The agent named when only agentgate's memory says a commit is agent-written (its record names no
 * agent, or cannot be read). A name, not a sentence: it is kept in bypass records' `agents`.
 */
export const REMEMBERED_AGENT = "remembered by agentgate";

/** Agents the PR's own signals or agentgate's memory name for this commit; [] when none. */
function pullAgents(commitSha: string, pull: PullRoute, detector: Detector): string[] {
  const found = detectAgents({ pr: pull.signals, commits: [] }, detector).agents;
  const remembered = pull.memory.pr || pull.memory.garbled || pull.memory.commits.includes(commitSha);
  return found.length ? found : remembered ? [REMEMBERED_AGENT] : [];
}

/** An accepted bypass: a person the policy names accepted it with the bypass run's button. */
export interface Acceptance {
  by: string;
  at: string;
}

/**
 * How one commit reached the branch, judged: `human` (no agent wrote it), `passed` (a merged PR
 * agentgate passed brought it), `accepted` (a bypass a named person accepted), or a bypass:
 * `direct-push` (no merged PR into `bases` brought it; `elsewhere`: a PR merged it into another
 * branch), `merged-not-passing` (`shown`: what agentgate's check said, "none" when it never judged
 * the head), or `unread` (fail closed: `cause` absent when it was not looked up). Data only: the
 * sentences are src/report/deploy.ts's.
 */
export type CommitOutcome =
  | { kind: "human" }
  | { kind: "passed"; pr: number }
  | { kind: "accepted"; accepted: Acceptance; pr?: number }
  | { kind: "direct-push"; branch: string; bases: string[]; elsewhere?: { pr: number; base: string } }
  | { kind: "merged-not-passing"; pr: number; shown: string; judged: boolean }
  | { kind: "unread"; branch: string; cause?: string };

export type CommitOutcomeKind = CommitOutcome["kind"];
/** The outcomes that reject a deployment. */
export type RejectedOutcome = Extract<CommitOutcome, { kind: "direct-push" | "merged-not-passing" | "unread" }>;

export interface CommitJudgment {
  sha: string;
  agents: string[];
  outcome: CommitOutcome;
}

/**
 * Who wrote a commit: its own markers, its PRs' signals, agentgate's memory. A commit with none is
 * human, and no verdict is read for it (facts/deployment.ts reads agentgate's statuses only for
 * commits this names agents for). Pure.
 */
export function commitAgents(c: CommitFacts, r: CommitRoute | { kind: "unread" }, detector: Detector): string[] {
  const own = detectCommit(c, detector).agents;
  const viaPull = r.kind === "pulls" ? r.pulls.flatMap((p) => pullAgents(c.sha, p, detector)) : [];
  if (r.kind === "pulls" && r.remembered) viaPull.push(REMEMBERED_AGENT);
  if (r.kind === "pulls" && r.bypassAgents) viaPull.push(...r.bypassAgents);
  return [...new Set([...own, ...viaPull])];
}

/** A predicate for facts/deployment.ts commitRoutes: whether the judge would read a verdict for this commit. */
export function verdictMatters(detector: Detector): (c: CommitFacts, pulls: readonly PullRoute[]) => boolean {
  return (c, pulls) => commitAgents(c, { kind: "pulls", pulls }, detector).length > 0;
}

/** One commit: who wrote it (its own markers, its PRs' signals, agentgate's memory) and how it arrived. Pure. */
/**
 * `bases`: the branches a pull request must have been merged into to count (the deployed or pushed
 * branch, and the default branch). A PR into any other branch was judged by that branch's policy,
 * which whoever can push there wrote.
 */
export function judgeCommit(
  c: CommitFacts,
  route: CommitRoute | undefined,
  detector: Detector,
  branch: string,
  bases: ReadonlySet<string> = new Set([branch]),
): CommitJudgment {
  const r: CommitRoute | { kind: "unread"; cause?: undefined } = route ?? { kind: "unread" };
  const agents = commitAgents(c, r, detector);
  // Without its pull request, PR-level evidence (an agent's branch, its memory) is unknown.
  if (r.kind === "unread") return { sha: c.sha, agents, outcome: { kind: "unread", branch, ...(r.cause !== undefined ? { cause: r.cause } : {}) } };
  if (!agents.length) return { sha: c.sha, agents, outcome: { kind: "human" } };
  const mergedAnywhere = r.pulls.filter((p) => p.merged);
  const merged = mergedAnywhere.filter((p) => p.baseRef !== "" && bases.has(p.baseRef));
  const passed = merged.find((p) => p.verdict.state === "success");
  if (passed) return { sha: c.sha, agents, outcome: { kind: "passed", pr: passed.number } };
  if (!merged.length) {
    if (r.accepted) return { sha: c.sha, agents, outcome: { kind: "accepted", accepted: r.accepted } };
    const elsewhere = mergedAnywhere[0];
    const outcome = { kind: "direct-push" as const, branch, bases: [...bases], ...(elsewhere ? { elsewhere: { pr: elsewhere.number, base: elsewhere.baseRef } } : {}) };
    return { sha: c.sha, agents, outcome };
  }
  const p = merged[0]!;
  const acceptedPull = merged.find((m) => m.accepted);
  if (acceptedPull?.accepted) return { sha: c.sha, agents, outcome: { kind: "accepted", accepted: acceptedPull.accepted, pr: acceptedPull.number } };
  const shown = p.verdict.state === "not-success" ? p.verdict.shown : "none";
  return { sha: c.sha, agents, outcome: { kind: "merged-not-passing", pr: p.number, shown, judged: p.verdict.state !== "none" } };
}

export function judgeDeployment(facts: DeploymentFacts, policy: Policy, detector: Detector): DeploymentJudgment {
  const rule = environmentRuleFor(policy, facts.environment);
  const problems = [...facts.problems];
  const senderIsAgent = isAgentAccount(facts.sender, detector);
  if (senderIsAgent && !rule.allow_agent_deployers) {
    problems.push({ code: "agent-deployer", login: facts.sender.login, environment: facts.environment });
  }
  // "" when the ref names no branch: report/ words it, and no pull request's base matches it.
  const branch = facts.ref.replace(/^refs\/heads\//, "");
  const bases = new Set([branch, ...(facts.defaultBranch ? [facts.defaultBranch] : [])]);
  const rejectedCommits: CommitFinding[] = [];
  const passedCommits: { sha: string; pr: number }[] = [];
  const acceptedCommits: { sha: string; by: string }[] = [];
  const unmarked: UnmarkedBypass[] = [];
  for (const c of facts.commits) {
    const route = facts.routes[c.sha];
    const { agents, outcome } = judgeCommit(c, route, detector, branch, bases);
    if (outcome.kind === "human") continue;
    if (outcome.kind === "passed") passedCommits.push({ sha: c.sha, pr: outcome.pr });
    else if (outcome.kind === "accepted") acceptedCommits.push({ sha: c.sha, by: outcome.accepted.by });
    else rejectedCommits.push({ sha: c.sha, agents, outcome });
    if (outcome.kind === "direct-push" && route?.kind === "pulls" && !route.reported) unmarked.push({ kind: "direct-push", sha: c.sha, agents });
    if (outcome.kind === "merged-not-passing" && route?.kind === "pulls") {
      const p = route.pulls.find((x) => x.number === outcome.pr);
      const known = unmarked.find((u) => u.kind === "merged-not-passing" && u.pr === outcome.pr);
      if (known) known.agents = [...new Set([...known.agents, ...agents])];
      else if (p?.mergeSha && !p.reported) unmarked.push({ kind: "merged-not-passing", sha: p.mergeSha, pr: p.number, shown: outcome.shown, agents });
    }
  }
  const rejected = problems.length > 0 || rejectedCommits.length > 0;
  return {
    state: rejected ? "rejected" : "approved",
    environment: facts.environment,
    rule,
    problems,
    senderIsAgent,
    rejectedCommits,
    passedCommits,
    ...(acceptedCommits.length ? { acceptedCommits } : {}),
    ...(unmarked.length ? { unmarked, marking: { checkName: policy.check_name, bypasses: policy.bypasses } } : {}),
    commitCount: facts.commits.length,
    ...(facts.since ? { since: facts.since, sinceFrom: facts.sinceFrom ?? "deployment" } : {}),
  };
}
