/**
 * Class c12 (lost permissions stop counting), when nothing happens on the PR: GitHub's `member`,
 * `membership`, `organization` and `team` webhooks make agentgate judge again the open PRs whose
 * result the change can turn. End to end: the real Probot server over HTTP and the simulator.
 */
import { describe, expect } from "@jest/globals";
import { checkRunOf, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf, TF_CHANGE } from "../e2e/harness.js";
import type { GitHubSimulator } from "../../devtools/simulator/index.js";
import { attack, control } from "./suite.js";

const stack = stackPerTest();

async function approvedPullRequest(sim: GitHubSimulator, files: Record<string, string> = TF_CHANGE) {
  const { number } = await copilotPullRequest(sim, files);
  await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
  expect(statusOf(sim, number)?.state).toBe("success");
  return number;
}

const rateLimited = (d: { requests: { status: number; path: string }[] }) => d.requests.filter((r) => r.status !== 304 && !r.path.startsWith("/app")).length;

describe("c12: a change of who may approve judges the PRs it can turn, with no event on the PR", () => {
  attack("c12", "a maintainer demoted to read after the PR passed: the success is withdrawn at once", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const number = await approvedPullRequest(sim);
    const d = await sim.changePermission(REPO, people.maintainerA.login, "read", "max");
    expect(d.status).toBe(200);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
    expect(checkRunOf(sim, headOf(sim, number))?.output.summary).toContain("@maria: has read permission; write is required");
  });

  attack("c12", "a maintainer removed from the repository: the success is withdrawn", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const number = await approvedPullRequest(sim);
    await sim.changePermission(REPO, people.maintainerB.login, "none", "maria");
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
  });

  attack("c12", "an approver who left the organization no longer counts", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const number = await approvedPullRequest(sim);
    const d = await sim.removeFromOrganization("acme", people.maintainerB.login, "maria");
    expect(d.status).toBe(200);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
  });

  attack("c12", "the member of a required team who approved leaves the team: the team's approval is missing again", async () => {
    const sim = stack.sim;
    seedRepo(sim, { ".agentgate.yml": "paths:\n  - name: terraform\n    paths: ['infra/**']\n    teams: [acme/platform]\n" });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("success");
    await sim.changeTeamMembership("acme", "platform", people.platform.login, "removed", "maria");
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "2/2 approvals · agent: copilot · needs @acme/platform" });
  });

  attack("c12", "a team's write access to the repository removed: its members' approvals stop counting", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    sim.addTeam("acme", "maintainers", [{ login: people.maintainerB.login }]);
    const number = await approvedPullRequest(sim);
    const d = await sim.setTeamAccess(REPO, "acme", "maintainers", null, "maria");
    expect(d.status).toBe(200);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
  });

  attack("c12", "the search for the reviewer's PRs fails in an organization: the delivery fails (to be caught up), nothing passes", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const number = await approvedPullRequest(sim);
    sim.failNext({ method: "GET", pathPattern: /^\/search\/issues/ }, 502, 5);
    const d = await sim.removeFromOrganization("acme", people.maintainerB.login, "maria");
    expect(d.status).toBeGreaterThanOrEqual(500);
    expect(stack.logs.some((l) => l.delivery === d.id && l.level === 50)).toBe(true);
    sim.clearFaults();
    await sim.redeliver(d);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
  });

  attack("c12", "the search fails for one repository: every open PR of it is judged instead", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const number = await approvedPullRequest(sim);
    sim.failNext({ method: "GET", pathPattern: /^\/search\/issues/ }, 502, 5);
    await sim.changePermission(REPO, people.maintainerA.login, "read", "max");
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
  });

  control("c12", "a reader promoted to write after approving makes the PR pass without another review", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.reader.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("pending");
    await sim.changePermission(REPO, people.reader.login, "write", "maria");
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });

  control("c12", "a change for someone who reviewed nothing costs one search and writes nothing", async () => {
    const sim = stack.sim;
    seedRepo(sim);
    const number = await approvedPullRequest(sim);
    const before = sim.statuses(REPO, headOf(sim, number)).length;
    const d = await sim.changePermission(REPO, people.requester.login, "read", "maria");
    expect(d.status).toBe(200);
    expect(rateLimited(d)).toBe(1);
    expect(d.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(sim.statuses(REPO, headOf(sim, number))).toHaveLength(before);
    expect(statusOf(sim, number)?.state).toBe("success");
  });
});
