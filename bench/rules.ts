/**
 * Runs the infra rules over a directory of case files with the default policy:
 *   npx tsx bench/rules.ts test/fixtures/infra-cases
 * Prints expected vs got per case, totals (matches, false alarms, misses) and the time to analyze a
 * synthetic 3000-file PR built from the cases.
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

// A synthetic 3000-file PR: the cases' files repeated, each copy in its own directory.
const big: FileFacts[] = [];
for (let i = 0; big.length < 3000; i++) {
  for (const f of cases.flatMap((c) => c.files)) {
    if (big.length >= 3000) break;
    big.push({ ...f, filename: `copy${i}/${f.filename}` });
  }
}
analyzeInfra(big.slice(0, 100), infra); // warm up
const t0 = performance.now();
const bigFindings = analyzeInfra(big, infra);
const ms = performance.now() - t0;
console.log(`synthetic PR: ${big.length} files, ${bigFindings.length} findings, analyzed in ${ms.toFixed(0)} ms`);
