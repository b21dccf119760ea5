/**
 * Runs the infra rules over a directory of case files with the default policy:
 *   npx tsx bench/rules.ts test/fixtures/infra-cases
 * Prints expected vs got per case, totals (matches, false alarms, misses), then times two synthetic
 * 3000-file PRs (GitHub's file-list cap):
 *   - "realistic": mostly application code, tests, docs and config (generated here), with about one
 *     file in eight an infra file taken from the cases;
 *   - "all infra": the cases' files repeated, the worst case for the analyzers.
 * Each is timed cold (first call in this process, as after a deploy) and warm (median of 5 runs).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultPolicy } from "../src/config/schema.js";
import type { FileFacts } from "../src/facts/types.js";
import { parseCase, verdictName, type InfraCase } from "../src/rules/infra/cases.js";
import { analyzeInfra, verdictOf } from "../src/rules/infra/index.js";

const dir = process.argv[2] ?? "test/fixtures/infra-cases";
const infra = defaultPolicy().infra;
const cases: InfraCase[] = readdirSync(dir)
  .filter((f) => f.endsWith(".diff"))
  .sort()
  .map((f) => parseCase(readFileSync(join(dir, f), "utf8")));

const RANK = { PASS: 0, NOTE: 1, APPROVE: 2, BLOCK: 3 } as const;

function runCases(): void {
  let matches = 0;
  let falseAlarms = 0;
  let misses = 0;
  for (const c of cases) {
    const findings = analyzeInfra(c.files, infra);
    const got = verdictName(verdictOf(findings));
    const fired = [...new Set(findings.map((f) => `${f.rule}:${f.severity}`))].join(" ") || "-";
    const ok = got === c.expect;
    if (ok) matches++;
    else if (RANK[got] > RANK[c.expect] && RANK[got] >= RANK.APPROVE) falseAlarms++;
    else if (RANK[got] < RANK[c.expect] && RANK[c.expect] >= RANK.APPROVE) misses++;
    console.log(`${ok ? "ok  " : "DIFF"} ${c.id.padEnd(60)} expect ${c.expect.padEnd(7)} got ${got.padEnd(7)} ${fired}`);
    if (!ok || process.env.VERBOSE) for (const f of findings) console.log(`       ${f.severity.padEnd(7)} ${f.rule.padEnd(7)} ${f.file}:${f.line ?? ""} ${f.message}`);
  }
  console.log(`\n${cases.length} cases: ${matches} match, ${falseAlarms} false alarms (PASS/NOTE got block/require), ${misses} misses (BLOCK/APPROVE got less), ${cases.length - matches - falseAlarms - misses} other mismatches`);
}

// ---------------------------------------------------------------------------------------------
// Synthetic PRs

const PR_FILES = 3000;

/** A small seeded generator, so every run builds the same PR. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const random = seeded(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

const WORDS = ["user", "order", "invoice", "session", "token", "cache", "report", "payment", "account", "event", "queue", "limit"];

function codeLine(ext: string, indent: string): string {
  const a = pick(WORDS);
  const b = pick(WORDS);
  switch (ext) {
    case "py":
      return pick([`${indent}${a}_${b} = get_${a}(${b}_id)`, `${indent}if not ${a}: return None`, `${indent}logger.info("${a} %s", ${b})`, `${indent}# ${a} comes before ${b}`]);
    case "go":
      return pick([`${indent}${a}, err := load${b}(ctx, id)`, `${indent}if err != nil { return err }`, `${indent}// ${a} is cached per ${b}`, `${indent}defer ${a}.Close()`]);
    case "md":
      return pick([`The ${a} is checked before the ${b}.`, `- ${a}: see ${b}`, "", `## ${a} and ${b}`]);
    case "json":
      return `${indent}"${a}.${b}": "${b} ${a}",`;
    case "yml":
      return `${indent}${a}_${b}: "${b} ${a}"`;
    default:
      return pick([`${indent}const ${a} = await load${b}(id);`, `${indent}if (!${a}) return undefined;`, `${indent}// ${a} is cached per ${b}`, `${indent}${a}.${b} = ${b};`, `${indent}}`]);
  }
}

/** A GitHub-style patch: a few hunks of context, removed and added lines. */
function syntheticPatch(ext: string, hunks: number): string {
  const out: string[] = [];
  let oldStart = between(1, 40);
  for (let h = 0; h < hunks; h++) {
    const before = between(0, 3);
    const removed = between(0, 8);
    const added = between(1, 20);
    const after = between(0, 3);
    const indent = "  ".repeat(between(0, 3));
    const body = [
      ...Array.from({ length: before }, () => ` ${codeLine(ext, indent)}`),
      ...Array.from({ length: removed }, () => `-${codeLine(ext, indent)}`),
      ...Array.from({ length: added }, () => `+${codeLine(ext, indent)}`),
      ...Array.from({ length: after }, () => ` ${codeLine(ext, indent)}`),
    ];
    const oldLines = before + removed + after;
    const newLines = before + added + after;
    out.push(`@@ -${oldStart},${oldLines} +${oldStart},${newLines} @@ ${ext === "py" ? "def handler(event):" : ""}`.trimEnd(), ...body);
    oldStart += oldLines + between(5, 60);
  }
  return out.join("\n");
}

