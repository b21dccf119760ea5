/**
 * The enforcement doctor's words: each finding (src/doctor/core.ts) as one sentence, for the check
 * run's "Enforcement" section and the CLI's text. The JSON carries the findings as they are.
 */
import type { EnforcementFinding, EnforcementReport } from "../doctor/core.js";

const GRANT_ADMINISTRATION =
  "grant the agentgate App *Administration: read* (App settings → Permissions → Repository → Administration: Read-only; the installation owner then accepts it), or run `agentgate doctor` with a token of a repository admin";

/** A ruleset's name is whatever an admin typed: one quoted line, no markdown. */
const name = (v: unknown) => JSON.stringify(String(v).replace(/[\r\n`|<>*_[\]]/g, " "));

const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v));

export function describeEnforcementFinding(f: EnforcementFinding): string {
  const d = f.data;
  switch (f.code) {
    case "check-not-required":
      return `The check \`${d.checkName}\` is not required on this branch: a pull request can be merged whatever agentgate says. Require it in a ruleset (*Require status checks to pass*) or in branch protection.`;
    case "check-not-pinned":
      return `The check \`${d.checkName}\` is required, but from any source: anyone who can post a commit status can satisfy it. Set its source to the agentgate App (app id ${d.appId}).`;
    case "check-pinned-to-other-app":
      return `The check \`${d.checkName}\` is required from another app (id ${list(d.sources)}), not agentgate (app id ${d.appId}): agentgate's result does not count. Set its source to the agentgate App.`;
    case "bypass-actors":
      return `Ruleset ${name(d.ruleset)} (id ${d.rulesetId}) can be bypassed by ${list(d.actors)}: they can merge past agentgate.`;
    case "admins-not-enforced":
      return "Branch protection does not apply to administrators (*Do not allow bypassing the above settings* is off): an admin can merge past agentgate.";
    case "pull-request-not-required":
      return `No pull request is required: whoever may push (agents' accounts and apps included${
        Array.isArray(d.restrictedTo) && d.restrictedTo.length ? `; restricted to ${list(d.restrictedTo)}` : ""
      }) can put code on the branch that agentgate never judged. Require a pull request before merging.`;
    case "force-push-allowed":
      return "Force pushes are allowed: what agentgate passed can be rewritten after the merge. Block force pushes.";
    case "deletion-allowed":
      return "The branch can be deleted (and recreated without the gate). Restrict deletions.";
    case "merge-queue-without-check":
      return `The merge queue does not require \`${d.checkName}\`: it can merge a group agentgate did not pass. Require the check (the queue runs the branch's required checks).`;
    case "rules-unreadable":
      return `The branch's rules were not readable (${d.status ?? "no answer"}: ${d.reason}); whether the check is required is unknown.`;
    case "ruleset-unreadable":
      return `Ruleset ${d.rulesetId} was not readable (${d.status ?? "no answer"}: ${d.reason}); who may bypass it is unknown.`;
    case "bypass-unreadable":
      return `Who may bypass ruleset ${name(d.ruleset)} (id ${d.rulesetId}) is not shown to this token: to check, ${GRANT_ADMINISTRATION}.`;
    case "protection-unreadable":
      return `Classic branch protection is not readable with this access (${d.status ?? "no answer"}), so agentgate cannot tell whether it requires the check, lets admins bypass, or allows force pushes: ${GRANT_ADMINISTRATION}.`;
  }
}

const VERDICT: Record<EnforcementReport["verdict"], string> = {
  enforced: "enforced",
  "not-enforced": "advisory: GitHub does not enforce it",
  unknown: "unknown",
};

/** The check run's section; empty when GitHub enforces the gate (nothing to say). */
export function enforcementSection(r: EnforcementReport | undefined): string {
  if (!r || !r.findings.length) return "";
  const lines = [
    `The gate on \`${r.branch}\` is **${VERDICT[r.verdict]}**:`,
    "",
    ...r.findings.map((f) => `- ${f.severity === "unknown" ? "❔" : "🔓"} ${describeEnforcementFinding(f)}`),
    "",
    "This does not change the result below. See `agentgate doctor` and docs/security.md, *What only branch protection guarantees*.",
  ];
  return `### Enforcement\n\n${lines.join("\n")}\n`;
}

/** The CLI's text. */
export function renderEnforcementText(repo: string, r: EnforcementReport): string {
  const lines = [`${repo} ${r.branch}: check \`${r.checkName}\` (app id ${r.appId}): ${VERDICT[r.verdict]}`];
  for (const f of r.findings) lines.push(`  ${f.severity === "unknown" ? "?" : "!"} ${f.code}: ${describeEnforcementFinding(f)}`);
  if (!r.findings.length) lines.push("  required, pinned to the App, no bypass, pull requests required, no force push or deletion");
  if (r.suggestPublish === "check_run") {
    lines.push(`  hint: every rule that requires \`${r.checkName}\` pins it to the App, so its commit status counts for nothing: \`publish: check_run\` in the policy saves a write per changed decision`);
  }
  if (r.suggestPublish === "status") {
    lines.push(
      `  hint: every rule that requires \`${r.checkName}\` accepts any source, so its commit status satisfies them: \`publish: status\` in the policy saves a write per changed decision where agentgate keeps no memory (pinning the check to the App, then \`publish: check_run\`, is what stops anyone else satisfying it)`,
    );
  }
  return `${lines.join("\n")}\n`;
}
