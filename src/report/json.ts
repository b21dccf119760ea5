/**
 * The JSON output of `agentgate check` and `agentgate explain`: a stable, versioned shape for
 * scripts (documented in docs/cli.md). Add fields freely; renaming or removing one means a new version.
 */
import { evidenceText } from "./evidence.js";
import type { PullRequestFacts } from "../facts/types.js";
import type { Decision, Reason } from "../policy/types.js";
import { contributionText, ignoredText } from "./approvals.js";
import { isMissing } from "./reasons.js";

export const DECISION_JSON_VERSION = 1;

export interface DecisionJson {
  version: number;
  kind: "check" | "explain";
  change: { repo: string; number: number | null; baseRef: string; baseSha: string; headRef: string; headSha: string };
  agentAuthored: boolean;
  agents: string[];
  pullRequestEvidence: { agent: string; evidence: string }[];
  commits: { sha: string; agents: string[]; evidence: string[] }[];
  findings: { rule: string; severity: string; file: string; line: number | null; message: string; evidence?: string; teams?: string[] }[];
  requirement: { applies: boolean; approvals: number; teams: string[]; blocked: boolean; reasons: string[] };
  problems: string[];
  /** Added in version 1: the machine-readable reasons behind `problems`, `requirement.reasons` and (explain) `missing`;
   *  see docs/cli.md. `check` leaves out what is missing (it reads no reviews). */
  reasons: JsonReason[];
  /** Added in version 1: the files the policy came from with their blob SHAs ([]: the built-in defaults). */
  policyFiles: { source: string; sha: string | null }[];
  /** Probable mistakes in the (valid) policy; absent when none. They never change the decision. */
  policyWarnings?: string[];
  /** explain only. */
  state?: string;
  headline?: string;
  approvals?: {
    counted: { login: string; commitId: string | null; carriedFrom?: string }[];
    ignored: { login: string; reason: string; detail: string }[];
  };
  changesRequestedBy?: string[];
  missing?: string[];
}

/**
 * A reason as JSON: the Reason itself, and for `unresolved-identity` its `why` sentence (version 1
 * had it before `contribution` said the same as data).
 */
export type JsonReason = Reason | (Extract<Reason, { code: "unresolved-identity" }> & { why: string });

function jsonReason(r: Reason): JsonReason {
  return r.code === "unresolved-identity" ? { ...r, why: contributionText(r.contribution) } : r;
}

export function decisionJson(decision: Decision, facts: PullRequestFacts, kind: "check" | "explain"): DecisionJson {
  const detected = new Map(decision.detection.commits.map((c) => [c.sha, c]));
  const out: DecisionJson = {
    version: DECISION_JSON_VERSION,
    kind,
    change: {
      repo: `${facts.repo.owner}/${facts.repo.name}`,
      number: facts.number > 0 ? facts.number : null,
      baseRef: facts.baseRef,
      baseSha: facts.baseSha,
      headRef: facts.headRef,
      headSha: facts.headSha,
    },
    agentAuthored: decision.detection.agentAuthored,
    agents: decision.detection.agents,
    pullRequestEvidence: decision.detection.pr.map((e) => ({ agent: e.agent, evidence: evidenceText(e) })),
    // Every commit, in order; a human one has no agents.
    commits: facts.commits.map((c) => {
      const d = detected.get(c.sha);
      return { sha: c.sha, agents: d?.agents ?? [], evidence: (d?.evidence ?? []).map(evidenceText) };
    }),
    findings: decision.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file,
      line: f.line ?? null,
      message: f.message,
      ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
      ...(f.teams?.length ? { teams: f.teams } : {}),
    })),
    requirement: {
      applies: decision.requirement.applies,
      approvals: decision.requirement.approvals,
      teams: decision.requirement.teams.map((t) => t.team),
      blocked: decision.requirement.blocked,
      reasons: decision.requirement.reasons,
    },
    problems: decision.problems,
    policyFiles: (decision.policyFiles ?? []).map((f) => ({ source: f.source, sha: f.sha })),
    reasons: (kind === "explain" ? decision.reasons : decision.reasons.filter((r) => !isMissing(r))).map(jsonReason),
    ...(decision.policyWarnings?.length ? { policyWarnings: decision.policyWarnings } : {}),
  };
  if (kind === "explain") {
    out.state = decision.state;
    out.headline = decision.headline;
    out.approvals = {
      counted: decision.approvals.counted.map((a) => ({ login: a.login, commitId: a.commitId, ...(a.carriedFrom ? { carriedFrom: a.carriedFrom } : {}) })),
      ignored: decision.approvals.ignored.map((a) => ({ login: a.login, reason: a.reason, detail: ignoredText(a) })),
    };
    out.changesRequestedBy = decision.changesRequestedBy;
    out.missing = decision.missing;
  }
  return out;
}
