/** The whole core on plain values: facts and a loaded policy in, one decision out. */
import { describe, expect, it } from "@jest/globals";
import { parsePolicy } from "../src/config/parse.js";
import { defaultPolicy } from "../src/config/schema.js";
import type { LoadedPolicy } from "../src/config/load.js";
import { decide } from "../src/decide.js";
import { commit, facts, file, review } from "./helpers/facts.js";

const defaults: LoadedPolicy = { policy: defaultPolicy(), problems: [], sources: [] };
const claudeCommit = commit(
  "1a2b3c4",
  "Remove the old database\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
  { name: "Dana", email: "dana@acme.example", login: "dana" },
);
const humanCommit = commit("5d6e7f8", "Fix typo", { name: "Maria", email: "maria@acme.example", login: "maria" });
const dbRemoved = file(
  "infra/db.tf",
  '@@ -1,4 +0,0 @@\n-resource "aws_db_instance" "main" {\n-  engine = "postgres"\n-  instance_class = "db.t3.micro"\n-}',
  { status: "removed", additions: 0, deletions: 4 },
);

describe("decide", () => {
  it("blocks an agent commit that destroys a database, with the evidence and the rule", () => {
    const d = decide(facts({ author: { login: "dana", type: "User" }, commits: [claudeCommit], files: [dbRemoved] }), defaults);
    expect(d.state).toBe("failure");
    expect(d.detection.agents).toEqual(["claude-code"]);
    expect(d.detection.commits[0]?.evidence[0]?.matched).toContain("Co-Authored-By: Claude <noreply@anthropic.com>");
    expect(d.findings[0]).toMatchObject({ rule: "TF-01", severity: "block", file: "infra/db.tf" });
    expect(d.headline).toBe("blocked: TF-01 on infra/db.tf · agent: claude-code");
  });

  it("lists the same finding on a human PR but does not gate it", () => {
    const d = decide(facts({ author: { login: "maria", type: "User" }, commits: [humanCommit], files: [dbRemoved] }), defaults);
    expect(d.state).toBe("success");
    expect(d.findings.map((f) => f.rule)).toContain("TF-01");
    expect(d.headline).toBe("not agent-authored: no approval needed · 1 finding listed");
  });

  it("does not count the approval of the human who ran the agent", () => {
    const d = decide(
      facts({
        author: { login: "dana", type: "User" },
        commits: [claudeCommit],
        files: [file("src/app.ts")],
        reviews: [review("dana", "APPROVED"), review("maria", "APPROVED"), review("max", "APPROVED")],
      }),
      defaults,
    );
    expect(d.state).toBe("success");
    expect(d.approvals.counted.map((a) => a.login)).toEqual(["maria", "max"]);
    expect(d.approvals.ignored.map((i) => [i.login, i.reason])).toEqual([["dana", "pr-author"]]);
  });

  it("fails on an invalid policy, even for a human PR, and names the problem", () => {
    const parsed = parsePolicy("applies_to: sometimes\n", ".agentgate.yml");
    expect(parsed.ok).toBe(false);
    const loaded: LoadedPolicy = { policy: null, problems: parsed.ok ? [] : parsed.problems, sources: [".agentgate.yml"] };
    const d = decide(facts({ commits: [humanCommit] }), loaded);
    expect(d.state).toBe("failure");
    expect(d.problems[0]).toMatch(/^\.agentgate\.yml:1:\d+: applies_to: /);
  });

  it("is error, never success, when the policy cannot be read", () => {
    const loaded: LoadedPolicy = {
      policy: null,
      problems: [{ kind: "unreadable", file: "acme/app@main:.agentgate.yml", message: "GitHub answered 502" }],
      sources: [],
    };
    expect(decide(facts({ commits: [humanCommit] }), loaded).state).toBe("error");
  });

  it("is error when the facts are incomplete, whatever the approvals", () => {
    const d = decide(
      facts({
        commits: [claudeCommit],
        reviews: [review("maria", "APPROVED"), review("max", "APPROVED")],
        incomplete: ["GitHub listed 2900 of the 3000 changed files"],
      }),
      defaults,
    );
    expect(d.state).toBe("error");
    expect(d.headline).toBe("error: GitHub listed 2900 of the 3000 changed files");
  });
});

describe("decide: policy warnings", () => {
  const text = "paths:\n  - name: infra\n    paths: [infra/**, '!infra/docs/**']\n    block: true\n";
  const parsed = parsePolicy(text, ".agentgate.yml");
  if (!parsed.ok) throw new Error("expected a valid policy");
  const warned: LoadedPolicy = { policy: parsed.policy, problems: [], sources: [".agentgate.yml"], warnings: parsed.warnings };
  const clean: LoadedPolicy = { ...warned, warnings: [] };

  it("shows them in the check run's Policy section and never changes the state", async () => {
    const { renderSummary } = await import("../src/report/markdown.js");
    for (const input of [
      { commits: [humanCommit] },
      { author: { login: "dana", type: "User" }, commits: [claudeCommit], files: [dbRemoved] },
      { author: { login: "dana", type: "User" }, commits: [claudeCommit], files: [file("src/app.ts")], reviews: [review("maria", "APPROVED"), review("max", "APPROVED")] },
    ]) {
      const d = decide(facts(input), warned);
      const plain = decide(facts(input), clean);
      expect(d.state).toBe(plain.state);
      expect(d.missing).toEqual(plain.missing);
      expect(d.policyWarnings).toEqual([
        ".agentgate.yml:3:23: warning: paths[0].paths[1]: a leading ! is not a negation here: it matches names that start with !; list what to match instead",
      ]);
      const summary = renderSummary(d);
      expect(summary).toContain("### Policy\n");
      expect(summary).toContain(`- ${d.policyWarnings![0]}`);
      expect(renderSummary(plain)).not.toContain("### Policy\n");
    }
  });
});
