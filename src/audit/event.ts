/**
 * Audit events: one versioned JSON object for every decision agentgate publishes and every answer
 * the deploy gate gives, for a post-mortem to read without the App (src/runtime/audit.ts writes
 * them). Pure: the clock, the delivery and the version come in.
 *
 * What an event never holds: text that matched a marker (only marker ids and where), file contents,
 * a PR's title or body. Names (logins, file paths, rule ids, policy files) and SHAs only.
 */
import type { PolicyFileRef } from "../config/load.js";
import type { DeployProblem, DeploymentJudgment, RejectedOutcome } from "../deploy/judge.js";
import type { Evidence } from "../detect/types.js";
import type { Decision, Reason } from "../policy/types.js";

export const AUDIT_EVENT_VERSION = 1;

export interface AuditContext {
  /** The webhook delivery (X-GitHub-Delivery); null outside one. */
  delivery: string | null;
  /** `owner/repo`. */
  repository: string;
  /** ISO 8601. */
  at: string;
  /** agentgate's version (package.json). */
  app: string;
}

interface EventBase extends AuditContext {
  v: typeof AUDIT_EVENT_VERSION;
}

export interface AgentEvidence {
  agent: string;
  /** Where each marker matched and its id; for remembered evidence, the PR and head it was judged on. */
  evidence: { source: string; marker: string; commit?: string; remembered?: { pr: number; on: string } }[];
}

export interface DecisionEvent extends EventBase {
  type: "decision";
  /** The pull requests the decision was published for (several can share a head). */
  prs: number[];
  sha: string;
  check: string;
  state: Decision["state"];
  agents: AgentEvidence[];
  findings: { rule: string; file: string; line: number | null; severity: string }[];
  approvals: {
    required: number;
    counted: { login: string; commitId: string | null; carriedFrom?: string }[];
    ignored: { login: string; reason: string }[];
  };
  reasons: Reason[];
  /** [] = the built-in defaults; absent from the decision (it could not be read) = []. */
  policy: PolicyFileRef[];
}

export interface DeploymentEvent extends EventBase {
  type: "deployment";
  deployment: { environment: string; id: number };
  sha: string;
  state: DeploymentJudgment["state"];
  sender: string;
  senderIsAgent: boolean;
  commits: number;
  since: string | null;
  /** Each rejected commit's outcome as data (kind + PR, branch, shown state, cause): src/report/deploy.ts words it. */
  rejected: { sha: string; agents: string[]; outcome: RejectedOutcome }[];
  passed: { sha: string; pr: number }[];
  /** Codes with their data (src/deploy/judge.ts DeployProblem), never sentences. */
  problems: DeployProblem[];
  policy: PolicyFileRef[];
}

/**
 * A bypass (a push or merge that went around the gate), as its detector reports it. Its payload is
 * the detector's (it logs `{ audit: {...} }`); the trail adds the envelope and writes it like any event.
 */
export interface BypassEvent extends EventBase {
  type: "bypass";
  bypass: Record<string, unknown>;
}

export type AuditEvent = DecisionEvent | DeploymentEvent | BypassEvent;

function evidenceOf(e: Evidence): AgentEvidence["evidence"][number] {
  return {
    source: e.source,
    marker: e.marker,
    ...(e.commit ? { commit: e.commit } : {}),
    ...(e.remembered ? { remembered: { pr: e.remembered.pr, on: e.remembered.on } } : {}),
  };
}

/** Each agent with the evidence that named it: PR evidence, then commits', each marker and place once. */
export function agentEvidence(d: Pick<Decision, "detection">): AgentEvidence[] {
  const all = [...d.detection.pr, ...d.detection.commits.flatMap((c) => c.evidence)];
  return d.detection.agents.map((agent) => {
    const seen = new Set<string>();
    const evidence = [];
    for (const e of all.filter((x) => x.agent === agent)) {
      const item = evidenceOf(e);
      const key = JSON.stringify(item);
      if (seen.has(key)) continue;
      seen.add(key);
      evidence.push(item);
    }
    return { agent, evidence };
  });
}

export function decisionEvent(d: Decision, prs: readonly number[], ctx: AuditContext): DecisionEvent {
  return {
    v: AUDIT_EVENT_VERSION,
    type: "decision",
    ...ctx,
    prs: [...prs],
    sha: d.headSha,
    check: d.checkName,
    state: d.state,
    agents: agentEvidence(d),
    findings: d.findings.map((f) => ({ rule: f.rule, file: f.file, line: f.line ?? null, severity: f.severity })),
    approvals: {
      required: d.requirement.approvals,
      counted: d.approvals.counted.map((a) => ({ login: a.login, commitId: a.commitId, ...(a.carriedFrom ? { carriedFrom: a.carriedFrom } : {}) })),
      ignored: d.approvals.ignored.map((i) => ({ login: i.login, reason: i.reason })),
    },
    reasons: d.reasons ?? [],
    policy: d.policyFiles ?? [],
  };
}

export interface DeploymentAsked {
  environment: string;
  deploymentId: number;
  sha: string;
  sender: { login: string };
}

export function deploymentEvent(req: DeploymentAsked, j: DeploymentJudgment, ctx: AuditContext): DeploymentEvent {
  return {
    v: AUDIT_EVENT_VERSION,
    type: "deployment",
    ...ctx,
    deployment: { environment: req.environment, id: req.deploymentId },
    sha: req.sha,
    state: j.state,
    sender: req.sender.login,
    senderIsAgent: j.senderIsAgent,
    commits: j.commitCount,
    since: j.since ?? null,
    rejected: j.rejectedCommits.map((c) => ({ sha: c.sha, agents: c.agents, outcome: c.outcome })),
    passed: j.passedCommits.map((p) => ({ sha: p.sha, pr: p.pr })),
    problems: [...j.problems],
    policy: j.policyFiles ?? [],
  };
}

export function bypassEvent(bypass: Record<string, unknown>, ctx: AuditContext): BypassEvent {
  return { v: AUDIT_EVENT_VERSION, type: "bypass", ...ctx, bypass: { ...bypass } };
}
