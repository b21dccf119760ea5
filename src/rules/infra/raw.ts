/** What an analyzer reports before the policy (enable, severity, scopes, allow, caps, teams) is applied. */
import type { Finding, Severity } from "../types.js";
import { evidenceOf, lineNumberOf, type DiffLine } from "./diff.js";

/** A finding without what only the policy adds (teams, approvals). */
export interface RawFinding extends Omit<Finding, "teams" | "approvals"> {
  /**
   * A note that says "seen, and covered" (a rename with its moved block, a removed block that only
   * forgets). A severity override never raises it: the override is about the rule's hazard.
   */
  informational?: boolean;
}

/** META-02 for a whole file that cannot be checked: it needs a human review (fail closed). */
export function unreadableFinding(filename: string, why: string): RawFinding {
  return { rule: "META-02", severity: "require", file: filename, message: `${filename}: ${why}; it cannot be checked, so it needs a human review (fail closed)` };
}

/** A finding pointing at one diff line. */
export function at(rule: string, severity: Severity, file: string, line: DiffLine, message: string, informational = false): RawFinding {
  const n = lineNumberOf(line);
  return {
    rule,
    severity,
    file,
    ...(n !== undefined ? { line: n } : {}),
    message: line.kind === "-" && n !== undefined ? `${message} (removed line ${n} of the base version)` : message,
    evidence: evidenceOf(line.text),
    ...(informational ? { informational } : {}),
  };
}
