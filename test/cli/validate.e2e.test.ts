import { afterAll, describe, expect, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentgate, scratch } from "./helpers.js";

const tmp = scratch();
afterAll(() => tmp.cleanup());

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

describe("agentgate validate", () => {
  it("accepts a valid policy: exit 0", () => {
    const path = file("good.yml", "approvals:\n  required: 3\n");
    const r = agentgate(["validate", path]);
    expect(r).toMatchObject({ code: 0, stdout: `${path}: valid\n` });
  });

  it("prints every problem with file, line and key: exit 1", () => {
    const path = file("bad.yml", "version: 1\napplies_to: everyone\napprovals:\n  requird: 2\n");
    const r = agentgate(["validate", path]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      `${path}:2:1: applies_to: must be one of "agents", "all", not a string`,
      `${path}:4:3: approvals.requird: unknown key "requird" (did you mean "required"?)`,
    ]);
  });

  it("checks several files at once (as a pre-commit hook passes them)", () => {
    const good = file("a.yml", "applies_to: all\n");
    const bad = file("b.yml", "check_name: ''\n");
    const r = agentgate(["validate", good, bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${good}: valid`);
    expect(r.stdout).toContain(`${bad}:1:1: check_name: must not be empty`);
  });

  it("reports in JSON for editors and CI: every file, every problem with line, column and key", () => {
    const good = file("j-good.yml", "applies_to: all\n");
    const bad = file("j-bad.yml", "approvals:\n  requird: 2\n");
    const r = agentgate(["validate", "--format", "json", good, bad]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      valid: false,
      files: [
        { file: good, valid: true, problems: [], notes: [], warnings: [] },
        {
          file: bad,
          valid: false,
          problems: [{ line: 2, column: 3, key: "approvals.requird", message: 'unknown key "requird" (did you mean "required"?)' }],
          notes: [],
          warnings: [],
        },
      ],
    });
  });

  it("a CODEOWNERS-style leading / and unknown rule ids are errors with a hint: exit 1", () => {
    const path = file(
      "mistakes.yml",
      "paths:\n  - name: infra\n    paths: [/infra/**]\n    block: true\ninfra:\n  rules:\n    TF-1: { severity: block }\n  allow:\n    - rule: TF-99\n      reason: known\n",
    );
    const r = agentgate(["validate", path]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      `${path}:3:13: paths[0].paths[0]: a leading / matches nothing: paths are relative to the repository root; write \`infra/**\``,
      `${path}:7:5: infra.rules.TF-1: unknown rule id (did you mean TF-01?); the rule catalog is agentgate's docs/rules.md`,
      `${path}:9:7: infra.allow[0].rule: unknown rule id (did you mean TF-09?); the rule catalog is agentgate's docs/rules.md`,
    ]);
  });

  it("prints warnings of a valid policy, which stays valid: exit 0, in text and in JSON", () => {
    const path = file("warned.yml", "paths:\n  - name: infra\n    paths: [infra/**, '!infra/docs/**']\n    block: true\n");
    const r = agentgate(["validate", path]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.trim().split("\n")).toEqual([
      `${path}: valid (1 warning)`,
      `${path}:3:23: warning: paths[0].paths[1]: a leading ! is not a negation here: it matches names that start with !; list what to match instead`,
    ]);
    const j = agentgate(["validate", "--format", "json", path]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      version: 1,
      valid: true,
      files: [
        {
          file: path,
          valid: true,
          problems: [],
          notes: [],
          warnings: [{ line: 3, column: 23, key: "paths[0].paths[1]", message: expect.stringContaining("not a negation") }],
        },
      ],
    });
  });

  it("finds the repository's policy by default, and warns when two exist", () => {
    const repo = tmp.repo("two-files");
    repo.write(".agentgate.yml", "applies_to: all\n").write(".github/agentgate.yml", "applies_to: agents\n");
    const r = agentgate(["validate"], { cwd: repo.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\.agentgate\.yml: valid/);
    expect(r.stderr).toMatch(/\.github\/agentgate\.yml is ignored because .*\.agentgate\.yml exists/);
  });

  it("a missing file is one line and exit 2, without a stack trace", () => {
    const r = agentgate(["validate", join(tmp.dir, "nope.yml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`agentgate: ${join(tmp.dir, "nope.yml")}: no such file\n`);
  });

  it("no policy in the repository is one line and exit 2", () => {
    const repo = tmp.repo("no-policy");
    const r = agentgate(["validate"], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/no \.agentgate\.yml or \.github\/agentgate\.yml/);
  });
});

describe("agentgate usage", () => {
  it("--help works on every command", () => {
    for (const args of [["--help"], ["validate", "--help"], ["check", "--help"], ["explain", "--help"]]) {
      const r = agentgate(args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.stdout).toMatch(/^Usage: agentgate/);
    }
  });

  it("an unknown command or option is one clear line and exit 2", () => {
    const r = agentgate(["chek"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'chek'/);
    expect(r.stderr).toMatch(/Did you mean check\?/);
    const o = agentgate(["check", "--formt", "json"]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/unknown option '--formt'/);
    expect(agentgate(["check", "--format", "yaml"]).stderr).toMatch(/Allowed choices are text, json/);
  });
});
