/**
 * Infra rules: what a PR's diff does to infrastructure, databases, CI and clusters.
 * Pure functions over FileFacts; the caller fetches whole files when `contextNeeded` asks.
 */
import { withPatternBudget } from "../../config/pattern.js";
import type { InfraPolicy } from "../../config/schema.js";
import type { FileFacts } from "../../facts/types.js";
import { SEVERITY_RANK, type Finding } from "../types.js";
import { analyzeCloudFormation } from "./cloudformation.js";
import { ecosystemsOf, isInfraPath, isSql, type Ecosystem } from "./classify.js";
import { directoryOf, parseHunks, usableContent, type ParsedFile } from "./diff.js";
import { analyzeKubernetes } from "./kubernetes.js";
import { analyzeSuppressions } from "./meta.js";
import { analyzeMigrations } from "./migrations.js";
import { unreadableFinding, type RawFinding } from "./raw.js";
import { applyPolicy, dedupe, isDocsPath } from "./settings.js";
import { analyzeCommands } from "./shell.js";
import { analyzeTerraform } from "./terraform.js";
import { isTfJson } from "./terraform-json.js";
import { analyzeWorkflows } from "./workflows.js";

export { INFRA_RULES, type InfraRuleMeta } from "./catalog.js";
export { DEFAULT_DOCS_PATHS, DEFAULT_NON_DEPLOYED_PATHS } from "./settings.js";

/** GitHub lists at most this many files of a pull request. */
export const GITHUB_FILE_LIST_CAP = 3000;

const SAMPLE_CHARS = 200_000;

interface Classified {
  parsed: ParsedFile;
  kinds: Set<Ecosystem>;
}

function sampleOf(file: FileFacts): string {
  return [file.patch ?? "", file.headContent ?? "", file.baseContent ?? ""].map((t) => t.slice(0, SAMPLE_CHARS)).join("\n");
}

function namesOf(file: FileFacts): string[] {
  return file.previousFilename && file.previousFilename !== file.filename ? [file.previousFilename, file.filename] : [file.filename];
}

function movedAcrossDirectories(file: FileFacts): boolean {
  return file.previousFilename !== undefined && directoryOf(file.previousFilename) !== directoryOf(file.filename);
}

function unreadable(file: FileFacts, why: string): RawFinding {
  return unreadableFinding(file.filename, why);
}

/** Whatever was thrown, as text: a non-Error throw must still become a finding, not a crash. */
function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** As-if patches for a file moved to another directory without changes: all removed there, all added here. */
function wholeFileMove(file: FileFacts): ParsedFile[] | undefined {
  const lines = usableContent(file.baseContent ?? file.headContent);
  if (!lines || !file.previousFilename) return undefined;
  const removed: ParsedFile = {
    file: { filename: file.previousFilename, status: "removed", additions: 0, deletions: lines.length },
    hunks: [{ heading: "", lines: lines.map((text, i) => ({ kind: "-" as const, text, oldLine: i + 1 })) }],
  };
  const added: ParsedFile = {
    file: { filename: file.filename, status: "added", additions: lines.length, deletions: 0 },
    hunks: [{ heading: "", lines: lines.map((text, i) => ({ kind: "+" as const, text, newLine: i + 1 })) }],
  };
  return [removed, added];
}

