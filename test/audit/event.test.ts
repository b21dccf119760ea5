/** Audit events: what a post-mortem reads. Marker ids and places, never the text that matched. */
import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../src/config/schema.js";
import { decide } from "../../src/decide.js";
import { bypassEvent, decisionEvent, deploymentEvent } from "../../src/audit/event.js";
import { judgeDeployment } from "../../src/deploy/judge.js";
import { detectorFor } from "../../src/decide.js";
import { commit, facts, file, review, reviewer } from "../helpers/facts.js";

const ctx = { delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958", repository: "acme/app", at: "2026-12-01T00:00:00.000Z", app: "0.1.0" };
const blob = "c".repeat(40);
const loaded = { policy: defaultPolicy(), problems: [], sources: ["acme/app@main:.agentgate.yml"], files: [{ source: "acme/app@main:.agentgate.yml", sha: blob }] };
const TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>";
const claude = commit("1a2b3c4", `Tune\n\n${TRAILER}`, { name: "Dana", email: "dana@acme.example", login: "dana" });

describe("the decision event", () => {
  const d = decide(
    facts({
      commits: [claude],
      files: [file("infra/main.tf", '@@ -1 +1 @@\n-a\n+resource "aws_instance" "x" {}')],
      reviews: [review("maria", "APPROVED"), review("dana", "APPROVED")],
      reviewers: { maria: reviewer("maria", "maintain"), dana: reviewer("dana", "write") },
    }),
    loaded,
  );
  const e = decisionEvent(d, [12], ctx);

  it("is versioned and names the delivery, repository, PR, SHA, state and app version", () => {
    expect(e).toMatchObject({ v: 1, type: "decision", ...ctx, prs: [12], sha: d.headSha, check: "agentgate", state: "pending" });
  });

  it("has the agents with their evidence as marker ids and places, never the text that matched", () => {
    expect(e.agents).toEqual([{ agent: "claude-code", evidence: [expect.objectContaining({ source: "commit-trailer", commit: claude.sha })] }]);
    expect(JSON.stringify(e)).not.toContain("noreply@anthropic.com");
    expect(JSON.stringify(e)).not.toContain("aws_instance");
  });

  it("has approvals counted and ignored with reason codes, the reasons, and the policy files with blob SHAs", () => {
    expect(e.approvals).toEqual({ required: 2, counted: [{ login: "maria", commitId: d.headSha }], ignored: [{ login: "dana", reason: "steered-agent" }] });
    expect(e.reasons.map((r) => r.code)).toContain("approvals-missing");
    expect(e.policy).toEqual([{ source: "acme/app@main:.agentgate.yml", sha: blob }]);
    for (const f of e.findings) expect(Object.keys(f).sort()).toEqual(["file", "line", "rule", "severity"]);
  });
});

describe("the deployment event", () => {
  it("names the environment and deployment, the state, and each rejected commit with its outcome as data", () => {
    const j = judgeDeployment(
      { environment: "production", sha: "d".repeat(40), ref: "refs/heads/main", sender: { login: "dana", type: "User" }, commits: [{ ...claude, sha: "e".repeat(40) }], routes: { ["e".repeat(40)]: { kind: "pulls", pulls: [] } }, problems: [] },
      defaultPolicy(),
      detectorFor(defaultPolicy()),
    );
    const e = deploymentEvent({ environment: "production", deploymentId: 7, sha: "d".repeat(40), sender: { login: "dana" } }, { ...j, policyFiles: loaded.files }, ctx);
    expect(e).toMatchObject({ v: 1, type: "deployment", deployment: { environment: "production", id: 7 }, sha: "d".repeat(40), state: "rejected", sender: "dana", policy: loaded.files });
    expect(e.rejected).toEqual([{ sha: "e".repeat(40), agents: ["claude-code"], outcome: { kind: "direct-push", branch: "main", bases: ["main"] } }]);
  });
});

describe("the bypass event", () => {
  it("wraps the detector's payload in the same envelope", () => {
    expect(bypassEvent({ kind: "direct-push", sha: "f".repeat(40), branch: "main" }, ctx)).toEqual({
      v: 1,
      type: "bypass",
      ...ctx,
      bypass: { kind: "direct-push", sha: "f".repeat(40), branch: "main" },
    });
  });
});
