/**
 * The infra case-file format (see the reference): a header (`case:`, `expect:`, `rules:`, `source:`),
 * then `=== file: <name>` sections with `status:` and either GitHub's `patch` text or `patch: (absent)`.
 */
import type { FileFacts, FileStatus } from "../../facts/types.js";
import type { Severity } from "../types.js";

export type CaseVerdict = "BLOCK" | "APPROVE" | "NOTE" | "PASS";

export interface InfraCase {
  id: string;
  expect: CaseVerdict;
  reason: string;
  rules: string[];
  source: string;
  files: FileFacts[];
}

const STATUSES: ReadonlySet<string> = new Set(["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"]);

export class CaseFormatError extends Error {}

function countChanges(patch: string | undefined, prefix: "+" | "-"): number {
  if (!patch) return 0;
  return patch.split("\n").filter((l) => l.startsWith(prefix)).length;
}

export function parseCase(text: string): InfraCase {
  const [head = "", ...sections] = text.replace(/\r\n/g, "\n").split(/^=== file: /m);
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, "m").exec(head)?.[1]?.trim();
  const id = field("case");
  const expectLine = field("expect");
  if (!id || !expectLine) throw new CaseFormatError("a case needs `case:` and `expect:` lines");
  const m = /^(BLOCK|APPROVE|NOTE|PASS)\b\s*-?\s*(.*)$/.exec(expectLine);
  if (!m) throw new CaseFormatError(`${id}: expect must start with BLOCK, APPROVE, NOTE or PASS`);
  const rulesField = field("rules") ?? "";
  const rules = [...rulesField.matchAll(/\b([A-Z]+[0-9]*-\d\d)\b/g)].map((r) => r[1]!);
  const files = sections.map((section) => {
    const [nameLine = "", ...rest] = section.split("\n");
    const filename = nameLine.trim();
    const statusLine = rest.shift() ?? "";
    const status = /^status:\s*(\S+)/.exec(statusLine)?.[1] ?? "";
    if (!filename || !STATUSES.has(status)) throw new CaseFormatError(`${id}: bad file section "${nameLine}" / "${statusLine}"`);
    let body = rest.join("\n").replace(/\n+$/, "");
    const absent = /^patch:\s*\(absent\)/.test(body.trim());
    const patch = absent ? undefined : body;
    if (absent) body = "";
    const additions = countChanges(patch, "+");
    const deletions = countChanges(patch, "-");
    const file: FileFacts = { filename, status: status as FileStatus, additions, deletions, ...(patch !== undefined ? { patch } : {}) };
    if (absent) Object.assign(file, { additions: 1, deletions: 0 });
    return file;
  });
  return { id, expect: m[1] as CaseVerdict, reason: m[2] ?? "", rules, source: field("source") ?? "", files };
}

/** A case's expected verdict as a severity (PASS = no finding at all). */
export function expectedSeverity(verdict: CaseVerdict): Severity | undefined {
  return verdict === "BLOCK" ? "block" : verdict === "APPROVE" ? "require" : verdict === "NOTE" ? "note" : undefined;
}

export function verdictName(severity: Severity | undefined): CaseVerdict {
  return severity === "block" ? "BLOCK" : severity === "require" ? "APPROVE" : severity === "note" ? "NOTE" : "PASS";
}
