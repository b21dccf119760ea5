/**
 * What detection says about a pull request: which agents wrote which commits, and the evidence.
 */

/** agent: an AI coding agent wrote it; suggestion: a human accepted a machine-written suggestion;
 *  automation: a non-AI bot (dependabot, renovate, github-actions). */
export type AgentKind = "agent" | "suggestion" | "automation";

export type Confidence = "high" | "medium" | "low";

/** Where a marker matched. */
export type EvidenceSource =
  | "pr-author"
  | "pr-branch"
  | "pr-label"
  | "pr-title"
  | "pr-body"
  | "commit-author"
  | "commit-committer"
  | "commit-trailer"
  | "commit-message"
  /** agentgate judged it agent-written earlier (its own check runs remember; see src/memory/). */
  | "remembered";

export interface Evidence {
  /** Catalog id of the agent, e.g. `claude-code`, or the id a policy gave. */
  agent: string;
  kind: AgentKind;
  source: EvidenceSource;
  /** Id of the marker that matched (catalog or policy), so it can be disabled by name. */
  marker: string;
  /** The exact text that matched, e.g. `Co-Authored-By: Claude <noreply@anthropic.com>`. */
  matched: string;
  confidence: Confidence;
  /** Set for commit evidence; for remembered evidence, the head SHA it was judged on. */
  commit?: string;
  /** Set for `remembered` evidence: where and how agentgate judged it agent-written earlier. */
  remembered?: { pr: number; on: string; source: EvidenceSource };
}

/** A human that an agent named as the person who steered it (requester / human co-author). */
export interface SteeringHuman {
  login?: string;
  email?: string;
  name?: string;
  /** e.g. `Co-authored-by on 1a2b3c4` or `Requested by: in PR body`. */
  source: string;
}

export interface CommitDetection {
  sha: string;
  /** Agent ids (kind agent, or suggestion/automation when the policy counts them) that wrote it. */
  agents: string[];
  evidence: Evidence[];
}

export interface Detection {
  /** True when the PR author is an agent or any commit was written or co-written by one. */
  agentAuthored: boolean;
  /** Distinct agent ids that count, in order of first evidence. */
  agents: string[];
  /** PR-level evidence (author, branch, labels, title, body). */
  pr: Evidence[];
  /** One entry per commit of the PR, in order; human commits have `agents: []`. */
  commits: CommitDetection[];
  /** Humans the agents named as requesters or co-authors. They may not approve. */
  steeringHumans: SteeringHuman[];
}
