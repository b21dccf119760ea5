/**
 * Recall per agent on both corpora, printed as a table: the shared corpus (548 commits, must stay
 * at 100 % and 0 false positives) and test/fixtures/agent-commits-2026.jsonl, real commits of 2026
 * quoted in public material (how it was built and how to rebuild it: docs/agents.md, "The 2026
 * corpus"). The second corpus was not tuned on: its floor is below 100 % and its known misses are
 * named here with the reason.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { compileDetector } from "../../src/detect/detect.js";
import { LABEL_TO_AGENT, parseCorpus, scoreCorpus, type CorpusRow, type CorpusScore } from "../../src/detect/score.js";

const load = (name: string) => parseCorpus(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));
const shared = load("agent-commits.jsonl");
const ours = load("agent-commits-2026.jsonl");
const detector = compileDetector();

// The shared corpus's one disputed label (see corpus.test.ts).
const sharedScore = scoreCorpus(shared, detector, { "87c39a4f2b40d3b3add425c4c294abd4b1fb91d2": "openhands" });
const oursScore = scoreCorpus(ours, detector);

/**
 * Agent rows of the 2026 corpus the detector misses on purpose: the only evidence is prose, and
 * prose that mentions a tool or a model must not count (it would flag the tricky humans).
 */
const KNOWN_MISSES: Record<string, string> = {
  "lancedb/lancedb": "prose 'AI assistance: Codex helped implement…' (a space in the key: not a trailer)",
  "THU-MAIC/OpenMAIC": "'(AI-assisted)' in the subject line only",
};

function table(title: string, score: CorpusScore): string {
  const pct = (n: number, d: number) => (d === 0 ? "-" : `${((100 * n) / d).toFixed(1)} %`);
  const lines = [
    `${title}: ${score.rows} rows`,
    `| label | agent id | recognized | recall |`,
    `| --- | --- | --- | --- |`,
    ...score.perAgent.map((a) => `| ${a.label} | ${a.expected} | ${a.recognized}/${a.total} | ${pct(a.recognized, a.total)} |`),
    `| **all agent rows** | | ${score.agentRows.recognized}/${score.agentRows.total} | ${pct(score.agentRows.recognized, score.agentRows.total)} |`,
    `false positives: ${score.human.flagged.length}/${score.human.total} human rows, ${score.trickyHuman.flagged.length}/${score.trickyHuman.total} tricky humans;` +
      ` automation as agent: ${score.automation.asAgent.length}/${score.automation.total}`,
  ];
  if (score.agentRows.missed.length) lines.push(`missed: ${score.agentRows.missed.map((r) => `${r.repo} (${r.label})`).join(", ")}`);
  return lines.join("\n");
}

describe("recall per agent on both corpora", () => {
  it("prints the tables", () => {
    // Printed on purpose: the numbers the report and docs/agents.md quote.
    console.log(`${table("shared corpus", sharedScore)}\n\n${table("2026 corpus", oursScore)}`);
    expect(sharedScore.rows).toBe(548);
  });

  it("keeps the shared corpus at 100 % recall and 0 false positives", () => {
    expect(sharedScore.agentRows.missed).toEqual([]);
    expect(sharedScore.human.flagged).toEqual([]);
    expect(sharedScore.trickyHuman.flagged).toEqual([]);
  });

  it("flags no human row of the 2026 corpus, tricky ones included", () => {
    expect(oursScore.human.flagged).toEqual([]);
    expect(oursScore.trickyHuman.total).toBeGreaterThanOrEqual(15);
    expect(oursScore.trickyHuman.flagged).toEqual([]);
  });

  it("recognizes the 2026 corpus above its floor, missing only the prose-only rows", () => {
    expect(oursScore.unmappedLabels).toEqual([]);
    expect(oursScore.agentRows.total).toBeGreaterThanOrEqual(30);
    expect(oursScore.agentRows.recognized / oursScore.agentRows.total).toBeGreaterThanOrEqual(0.9);
    expect(oursScore.agentRows.missed.map((r) => r.repo).sort()).toEqual(Object.keys(KNOWN_MISSES).sort());
    // Where the labeller listed several agents, all are found (github/spec-kit, obra/superpowers).
    expect(oursScore.allListedAgents.incomplete.filter((r) => !(r.repo in KNOWN_MISSES))).toEqual([]);
  });

  it("names no agent on the unknown rows of the 2026 corpus (no author marker in them)", () => {
    for (const r of oursScore.unknown) expect(`${r.repo}: ${r.got.join(",")}`).toBe(`${r.repo}: `);
  });

  it("says where every row of the 2026 corpus comes from, with a mapped label and evidence", () => {
    const labels = new Set([...Object.keys(LABEL_TO_AGENT), "human", "unknown", "automation"]);
    for (const row of ours as CorpusRow[]) {
      expect(row.source ?? "").toMatch(/github\.com|search file \d+/);
      expect(labels.has(row.label)).toBe(true);
      expect(row.evidence.length).toBeGreaterThan(0);
    }
  });
});
