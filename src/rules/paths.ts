/**
 * Protected path rules: which changed files fall under which rule of `paths:` (and the built-in
 * defaults), as findings the policy turns into a requirement.
 */
import { minimatch } from "minimatch";
import { DEFAULT_PROTECTED_PATHS, type PathRule, type Policy } from "../config/schema.js";
import type { FileFacts } from "../facts/types.js";
import type { Finding } from "./types.js";

const GLOB_OPTIONS = { dot: true, nocomment: true, nonegate: true } as const;

/** The path rules in force: the built-in ones first (unless switched off), then the repo's. */
export function pathRulesInForce(policy: Policy): PathRule[] {
  return policy.protect_defaults ? [...DEFAULT_PROTECTED_PATHS, ...policy.paths] : [...policy.paths];
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((glob) => minimatch(path, glob, GLOB_OPTIONS));
}

/** Both names of a rename count: moving a protected file out of its place is changing it. */
function namesOf(file: FileFacts): string[] {
  return file.previousFilename && file.previousFilename !== file.filename
    ? [file.filename, file.previousFilename]
    : [file.filename];
}

function describeRule(rule: PathRule): string {
  if (rule.block) return "agents may not change these paths";
  const parts: string[] = [];
  if (rule.approvals !== undefined) parts.push(`${rule.approvals} approvals`);
  if (rule.teams?.length) parts.push(`approval from ${rule.teams.map((t) => `@${t}`).join(", ")}`);
  return `requires ${parts.join(" and ")}`;
}

/** One finding per (rule, file) that a changed file falls under. */
export function protectedPathFindings(files: readonly FileFacts[], policy: Policy): Finding[] {
  const findings: Finding[] = [];
  for (const rule of pathRulesInForce(policy)) {
    for (const file of files) {
      const hit = namesOf(file).find((name) => matchesAny(name, rule.paths));
      if (hit === undefined) continue;
      const renamed = hit !== file.filename ? ` (renamed to ${file.filename})` : "";
      findings.push({
        rule: `path:${rule.name}`,
        severity: rule.block ? "block" : "require",
        file: hit,
        message: `${hit}${renamed} is protected by "${rule.name}": ${describeRule(rule)}`,
        ...(rule.teams?.length ? { teams: [...rule.teams] } : {}),
        ...(rule.approvals !== undefined ? { approvals: rule.approvals } : {}),
      });
    }
  }
  return findings;
}
