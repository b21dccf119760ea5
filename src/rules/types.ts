/** A finding of a path rule or an infra rule about the diff. */
export type Severity = "block" | "require" | "note";

export const SEVERITY_RANK: Record<Severity, number> = { note: 0, require: 1, block: 2 };

export interface Finding {
  /** Rule id: `TF-01`, `GHA-04`, ... for infra rules; `path:<name>` for protected paths. */
  rule: string;
  severity: Severity;
  file: string;
  /** Line in the head version of the file (or the base version for removed lines). */
  line?: number;
  message: string;
  /** The diff line (or text) that triggered it. */
  evidence?: string;
  /** For `require`: teams (`org/slug`) whose approval it needs. */
  teams?: string[];
  /** For `require`: the total number of approvals it needs, when more than the base requirement. */
  approvals?: number;
}
