/** CloudFormation / SAM (CFN-01, CFN-02, CFN-03 in templates) and CDK / Pulumi programs (IAC-01). */
import type { DiffLine, ParsedFile } from "./diff.js";
import { normalizeLine, removedTwins } from "./context.js";
import { scanIamPolicies } from "./iam.js";
import { at, type RawFinding } from "./raw.js";
import { isStatefulCfnType } from "./stateful.js";

interface LogicalResource {
  id: string;
  type?: string;
  retained: boolean;
  file: string;
  line: DiffLine;
}

const YAML_ID = /^ {2}([A-Za-z0-9]+):\s*$/;
const JSON_ID = /^\s{2,8}"([A-Za-z0-9]+)"\s*:\s*\{\s*$/;
const TYPE = /^\s+["']?Type["']?\s*:\s*["']?(AWS::[\w:]+|Custom::[\w:]+)/;
const RETAIN = /^\s+["']?DeletionPolicy["']?\s*:\s*["']?(Retain|RetainExceptOnCreate|Snapshot)/;

/** Logical resources whose id line is a changed line on `side`, read from that side of each hunk. */
function logicalResources(pf: ParsedFile, side: "+" | "-"): LogicalResource[] {
  const found: LogicalResource[] = [];
  for (const h of pf.hunks) {
    let current: LogicalResource | undefined;
    for (const l of h.lines) {
      if (l.kind === (side === "+" ? "-" : "+")) continue;
      const id = YAML_ID.exec(l.text) ?? JSON_ID.exec(l.text);
      if (id) {
        current = l.kind === side ? { id: id[1]!, retained: false, file: pf.file.filename, line: l } : undefined;
        if (current) found.push(current);
        continue;
      }
      if (!current) continue;
      const type = TYPE.exec(l.text);
      if (type && current.type === undefined) current.type = type[1];
      if (RETAIN.test(l.text)) current.retained = true;
    }
  }
  return found.filter((r) => r.type !== undefined);
}

function removedLogicalResources(files: readonly ParsedFile[]): RawFinding[] {
  const added = new Set(files.flatMap((f) => logicalResources(f, "+").map((r) => `${f.file.filename}|${r.id}`)));
  const out: RawFinding[] = [];
  for (const f of files) {
    for (const r of logicalResources(f, "-")) {
      if (added.has(`${f.file.filename}|${r.id}`)) continue;
      if (r.retained) {
        out.push(at("CFN-01", "note", r.file, r.line, `logical resource ${r.id} (${r.type}) is removed; its DeletionPolicy keeps the real resource`, true));
      } else {
        const stateful = isStatefulCfnType(r.type!);
        out.push(at("CFN-01", stateful ? "block" : "require", r.file, r.line, `logical resource ${r.id} (${r.type}) is removed from the template: the stack update deletes it${stateful ? " and its data" : ""} (a renamed logical id is a delete + create)`));
      }
    }
  }
  return out;
}

const POLICY_LINE = /^\s+["']?(DeletionPolicy|UpdateReplacePolicy)["']?\s*:\s*["']?(\w+)/;

function templateLineFindings(pf: ParsedFile, twins: Set<string>): RawFinding[] {
  const out: RawFinding[] = [];
  const file = pf.file.filename;
  for (const h of pf.hunks) {
    const added = h.lines.filter((l) => l.kind === "+");
    for (const l of h.lines) {
      const policy = POLICY_LINE.exec(l.text);
      if (l.kind === "-" && policy && /^(Retain|RetainExceptOnCreate|Snapshot)$/.test(policy[2]!)) {
        const replacement = added.find((a) => POLICY_LINE.exec(a.text)?.[1] === policy[1]);
        const after = replacement ? POLICY_LINE.exec(replacement.text)![2]! : undefined;
        if (after === undefined || after === "Delete") {
          out.push(at("CFN-02", "require", file, replacement ?? l, `${policy[1]} ${policy[2]} is ${after ? "changed to Delete" : "removed (the default deletes)"}: the resource and its data go when it is removed or replaced`));
        }
      }
      if (l.kind === "+" && !twins.has(normalizeLine(l.text)) && /^\s*["']?EnableTerminationProtection["']?\s*:\s*["']?false/.test(l.text)) {
        out.push(at("CFN-03", "require", file, l, "stack termination protection is turned off"));
      }
    }
    out.push(...scanIamPolicies(file, h.lines));
  }
  return out;
}

const IAC_PLUS: { re: RegExp; rule: string; message: string }[] = [
  { rule: "IAC-01", re: /RemovalPolicy\.DESTROY|removal_policy\s*=\s*\w*\.?RemovalPolicy\.DESTROY|RemovalPolicy_DESTROY/, message: "RemovalPolicy.DESTROY: removing or replacing this resource deletes it and its data" },
  { rule: "IAC-01", re: /autoDeleteObjects\s*:\s*true|auto_delete_objects\s*=\s*True/, message: "autoDeleteObjects: every object in the bucket is deleted with it" },
  { rule: "CFN-03", re: /terminationProtection\s*:\s*false|termination_protection\s*=\s*False/, message: "CDK stack termination protection is turned off" },
  { rule: "IAC-01", re: /\bprotect\s*:\s*false\b|pulumi\.Protect\(false\)|retainOnDelete\s*:\s*false/, message: "Pulumi protection is turned off for this resource" },
];

const IAC_MINUS = /\bprotect\s*:\s*true\b|pulumi\.Protect\(true\)|retainOnDelete\s*:\s*true|retain_on_delete\s*=\s*True|protect\s*=\s*True/;

function codeFindings(pf: ParsedFile): RawFinding[] {
  const out: RawFinding[] = [];
  const file = pf.file.filename;
  const addedText = new Set(pf.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "+").map((l) => normalizeLine(l.text))));
  const removedText = new Set(pf.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "-").map((l) => normalizeLine(l.text))));
  for (const h of pf.hunks) {
    for (const l of h.lines) {
      if (/^\s*(\/\/|#|\*)/.test(l.text)) continue;
      if (l.kind === "+" && !removedText.has(normalizeLine(l.text))) {
        for (const p of IAC_PLUS) if (p.re.test(l.text)) out.push(at(p.rule, "require", file, l, p.message));
      }
      if (l.kind === "-" && IAC_MINUS.test(l.text) && ![...addedText].some((t) => IAC_MINUS.test(t))) {
        out.push(at("IAC-01", "require", file, l, "Pulumi protect / retainOnDelete is removed: the resource can be deleted by the next deployment"));
      }
    }
  }
  return out;
}

export function analyzeCloudFormation(templates: readonly ParsedFile[], code: readonly ParsedFile[]): RawFinding[] {
  const out = removedLogicalResources(templates);
  for (const pf of templates) out.push(...templateLineFindings(pf, removedTwins([pf])));
  for (const pf of code) out.push(...codeFindings(pf));
  return out;
}
