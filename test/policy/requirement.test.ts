import { describe, expect, it } from "@jest/globals";
import { defaultPolicy, policySchema } from "../../src/config/schema.js";
import { requirementOf, stateOf, withTeamApprovers } from "../../src/policy/requirement.js";
import type { Finding } from "../../src/rules/types.js";
import type { Reason } from "../../src/policy/types.js";
import { agentDetection, detection, reviewer } from "../helpers/facts.js";

const f = (over: Partial<Finding>): Finding => ({ rule: "TF-01", severity: "require", file: "main.tf", message: "m", ...over });

describe("what a pull request needs", () => {
  it("needs nothing when no agent wrote it and the gate is for agents", () => {
    const r = requirementOf(detection(), [f({ severity: "block" })], defaultPolicy());
    expect(r.applies).toBe(false);
    expect(r.blocked).toBe(false);
    expect(stateOf({ requirement: r, counted: 0, changesRequestedBy: [], cannotDecide: [], invalidPolicy: [] }).state).toBe("success");
  });

  it("gates every PR when the policy says all", () => {
    const r = requirementOf(detection(), [], policySchema.parse({ applies_to: "all" }));
    expect(r.applies).toBe(true);
    expect(r.approvals).toBe(2);
  });

  it("a block finding blocks an agent PR whatever the approvals", () => {
    const r = requirementOf(agentDetection(), [f({ severity: "block", rule: "path:workflows", file: ".github/workflows/a.yml" })], defaultPolicy());
    expect(r.blocked).toBe(true);
    expect(stateOf({ requirement: r, counted: 5, changesRequestedBy: [], cannotDecide: [], invalidPolicy: [] })).toEqual({
      state: "failure",
      missing: ["remove the blocked changes from this PR: a human can make them in a PR of their own, or the base branch's policy can allow them"],
    });
  });

  it("takes the highest approval count any rule asks for", () => {
    const r = requirementOf(agentDetection(), [f({ approvals: 3 }), f({ approvals: 4, file: "b.tf" })], defaultPolicy());
    expect(r.approvals).toBe(4);
  });

  it("a require finding that names no count or team asks for one more approval", () => {
    expect(requirementOf(agentDetection(), [f({})], defaultPolicy()).approvals).toBe(3);
  });

  it("notes never raise the requirement", () => {
    expect(requirementOf(agentDetection(), [f({ severity: "note" })], defaultPolicy()).approvals).toBe(2);
  });

  it("collects teams with the rules that asked for them, and who satisfied them", () => {
    const r = requirementOf(
      agentDetection(),
      [f({ rule: "path:tf", teams: ["acme/platform"] }), f({ rule: "TF-06", teams: ["acme/platform", "acme/dba"] })],
      defaultPolicy(),
    );
    const teams = withTeamApprovers(r.teams, [{ login: "pat", commitId: "x" }], { pat: reviewer("pat", "write", ["acme/platform"]) });
    expect(teams).toEqual([
      { team: "acme/platform", because: ["path:tf", "TF-06"], satisfiedBy: ["pat"] },
      { team: "acme/dba", because: ["TF-06"], satisfiedBy: [] },
    ]);
    const s = stateOf({ requirement: { ...r, teams, approvals: 1 }, counted: 1, changesRequestedBy: [], cannotDecide: [], invalidPolicy: [] });
    expect(s).toEqual({ state: "pending", missing: ["an approval from @acme/dba"] });
  });
});

describe("the state", () => {
  const r = requirementOf(agentDetection(), [], defaultPolicy());
  const base = { requirement: r, counted: 0, changesRequestedBy: [] as string[], cannotDecide: [] as Reason[], invalidPolicy: [] as Reason[] };
  it("is pending with what is missing", () => {
    expect(stateOf({ ...base, counted: 1 })).toEqual({ state: "pending", missing: ["1 more approval"] });
  });
  it("is success when the approvals are there", () => {
    expect(stateOf({ ...base, counted: 2 }).state).toBe("success");
  });
  it("is failure while changes are requested, even with enough approvals", () => {
    expect(stateOf({ ...base, counted: 2, changesRequestedBy: ["maria"] }).state).toBe("failure");
  });
  it("is error, never success, when it cannot decide", () => {
    expect(stateOf({ ...base, counted: 2, cannotDecide: [{ code: "facts-incomplete", message: "GitHub listed 2900 of the 3000 changed files" }] }).state).toBe("error");
  });
  it("is failure when the policy is invalid, even for a PR the gate would not apply to", () => {
    const human = requirementOf(detection(), [], defaultPolicy());
    expect(stateOf({ ...base, requirement: human, invalidPolicy: [{ code: "policy-invalid", file: ".agentgate.yml", line: 3, column: 1, key: "approvals.foo", message: "unknown key" }] }).state).toBe("failure");
  });
});
