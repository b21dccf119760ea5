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
