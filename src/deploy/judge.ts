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
  headSha: string;
  signals: PullRequestSignals;
  verdict: GateVerdict;
  memory: Remembered;
}

/**
 * How one commit reached the branch, as GitHub tells. `remembered`: no merged PR brought it, and
 * agentgate's own check runs on the commit itself remember it agent-written (it was the head of an
 * agent PR that was closed, or whose branch was pushed to the base by hand).
 */
export type CommitRoute = { kind: "pulls"; pulls: readonly PullRoute[]; remembered?: boolean } | { kind: "unread"; reason: string };

export interface DeploymentFacts {
  environment: string;
  sha: string;
  ref: string;
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
  problems: readonly string[];
}

export interface CommitFinding {
  sha: string;
  agents: string[];
  why: string;
}

export interface DeploymentJudgment {
  state: "approved" | "rejected";
  environment: string;
  rule: EnvironmentRule;
  /** Why it is rejected: problems first, then the deployer, then each commit. */
  problems: string[];
  senderIsAgent: boolean;
  rejectedCommits: CommitFinding[];
  /** Agent-written commits that passed, with the PR that brought each. */
  passedCommits: { sha: string; pr: number }[];
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

const short = (sha: string) => sha.slice(0, 7);

/** Agents the PR's own signals or agentgate's memory name for this commit; [] when none. */
function pullAgents(commitSha: string, pull: PullRoute, detector: Detector): string[] {
  const found = detectAgents({ pr: pull.signals, commits: [] }, detector).agents;
  const remembered = pull.memory.pr || pull.memory.garbled || pull.memory.commits.includes(commitSha);
  return found.length ? found : remembered ? ["remembered by agentgate"] : [];
}

/** Why an agent-written commit's route does not pass, or undefined when one merged PR agentgate passed brought it. */
function routeProblem(route: CommitRoute, branch: string): { why: string } | { pr: number } {
  if (route.kind === "unread") return { why: `could not tell how it reached ${branch}: ${route.reason}` };
  const merged = route.pulls.filter((p) => p.merged);
  const passed = merged.find((p) => p.verdict.state === "success");
  if (passed) return { pr: passed.number };
  if (!merged.length) return { why: `pushed straight to ${branch}: no merged pull request brought it` };
  const p = merged[0]!;
  if (p.verdict.state === "none") return { why: `merged in #${p.number}, which agentgate never judged` };
  return { why: `merged in #${p.number} while agentgate said ${p.verdict.state === "not-success" ? p.verdict.shown : "nothing"}` };
}

export function judgeDeployment(facts: DeploymentFacts, policy: Policy, detector: Detector): DeploymentJudgment {
  const rule = environmentRuleFor(policy, facts.environment);
  const problems = [...facts.problems];
  const senderIsAgent = isAgentAccount(facts.sender, detector);
  if (senderIsAgent && !rule.allow_agent_deployers) {
    problems.push(`@${facts.sender.login} is an agent, and the policy does not let agents deploy to ${facts.environment}`);
  }
  const branch = facts.ref.replace(/^refs\/heads\//, "") || "the branch";
  const rejectedCommits: CommitFinding[] = [];
  const passedCommits: { sha: string; pr: number }[] = [];
  for (const c of facts.commits) {
    const route = facts.routes[c.sha] ?? { kind: "unread" as const, reason: "it was not looked up" };
    const own = detectCommit(c, detector).agents;
    const viaPull = route.kind === "pulls" ? route.pulls.flatMap((p) => pullAgents(c.sha, p, detector)) : [];
    if (route.kind === "pulls" && route.remembered) viaPull.push("remembered by agentgate");
    const agents = [...new Set([...own, ...viaPull])];
    if (route.kind === "unread") {
      // Without its pull request, PR-level evidence (an agent's branch, its memory) is unknown.
      rejectedCommits.push({ sha: c.sha, agents, why: `could not tell how it reached ${branch}: ${route.reason}` });
      continue;
    }
    if (!agents.length) continue;
    const r = routeProblem(route, branch);
    if ("pr" in r) passedCommits.push({ sha: c.sha, pr: r.pr });
    else rejectedCommits.push({ sha: c.sha, agents, why: r.why });
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
    commitCount: facts.commits.length,
    ...(facts.since ? { since: facts.since, sinceFrom: facts.sinceFrom ?? "deployment" } : {}),
  };
}

/** The callback's comment: GitHub shows it on the workflow run. Bounded, and never quotes file contents. */
export const DEPLOY_COMMENT_MAX = 1024;

export function deploymentComment(j: DeploymentJudgment): string {
  const range = !j.since
    ? `${j.commitCount} commit(s) (no deployment agentgate approved before)`
    : j.sinceFrom === "policy"
      ? `${j.commitCount} commit(s) since ${short(j.since)} (the policy's \`since\`)`
      : `${j.commitCount} commit(s) since the last successful deployment (${short(j.since)})`;
  if (j.state === "approved") {
    const prs = [...new Set(j.passedCommits.map((p) => p.pr))].sort((a, b) => a - b);
    const agentLine = prs.length
      ? `${j.passedCommits.length} agent-written, each through a pull request agentgate passed (${prs.map((n) => `#${n}`).join(", ")})`
      : "none agent-written";
    return cut(`agentgate approved the deployment to ${j.environment}: ${range}, ${agentLine}.`);
  }
  const lines = [`agentgate rejected the deployment to ${j.environment}:`];
  for (const p of j.problems) lines.push(`- ${p}`);
  for (const c of j.rejectedCommits) {
    const who = c.agents.length ? ` (${c.agents.join(", ")})` : "";
    lines.push(`- ${short(c.sha)}${who}: ${c.why}`);
  }
  if (j.rejectedCommits.length) lines.push("Bring agent-written changes through a pull request agentgate passes (e.g. a revert or re-approval PR), then deploy again.");
  return cutLines(lines);
}

function cut(s: string): string {
  return [...s].length <= DEPLOY_COMMENT_MAX ? s : `${[...s].slice(0, DEPLOY_COMMENT_MAX - 1).join("")}…`;
}

/** Whole lines while they fit, then how many were left out. */
function cutLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const rest = lines.length - i;
    const candidate = [...out, lines[i]!].join("\n");
    const tail = rest > 1 ? `\n…and ${rest - 1} more` : "";
    if ([...candidate].length + tail.length > DEPLOY_COMMENT_MAX) {
      return cut(`${out.join("\n")}\n…and ${rest} more`);
    }
    out.push(lines[i]!);
  }
  return out.join("\n");
}