const ORDINARY: { weight: number; path: (i: number) => string; ext: string }[] = [
  { weight: 45, path: (i) => `src/${pick(WORDS)}/${pick(WORDS)}-${i}.ts`, ext: "ts" },
  { weight: 10, path: (i) => `services/${pick(WORDS)}/handler_${i}.py`, ext: "py" },
  { weight: 8, path: (i) => `pkg/${pick(WORDS)}/${pick(WORDS)}_${i}.go`, ext: "go" },
  { weight: 15, path: (i) => `test/${pick(WORDS)}/${pick(WORDS)}-${i}.test.ts`, ext: "ts" },
  { weight: 8, path: (i) => `docs/${pick(WORDS)}-${i}.md`, ext: "md" },
  { weight: 6, path: (i) => `locales/${pick(["en", "de", "fr"])}/${pick(WORDS)}-${i}.json`, ext: "json" },
  { weight: 3, path: (i) => `config/${pick(WORDS)}-${i}.yml`, ext: "yml" },
];
const TOTAL_WEIGHT = ORDINARY.reduce((n, o) => n + o.weight, 0);

function ordinaryFile(i: number): FileFacts {
  let r = random() * TOTAL_WEIGHT;
  const kind = ORDINARY.find((o) => (r -= o.weight) < 0) ?? ORDINARY[0]!;
  const patch = syntheticPatch(kind.ext, between(1, 3));
  const lines = patch.split("\n");
  return {
    filename: kind.path(i),
    status: "modified",
    patch,
    additions: lines.filter((l) => l.startsWith("+")).length,
    deletions: lines.filter((l) => l.startsWith("-")).length,
  };
}

function realisticPr(): FileFacts[] {
  const infraFiles = cases.flatMap((c) => c.files);
  const pr: FileFacts[] = [];
  let copy = 0;
  for (let i = 0; pr.length < PR_FILES; i++) {
    if (i % 8 === 0) {
      const f = infraFiles[copy % infraFiles.length]!;
      pr.push({ ...f, filename: `team${Math.floor(copy / infraFiles.length)}/${f.filename}` });
      copy++;
    } else pr.push(ordinaryFile(i));
  }
  return pr;
}

function allInfraPr(): FileFacts[] {
  const pr: FileFacts[] = [];
  for (let i = 0; pr.length < PR_FILES; i++) {
    for (const f of cases.flatMap((c) => c.files)) {
      if (pr.length >= PR_FILES) break;
      pr.push({ ...f, filename: `copy${i}/${f.filename}` });
    }
  }
  return pr;
}

function timed(files: FileFacts[]): { ms: number; findings: number } {
  const t0 = performance.now();
  const findings = analyzeInfra(files, infra).length;
  return { ms: performance.now() - t0, findings };
}

function bench(name: string, files: FileFacts[]): void {
  const cold = timed(files);
  const warm = Array.from({ length: 5 }, () => timed(files).ms).sort((a, b) => a - b);
  const lines = files.reduce((n, f) => n + (f.patch?.split("\n").length ?? 0), 0);
  console.log(`synthetic PR (${name}): ${files.length} files, ${lines} patch lines, ${cold.findings} findings: cold ${cold.ms.toFixed(0)} ms, warm ${warm[2]!.toFixed(0)} ms (median of 5)`);
}

runCases();
console.log("");
// Each PR is timed cold first, so run the realistic one (the usual shape) before the other warms the code up.
bench("realistic, 1 file in 8 infra", realisticPr());
bench("all infra, worst case", allInfraPr());
