/**
 * Applies `.agentgate.yml`'s `infra:` section to raw findings: rules switched off, severity
 * overrides (first matching scope wins), the non-deployed cap, allow-list entries and teams.
 */
import { Minimatch } from "minimatch";
import type { InfraPolicy } from "../../config/schema.js";
import { SEVERITY_RANK, type Finding, type Severity } from "../types.js";
import type { RawFinding } from "./raw.js";
import { compileUserPattern } from "../../config/pattern.js";

export const DEFAULT_NON_DEPLOYED_PATHS = [
  "**/test/**",
  "**/tests/**",
  "**/__tests__/**",
  "**/fixtures/**",
  "**/testdata/**",
  "**/test-data/**",
  "examples/**",
  "**/examples/**",
];

export const DEFAULT_DOCS_PATHS = ["**/*.md", "**/*.mdx", "**/*.rst", "**/*.adoc", "docs/**"];

const GLOB_OPTIONS = { dot: true, nocomment: true, nonegate: true } as const;

/** Compiled globs by pattern: compiling is most of minimatch's cost, and a PR checks every file against the same few. */
const compiled = new Map<string, Minimatch>();
const COMPILED_CAP = 2000;

function compiledGlob(glob: string): Minimatch {
  let m = compiled.get(glob);
  if (!m) {
    if (compiled.size >= COMPILED_CAP) compiled.clear(); // many repos' configs over a long uptime
    m = new Minimatch(glob, GLOB_OPTIONS);
    compiled.set(glob, m);
  }
  return m;
}

export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => compiledGlob(g).match(path));
}

export function isDocsPath(path: string, infra: InfraPolicy): boolean {
  return matchesAny(path, infra.docs_paths ?? DEFAULT_DOCS_PATHS);
}

export function isNonDeployedPath(path: string, infra: InfraPolicy): boolean {
  return matchesAny(path, infra.non_deployed_paths ?? DEFAULT_NON_DEPLOYED_PATHS);
}

function allowMatches(entry: InfraPolicy["allow"][number], f: RawFinding): boolean {
  if (entry.rule !== "*" && entry.rule !== f.rule) return false;
  if (entry.paths && !matchesAny(f.file, entry.paths)) return false;
  if (entry.pattern !== undefined) {
    // An entry with a pattern only matches a finding that shows its evidence.
    if (f.evidence === undefined) return false;
    // A policy's pattern runs on RE2 (linear time); evidence too long to match whole is not allowed.
    if (!compileUserPattern(entry.pattern, "infra.allow[].pattern").testWhole(f.evidence)) return false;
  }
  return true;
}

/** One raw finding through the policy; undefined when the rule is off for this file. */
export function applyPolicy(f: RawFinding, infra: InfraPolicy): Finding | undefined {
  const settings = infra.rules[f.rule] ?? {};
  const scope = settings.scopes?.find((s) => matchesAny(f.file, s.paths));
  const enabled = scope?.enabled ?? settings.enabled ?? true;
  if (!enabled) return undefined;

  const override: Severity | undefined = scope?.severity ?? settings.severity;
  let severity: Severity = f.informational ? f.severity : (override ?? f.severity);
  const notes: string[] = [];
  // An explicit scope says what the user wants for those paths; otherwise tests and examples are capped.
  if (!scope?.severity && severity !== "note" && isNonDeployedPath(f.file, infra)) {
    severity = "note";
    notes.push("capped at note: not a deployed path");
  }
  const allowed = infra.allow.find((e) => allowMatches(e, f));
  let message = f.message;
  if (allowed) {
    severity = "note";
    message = `allowed: ${allowed.reason} — ${message}`;
  }
  if (notes.length) message = `${message} (${notes.join("; ")})`;

  const finding: Finding = {
    rule: f.rule,
    severity,
    file: f.file,
    ...(f.line !== undefined ? { line: f.line } : {}),
    message,
    ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
  };
  if (severity === "require") {
    const teams = settings.teams?.length ? settings.teams : infra.teams;
    if (teams.length) finding.teams = [...teams];
  }
  return finding;
}

/** Same rule, file and line reported twice: keep the stricter one. */
export function dedupe(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const k = `${f.rule}|${f.file}|${f.line ?? ""}|${f.line === undefined ? f.message : ""}`;
    const prev = byKey.get(k);
    if (!prev || SEVERITY_RANK[f.severity] > SEVERITY_RANK[prev.severity]) byKey.set(k, f);
  }
  return [...byKey.values()];
}
