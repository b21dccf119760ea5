import type { EnforcementReport } from "../doctor/core.js";
import type { Detection } from "../detect/types.js";
import type { Finding } from "../rules/types.js";
import type { PriorCheckRun } from "../facts/check-runs.js";
import type { MemoryRecord } from "../memory/types.js";
import type { PolicyFileRef } from "../config/load.js";

/** What is published. success: not gated or requirement met; pending: waiting for approvals;
 *  failure: blocked by a rule, changes requested or an invalid policy; error: could not decide. */
/** Every state agentgate publishes, as a status or a check run's verdict. */
export const GATE_STATES = ["success", "pending", "failure", "error"] as const;
export type GateState = (typeof GATE_STATES)[number];

export interface TeamRequirement {
  /** `org/slug`. */
  team: string;
  /** Rules that asked for it (`path:infra`, `TF-01`, ...). */
  because: string[];
  /** Counted approvers who are active members. */
  satisfiedBy: string[];
}

export interface Requirement {
  /** Whether the gate applies at all (agent-authored, or `applies_to: all`). */
  applies: boolean;
  /** Approvals needed on the current head. */
  approvals: number;
  teams: TeamRequirement[];
  /** A `block` finding: no number of approvals lets it through. */
  blocked: boolean;
  /** Human-readable reasons for the requirement, one per rule that raised it. */
  reasons: string[];
}

export interface CountedApproval {
  login: string;
  commitId: string | null;
  /** Set when the approval was given on an earlier SHA with an identical diff. */
  carriedFrom?: string;
}

export type IgnoredReason =
  | "superseded"
  | "stale"
  /** Approved before the PR's base branch was changed. */
  | "retargeted"
  /** A change request was dismissed by someone who could not approve (or by nobody GitHub names): it stands. */
  | "dismissal"
  | "bot"
  | "agent"
  | "pr-author"
  | "contributor"
  | "steered-agent"
  | "permission"
  | "unknown-reviewer"
  /** A steering human or contributor GitHub links to no account may be this reviewer. */
  | "unresolved-identity";

/** How a person took part in the change: a commit of theirs, or steering the agent (`source`: where the detector saw it). */
export type Contribution =
  | { role: "author" | "committer" | "co-author"; sha: string }
  | { role: "steering"; source: string };

/** Why someone cannot approve, as data (src/report/approvals.ts words it). */
export type Ineligibility =
  | { reason: "agent" }
  | { reason: "bot" }
  | { reason: "pr-author" }
  | { reason: "steered-agent"; contribution: Contribution }
  | { reason: "contributor"; contribution: Contribution }
  | { reason: "unknown-reviewer" }
  | { reason: "permission"; permission: string; required: string }
  /** `others`: how many more such identities there are. */
  | { reason: "unresolved-identity"; identity: string; contribution: Contribution; others: number };

/**
 * An approval (or a dismissal) that does not count, with the data its sentence needs; the sentence
 * (the check run's "Ignored" list, the CLI's `detail`) is src/report/approvals.ts `ignoredText`'s.
 * `dismissal`: a change request stands after a dismissal; `login` is who dismissed it (`reviewer`
 * whose it was) when GitHub names them. `dismissed`: the dismissed review's state, when known.
 */
export type IgnoredApproval = { login: string } & (
  | Ineligibility
  | { reason: "superseded"; by: "changes-requested" }
  | { reason: "superseded"; by: "dismissal"; dismisser?: string }
  | { reason: "stale"; approved: string | null; head: string }
  | { reason: "retargeted"; base: string; changedAt: string }
  | { reason: "dismissal"; reviewer: string; dismissal: "unseen" }
  | { reason: "dismissal"; reviewer: string; dismissal: "unnamed"; dismissed: string | null }
  | { reason: "dismissal"; reviewer: string; dismissal: "ineligible"; dismissed: string | null; because: Ineligibility }
);

/**
 * Why a decision is what it is, as data: every sentence users see about it is rendered from these
 * by src/report/reasons.ts. Order: what stops a decision (problems), then what the rules require,
 * then what is still missing (present only while missing).
 */
export type Reason =
  /** A read failed or was cut short; `message` is worded where the read happened and quotes no file. */
  | { code: "facts-incomplete"; message: string }
  /** The policy could not be read: the decision is error. */
  | { code: "policy-unreadable"; file: string; key?: string; message: string }
  /** A mistake in the policy: the decision is failure. */
  | { code: "policy-invalid"; file: string; line?: number; column?: number; key?: string; message: string }
  | { code: "finding-blocks"; rule: string; file: string }
  | { code: "finding-requires"; rule: string; file: string; teams: string[]; approvals?: number }
  /** A steering human or contributor GitHub links to no account holds every approval up. */
  | { code: "unresolved-identity"; identity: string; email: string; contribution: Contribution; steering: boolean; linksAsked: boolean }
  | { code: "changes-requested"; by: string[] }
  | { code: "approvals-missing"; required: number; counted: number; missing: number }
  | { code: "team-approval-missing"; team: string };

export type ReasonCode = Reason["code"];

export interface Decision {
  state: GateState;
  /** One line, e.g. `1/2 approvals · agent: claude-code · terraform/ requires @org/platform`. */
  headline: string;
  headSha: string;
  checkName: string;
  detection: Detection;
  findings: Finding[];
  requirement: Requirement;
  approvals: { counted: CountedApproval[]; ignored: IgnoredApproval[] };
  /** Eligible reviewers whose latest review requests changes. */
  changesRequestedBy: string[];
  /** Machine-readable reasons (see Reason); `missing`, `problems` and `requirement.reasons` are their sentences. */
  reasons: Reason[];
  /** What is still needed for success (empty when success). */
  missing: string[];
  /** Why it could not decide (state error) or why the input is invalid (policy errors). */
  problems: string[];
  /** Context added when publishing (e.g. other PRs sharing the head SHA, a forged status). */
  notes?: string[];
  /** The files the policy came from, with their blob SHAs ([]: the built-in defaults; absent: not known, e.g. the PR could not be read). */
  policyFiles?: PolicyFileRef[];
  /** Probable mistakes in a valid policy (`file:line:column: warning: key: message`): shown, never change `state`. */
  policyWarnings?: string[];
  /** What the check run on this head will remember (src/memory/), and the run found there before deciding. */
  memory?: DecisionMemory;
  /** Whether GitHub enforces the check on the base branch (src/doctor/); shown, never part of the state. */
  enforcement?: EnforcementReport;
}

export interface DecisionMemory {
  /** Null: nothing to remember. */
  record: MemoryRecord | null;
  /** agentgate's own run on the head under the check name as read before deciding; absent when not read. */
  previous?: PriorCheckRun;
}
