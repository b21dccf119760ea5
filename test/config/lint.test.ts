import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { formatProblem, parsePolicy, type PolicyProblem, type PolicyWarning } from "../../src/config/parse.js";

const FILE = ".agentgate.yml";
const ROOT_HINT = "paths are relative to the repository root; write `infra/**`";

function problemsOf(text: string): PolicyProblem[] {
  const result = parsePolicy(text, FILE);
  if (result.ok) throw new Error("expected the policy to be invalid");
  return result.problems;
}

function warningsOf(text: string): PolicyWarning[] {
  const result = parsePolicy(text, FILE);
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.warnings;
}

describe("policy mistakes: a CODEOWNERS-style leading / is an error with a hint", () => {
  it("in paths[].paths, at the glob's line, column and key", () => {
    const problems = problemsOf("paths:\n  - name: infra\n    paths:\n      - terraform/**\n      - /infra/**\n    block: true\n");
    expect(problems).toEqual([
      { kind: "invalid", file: FILE, line: 5, column: 9, key: "paths[0].paths[1]", message: expect.stringContaining(ROOT_HINT) },
    ]);
    expect(formatProblem(problems[0]!)).toBe(`${FILE}:5:9: paths[0].paths[1]: a leading / matches nothing: ${ROOT_HINT}`);
  });

  it("in every other key that takes path globs", () => {
    const text = [
      "infra:",
      "  rules:",
      "    TF-01:",
      "      scopes:",
      "        - paths: [/sandbox/**]",
      "          severity: note",
      "  allow:",
      "    - rule: DB-02",
      "      paths: [/db/legacy/**]",
      "      reason: legacy table",
      "  non_deployed_paths: [/examples/**]",
      "  docs_paths: [/docs/**]",
      "",
    ].join("\n");
    const problems = problemsOf(text);
    expect(problems.map((p) => `${p.line} ${p.key}`)).toEqual([
      "5 infra.rules.TF-01.scopes[0].paths[0]",
      "9 infra.allow[0].paths[0]",
      "11 infra.non_deployed_paths[0]",
      "12 infra.docs_paths[0]",
    ]);
    for (const p of problems) expect(p.message).toContain(ROOT_HINT);
  });

  it("in agents.branches, with a branch hint", () => {
    const [p, ...rest] = problemsOf("agents:\n  branches: [ai/**, /copilot/**]\n");
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 2, key: "agents.branches[1]" });
    expect(p!.message).toContain("write `ai/**`");
  });

  it("a trailing / or a ./ segment also match nothing: errors with the same kind of hint", () => {
    const problems = problemsOf("paths:\n  - name: a\n    paths: [infra/, ./db/**, src/./x]\n    block: true\n");
    expect(problems.map((p) => p.key)).toEqual(["paths[0].paths[0]", "paths[0].paths[1]", "paths[0].paths[2]"]);
    expect(problems[0]!.message).toContain("write `infra/**` for everything under a folder");
    expect(problems[1]!.message).toContain(ROOT_HINT);
  });

  it("never quotes the glob", () => {
    for (const p of problemsOf("paths:\n  - name: a\n    paths: [/s3cr3t-folder/**, s3cr3t-dir/]\n    block: true\n")) {
      expect(formatProblem(p)).not.toContain("s3cr3t");
    }
  });
});

