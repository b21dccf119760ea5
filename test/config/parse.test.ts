import { describe, expect, it } from "@jest/globals";
import { closestKey, formatProblem, parsePolicy, type PolicyProblem } from "../../src/config/parse.js";
import { defaultPolicy } from "../../src/config/schema.js";

const FILE = ".agentgate.yml";

function problemsOf(text: string): PolicyProblem[] {
  const result = parsePolicy(text, FILE);
  if (result.ok) throw new Error("expected the policy to be invalid");
  return result.problems;
}

/** `line key` pairs: what a user needs to find each mistake. */
function where(text: string): string[] {
  return problemsOf(text).map((p) => `${p.line} ${p.key ?? "-"}`);
}

describe("parsePolicy: valid files", () => {
  it("reads an empty file, or one with only comments, as the defaults", () => {
    for (const text of ["", "\n", "# nothing here yet\n", "---\n"]) {
      const result = parsePolicy(text, FILE);
      expect(result.ok && result.policy).toEqual(defaultPolicy());
    }
  });

  it("applies defaults around what is written", () => {
    const result = parsePolicy("approvals:\n  required: 3\npaths:\n  - name: infra\n    paths: [terraform/**]\n    teams: [acme/platform]\n", FILE);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    expect(result.policy.approvals.required).toBe(3);
    expect(result.policy.approvals.min_permission).toBe("write");
    expect(result.policy.paths[0]).toMatchObject({ name: "infra", teams: ["acme/platform"], block: false });
    expect(result.input).toEqual({ approvals: { required: 3 }, paths: [{ name: "infra", paths: ["terraform/**"], teams: ["acme/platform"] }] });
  });
});

describe("parsePolicy: every mistake names its line and key", () => {
  it("an unknown key is an error at that key's line, with a suggestion", () => {
    const problems = problemsOf("version: 1\napprovals:\n  required: 2\n  min_permision: write\n");
    expect(problems).toEqual([
      expect.objectContaining({ kind: "invalid", file: FILE, line: 4, column: 3, key: "approvals.min_permision" }),
    ]);
    expect(problems[0]!.message).toContain('did you mean "min_permission"');
  });

  it("reports each unknown key of one mapping separately, naming only near misses of known keys", () => {
    // A key that is no near miss may be anything (a secret of a file `_extends` pointed at): the
    // line and column point at it, the message does not repeat it.
    expect(where("approvals:\n  requird: 2\n  colour: red\nfoo: 1\n")).toEqual(["2 approvals.requird", "3 approvals", "4 -"]);
    expect(problemsOf("approvals:\n  colour: red\n")[0]!.message).toBe("unknown key (allowed: required, min_permission, allow_contributors, keep_on_identical_diff)");
  });

  it("a wrong type names what was expected and what was written", () => {
    const [p] = problemsOf("applies_to: agents\napprovals:\n  required: two\n");
    expect(p).toMatchObject({ line: 3, key: "approvals.required" });
    expect(p!.message).toBe("expected number, got a string");
  });

  it("a bad enum value lists the allowed values", () => {
    const [p] = problemsOf("\n\napplies_to: everyone\n");
    expect(p).toMatchObject({ line: 3, column: 1, key: "applies_to" });
    expect(p!.message).toBe('must be one of "agents", "all", not a string');
  });

  it("a bad regular expression says why it does not compile", () => {
    const [p] = problemsOf("agents:\n  trailers:\n    - 'Co-authored-by: .*bot'\n    - '(unclosed'\n");
    expect(p).toMatchObject({ line: 4, key: "agents.trailers[1]" });
    expect(p!.message).toMatch(/^not a valid regular expression: .*/);
  });

  it("a duplicate key is an error at the second occurrence", () => {
    expect(where("approvals:\n  required: 2\n  required: 3\n")).toEqual(["3 approvals.required"]);
  });

  it("a YAML syntax error gives the line", () => {
    const problems = problemsOf("approvals:\n  required: [2\ncheck_name: x\n");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it("a top-level list or scalar is not a policy", () => {
    expect(problemsOf("- a\n- b\n")[0]!.message).toBe("expected object, got a list");
    expect(problemsOf("hello\n")[0]!.message).toBe("expected object, got a string");
  });

  it("a path rule without an effect, a bad team and a bad rule id are each reported", () => {
    const text = [
      "paths:",
      "  - name: docs", // 2: no block/approvals/teams
      "    paths: [docs/**]",
      "  - name: infra",
      "    paths: [terraform/**]",
      "    teams: [platform]", // 6: not org/slug
      "infra:",
      "  rules:",
      "    tf-1:", // 9: bad rule id
      "      severity: note",
      "",
    ].join("\n");
    expect(where(text)).toEqual(["2 paths[0]", "6 paths[1].teams[0]", "9 infra.rules"]);
  });

  it("reports all the problems of a file, in line order, not just the first", () => {
    const text = "check_name: ''\napplies_to: some\napprovals:\n  required: 99\nlimits:\n  max_files: 0\nextra: true\n";
    expect(where(text)).toEqual(["1 check_name", "2 applies_to", "4 approvals.required", "6 limits.max_files", "7 -"]);
    expect(problemsOf(text).map((p) => p.message)).toEqual([
      "must not be empty",
      'must be one of "agents", "all", not a string',
      "must be at most 20",
      "must be at least 1",
      expect.stringMatching(/^unknown key \(allowed: /),
    ]);
  });

  it("a required key that is missing points at its mapping", () => {
    const [p] = problemsOf("paths:\n  - name: infra\n    block: true\n");
    expect(p).toMatchObject({ line: 2, key: "paths[0].paths", message: "is required (array)" });
  });

  it("an alias bomb is refused, not expanded", () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => {
      const prev = String.fromCharCode(97 + i);
      const me = String.fromCharCode(98 + i);
      return `${me}: &${me} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
    })].join("\n");
    expect(parsePolicy(bomb, FILE).ok).toBe(false);
  });
});

describe("formatProblem", () => {
  it("writes file:line:col: key: message", () => {
    expect(formatProblem({ kind: "invalid", file: "a.yml", line: 3, column: 5, key: "approvals.required", message: "bad" })).toBe(
      "a.yml:3:5: approvals.required: bad",
    );
  });
  it("leaves out what is unknown", () => {
    expect(formatProblem({ kind: "unreadable", file: "acme/app@main:.agentgate.yml", message: "could not read" })).toBe(
      "acme/app@main:.agentgate.yml: could not read",
    );
  });
});

describe("closestKey", () => {
  it("suggests a near miss and nothing for a far one", () => {
    expect(closestKey("aproval", ["approvals", "agents"])).toBe("approvals");
    expect(closestKey("colour", ["approvals", "agents"])).toBeUndefined();
  });
});
