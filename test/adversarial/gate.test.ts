/**
 * Attacks on what the gate publishes where (issue #9): shared head SHAs (c5), forged statuses (c6)
 * and merge groups (c11). End to end over the simulator: the real Probot server, signed webhooks.
 * Each attack passes when what a user sees (status, check run) is not success without the approvals.
 */
import { afterAll, describe, expect } from "@jest/globals";
import { attack, control } from "./suite.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf, TF_CHANGE } from "../e2e/harness.js";

const stack = stackPerTest();


async function approveTwice(number: number) {
  await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
}

const writes = (d: { requests: { method: string }[] }) => d.requests.filter((r) => r.method !== "GET");

describe("c5: shared head SHAs", () => {
  /** An approved agent PR into main, and its twin from the same head into release, nobody approved. */
  async function twins() {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "release", "main");
    const { number: approved, branch } = await copilotPullRequest(sim, TF_CHANGE);
    await approveTwice(approved);
    const { number: twin } = await sim.openPullRequest(REPO, { head: branch, base: "release", title: "Backport", author: copilot.login });
    return { approved, twin, sha: headOf(sim, approved) };
  }

  attack("c5", "the unapproved twin on the same head cannot be read: error, not the twin's success", async () => {
    const { sim } = stack;
    const { approved, twin, sha } = await twins();
    expect(statusOf(sim, approved)?.state).toBe("pending");
    sim.failNext({ method: "GET", pathPattern: new RegExp(`/pulls/${twin}$`) }, 502, 20);
    // An event on the approved PR: it is judged success, its twin cannot be read.
    await sim.addLabel(REPO, approved, "ready", people.platform.login);
    sim.clearFaults();
    const status = sim.latestStatus(REPO, sha, "agentgate");
    expect(status?.state).toBe("error");
    expect(status?.description).toMatch(/could not evaluate/);
    expect(checkRunOf(sim, sha)?.conclusion).not.toBe("success");
  }, 30_000);

  control("c5", "both twins readable and approved: success", async () => {
    const { sim } = stack;
    const { approved, twin, sha } = await twins();
    await approveTwice(twin);
    expect(sim.latestStatus(REPO, sha, "agentgate")?.state).toBe("success");
    expect(statusOf(sim, approved)?.state).toBe("success");
  }, 30_000);
});

