/** The decision's reasons are data; every sentence about them comes from src/report/reasons.ts. */
import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../src/config/schema.js";
import type { LoadedPolicy } from "../../src/config/load.js";
import { decide } from "../../src/decide.js";
import type { Reason } from "../../src/policy/types.js";
import { BLOCKED_WAY_OUT, CANNOT_DECIDE, FIX_POLICY, missingLines, problemLines, reasonText, requirementLines } from "../../src/report/reasons.js";
import { commit, facts, file, review, reviewer } from "../helpers/facts.js";

const defaults: LoadedPolicy = { policy: defaultPolicy(), problems: [], sources: [] };
const claude = commit("1a2b3c4", "Tune\n\nCo-Authored-By: Claude <noreply@anthropic.com>", { name: "Dana", email: "dana@acme.example", login: "dana" });
const dbRemoved = file("infra/db.tf", '@@ -1,2 +0,0 @@\n-resource "aws_db_instance" "main" {\n-}', { status: "removed", additions: 0, deletions: 2 });

describe("reason codes", () => {
  it("a pending agent PR says what is missing as codes with their numbers, and the same in words", () => {
    const d = decide(
      facts({ commits: [claude], reviews: [review("maria", "APPROVED")], reviewers: { maria: reviewer("maria", "write") } }),
      defaults,
    );
    expect(d.state).toBe("pending");
    expect(d.reasons).toEqual([{ code: "approvals-missing", required: 2, counted: 1, missing: 1 }]);
    expect(d.missing).toEqual(["1 more approval"]);
  });

  it("changes requested: a code naming who, and failure", () => {
    const d = decide(
      facts({ commits: [claude], reviews: [review("maria", "CHANGES_REQUESTED")], reviewers: { maria: reviewer("maria", "write") } }),
      defaults,
    );
    expect(d.state).toBe("failure");
    expect(d.reasons.map((r) => r.code)).toEqual(["changes-requested", "approvals-missing"]);
    expect(d.missing).toEqual(["changes requested by @maria", "2 more approvals"]);
  });

  it("a block finding: finding-blocks with rule and file, and the one way out", () => {
    const d = decide(facts({ commits: [claude], files: [dbRemoved] }), defaults);
    expect(d.reasons.find((r) => r.code === "finding-blocks")).toEqual({ code: "finding-blocks", rule: "TF-01", file: "infra/db.tf" });
    expect(d.missing).toEqual([BLOCKED_WAY_OUT]);
    expect(d.requirement.reasons).toContain("TF-01 blocks infra/db.tf");
  });

  it("facts that could not be read: facts-incomplete, error, and 'could not decide'", () => {
    const d = decide(facts({ commits: [claude], incomplete: ["GitHub listed 2900 of the 3000 changed files"] }), defaults);
    expect(d.state).toBe("error");
    expect(d.reasons[0]).toEqual({ code: "facts-incomplete", message: "GitHub listed 2900 of the 3000 changed files" });
    expect(d.problems).toEqual(["GitHub listed 2900 of the 3000 changed files"]);
    expect(d.missing).toEqual([CANNOT_DECIDE]);
  });

  it("an invalid policy: policy-invalid with file, line and key; the sentence is file:line:column: key: message", () => {
    const loaded: LoadedPolicy = {
      policy: null,
      problems: [{ kind: "invalid", file: ".agentgate.yml", line: 3, column: 1, key: "approvals.foo", message: "unknown key" }],
      sources: [],
    };
    const d = decide(facts({ commits: [claude] }), loaded);
    expect(d.reasons[0]).toEqual({ code: "policy-invalid", file: ".agentgate.yml", line: 3, column: 1, key: "approvals.foo", message: "unknown key" });
    expect(d.problems).toEqual([".agentgate.yml:3:1: approvals.foo: unknown key"]);
    expect(d.missing).toEqual([FIX_POLICY]);
  });
});

describe("the renderer", () => {
  const all: Reason[] = [
    { code: "policy-unreadable", file: "acme/app@main:.agentgate.yml", message: "could not read the policy: boom (HTTP 500)" },
    { code: "finding-requires", rule: "path:infra", file: "infra/main.tf", teams: ["acme/platform", "acme/dba"] },
    { code: "finding-requires", rule: "path:infra", file: "infra/main.tf", teams: ["acme/platform", "acme/dba"] },
    { code: "team-approval-missing", team: "acme/platform" },
    { code: "unresolved-identity", identity: "Dana <dana@home.example>", email: "dana@home.example", contribution: { role: "steering", source: "trailer" }, steering: true, linksAsked: true },
  ];
  it("words each code as the check run always did", () => {
    expect(problemLines(all)).toEqual(["acme/app@main:.agentgate.yml: could not read the policy: boom (HTTP 500)"]);
    expect(requirementLines(all)).toEqual(["path:infra on infra/main.tf needs @acme/platform, @acme/dba"]);
    expect(reasonText(all[3]!)).toBe("an approval from @acme/platform");
    expect(reasonText(all[4]!)).toBe(
      "no approval counts while GitHub links Dana <dana@home.example> to no account; they steered the agent (trailer). To unblock: link dana@home.example to that person's GitHub account (Settings → Emails), or rewrite the commit to name them by an email of their account or their noreply address (ID+login@users.noreply.github.com)",
    );
  });
  it("what is missing: a decision that cannot be made says so instead of the approvals", () => {
    expect(missingLines(all, false)).toEqual([CANNOT_DECIDE]);
    expect(missingLines(all.slice(1), false)).toEqual(["an approval from @acme/platform", reasonText(all[4]!)]);
    expect(missingLines(all.slice(1), true)).toEqual([BLOCKED_WAY_OUT]);
  });
});

describe("the policy files in the check run", () => {
  it("names each file the policy came from with its blob SHA", async () => {
    const { renderSummary } = await import("../../src/report/markdown.js");
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const d = decide(facts({ commits: [claude] }), { ...defaults, sources: ["acme/app@main:.agentgate.yml"], files: [{ source: "acme/app@main:.agentgate.yml", sha }] });
    expect(d.policyFiles).toEqual([{ source: "acme/app@main:.agentgate.yml", sha }]);
    expect(renderSummary(d)).toContain(`Policy files: \`acme/app@main:.agentgate.yml\` (blob ${sha}).`);
  });
  it("says when the built-in defaults judged", async () => {
    const { renderSummary } = await import("../../src/report/markdown.js");
    expect(renderSummary(decide(facts({ commits: [claude] }), defaults))).toContain("Policy: agentgate's built-in defaults (no policy file).");
  });
});