/** Parse and classify each file; unreadable infra files become META-02. Never throws. */
function prepare(files: readonly FileFacts[], infra: InfraPolicy, raw: RawFinding[]): Classified[] {
  const out: Classified[] = [];
  for (const file of files) {
    try {
      if (namesOf(file).every((n) => isDocsPath(n, infra))) continue;
      const infraPath = namesOf(file).some(isInfraPath);
      if (file.patch === undefined || file.patch === "") {
        if (!infraPath) continue;
        const unchangedRename = file.status === "renamed" && file.additions === 0 && file.deletions === 0;
        if (unchangedRename && !movedAcrossDirectories(file)) continue;
        if (unchangedRename) {
          const moved = wholeFileMove(file);
          if (moved) {
            for (const parsed of moved) out.push({ parsed, kinds: ecosystemsOf(parsed.file.filename, sampleOf(file)) });
            continue;
          }
          raw.push(unreadable(file, `moved from ${file.previousFilename} to another directory, and its content was not available`));
          continue;
        }
        if (file.patch === "" && file.additions === 0 && file.deletions === 0 && file.status !== "removed") continue;
        raw.push(unreadable(file, "GitHub returned no diff for it (binary, too large, or past the diff limit)"));
        continue;
      }
      const parsed: ParsedFile = { file, hunks: parseHunks(file.patch) };
      const kinds = ecosystemsOf(file.filename, sampleOf(file));
      if (kinds.size > 0) out.push({ parsed, kinds });
    } catch (e) {
      const finding = unreadable(file, `its diff could not be read (${errorText(e)})`);
      raw.push(namesOf(file).some(isInfraPath) ? finding : { ...finding, severity: "note" });
    }
  }
  return out;
}

function only(classified: readonly Classified[], kind: Ecosystem): ParsedFile[] {
  return classified.filter((c) => c.kinds.has(kind)).map((c) => c.parsed);
}

/** Run one analyzer; if it fails, its files fail closed instead of the whole PR. */
function guarded(files: readonly ParsedFile[], run: () => RawFinding[]): RawFinding[] {
  try {
    return run();
  } catch (e) {
    return files.map((f) => unreadable(f.file, `the rules could not analyze it (${errorText(e)})`));
  }
}

/** Findings of every infra rule on a PR's files, after the policy (severity, scopes, allow, caps, teams). */
export function analyzeInfra(files: FileFacts[], infra: InfraPolicy): Finding[] {
  return withPatternBudget(() => analyzeInfraNow(files, infra));
}

function analyzeInfraNow(files: FileFacts[], infra: InfraPolicy): Finding[] {
  if (!infra.enabled) return [];
  const raw: RawFinding[] = [];
  if (files.length >= GITHUB_FILE_LIST_CAP) {
    raw.push({ rule: "META-02", severity: "require", file: "(pull request)", message: `the pull request lists ${files.length} files, GitHub's cap: files past it are not visible (fail closed)` });
  }
  const c = prepare(files, infra, raw);
  const terraform = only(c, "terraform");
  const templates = only(c, "cloudformation");
  const iacCode = only(c, "iac-code");
  const manifests = only(c, "kubernetes");
  const compose = only(c, "compose");
  const dockerfiles = only(c, "dockerfile");
  const migrations = only(c, "migration");
  const workflows = only(c, "workflow");
  const lookalikes = only(c, "workflow-like");
  const commandFiles = c.filter((x) => x.kinds.has("script") || x.kinds.has("workflow") || x.kinds.has("dockerfile")).map((x) => x.parsed);
  const commandSet = new Set(commandFiles);
  const lookalikeCommands = lookalikes.filter((f) => !commandSet.has(f));

  raw.push(
    ...guarded(terraform, () => analyzeTerraform(terraform)),
    ...guarded(templates, () => analyzeCloudFormation(templates, iacCode)),
    ...guarded(manifests, () => analyzeKubernetes(manifests, { compose, dockerfiles })),
    ...guarded(migrations, () => analyzeMigrations(migrations)),
    ...guarded(workflows, () => analyzeWorkflows(workflows, lookalikes)),
    ...guarded(commandFiles, () => analyzeCommands(commandFiles)),
    ...guarded(lookalikeCommands, () => analyzeCommands(lookalikeCommands).map((f) => ({ ...f, severity: "note" as const, informational: true }))),
    ...guarded(c.map((x) => x.parsed), () => analyzeSuppressions(c.map((x) => x.parsed))),
  );

  const findings = raw.map((f) => applyPolicy(f, infra)).filter((f): f is Finding => f !== undefined);
  return dedupe(findings).sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
}

/** Highest severity among findings, or undefined when there are none. */
export function verdictOf(findings: readonly Finding[]): Finding["severity"] | undefined {
  let best: Finding["severity"] | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}

/**
 * Files (and side) whose full text a rule needs because the hunk lacks context, most useful first
 * (the caller reads only the first few).
 */
