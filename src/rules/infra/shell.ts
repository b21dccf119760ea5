/**
 * Command rules (SH-01..SH-05, and the CLI forms of CFN-03 / K8S-05) over ADDED lines only of
 * scripts, Makefiles, package.json scripts, CI configs, workflow `run:` steps and Dockerfile RUN.
 * A removed destructive command is a fix, never a finding.
 */
import type { Severity } from "../types.js";
import type { DiffLine, ParsedFile } from "./diff.js";
import { at, type RawFinding } from "./raw.js";

interface CommandCheck {
  rule: string;
  severity: Severity;
  re: RegExp;
  message: string;
}

/** Checked in order; the first match of a rule wins for that command. */
const CHECKS: CommandCheck[] = [
  { rule: "SH-01", severity: "block", re: /\b(terraform|tofu|terragrunt)\b[^|;&#]*\s(run-all\s+)?destroy\b/, message: "destroys the infrastructure of this configuration" },
  { rule: "SH-01", severity: "block", re: /\b(terraform|tofu|terragrunt)\b[^|;&#]*\bapply\b[^|;&#]*\s-destroy\b/, message: "apply -destroy destroys the infrastructure of this configuration" },
  { rule: "SH-01", severity: "block", re: /\bpulumi\s+(destroy|down)\b|\bcdk(tf)?\s+destroy\b|\bsam\s+delete\b|\b(serverless|sls)\s+remove\b/, message: "destroys a whole stack" },
  { rule: "SH-01", severity: "block", re: /\baws\s+cloudformation\s+delete-stack\b/, message: "deletes a CloudFormation stack and every resource in it" },
  { rule: "SH-01", severity: "note", re: /\b(terraform|tofu|terragrunt|pulumi|cdk|cdktf)\b[^|;&#]*(\s-auto-approve\b|\s--auto-approve\b|\s--yes\b|\s-y\b|\s--require-approval[= ]never\b)/, message: "applies without showing the plan to anyone" },
  { rule: "SH-02", severity: "block", re: /\bkubectl\b[^|;&#]*\bdelete\b[^|;&#]*(\s(ns|namespaces?|pv|pvc|persistentvolumes?|persistentvolumeclaims?|sts|statefulsets?|crds?|customresourcedefinitions?)\b|\s--all\b|\s-A\b|\s--all-namespaces\b)/, message: "deletes namespaces, volumes, StatefulSets, CRDs or everything of a kind" },
  { rule: "SH-02", severity: "require", re: /\bkubectl\b[^|;&#]*\bdelete\b|\bhelm\s+(uninstall|delete|del|un)\b|\bkubectl\s+replace\b[^|;&#]*--force\b/, message: "deletes Kubernetes objects" },
  { rule: "SH-03", severity: "block", re: /--skip-final-snapshot\b|--delete-automated-backups\b|\baws\s+rds\s+delete-db-|\baws\s+s3\s+rb\b[^|;&#]*--force\b/, message: "deletes a database or bucket without a way back (no final snapshot / backups / objects)" },
  { rule: "SH-03", severity: "require", re: /\baws\s+[\w-]+\s+delete-[\w-]+|\baws\s+s3\s+rm\b[^|;&#]*--recursive\b|\bgcloud\b[^|;&#]*\sdelete\b|\baz\s+[\w\s-]*\bdelete\b/, message: "deletes cloud resources" },
  { rule: "SH-04", severity: "block", re: /\bprisma\s+migrate\s+reset\b|\bprisma\s+db\s+push\b[^|;&#]*--(accept-data-loss|force-reset)\b|\b(rails|rake|bin\/rails)\s+db:(drop|reset|schema:load|purge|truncate_all)\b|manage\.py\s+(flush|reset_db)\b|\bDROP\s+DATABASE\b|\bdropdb\b|\bFLUSH(ALL|DB)\b|dropDatabase\(\)|\bsequelize(-cli)?\s+db:drop\b|\btypeorm\b[^|;&#]*\bschema:drop\b/i, message: "resets or drops a database: its data is lost" },
  { rule: "SH-05", severity: "require", re: /\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+)+(--\s+)?["']?\/["']?(\*|\s|$)|\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+)+["']?\$\{?\w+\}?["']?\/?["']?\*?(\s|$)(?![^\n]*:\?)/, message: "rm -r of / or of an unguarded variable path (use \"${VAR:?}\")" },
  { rule: "SH-05", severity: "require", re: /\bgit\s+push\b[^|;&#]*(\s--force(?!-with-lease)\b|\s-f\b|\s\+[\w/]+)/, message: "force-pushes, rewriting shared history" },
  { rule: "CFN-03", severity: "require", re: /update-termination-protection\b[^|;&#]*--no-enable-termination-protection/, message: "turns off stack termination protection" },
  { rule: "K8S-05", severity: "require", re: /--clusterrole[= ]cluster-admin\b/, message: "binds the cluster-admin role" },
];

/** Added lines joined with their `\` continuations, each reported at its first line. */
function addedCommands(pf: ParsedFile): { text: string; line: DiffLine }[] {
  const commands: { text: string; line: DiffLine }[] = [];
  for (const h of pf.hunks) {
    let pending: { text: string; line: DiffLine } | undefined;
    for (const l of h.lines) {
      if (l.kind === "-") continue;
      if (pending) {
        pending.text += ` ${l.text.trim()}`;
        if (!/\\\s*$/.test(l.text)) {
          commands.push(pending);
          pending = undefined;
        }
        continue;
      }
      if (l.kind !== "+") continue;
      const t = l.text.trim();
      if (t.startsWith("#") || t.startsWith("//")) continue;
      // YAML keys that hold prose, not commands.
      if (/^-?\s*(name|description|title|summary)\s*:/.test(t)) continue;
      if (/\\\s*$/.test(l.text)) pending = { text: t, line: l };
      else commands.push({ text: t, line: l });
    }
    if (pending) commands.push(pending);
  }
  return commands;
}

export function analyzeCommands(files: readonly ParsedFile[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const pf of files) {
    for (const cmd of addedCommands(pf)) {
      const fired = new Set<string>();
      for (const c of CHECKS) {
        if (fired.has(c.rule) || !c.re.test(cmd.text)) continue;
        // A bare -auto-approve next to a destroy is part of the destroy finding.
        if (c.severity === "note" && fired.size > 0) continue;
        fired.add(c.rule);
        out.push(at(c.rule, c.severity, pf.file.filename, cmd.line, `${c.message}: \`${cmd.text.length > 120 ? `${cmd.text.slice(0, 117)}...` : cmd.text}\``));
      }
    }
  }
  return out;
}