describe("c6: forged statuses", () => {
  /** The release branch's policy publishes under its own check name. */
  async function releasePullRequest() {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "release", "main");
    sim.commit(REPO, { branch: "release", files: { ".agentgate.yml": "check_name: agentgate-release\n" }, message: "release policy", author: people.maintainerA });
    sim.createBranch(REPO, "copilot/release-fix", "release");
    sim.commit(REPO, { branch: "copilot/release-fix", files: TF_CHANGE, message: "Initial plan", author: copilot.commitIdentity });
    const { number } = await sim.openPullRequest(REPO, { head: "copilot/release-fix", base: "release", title: "Fix", author: copilot.login });
    return { number, sha: headOf(sim, number) };
  }

  attack("c6", "forged success on another branch's check name (agentgate-release) is answered with failure", async () => {
    const { sim } = stack;
    const { number, sha } = await releasePullRequest();
    expect(statusOf(sim, number, "agentgate-release")?.state).toBe("pending");
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate-release", description: "ok" }, people.requester.login);
    const status = sim.latestStatus(REPO, sha, "agentgate-release");
    expect(status).toMatchObject({ state: "failure", description: "forged status by @dana overwritten · re-run the check" });
    expect(status?.creator?.login).toBe(sim.appBot.login);
  }, 30_000);

  attack("c6", "forged success on a case variant (AgentGate) is answered with failure", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    await sim.postStatus(REPO, sha, { state: "success", context: "AgentGate" }, people.requester.login);
    expect(sim.latestStatus(REPO, sha, "AgentGate")).toMatchObject({ state: "failure" });
    expect(sim.latestStatus(REPO, sha, "AgentGate")?.description).toContain("forged status by @dana");
    expect(statusOf(sim, number)?.state).toBe("pending");
  }, 30_000);

  attack("c6", "a flood to GitHub's 1000 statuses leaves the forgery last: the check run says so and is not success", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    sim.addStatuses(REPO, sha, { state: "pending", context: "agentgate" }, people.requester.login, 998);
    const last = await sim.postStatus(REPO, sha, { state: "success", context: "agentgate", description: "approved" }, people.requester.login);
    expect(last.status).toBe(200);
    const run = checkRunOf(sim, sha);
    expect(run?.conclusion).not.toBe("success");
    expect(run?.output.summary).toContain('The commit status "agentgate" on this commit was last posted by @dana and cannot be overwritten');
    expect(run?.output.summary).toContain("pinned to the agentgate App in branch protection");
  }, 60_000);

  attack("c6", "a full context does not freeze an approved check run: a later change request still turns it to failure", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    await approveTwice(number);
    expect(checkRunOf(sim, sha)?.conclusion).toBe("success");
    sim.addStatuses(REPO, sha, { state: "success", context: "agentgate" }, people.requester.login, 1000 - sim.statuses(REPO, sha).length);
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
    expect(delivery.status).toBe(200);
    const run = checkRunOf(sim, sha);
    expect(run?.conclusion).toBe("failure");
    expect(run?.output.summary).toContain('The commit status "agentgate" on this commit cannot be overwritten');
  }, 60_000);

  attack("c6", "a context flooded before agentgate's first word on a commit: one check run, which says so and is not success", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "copilot/flooded", "main");
    const sha = sim.commit(REPO, { branch: "copilot/flooded", files: TF_CHANGE, message: "Tune the instance", author: copilot.commitIdentity });
    sim.addStatuses(REPO, sha, { state: "success", context: "agentgate" }, people.requester.login, 1000);
    await sim.openPullRequest(REPO, { head: "copilot/flooded", title: "Tune the instance", author: copilot.login });
    const runs = sim.checkRuns(REPO, sha).filter((r) => r.name === "agentgate");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.conclusion).not.toBe("success");
    expect(runs[0]?.output.summary).toContain('The commit status "agentgate" on this commit cannot be overwritten');
  }, 60_000);

  control("c6", "a human's CI status on its own context is left alone (0 writes)", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const d = await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "ci/build" }, people.maintainerA.login);
    expect(writes(d)).toEqual([]);
    expect(sim.latestStatus(REPO, headOf(sim, number), "ci/build")?.creator?.login).toBe(people.maintainerA.login);
  }, 30_000);

  control("c6", "a forged failure on an approved PR is answered by restoring its success", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approveTwice(number);
    await sim.postStatus(REPO, headOf(sim, number), { state: "failure", context: "agentgate" }, people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    expect(statusOf(sim, number)?.creator?.login).toBe(sim.appBot.login);
  }, 30_000);

  control("c6", "what one forgery answer costs in GitHub requests (was 11-13: the PR judged again)", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    const first = await sim.postStatus(REPO, sha, { state: "success", context: "agentgate" }, people.requester.login);
    const again = await sim.postStatus(REPO, sha, { state: "success", context: "agentgate" }, people.requester.login);
    const cost = (d: typeof first) => d.requests.filter((r) => !r.path.startsWith("/app")).length;
    costs.push(`one forgery answer: ${cost(first)} then ${cost(again)} GitHub requests (before this change: 13, then 11 with the policy name cached)`);
    expect(cost(again)).toBe(2);
    expect(statusOf(sim, number)?.state).toBe("failure");
  }, 30_000);
});

const costs: string[] = [];
afterAll(() => {
  if (costs.length) console.log(costs.join("\n"));
});

describe("c11: merge groups", () => {
  async function twoPullRequests() {
    const { sim } = stack;
    seedRepo(sim);
    const { number: ahead } = await copilotPullRequest(sim, TF_CHANGE, { branch: "copilot/ahead" });
    const { number: last } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" }, { branch: "copilot/last", title: "Answer" });
    await approveTwice(last);
    return { ahead, last };
  }

  attack("c11", "the unapproved agent PR batched ahead of an approved one: not success", async () => {
    const { sim } = stack;
    const { ahead, last } = await twoPullRequests();
    const { headSha } = await sim.enqueueMergeGroup(REPO, [ahead, last]);
    const status = sim.latestStatus(REPO, headSha, "agentgate");
    expect(status?.state).toBe("pending");
    expect(checkRunOf(sim, headSha)?.output.summary).toContain(`Merge group of #${ahead} (pending), #${last} (success).`);
  }, 30_000);

  attack("c11", "the group's commits cannot be read: error, not the named PR's success", async () => {
    const { sim } = stack;
    const { ahead, last } = await twoPullRequests();
    await approveTwice(ahead);
    sim.failNext({ method: "GET", pathPattern: /\/compare\// }, 502, 20);
    const { headSha } = await sim.enqueueMergeGroup(REPO, [ahead, last]);
    sim.clearFaults();
    expect(sim.latestStatus(REPO, headSha, "agentgate")?.state).toBe("error");
  }, 30_000);

  control("c11", "a merge group of two approved PRs: success", async () => {
    const { sim } = stack;
    const { ahead, last } = await twoPullRequests();
    await approveTwice(ahead);
    const { headSha } = await sim.enqueueMergeGroup(REPO, [ahead, last]);
    expect(sim.latestStatus(REPO, headSha, "agentgate")?.state).toBe("success");
    expect(checkRunOf(sim, headSha)?.conclusion).toBe("success");
  }, 30_000);
});
