import { describe, expect, it } from "@jest/globals";
import { compileUserPattern, MAX_PATTERN_INPUT, patternProblem } from "../../src/config/pattern.js";
import { parsePolicy } from "../../src/config/parse.js";
import { compileDetector, detectAgents } from "../../src/detect/detect.js";
import { policySchema } from "../../src/config/schema.js";
import { analyzeInfra } from "../../src/rules/infra/index.js";
import { addedFile } from "../helpers/facts.js";
import { commit, HUMAN, pr } from "../detect/helpers.js";

describe("policy patterns run on RE2", () => {
  it("a catastrophic pattern finishes in milliseconds on the input that stalls a backtracking engine", () => {
    const re = compileUserPattern("(a+)+$", "agents.trailers[0]", { multiline: true });
    const t0 = performance.now();
    // No match (the `!` is last): exactly where backtracking tries every way to split the a's.
    expect(re.search("a".repeat(40) + "!")).toBe(-1);
    expect(re.search("a".repeat(10_000) + "!")).toBe(-1);
    expect(re.search("a".repeat(40))).toBe(0);
    // A stall guard, not a speed test: backtracking takes hours here, RE2 microseconds.
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("matches like a case-insensitive regex: index of the first match, ^ and $ at line ends when multiline", () => {
    expect(compileUserPattern("co-authored-by: .*bot", "x").search("Fix\n\nCo-Authored-By: A Bot <b@x>")).toBe(5);
    expect(compileUserPattern("^generated$", "x", { multiline: true }).search("a\ngenerated\nb")).toBe(2);
    expect(compileUserPattern("^generated$", "x").search("a\ngenerated\nb")).toBe(-1);
  });

  it("sees only the head and foot of a long text (MAX_PATTERN_INPUT in all); testWhole refuses a longer one", () => {
    const re = compileUserPattern("needle", "x");
    expect(re.search("x".repeat(MAX_PATTERN_INPUT) + "needle" + "x".repeat(MAX_PATTERN_INPUT))).toBe(-1);
    expect(re.search("x".repeat(4 * MAX_PATTERN_INPUT) + "\n\nneedle")).toBeGreaterThan(0);
    expect(re.testWhole("needle" + "x".repeat(MAX_PATTERN_INPUT))).toBe(false);
    expect(re.testWhole("a needle")).toBe(true);
  });

  it.each([
    ["(a)\\1", /lookahead, lookbehind or a backreference/],
    ["foo(?=bar)", /lookahead, lookbehind or a backreference/],
    ["(?<!x)y", /lookahead, lookbehind or a backreference/],
    ["(unclosed", /missing closing \)/],
    ["a{1,5000}", /invalid repeat count/],
  ])("refuses %s at validation, saying why without repeating it", (pattern, why) => {
    expect(patternProblem(pattern)).toMatch(why);
    const result = parsePolicy(`agents:\n  trailers:\n    - 'ok'\n    - '${pattern}'\n`, ".agentgate.yml");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.objectContaining({ line: 4, column: 7, key: "agents.trailers[1]", message: expect.stringMatching(why) })]);
    expect(result.problems[0]!.message).not.toContain(pattern);
  });

  it("bounds the number and size of a policy's patterns, so one policy's cost per evaluation is bounded", () => {
    const many = Array.from({ length: 51 }, (_, i) => `'^x-${i}:'`).join(", ");
    const tooMany = parsePolicy(`agents:\n  trailers: [${many}]\n`, ".agentgate.yml");
    expect(tooMany.ok || tooMany.problems[0]).toMatchObject({ key: "agents.trailers", message: "must have at most 50 items" });
    const long = parsePolicy(`agents:\n  trailers: ['${"a".repeat(501)}']\n`, ".agentgate.yml");
    expect(long.ok || long.problems[0]).toMatchObject({ key: "agents.trailers[0]", message: "must be at most 500 characters long" });
  });

  it("accepts what RE2 and JavaScript share: classes, \\b, named groups, alternation", () => {
    for (const p of ["\\bbot\\b", "[[:alpha:]]+", "(?P<n>x)|(?<m>y)", "^Co-authored-by: .*<coder@acme\\.internal>$", "\\d{2,4}\\s"]) {
      expect(patternProblem(p)).toBeUndefined();
    }
  });

  it("a policy trailer pattern still detects an agent (control)", () => {
    const detector = compileDetector(policySchema.parse({ agents: { trailers: ["^Generated-by: in-house-coder"] } }).agents);
    const detection = detectAgents({ pr: pr(), commits: [commit(HUMAN, "Fix\n\nGenerated-by: In-House-Coder 2.1")] }, detector);
    expect(detection.agentAuthored).toBe(true);
  });

  it("an infra allow pattern still allows what it names, and nothing on evidence too long to match whole", () => {
    const infra = policySchema.parse({ infra: { allow: [{ rule: "DB-02", pattern: "drop column legacy", reason: "unused" }] } }).infra;
    const [f] = analyzeInfra([addedFile("migrations/001_up.sql", ["ALTER TABLE orders DROP COLUMN legacy;"])], infra);
    expect(f!.severity).toBe("note");
  });
});
