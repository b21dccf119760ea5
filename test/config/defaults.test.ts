import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../src/config/schema.js";

describe("default policy", () => {
  it("gates agent PRs with two approvals from writers who did not contribute", () => {
    const policy = defaultPolicy();
    expect(policy.applies_to).toBe("agents");
    expect(policy.approvals).toEqual({
      required: 2,
      min_permission: "write",
      allow_contributors: false,
      keep_on_identical_diff: true,
    });
    expect(policy.protect_defaults).toBe(true);
    expect(policy.check_name).toBe("agentgate");
  });
});

describe("a path rule", () => {
  it("must protect something: approvals: 0 without teams is refused at its line", async () => {
    const { parsePolicy } = await import("../../src/config/parse.js");
    const r = parsePolicy("paths:\n  - name: x\n    paths: [a]\n    approvals: 0\n", ".agentgate.yml");
    expect(r.ok ? [] : r.problems.map((p) => `${p.line}: ${p.key}: ${p.message}`)).toEqual(["4: paths[0].approvals: must be at least 1"]);
  });
});
