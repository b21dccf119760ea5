/**
 * Protected path rules: which changed files fall under which rule of `paths:` (and the built-in
 * defaults), as findings the policy turns into a requirement.
 */
import { posix } from "node:path";
import { minimatch } from "minimatch";
import { DEFAULT_PROTECTED_PATHS, EXTENDS_RULE_NAME, type PathRule, type Policy } from "../config/schema.js";
import type { FileFacts } from "../facts/types.js";
import type { Finding } from "./types.js";

const GLOB_OPTIONS = { dot: true, nocomment: true, nonegate: true } as const;

/** Protected paths that depend on the repository, not on the policy's text. */
export interface ProtectedExtras {
  /** Files of the repository under review that the policy's `_extends` chain reads. */
  extendsPaths?: readonly string[];
  /** Directories of the repository that hold a GitHub Action (`action.yml`): a workflow's
   *  `uses: ./dir` runs them with the workflow's secrets. */
  actionDirs?: readonly string[];
}

const ACTION_FILE = /(^|\/)action\.ya?ml$/;

/** Directories of local actions, from the names of the PR's files alone: an `action.yml` it touches. */
export function actionDirsOf(files: readonly FileFacts[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    for (const name of namesOf(f)) if (ACTION_FILE.test(name)) dirs.add(name.replace(ACTION_FILE, ""));
  }
  return [...dirs];
}

/**
 * The local actions a workflow file runs: `uses: ./dir` (also in composite actions), as directories
 * relative to the repository root ("" for the root). A line scanner, not a YAML parser: a workflow
 * that does not parse still runs nothing, and a `uses:` written in a comment only protects more.
 */
export function localActionsUsedBy(workflow: string): string[] {
  const dirs = new Set<string>();
  for (const m of workflow.matchAll(/^[ \t-]*uses:[ \t]*["']?\.\/([^"'\s#]*)/gm)) {
    const dir = posix.normalize(`./${m[1]!}`).replace(/\/+$/, "").replace(/^\.$/, "");
    // `./../x` leaves the repository: nothing of ours to protect.
    if (!dir.startsWith("..")) dirs.add(dir);
  }
  return [...dirs];
}

/** The path rules in force: the built-in ones first (unless switched off), then the repo's. */
export function pathRulesInForce(policy: Policy, extras: ProtectedExtras = {}): PathRule[] {
  if (!policy.protect_defaults) return [...policy.paths];
  const builtIn = [...DEFAULT_PROTECTED_PATHS];
  const policyRule = DEFAULT_PROTECTED_PATHS[0]!;
  // Exact names (escaped), and only those the policy-file rule does not already cover.
  const bases = [...new Set(extras.extendsPaths ?? [])].filter((p) => !matchesAny(p, policyRule.paths)).map((p) => minimatch.escape(p, { magicalBraces: true }));
  if (bases.length) builtIn.push({ name: EXTENDS_RULE_NAME, paths: bases, block: true });
  const actions = [...new Set(extras.actionDirs ?? [])].filter((d) => d !== "").map((d) => `${minimatch.escape(d, { magicalBraces: true })}/**`);
  // An action at the repository's root would protect everything: its action.yml alone then.
  const rootAction = (extras.actionDirs ?? []).includes("") ? ["action.yml", "action.yaml"] : [];
  if (actions.length || rootAction.length) builtIn.push({ name: "local-actions", paths: [...actions, ...rootAction], block: true });
  return [...builtIn, ...policy.paths];
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
export function protectedPathFindings(files: readonly FileFacts[], policy: Policy, extras: ProtectedExtras = {}): Finding[] {
  const findings: Finding[] = [];
  const actionDirs = [...(extras.actionDirs ?? []), ...actionDirsOf(files)];
  for (const rule of pathRulesInForce(policy, { ...extras, actionDirs })) {
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
