/**
 * `publish: check_run` (issue #10): a repository whose branch protection requires the check pinned to
 * the agentgate App publishes the check run alone. Attacks: that must not open a way around the gate
 * through statuses (c6, forged statuses). End to end over the simulator.
 */
import { describe, expect } from "@jest/globals";
import { attack, control } from "./suite.js";
import { publishModeOf, type Evaluation } from "../../src/gate.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf, TF_CHANGE } from "../e2e/harness.js";

const stack = stackPerTest();
const CHECK_RUN_ONLY = { ".agentgate.yml": "publish: check_run\n" };

async function approveTwice(number: number) {
  await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  return stack.sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
}

const statusWrites = (d: { requests: { method: string; path: string }[] }) => d.requests.filter((r) => r.method === "POST" && /\/statuses\//.test(r.path));

describe("c6: publish: check_run", () => {
  control("c6", "publish: check_run: an approved agent PR passes on the check run alone, and no status is written", async () => {
    const { sim } = stack;
    seedRepo(sim, CHECK_RUN_ONLY);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const { delivery } = await approveTwice(number);
    const sha = headOf(sim, number);
    expect(checkRunOf(sim, sha)?.conclusion).toBe("success");
    expect(checkRunOf(sim, sha)?.output.title).toBe("2/2 approvals · agent: copilot");
    expect(statusOf(sim, number)).toBeUndefined();
    expect(statusWrites(delivery)).toEqual([]);
  }, 30_000);

  attack("c6", "publish: check_run: a forged success status under the check's name is still answered with failure", async () => {
    const { sim } = stack;
    seedRepo(sim, CHECK_RUN_ONLY);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    expect(statusOf(sim, number)).toBeUndefined();
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate", description: "approved" }, people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "failure", description: "forged status by @dana overwritten · re-run the check" });
    expect(statusOf(sim, number)?.creator?.login).toBe(sim.appBot.login);
    expect(checkRunOf(sim, sha)?.conclusion).not.toBe("success");
  }, 30_000);

  attack("c6", "publish: check_run: the agent's own forged success is answered too", async () => {
    const { sim } = stack;
    seedRepo(sim, CHECK_RUN_ONLY);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "agentgate" }, copilot.login);
    expect(statusOf(sim, number)?.state).toBe("failure");
  }, 30_000);

  attack("c6", "publish: check_run adopted after a success: a later change request overwrites agentgate's old success status", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approveTwice(number);
    expect(statusOf(sim, number)?.state).toBe("success");
    // The base branch's policy now publishes the check run alone; the PR's head keeps its old success status.
    sim.commit(REPO, { branch: "main", files: CHECK_RUN_ONLY, message: "publish the check run alone", author: people.maintainerA });
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
    expect(checkRunOf(sim, headOf(sim, number))?.conclusion).toBe("failure");
    expect(statusOf(sim, number)?.state).toBe("failure");
    expect(statusWrites(delivery)).toHaveLength(1);
  }, 30_000);

  attack("c6", "publish: check_run: a success restored after a forged failure is overwritten when the decision turns", async () => {
    const { sim } = stack;
    seedRepo(sim, CHECK_RUN_ONLY);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approveTwice(number);
    await sim.postStatus(REPO, headOf(sim, number), { state: "failure", context: "agentgate" }, people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("success"); // restored from the check run, as under `both`
    await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
    expect(checkRunOf(sim, headOf(sim, number))?.conclusion).toBe("failure");
    expect(statusOf(sim, number)?.state).toBe("failure");
  }, 30_000);

  attack("c6", "a PR that sets publish: check_run in its own policy file changes nothing: the base's policy publishes both", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, { ...TF_CHANGE, ...CHECK_RUN_ONLY });
    expect(statusOf(sim, number)?.state).toBe("failure");
    expect(checkRunOf(sim, headOf(sim, number))?.conclusion).toBe("failure");
  }, 30_000);
});

describe("c6: publish mode of a commit several PRs share", () => {
  const ev = (checkName: string, publish: "both" | "check_run" | null) =>
    ({ decision: { checkName }, loaded: publish === null ? null : { policy: { publish } } }) as unknown as Evaluation;

  attack("c6", "a twin whose base publishes both keeps the status written on the shared commit", () => {
    expect(publishModeOf([ev("agentgate", "check_run"), ev("agentgate", "both")], "agentgate")).toBe("both");
  });

  attack("c6", "a twin whose policy could not be read publishes both", () => {
    expect(publishModeOf([ev("agentgate", "check_run"), ev("agentgate", null)], "agentgate")).toBe("both");
  });

  control("c6", "every policy behind the name says check_run: the check run alone", () => {
    expect(publishModeOf([ev("agentgate", "check_run"), ev("agentgate", "check_run"), ev("other", "both")], "agentgate")).toBe("check_run");
  });
});
