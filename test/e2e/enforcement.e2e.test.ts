/**
 * The enforcement doctor in the App, end to end: the check run says first what makes the gate
 * advisory on the base branch, the decision's state does not change, and the reads are cached.
 */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { SimRulesetInput } from "../../devtools/simulator/index.js";
import { checkRunOf, copilotPullRequest, headOf, people, REPO, seedRepo, startStack, statusOf, type Stack } from "./harness.js";

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.stop();
});

const CHANGE = { "src/app.ts": "export const answer = 42;\n" };
const PROTECTION_READS = /\/rules\/branches\/|\/rulesets\/|\/branches\/[^/]+\/protection$/;

const pullRequestRule = {
  type: "pull_request",
  parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false },
};
const mainRuleset = (source?: number): SimRulesetInput => ({
  name: "main",
  rules: [
    { type: "required_status_checks", parameters: { required_status_checks: [{ context: "agentgate", ...(source ? { integration_id: source } : {}) }], strict_required_status_checks_policy: false } },
    pullRequestRule,
    { type: "non_fast_forward" },
    { type: "deletion" },
  ],
});

function summaryOf(number: number): string {
  return checkRunOf(stack.sim, headOf(stack.sim, number))?.output.summary ?? "";
}

describe("the check run's Enforcement section", () => {
  it("without Administration: read, says classic protection could not be read and how to grant it; the state is unchanged", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, CHANGE);
    const summary = summaryOf(number);
    expect(summary).toMatch(/^## ⏳ pending: .*\n\n### Enforcement\n\nThe gate on `main` is \*\*unknown\*\*:/);
    expect(summary).toMatch(/Classic branch protection is not readable with this access \(403\).*grant the agentgate App \*Administration: read\*/);
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot");
  });

  it("a check required from any source is shown first, and a success stays a success", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.grantAdministration();
    sim.setBranchRules(REPO, "main", [mainRuleset()]);
    const { number } = await copilotPullRequest(sim, CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    const summary = summaryOf(number);
    expect(summary.indexOf("### Enforcement")).toBeLessThan(summary.indexOf("### Agents"));
    expect(summary).toMatch(/\*\*advisory: GitHub does not enforce it\*\*/);
    expect(summary).toMatch(/The check `agentgate` is required, but from any source: anyone who can post a commit status can satisfy it\. Set its source to the agentgate App \(app id 1\)\./);
    expect(statusOf(sim, number)?.state).toBe("success");
    expect(checkRunOf(sim, headOf(sim, number))?.conclusion).toBe("success");
  });

  it("no section when GitHub enforces the gate", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.grantAdministration();
    sim.setBranchRules(REPO, "main", [mainRuleset(1)]);
    const { number } = await copilotPullRequest(sim, CHANGE);
    expect(summaryOf(number)).not.toMatch(/Enforcement/);
    expect(statusOf(sim, number)?.state).toBe("pending");
  });

  it("a failed read is shown, never changes the state, and is read again on the next webhook", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.grantAdministration();
    sim.setBranchRules(REPO, "main", [mainRuleset(1)]);
    sim.failNext({ method: "GET", pathPattern: /\/rules\/branches\// }, 502, 20);
    const { number } = await copilotPullRequest(sim, CHANGE);
    sim.clearFaults();
    expect(summaryOf(number)).toMatch(/The branch's rules were not readable \(502/);
    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot");
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    expect(summaryOf(number)).not.toMatch(/Enforcement/);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
  });

  it("costs its reads once per branch: none on the next webhooks", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.grantAdministration();
    sim.setBranchRules(REPO, "main", [mainRuleset(1)]);
    const { number, deliveries } = await copilotPullRequest(sim, CHANGE).then(async (pr) => ({ ...pr, deliveries: sim.deliveries.slice() }));
    const cold = deliveries.flatMap((d) => d.requests).filter((r) => PROTECTION_READS.test(r.path));
    // The rules, the one ruleset they name, classic protection.
    expect(cold.map((r) => r.path.replace(/\?.*/, ""))).toEqual([
      "/repos/acme/app/rules/branches/main",
      expect.stringMatching(/^\/repos\/acme\/app\/rulesets\/\d+$/),
      "/repos/acme/app/branches/main/protection",
    ]);
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    expect(delivery.requests.filter((r) => PROTECTION_READS.test(r.path))).toEqual([]);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
  });
});
