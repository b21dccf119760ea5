/**
 * From findings and the policy to what a pull request needs, and from that and the approvals to a state.
 */
import type { Policy } from "../config/schema.js";
import type { Detection } from "../detect/types.js";
import type { Finding } from "../rules/types.js";
import type { CountedApproval, GateState, Requirement, TeamRequirement } from "./types.js";
import type { ReviewerFacts } from "../facts/types.js";

export function requirementOf(detection: Detection, findings: readonly Finding[], policy: Policy): Requirement {
  const applies = policy.applies_to === "all" || detection.agentAuthored;
  const base = policy.approvals.required;
  let approvals = base;
  const teams = new Map<string, Set<string>>();
  const reasons: string[] = [];
  let blocked = false;

  for (const f of findings) {
    if (f.severity === "block") {
      blocked = true;
      reasons.push(`${f.rule} blocks ${f.file}`);
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
    reasons.push(`${f.rule} on ${f.file}${f.teams?.length ? ` needs ${f.teams.map((t) => "@" + t).join(", ")}` : ""}`);
  }
  const teamRequirements: TeamRequirement[] = [...teams].map(([team, because]) => ({
    team,
    because: [...because],
    satisfiedBy: [],
  }));
  return { applies, approvals, teams: teamRequirements, blocked: applies && blocked, reasons: dedupe(reasons) };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
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
  /** Reasons the decision cannot be made (unreadable facts or policy). */
  cannotDecide: readonly string[];
  /** Reasons the policy is invalid. */
  invalidPolicy: readonly string[];
  /** People GitHub links to no account who hold every approval up, with what unblocks each. */
  unresolvedIdentities?: readonly string[];
}

/** No approval unblocks a `block` finding; this says what does. */
const BLOCKED_WAY_OUT =
  "remove the blocked changes from this PR: a human can make them in a PR of their own, or the base branch's policy can allow them";

/** The published state and what is still missing. Never success while anything is in doubt. */
export function stateOf(inputs: StateInputs): { state: GateState; missing: string[] } {
  const { requirement } = inputs;
  if (inputs.cannotDecide.length) return { state: "error", missing: ["agentgate could not decide; see problems"] };
  if (inputs.invalidPolicy.length) return { state: "failure", missing: ["fix the .agentgate.yml on the base branch"] };
  if (!requirement.applies) return { state: "success", missing: [] };
  if (requirement.blocked) return { state: "failure", missing: [BLOCKED_WAY_OUT] };
  const missing: string[] = [];
  // Nothing approval-related to wait for when the policy asks for no approval at all.
  const needsApprovals = requirement.approvals > 0 || requirement.teams.length > 0;
  if (needsApprovals) missing.push(...(inputs.unresolvedIdentities ?? []));
  if (inputs.changesRequestedBy.length) {
    missing.push(`changes requested by ${inputs.changesRequestedBy.map((l) => "@" + l).join(", ")}`);
  }
  if (inputs.counted < requirement.approvals) {
    const n = requirement.approvals - inputs.counted;
    missing.push(`${n} more approval${n === 1 ? "" : "s"}`);
  }
  for (const t of requirement.teams) {
    if (!t.satisfiedBy.length) missing.push(`an approval from @${t.team}`);
  }
  if (inputs.changesRequestedBy.length) return { state: "failure", missing };
  return { state: missing.length ? "pending" : "success", missing };
}
