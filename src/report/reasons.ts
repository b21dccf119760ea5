/**
 * The sentences of a decision's reasons (src/policy/types.ts `Reason`): the check run's "Problems",
 * "Still needed" and "Blocked", the CLI's `missing`/`problems`/`requirement.reasons` and the status
 * all say what these say. Pure.
 */
import { formatProblem } from "../config/parse.js";
import type { Reason, ReasonCode } from "../policy/types.js";
import { contributionText } from "./approvals.js";

export const CANNOT_DECIDE = "agentgate could not decide; see problems";
export const FIX_POLICY = "fix the .agentgate.yml on the base branch";
/** No approval unblocks a `block` finding; this says what does. */
export const BLOCKED_WAY_OUT =
  "remove the blocked changes from this PR: a human can make them in a PR of their own, or the base branch's policy can allow them";

const PROBLEM_CODES: ReadonlySet<ReasonCode> = new Set(["facts-incomplete", "policy-unreadable", "policy-invalid"]);
const FINDING_CODES: ReadonlySet<ReasonCode> = new Set(["finding-blocks", "finding-requires"]);
/** Codes that stand for something still missing (they are in a decision only while missing). */
export const MISSING_CODES: ReadonlySet<ReasonCode> = new Set(["unresolved-identity", "changes-requested", "approvals-missing", "team-approval-missing"]);

export const isProblem = (r: Reason) => PROBLEM_CODES.has(r.code);
export const isMissing = (r: Reason) => MISSING_CODES.has(r.code);

const logins = (xs: readonly string[]) => xs.map((l) => "@" + l).join(", ");

/** What unblocks an approval that an identity GitHub links to no account holds up. */
export function unblockHint(email: string): string {
  const who = email ? `link ${email} to that person's GitHub account (Settings → Emails)` : `add an email of that person's GitHub account`;
  return `${who}, or rewrite the commit to name them by an email of their account or their noreply address (ID+login@users.noreply.github.com)`;
}

/** One reason as the sentence users see. */
export function reasonText(r: Reason): string {
  switch (r.code) {
    case "facts-incomplete":
      return r.message;
    case "policy-unreadable":
      return formatProblem({ file: r.file, ...(r.key ? { key: r.key } : {}), message: r.message });
    case "policy-invalid":
      return formatProblem(r);
    case "finding-blocks":
      return `${r.rule} blocks ${r.file}`;
    case "finding-requires":
      return `${r.rule} on ${r.file}${r.teams.length ? ` needs ${logins(r.teams)}` : ""}`;
    case "unresolved-identity": {
      const who = r.linksAsked ? `GitHub links ${r.identity} to no account` : `${r.identity} is linked to no GitHub account agentgate knows of`;
      return `no approval counts while ${who}; they ${contributionText(r.contribution)}. To unblock: ${unblockHint(r.email)}`;
    }
    case "changes-requested":
      return `changes requested by ${logins(r.by)}`;
    case "approvals-missing":
      return `${r.missing} more approval${r.missing === 1 ? "" : "s"}`;
    case "team-approval-missing":
      return `an approval from @${r.team}`;
  }
}

/** Why it could not decide, or what is wrong with the policy: unreadable files, failed reads, then mistakes, as given. */
export function problemLines(reasons: readonly Reason[]): string[] {
  return reasons.filter(isProblem).map(reasonText);
}

/** One line per rule that raised the requirement, each once. */
export function requirementLines(reasons: readonly Reason[]): string[] {
  return [...new Set(reasons.filter((r) => FINDING_CODES.has(r.code)).map(reasonText))];
}

/**
 * What is still needed for success. A decision that cannot be made, an invalid policy and a block
 * each have one way out, said instead of the approvals (`blocked`: the requirement is blocked).
 */
export function missingLines(reasons: readonly Reason[], blocked: boolean): string[] {
  if (reasons.some((r) => r.code === "facts-incomplete" || r.code === "policy-unreadable")) return [CANNOT_DECIDE];
  if (reasons.some((r) => r.code === "policy-invalid")) return [FIX_POLICY];
  if (blocked) return [BLOCKED_WAY_OUT];
  return reasons.filter(isMissing).map(reasonText);
}
