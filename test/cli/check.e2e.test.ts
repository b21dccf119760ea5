import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { agentgate, scratch, TestRepo, type Identity } from "./helpers.js";

const CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>";
const DEVIN: Identity = { name: "Devin AI", email: "158243242+devin-ai-integration[bot]@users.noreply.github.com" };

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** main: a human's first commit. feature: an agent commit (trailer), a human commit, an agent commit (identity). */
let repo: TestRepo;
let shas: { trailer: string; human: string; identity: string };
beforeAll(() => {
  repo = tmp.repo("app");
  repo.write("README.md", "# app\n").commit("Initial commit");
  repo.git("checkout", "-q", "-b", "feature");
  const trailer = repo.write("src/a.ts", "export const a = 1;\n").commit(`Add a\n\nSome detail.\n\n${CLAUDE_TRAILER}`);
  const human = repo.write("README.md", "# app\n\nMore.\n").commit("Document a");
  const identity = repo.write(".github/workflows/ci.yml", "on: push\n").commit("Add CI", DEVIN);
  shas = { trailer, human, identity };
});

describe("agentgate check in a git repository", () => {
  it("lists every commit with its evidence, the findings and the requirement (JSON)", () => {
    const r = agentgate(["check", "--format", "json"], { cwd: repo.dir });
    expect(r.stderr).toBe("note: no policy file: using the defaults\n");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, kind: "check", agentAuthored: true });
    expect(out.agents.sort()).toEqual(["claude-code", "devin"]);
    expect(out.change).toMatchObject({ baseRef: "main", headRef: "feature", headSha: shas.identity });
    expect(out.commits).toEqual([
      { sha: shas.trailer, agents: ["claude-code"], evidence: [`trailer ${CLAUDE_TRAILER}`] },
      { sha: shas.human, agents: [], evidence: [] },
      { sha: shas.identity, agents: ["devin"], evidence: expect.arrayContaining([expect.stringMatching(/^author Devin AI </)]) },
    ]);
    expect(out.findings).toEqual([expect.objectContaining({ rule: "path:workflows", severity: "block", file: ".github/workflows/ci.yml" })]);
    expect(out.requirement).toMatchObject({ applies: true, blocked: true });
    // A blocked change exits 1, so a pre-push hook or CI step stops.
    expect(r.code).toBe(1);
  });

  it("prints the same in text", () => {
    const r = agentgate(["check"], { cwd: repo.dir });
    expect(r.stdout).toContain("agent-authored: yes");
    expect(r.stdout).toContain(`${shas.trailer.slice(0, 7)}  claude-code`);
    expect(r.stdout).toContain(`trailer ${CLAUDE_TRAILER}`);
    expect(r.stdout).toContain(`${shas.human.slice(0, 7)}  human`);
    expect(r.stdout).toMatch(/block\s+path:workflows\s+\.github\/workflows\/ci\.yml/);
    expect(r.stdout).toContain("requirement: BLOCKED");
  });

  it("--base/--head pick a range: the agent commit alone needs the approvals, not blocked", () => {
    const r = agentgate(["check", "--base", "main", "--head", shas.trailer, "--format", "json"], { cwd: repo.dir });
    const out = JSON.parse(r.stdout);
    expect(out.commits.map((c: { sha: string }) => c.sha)).toEqual([shas.trailer]);
    expect(out.requirement).toEqual({ applies: true, approvals: 2, teams: [], blocked: false, reasons: [] });
    expect(r.code).toBe(0);
  });

  it("a human-only change is not agent-authored, and its findings are still listed", () => {
    const human = tmp.repo("human");
    human.write("README.md", "x\n").commit("init");
    human.git("checkout", "-q", "-b", "ci");
    human.write(".github/workflows/ci.yml", "on: push\n").commit("Add CI");
    const out = JSON.parse(agentgate(["check", "--format", "json"], { cwd: human.dir }).stdout);
    expect(out.agentAuthored).toBe(false);
    expect(out.commits).toEqual([expect.objectContaining({ agents: [] })]);
    expect(out.findings.map((f: { rule: string }) => f.rule)).toEqual(["path:workflows"]);
    expect(out.requirement).toMatchObject({ applies: false, blocked: false });
  });

  it("reads the policy of the base branch, not of the change", () => {
    const r2 = tmp.repo("policy");
    r2.write(".agentgate.yml", "approvals:\n  required: 3\n").commit("policy");
    r2.git("checkout", "-q", "-b", "agent");
    r2.write(".agentgate.yml", "approvals:\n  required: 0\n").write("x.ts", "1\n").commit(`loosen\n\n${CLAUDE_TRAILER}`);
    const out = JSON.parse(agentgate(["check", "--format", "json"], { cwd: r2.dir }).stdout);
    expect(out.requirement.approvals).toBe(3);
    // and the agent's edit of the policy itself is blocked
    expect(out.findings.map((f: { rule: string }) => f.rule)).toContain("path:agentgate-policy");
  });

  it("run from a subdirectory, reads every file's diff as from the top (no file loses its patch)", () => {
    const r3 = tmp.repo("subdir");
    r3.write("docs/readme.md", "x\n").commit("init");
    r3.git("checkout", "-q", "-b", "agent");
    r3.write("infra/db.tf", 'resource "aws_db_instance" "x" {\n  deletion_protection = false\n}\n').commit("db", DEVIN);
    const fromTop = JSON.parse(agentgate(["check", "--format", "json"], { cwd: r3.dir }).stdout);
    const fromSub = JSON.parse(agentgate(["check", "--format", "json"], { cwd: join(r3.dir, "docs") }).stdout);
    expect(fromTop.findings).toEqual([expect.objectContaining({ rule: "TF-06", file: "infra/db.tf", line: 2 })]);
    expect(fromSub.findings).toEqual(fromTop.findings);
  });

  it("a base policy that exists but cannot be read is an error (exit 2), never the defaults", () => {
    const r4 = tmp.repo("corrupt");
    r4.write(".agentgate.yml", "approvals:\n  required: 3\n").commit("policy");
    r4.git("checkout", "-q", "-b", "agent");
    r4.write("x.ts", "1\n").commit(`x\n\n${CLAUDE_TRAILER}`);
    // The policy's blob is lost (a partial clone offline, a corrupt object store); its tree entry is not.
    const blob = r4.git("rev-parse", "main:.agentgate.yml").trim();
    rmSync(join(r4.dir, ".git/objects", blob.slice(0, 2), blob.slice(2)), { force: true });
    const r = agentgate(["check", "--format", "json"], { cwd: r4.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^agentgate: cannot read \.agentgate\.yml at /);
    expect(r.stdout).toBe("");
  });

  it("--config uses the given policy; a policy with errors is reported and exits 1", () => {
    const good = join(tmp.dir, "all.yml");
    writeFileSync(good, "applies_to: all\nprotect_defaults: false\napprovals:\n  required: 1\n");
    const ok = JSON.parse(agentgate(["check", "--config", good, "--format", "json"], { cwd: repo.dir }).stdout);
    expect(ok.requirement).toMatchObject({ approvals: 1, blocked: false });

    const bad = join(tmp.dir, "bad.yml");
    writeFileSync(bad, "approvals:\n  required: many\n");
    const r = agentgate(["check", "--config", bad], { cwd: repo.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:2:3: approvals.required: expected number, got a string`);
  });

  it("bad input is one clear line and a non-zero exit", () => {
    const notRepo = join(tmp.dir, "plain");
    mkdirSync(notRepo);
    const cases: [string[], string | undefined, RegExp][] = [
      [["check"], notRepo, /^agentgate: not a git repository: /],
      [["check", "--base", "no-such-branch"], repo.dir, /^agentgate: unknown ref "no-such-branch"/],
      [["check", "--head", "--oops"], repo.dir, /unknown ref|unknown option/],
      [["check", "--config", join(tmp.dir, "missing.yml")], repo.dir, /no such file/],
      [["check", "--pr", "x.json", "--base", "main"], repo.dir, /use one or the other/],
    ];
    for (const [args, cwd, message] of cases) {
      const r = agentgate(args, { cwd });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});

// Real shapes: GitHub's own OpenAPI examples, as `gh api` would save them.
const require = createRequire(import.meta.url);
const examples = (require("@octokit/openapi/generated/api.github.com.json") as { components: { examples: Record<string, { value: unknown }> } })
  .components.examples;

describe("agentgate check on saved API JSON", () => {
  const save = (name: string, value: unknown) => {
    const path = join(tmp.dir, name);
    writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
    return path;
  };

  it("reads a pull request, its commits and files", () => {
    const pr = structuredClone(examples["pull-request"]!.value) as Record<string, unknown>;
    const [commit] = structuredClone(examples["commit-items"]!.value) as Record<string, any>[];
    commit!.commit.message = `Fix all the bugs\n\n${CLAUDE_TRAILER}`;
    const files = [
      { filename: ".github/workflows/release.yml", status: "modified", additions: 1, deletions: 0, patch: "@@ -1 +1,2 @@\n on: push\n+# x" },
    ];
    Object.assign(pr, { commits: 1, changed_files: 1 });
    const r = agentgate(["check", "--pr", save("pr.json", pr), "--commits", save("commits.json", [commit]), "--files", save("files.json", files), "--format", "json"], {
      cwd: tmp.dir,
    });
    const out = JSON.parse(r.stdout);
    expect(out.change).toMatchObject({ repo: "octocat/Hello-World", number: 1347 });
    expect(out.commits).toEqual([{ sha: commit!.sha, agents: ["claude-code"], evidence: [`trailer ${CLAUDE_TRAILER}`] }]);
    expect(out.findings).toEqual([expect.objectContaining({ rule: "path:workflows", file: ".github/workflows/release.yml" })]);
    expect(r.code).toBe(1);
  });

  it("takes any one of them alone, from stdin too, and says what it could not check", () => {
    const [commit] = structuredClone(examples["commit-items"]!.value) as Record<string, any>[];
    commit!.commit.message = `x\n\n${CLAUDE_TRAILER}`;
    const r = agentgate(["check", "--commits", "-", "--format", "json"], { cwd: tmp.dir, input: JSON.stringify([commit]) });
    expect(JSON.parse(r.stdout)).toMatchObject({ agentAuthored: true, agents: ["claude-code"], findings: [] });
    expect(r.stderr).toContain("no --files: the diff is not checked against the rules");
    expect(r.code).toBe(0);
  });

  it("joins pages saved with `gh api --paginate` (arrays back to back)", () => {
    const [commit] = structuredClone(examples["commit-items"]!.value) as Record<string, any>[];
    const second = { ...commit, sha: "f".repeat(40) };
    const r = agentgate(["check", "--commits", save("pages.json", `${JSON.stringify([commit])}\n${JSON.stringify([second])}`), "--format", "json"], {
      cwd: tmp.dir,
    });
    expect(JSON.parse(r.stdout).commits).toHaveLength(2);
  });

  it("malformed JSON or the wrong shape is one clear line and exit 2", () => {
    const cases: [string[], RegExp][] = [
      [["--pr", save("broken.json", "{ not json")], /broken\.json: not valid JSON/],
      [["--commits", save("obj.json", { sha: "x" })], /obj\.json: expected the list-pull-request-commits array, got an object/],
      [["--files", save("nofilename.json", [{ status: "added" }])], /nofilename\.json: item 0: file: `filename` is missing/],
      [["--pr", save("list.json", [])], /list\.json: expected a pull request object/],
      [["--pr", join(tmp.dir, "absent.json")], /absent\.json: no such file/],
      [["--pr", "-", "--files", "-"], /only one of --pr, --commits and --files can read stdin/],
    ];
    for (const [args, message] of cases) {
      const r = agentgate(["check", ...args], { cwd: tmp.dir });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
