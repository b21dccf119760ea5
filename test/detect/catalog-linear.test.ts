/**
 * The catalog's own patterns stay native RegExp (they are ours), so each must be safe on any text an
 * agent writes: no pattern may take more than linear-ish time on long runs of the characters that
 * make backtracking engines blow up (a quadratic `^\s*` over 65,536 newlines takes seconds).
 */
import { describe, expect, it } from "@jest/globals";
import { CATALOG } from "../../src/detect/catalog.js";

const N = 20_000;
const RUNS = ["a", " ", "\n", "\r\n", "\t", "-", ".", "@", "<", "1", "x ", "a-", "[bot]", "co-authored-by: ", "generated with "];
const PREFIXES = ["", "Co-authored-by: ", "Generated with ", "https://", "<", "🤖 "];

describe("catalog patterns", () => {
  it("each finishes in milliseconds on 20,000-character adversarial runs", () => {
    const slow: string[] = [];
    for (const agent of CATALOG) {
      for (const spec of agent.markers) {
        const re = new RegExp(spec.pattern, spec.caseSensitive ? "m" : "im");
        for (const run of RUNS) {
          const tail = run.repeat(Math.ceil(N / run.length)) + "!";
          for (const prefix of PREFIXES) {
            const t0 = performance.now();
            re.exec(prefix + tail);
            const ms = performance.now() - t0;
            if (ms > 50) slow.push(`${spec.id}: ${ms.toFixed(0)} ms on ${JSON.stringify(prefix + run)}…`);
          }
        }
      }
    }
    expect(slow).toEqual([]);
  });
});
