/** META-01: scanner suppressions added to infra files. (META-02 lives in index.ts: it is about files, not lines.) */
import type { ParsedFile } from "./diff.js";
import { at, type RawFinding } from "./raw.js";

const SUPPRESSION =
  /checkov:skip=|squawk-ignore|atlas:nolint|zizmor:\s*ignore\[|ignore-check\.kube-linter\.io\/|nosemgrep|tfsec:ignore:|trivy:ignore:|kics-scan\s+ignore|hadolint\s+ignore=|cfn-lint:\s*\{?\s*config|cfn_nag/;

export function analyzeSuppressions(files: readonly ParsedFile[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const pf of files) {
    for (const h of pf.hunks) {
      for (const l of h.lines) {
        if (l.kind !== "+") continue;
        const m = SUPPRESSION.exec(l.text);
        if (m) out.push(at("META-01", "require", pf.file.filename, l, `a scanner suppression (${m[0]}) is added: a check that would flag this change is switched off`));
        else if (/\bsafety_assured\b/.test(l.text)) {
          out.push(at("META-01", "note", pf.file.filename, l, "strong_migrations safety_assured: the documented opt-out, so the check it skips must be reviewed by hand"));
        }
      }
    }
  }
  return out;
}
