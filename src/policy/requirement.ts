/**
 * From findings and the policy to what a pull request needs, and from that and the approvals to a state.
 */
import type { Policy } from "../config/schema.js";
import type { Detection } from "../detect/types.js";
import type { Finding } from "../rules/types.js";
import type { CountedApproval, GateState, Reason, Requirement, TeamRequirement } from "./types.js";
import { missingLines, requirementLines } from "../report/reasons.js";
import type { ReviewerFacts } from "../facts/types.js";

export function requirementOf(detection: Detection, findings: readonly Finding[], policy: Policy): Requirement {
  const applies = policy.applies_to === "all" || detection.agentAuthored;
  const base = policy.approvals.required;
  let approvals = base;
  const teams = new Map<string, Set<string>>();
  let blocked = false;

  for (const f of findings) {
    if (f.severity === "block") {
      blocked = true;
      continue;
    }
    if (f.severity !== "require") continue;
    if (f.approvals !== undefined) approvals = Math.max(approvals, f.approvals);
    for (const t of f.teams ?? []) {
      const because = teams.get(t) ?? new Set<string>();
      because.add(f.rule);
      teams.set(t, because);
    }
    // A `require` finding that names neither a number nor a team asks for one more pair of eyes.
    if (f.approvals === undefined && !(f.teams?.length)) approvals = Math.max(approvals, base + 1);
  }
  const teamRequirements: TeamRequirement[] = [...teams].map(([team, because]) => ({
    team,
    because: [...because],
    satisfiedBy: [],
  }));
  return { applies, approvals, teams: teamRequirements, blocked: applies && blocked, reasons: requirementLines(findingReasons(findings)) };
}

/** The rules that raise a requirement, in the findings' order: each block, and each require. */
export function findingReasons(findings: readonly Finding[]): Reason[] {
  const out: Reason[] = [];
  for (const f of findings) {
    if (f.severity === "block") out.push({ code: "finding-blocks", rule: f.rule, file: f.file });
    else if (f.severity === "require") {
      out.push({ code: "finding-requires", rule: f.rule, file: f.file, teams: [...(f.teams ?? [])], ...(f.approvals !== undefined ? { approvals: f.approvals } : {}) });
    }
  }
  return out;
}

/** Fill in which counted approvers satisfy each team requirement. */
export function withTeamApprovers(
  teams: readonly TeamRequirement[],
  counted: readonly CountedApproval[],
  reviewers: Record<string, ReviewerFacts>,
): TeamRequirement[] {
  return teams.map((t) => ({
    ...t,
    satisfiedBy: counted
      .filter((a) => reviewers[a.login.toLowerCase()]?.activeTeams.some((m) => m.toLowerCase() === t.team.toLowerCase()))
      .map((a) => a.login),
  }));
}

export interface StateInputs {
  requirement: Requirement;
  counted: number;
  changesRequestedBy: readonly string[];
  /** Why the decision cannot be made (unreadable facts or policy). */
  cannotDecide: readonly Reason[];
  /** Mistakes in the policy. */
  invalidPolicy: readonly Reason[];
  /** People GitHub links to no account who hold every approval up. */
  unresolvedIdentities?: readonly Reason[];
}

/**
 * The published state and the reasons for what is still missing (only those: an error, an invalid
 * policy or a block has one way out, see report/reasons.ts). Never success while anything is in doubt.
 */
export function judgeState(inputs: StateInputs): { state: GateState; missing: Reason[] } {
  const { requirement } = inputs;
  if (inputs.cannotDecide.length) return { state: "error", missing: [] };
  if (inputs.invalidPolicy.length) return { state: "failure", missing: [] };
  if (!requirement.applies) return { state: "success", missing: [] };
  if (requirement.blocked) return { state: "failure", missing: [] };
  const missing: Reason[] = [];
  // Nothing approval-related to wait for when the policy asks for no approval at all.
  const needsApprovals = requirement.approvals > 0 || requirement.teams.length > 0;
  if (needsApprovals) missing.push(...(inputs.unresolvedIdentities ?? []));
  if (inputs.changesRequestedBy.length) missing.push({ code: "changes-requested", by: [...inputs.changesRequestedBy] });
  if (inputs.counted < requirement.approvals) {
    missing.push({ code: "approvals-missing", required: requirement.approvals, counted: inputs.counted, missing: requirement.approvals - inputs.counted });
  }
  for (const t of requirement.teams) {
    if (!t.satisfiedBy.length) missing.push({ code: "team-approval-missing", team: t.team });
  }
  if (inputs.changesRequestedBy.length) return { state: "failure", missing };
  return { state: missing.length ? "pending" : "success", missing };
}

/** The state and what is still missing, in words. */
export function stateOf(inputs: StateInputs): { state: GateState; missing: string[] } {
  const { state, missing } = judgeState(inputs);
  return { state, missing: missingLines([...inputs.cannotDecide, ...inputs.invalidPolicy, ...missing], inputs.requirement.blocked) };
}
