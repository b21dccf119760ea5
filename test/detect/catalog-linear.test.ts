/**
 * The catalog's own patterns stay native RegExp (they are ours), so each must be safe on any text an
 * agent writes: no pattern may take more than linear-ish time on long runs of the characters that
 * make backtracking engines blow up (a quadratic `^\s*` over 65,536 newlines takes seconds).
 */
import { describe, expect, it } from "@jest/globals";
import { CATALOG } from "../../src/detect/catalog.js";

const N = 5_000;
const RUNS = ["a", " ", "\n", "\r\n", "\t", "-", ".", "@", "<", "1", "x ", "a-", "[bot]", "co-authored-by: ", "generated with "];
const PREFIXES = ["", "Co-authored-by: ", "Generated with ", "https://", "<", "🤖 "];

describe("catalog patterns", () => {
  // Not a speed test: what is checked is how the time grows. Four times the text may take about
  // four times as long; a quadratic pattern takes sixteen. A busy machine slows both sizes alike.
  it("each grows about linearly, not quadratically, on adversarial runs of 5,000 and 20,000 characters", () => {
    const fastest = (re: RegExp, text: string) => {
      let best = Infinity;
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        re.exec(text);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const slow: string[] = [];
    for (const agent of CATALOG) {
      for (const spec of agent.markers) {
        const re = new RegExp(spec.pattern, spec.caseSensitive ? "m" : "im");
        for (const run of RUNS) {
          const short = run.repeat(Math.ceil(N / run.length)) + "!";
          const long = run.repeat(Math.ceil((4 * N) / run.length)) + "!";
          for (const prefix of PREFIXES) {
            const ms = fastest(re, prefix + long);
            if (ms < 20) continue; // too quick to be a blow-up at this size
            const growth = ms / Math.max(fastest(re, prefix + short), 0.05);
            if (growth > 10) slow.push(`${spec.id}: ${growth.toFixed(0)}× for 4× the text on ${JSON.stringify(prefix + run)}…`);
          }
        }
      }
    }
    expect(slow).toEqual([]);
  });
});
