/** The pure parts of bypass handling: watched branches, suspects of a push, the verdict on a head, who may accept. */
import { describe, expect, it } from "@jest/globals";
import { acceptanceRefusal } from "../../src/bypass/accept.js";
import { commitFromPayload, isWatchedBranch, suspectCommits, verdictOnHead } from "../../src/bypass/find.js";
import { bypassSummary, refusalText, statusDescription } from "../../src/report/bypass.js";
import { BYPASS_CHECK_NAME, encodeBypass } from "../../src/bypass/record.js";
import { defaultPolicy, policySchema } from "../../src/config/schema.js";
import { detectorFor } from "../../src/decide.js";
import { encodeMemory, emptyRecord } from "../../src/memory/record.js";

const policy = (bypasses: object = {}) => policySchema.parse({ bypasses });
const detector = detectorFor(defaultPolicy());
const sha = (c: string) => c.repeat(40);
const human = commitFromPayload({ id: sha("1"), message: "Fix it", author: { name: "Maria", email: "maria@acme.example", username: "maria" } });
const agent = commitFromPayload({ id: sha("2"), message: "Fix it", author: { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" } });
const run = (name: string, text: string | null, status = "completed", conclusion: string | null = "success") => ({ id: 1, name, status, conclusion, output: { title: null, summary: null, text } });

describe("bypass core", () => {
  it("watches the default branch and the policy's globs", () => {
    const p = policy({ branches: ["release/*"] });
    expect(isWatchedBranch("main", "main", p)).toBe(true);
    expect(isWatchedBranch("release/1", "main", p)).toBe(true);
    expect(isWatchedBranch("feature/x", "main", p)).toBe(false);
  });

  it("suspects commits that look agent-written, or that agentgate's memory on the head names", () => {
    expect(suspectCommits([human, agent], [], detector).map((c) => c.sha)).toEqual([agent.sha]);
    const record = { ...emptyRecord(), prs: [3], agents: ["codex"], commits: [human.sha] };
    expect(suspectCommits([human], [run("agentgate", encodeMemory(record))], detector).map((c) => c.sha)).toEqual([human.sha]);
    // Unreadable memory on the head: every commit is suspect.
    expect(suspectCommits([human], [run("agentgate", "garbled")], detector)).toHaveLength(1);
    // A bypass run's record is not memory.
    expect(suspectCommits([human], [run(BYPASS_CHECK_NAME, encodeBypass({ v: 1, kind: "direct-push", sha: sha("9"), branch: "main", agents: [] }))], detector)).toEqual([]);
  });

  it("reads agentgate's verdict on a head as the deploy gate does; a bypass or deploy record is never a verdict", () => {
    expect(verdictOnHead([run("agentgate", null)])).toEqual({ state: "success" });
    expect(verdictOnHead([run("agentgate", null, "in_progress", null)])).toEqual({ state: "not-success", shown: "pending" });
    expect(verdictOnHead([run("agentgate", null, "completed", "failure")])).toEqual({ state: "not-success", shown: "failure" });
    // A branch whose policy names the check otherwise: still read, and every one must be success.
    expect(verdictOnHead([run("gate", null), run("agentgate", null, "completed", "failure")])).toEqual({ state: "not-success", shown: "failure" });
    expect(verdictOnHead([run(BYPASS_CHECK_NAME, null)])).toEqual({ state: "none" });
    expect(verdictOnHead([run("agentgate deploy: production", null)])).toEqual({ state: "none" });
    expect(verdictOnHead([])).toEqual({ state: "none" });
  });

  describe("who may accept", () => {
    const p = policy({ accept_by: ["pat", "@acme/release"] });
    const facts = { sender: { login: "pat", type: "User" }, involved: ["maria"], teams: [], permission: "write" };
    it("a named human with write permission who is not involved", () => {
      expect(acceptanceRefusal(facts, p, detector)).toBeUndefined();
      expect(acceptanceRefusal({ ...facts, sender: { login: "rob", type: "User" }, teams: ["acme/release"] }, p, detector)).toBeUndefined();
    });
    it.each([
      ["nobody is named", { ...facts }, policy(), "names nobody"],
      ["a bot", { ...facts, sender: { login: "pat", type: "Bot" } }, p, "not a human"],
      ["an agent's login", { ...facts, sender: { login: "Copilot", type: "User" } }, policy({ accept_by: ["Copilot"] }), "not a human"],
      ["not named", { ...facts, sender: { login: "rob", type: "User" } }, p, "not among"],
      ["involved (any case)", { ...facts, involved: ["PAT"] }, p, "pushed, merged, wrote or steered"],
      ["read only", { ...facts, permission: "read" }, p, "no write permission"],
    ])("refuses %s", (_, f, pol, why) => {
      const refusal = acceptanceRefusal(f, pol, detector);
      expect(refusal && refusalText(refusal)).toContain(why);
    });
  });

  it("says what happened without quoting a commit message, and fits a status", () => {
    const r = { v: 1 as const, kind: "merged-not-passing" as const, sha: sha("a"), branch: "main", pr: 12, agents: ["copilot"], by: "maria", shown: "pending" };
    expect(bypassSummary(r, { accept_by: [] })).toContain("#12 (copilot) was merged into main by @maria while agentgate said pending");
    expect(statusDescription({ ...r, branch: "b".repeat(300) }).length).toBeLessThanOrEqual(140);
  });

  it("refuses a check name agentgate keeps for itself", () => {
    expect(policySchema.safeParse({ check_name: "agentgate bypass" }).success).toBe(false);
    expect(policySchema.safeParse({ check_name: "agentgate deploy: production" }).success).toBe(false);
  });
});