describe("policy mistakes: unknown rule ids are errors", () => {
  it("a near miss in infra.rules names the rule id written, suggests the id and points at the catalog", () => {
    const problems = problemsOf("infra:\n  rules:\n    TF-1:\n      severity: block\n");
    expect(problems).toEqual([
      {
        kind: "invalid",
        file: FILE,
        line: 3,
        column: 5,
        key: "infra.rules.TF-1",
        message: "unknown rule id (did you mean TF-01?); the rule catalog is agentgate's docs/rules.md",
      },
    ]);
  });

  it("an id that is no near miss gets no suggestion", () => {
    const [p] = problemsOf("infra:\n  rules:\n    ZZZZ-999:\n      enabled: false\n");
    expect(p).toMatchObject({ line: 3, key: "infra.rules.ZZZZ-999", message: "unknown rule id; the rule catalog is agentgate's docs/rules.md" });
  });

  it("TF-99 is well-formed but not in the catalog", () => {
    const [p] = problemsOf("infra:\n  rules:\n    TF-99: { enabled: false }\n");
    expect(p).toMatchObject({ line: 3, key: "infra.rules.TF-99" });
    expect(p!.message).toContain("unknown rule id");
  });

  it("in infra.allow[].rule, without quoting the value", () => {
    const problems = problemsOf("infra:\n  allow:\n    - rule: '*'\n      reason: ok\n    - rule: db-02\n      reason: legacy\n    - rule: hunter2\n      reason: x\n");
    expect(problems).toEqual([
      { kind: "invalid", file: FILE, line: 5, column: 7, key: "infra.allow[1].rule", message: "unknown rule id (did you mean DB-02?); the rule catalog is agentgate's docs/rules.md" },
      { kind: "invalid", file: FILE, line: 7, column: 7, key: "infra.allow[2].rule", message: "unknown rule id; the rule catalog is agentgate's docs/rules.md" },
    ]);
  });

  it("a key that does not look like a rule id keeps its one message", () => {
    const problems = problemsOf("infra:\n  rules:\n    tf-01: { enabled: false }\n");
    expect(problems.map((p) => p.message)).toEqual(["invalid key: a rule id looks like TF-01"]);
  });
});

describe("policy warnings: globs that match, but probably not what was meant", () => {
  it("a leading ! (no negation in path globs) and a backslash are warnings at their key; the policy is valid", () => {
    const warnings = warningsOf("paths:\n  - name: a\n    paths: [infra/**, '!infra/docs/**']\n    block: true\ninfra:\n  docs_paths: ['docs\\\\*.md']\n");
    expect(warnings.map((w) => `${w.line}:${w.column} ${w.key}`)).toEqual(["3:23 paths[0].paths[1]", "6:16 infra.docs_paths[0]"]);
    expect(warnings[0]!.message).toContain("not a negation");
    expect(warnings[1]!.message).toContain("not a folder separator");
    for (const w of warnings) expect(formatProblem(w)).not.toContain("infra/docs");
  });

  it("a leading ! in agents.branches negates: said so", () => {
    const [w] = warningsOf("agents:\n  branches: ['!main']\n");
    expect(w).toMatchObject({ line: 2, key: "agents.branches[0]" });
    expect(w!.message).toContain("every branch that does not match");
  });
});

describe("valid policies still pass, without warnings", () => {
  /** Whole policies among a markdown file's ```yaml blocks. */
  const examples = (md: string) =>
    [...readFileSync(md, "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((t) => !t.startsWith("_extends"));

  it.each(["README.md", "docs/config.md"])("every example of %s", (md) => {
    const found = examples(md);
    expect(found.length).toBeGreaterThan(0);
    for (const text of found) {
      const result = parsePolicy(text, md);
      expect(result.ok ? result.warnings.map(formatProblem) : result.problems.map(formatProblem)).toEqual([]);
    }
  });

  it("every rule id of the catalog, and `*`, are accepted", async () => {
    const { INFRA_RULES } = await import("../../src/rules/infra/catalog.js");
    const rules = INFRA_RULES.map((r) => `    ${r.id}: { severity: note }`).join("\n");
    const allow = INFRA_RULES.map((r) => `    - { rule: ${r.id}, reason: r }`).join("\n");
    expect(warningsOf(`infra:\n  rules:\n${rules}\n  allow:\n${allow}\n    - { rule: '*', paths: [vendor/**], reason: r }\n`)).toEqual([]);
  });

  it("globs with ** , braces, a dot folder or // (minimatch collapses it) are fine", () => {
    expect(warningsOf("paths:\n  - name: a\n    paths: ['**/*.tf', '{db,sql}/**', .github/x/**, infra//prod/**, '*']\n    block: true\n")).toEqual([]);
  });
});
