/**
 * TF-12: IAM wildcards in policy documents written as HCL (`aws_iam_policy_document`, `jsonencode`),
 * heredoc JSON or CloudFormation YAML/JSON. Arrays span lines, so this is a small state machine over
 * the new side of a hunk (context + added lines); only values on added lines can trigger it.
 */
import type { DiffLine } from "./diff.js";
import { codeOf } from "./hcl.js";
import { at, type RawFinding } from "./raw.js";

type Field = "action" | "notAction" | "resource" | "effect";

interface Value {
  text: string;
  line: DiffLine;
}

type Statement = Record<Field, Value[]>;

const KEY = /^\s*-?\s*"?(Action|Actions|actions|NotAction|NotActions|not_actions|Resource|Resources|resources|Effect|effect)"?\s*[:=]\s*(.*)$/;

function fieldOf(key: string): Field {
  if (/^not/i.test(key)) return "notAction";
  if (/^action/i.test(key)) return "action";
  if (/^resource/i.test(key)) return "resource";
  return "effect";
}

function stringsIn(text: string): string[] {
  const quoted = [...text.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? "");
  if (quoted.length) return quoted;
  const bare = text.replace(/^[\s\-[]+|[\s,\]]+$/g, "");
  return bare && !/[{}]/.test(bare) ? [bare] : [];
}

function empty(): Statement {
  return { action: [], notAction: [], resource: [], effect: [] };
}

function indentOf(text: string): number {
  return /^\s*/.exec(text)![0].length;
}

function evaluate(s: Statement, file: string, out: RawFinding[]): void {
  if (s.effect.some((v) => /deny/i.test(v.text))) return;
  const star = (vs: Value[]) => vs.find((v) => v.text === "*");
  const actionStar = star(s.action);
  const resourceStar = star(s.resource);
  const added = (v: Value | undefined) => v !== undefined && v.line.kind === "+";
  if (actionStar && resourceStar && (added(actionStar) || added(resourceStar))) {
    const v = added(actionStar) ? actionStar : resourceStar;
    out.push(at("TF-12", "block", file, v.line, `IAM statement allows Action "*" on Resource "*": full administrator access`));
    return;
  }
  if (added(actionStar)) {
    out.push(at("TF-12", "require", file, actionStar!.line, `IAM statement allows every action ("*")`));
    return;
  }
  const serviceStar = s.action.find((v) => /^[\w-]+:\*$/.test(v.text) && v.line.kind === "+");
  if (serviceStar) out.push(at("TF-12", "require", file, serviceStar.line, `IAM statement allows every action of a service (${serviceStar.text})`));
  const notAction = s.notAction.find((v) => v.line.kind === "+");
  if (notAction) out.push(at("TF-12", "require", file, notAction.line, `IAM statement uses NotAction: it allows everything not listed`));
}

export function scanIamPolicies(file: string, hunkLines: readonly DiffLine[]): RawFinding[] {
  const out: RawFinding[] = [];
  const stack: Statement[] = [empty()];
  let openArray: { field: Field; yaml: boolean; indent: number } | undefined;
  for (const line of hunkLines) {
    if (line.kind === "-") continue;
    const text = line.text;
    const trimmed = text.trim();
    if (trimmed.startsWith("#") || trimmed.startsWith("//")) continue;
    const top = stack[stack.length - 1]!;
    if (openArray?.yaml && (trimmed === "" || indentOf(text) <= openArray.indent || !trimmed.startsWith("-"))) {
      if (trimmed !== "") openArray = undefined;
    }
    const keyMatch = KEY.exec(text);
    if (keyMatch) {
      const field = fieldOf(keyMatch[1]!);
      const rest = keyMatch[2]!.trim();
      for (const s of stringsIn(rest)) top[field].push({ text: s, line });
      if (rest === "" || rest === "|") openArray = { field, yaml: true, indent: indentOf(text) };
      else if (rest.startsWith("[") && !rest.includes("]")) openArray = { field, yaml: false, indent: indentOf(text) };
      else openArray = undefined;
    } else if (openArray) {
      for (const s of stringsIn(trimmed)) top[openArray.field].push({ text: s, line });
      if (!openArray.yaml && trimmed.includes("]")) openArray = undefined;
    }
    for (const c of codeOf(text)) {
      if (c === "{") stack.push(empty());
      else if (c === "}" && stack.length > 1) evaluate(stack.pop()!, file, out);
    }
  }
  while (stack.length) evaluate(stack.pop()!, file, out);
  return out;
}
