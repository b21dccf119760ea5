/**
 * Measure agent detection on the labelled corpus.
 *
 *   npx tsx bench/detect.ts test/fixtures/agent-commits.jsonl
 *
 * Prints recall on agent rows (overall and per agent, with the right agent id), false positives on
 * `human` rows (overall and `tricky_human`, with each sha), how `automation` and `unknown` rows were
 * classified, and the time to scan 10,000 commits (the corpus repeated).
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { compileDetector, detectCommit } from "../src/detect/detect.js";
import { parseCorpus, rowToCommit, scoreCorpus, type RowResult } from "../src/detect/score.js";

const path = process.argv[2];
if (!path) {
  console.error("usage: npx tsx bench/detect.ts <corpus.jsonl>");
  process.exit(2);
}

const rows = parseCorpus(readFileSync(path, "utf8"));
const detector = compileDetector();
const s = scoreCorpus(rows, detector);

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");
const row = (r: RowResult) => `    ${r.sha.slice(0, 12)}  ${r.repo.padEnd(26)} label=${r.label.padEnd(26)} got=[${r.got.join(", ")}] seen=[${r.seen.join(", ")}]`;

console.log(`corpus: ${path} (${s.rows} rows)\n`);
console.log(`Recall on agent rows (right agent id): ${s.agentRows.recognized}/${s.agentRows.total} = ${pct(s.agentRows.recognized, s.agentRows.total)}`);
for (const a of s.perAgent) {
  console.log(`  ${a.label.padEnd(27)} -> ${a.expected.padEnd(20)} ${String(a.recognized).padStart(3)}/${String(a.total).padEnd(3)} ${pct(a.recognized, a.total)}`);
}
if (s.agentRows.missed.length) console.log("  missed:\n" + s.agentRows.missed.map(row).join("\n"));
console.log(
  `Every listed agent found (multi-agent rows too): ${s.allListedAgents.complete}/${s.allListedAgents.total}` +
    (s.allListedAgents.incomplete.length
      ? "\n" + s.allListedAgents.incomplete.map((r) => `${row(r)} expected=[${r.expected.join(", ")}]`).join("\n")
      : ""),
);
if (s.unmappedLabels.length) console.log(`Labels with no catalog id: ${s.unmappedLabels.join(", ")}`);

console.log(`\nFalse positives on human rows: ${s.human.flagged.length}/${s.human.total} = ${pct(s.human.flagged.length, s.human.total)}`);
if (s.human.flagged.length) console.log(s.human.flagged.map(row).join("\n"));
console.log(`  of which tricky_human: ${s.trickyHuman.flagged.length}/${s.trickyHuman.total}`);
if (s.trickyHuman.flagged.length) console.log(s.trickyHuman.flagged.map(row).join("\n"));

console.log(
  `\nAutomation rows: ${s.automation.total}; reported as automation (not gated): ${s.automation.asAutomation}; ` +
    `called an agent: ${s.automation.asAgent.length}; not recognized: ${s.automation.unrecognized.length}`,
);
for (const r of [...s.automation.asAgent, ...s.automation.unrecognized]) console.log(row(r));

console.log(`\nUnknown rows (${s.unknown.length}), as classified:`);
for (const r of s.unknown) console.log(row(r));

// Speed: the corpus repeated to 10,000 commits, compiled once, after a warm-up pass.
const TARGET = 10_000;
const commits = Array.from({ length: TARGET }, (_, i) => rowToCommit(rows[i % rows.length]!));
const compileStart = performance.now();
const fresh = compileDetector();
const compileMs = performance.now() - compileStart;
for (const c of commits.slice(0, 1000)) detectCommit(c, fresh);
const start = performance.now();
let flagged = 0;
for (const c of commits) if (detectCommit(c, fresh).agents.length) flagged++;
const ms = performance.now() - start;
console.log(
  `\nSpeed: ${TARGET} commits in ${ms.toFixed(1)} ms = ${Math.round((TARGET / ms) * 1000).toLocaleString("en-US")} commits/s ` +
    `(${flagged} flagged; compiling the detector: ${compileMs.toFixed(2)} ms)`,
);