export function contextNeeded(files: FileFacts[], infra: InfraPolicy): { filename: string; side: "base" | "head" }[] {
  if (!infra.enabled) return [];
  const wanted: { filename: string; side: "base" | "head"; priority: number }[] = [];
  for (const file of files) {
    try {
      if (namesOf(file).every((n) => isDocsPath(n, infra))) continue;
      const kinds = ecosystemsOf(file.filename, sampleOf(file));
      const patch = file.patch ?? "";
      const hasRemoved = /^-/m.test(patch);
      const hasAdded = /^\+/m.test(patch);
      if (!file.patch && file.status === "renamed" && movedAcrossDirectories(file) && namesOf(file).some(isInfraPath) && file.baseContent === undefined) {
        wanted.push({ filename: file.previousFilename!, side: "base", priority: 0 });
        continue;
      }
      if (!file.patch || file.status === "added" || file.status === "removed") continue;
      if (kinds.has("workflow") && /^\+.*(pull_request_target|workflow_run|\$\{\{)/m.test(patch) && file.headContent === undefined) {
        wanted.push({ filename: file.filename, side: "head", priority: 1 });
      }
      const yamlNeedsKind = /\.ya?ml$/i.test(file.filename) && !kinds.has("workflow") && !/^[ +-]kind:/m.test(patch);
      if ((kinds.has("kubernetes") || yamlNeedsKind) && !kinds.has("workflow")) {
        if (hasAdded && file.headContent === undefined) wanted.push({ filename: file.filename, side: "head", priority: 2 });
        if (hasRemoved && file.baseContent === undefined) wanted.push({ filename: file.filename, side: "base", priority: 3 });
      }
      // Terraform JSON: which resources a change removes is read from the whole file on both sides.
      const movesDirectory = file.status === "renamed" && directoryOf(file.previousFilename ?? file.filename) !== directoryOf(file.filename);
      if (isTfJson(file.filename) && (hasRemoved || movesDirectory)) {
        if (file.baseContent === undefined) wanted.push({ filename: file.previousFilename ?? file.filename, side: "base", priority: 4 });
        if (file.headContent === undefined) wanted.push({ filename: file.filename, side: "head", priority: 4 });
      }
      // Migrations: a hunk deep inside `down` (rollback code, skipped) may not show that it is. A SQL
      // file only has one when a tool marks it (`-- +goose Down`) above a hunk that starts lower.
      const hidesAbove = !isSql(file.filename) || /^@@ -\d+(?:,\d+)? \+(?:[2-9]|\d{2,})/m.test(patch);
      if (kinds.has("migration") && hidesAbove && file.headContent === undefined && /^\+.*(drop|remove|delete|truncate|rename)/im.test(patch)) {
        wanted.push({ filename: file.filename, side: "head", priority: 5 });
      }
      if ((kinds.has("terraform") || kinds.has("cloudformation")) && !isTfJson(file.filename)) {
        // Only when a hunk changes lines before any block header and its heading names none.
        const blind = patch.split(/^(?=@@)/m).some((h) => {
          const [first = "", ...rest] = h.split("\n");
          const heading = /@@.*@@\s*(.*)$/.exec(first)?.[1] ?? "";
          if (/^\s*(resource|module|data|terraform|moved|removed|[A-Za-z0-9]+:)/.test(heading)) return false;
          for (const l of rest) {
            if (/^[ +-](resource|module|data|terraform|provider|moved|removed|locals)\b|^[ +-] {2}[A-Za-z0-9]+:\s*$/.test(l)) return false;
            if (/^[+-]/.test(l)) return true;
          }
          return false;
        });
        if (blind) {
          if (hasAdded && file.headContent === undefined) wanted.push({ filename: file.filename, side: "head", priority: 4 });
          if (hasRemoved && file.baseContent === undefined) wanted.push({ filename: file.filename, side: "base", priority: 4 });
        }
      }
    } catch {
      // A file we cannot even classify gets no context; analyzeInfra reports it.
    }
  }
  return wanted.sort((a, b) => a.priority - b.priority).map(({ filename, side }) => ({ filename, side }));
}
