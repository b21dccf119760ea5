/**
 * The deploy gate (issue #11, part 1), end to end over HTTP: GitHub asks agentgate, as a custom
 * deployment protection rule, whether a deployment may go ahead; agentgate answers on the callback.
 * Every assertion is on the answer GitHub shows on the workflow run (state and comment).
 */
import { describe, expect } from "@jest/globals";
import { copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf } from "../e2e/harness.js";
import { attack, control } from "./suite.js";

const stack = stackPerTest();

const SRC_CHANGE = { "src/app.ts": "export const answer = 42;\n" };

function deploy(environment = "production", sender: string = people.maintainerA.login) {
  return stack.sim.requestDeployment(REPO, { environment, ref: "main", sender });
}

async function approvedAgentPullRequest() {
  const { sim } = stack;
  const { number } = await copilotPullRequest(sim, SRC_CHANGE);
  await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
  expect(statusOf(sim, number)?.state).toBe("success");
  return number;
}

describe("the deploy gate", () => {
  attack("c14", "an agent commit pushed straight to main is rejected, naming the commit", async () => {
    const { sim } = stack;
    seedRepo(sim);
    await sim.push(REPO, "main", { files: SRC_CHANGE, message: "Bump the answer", author: copilot.commitIdentity });
    const pushed = sim.branchHead(REPO, "main")!;

    const { answer } = await deploy();
    expect(answer).toMatchObject({ environment: "production", state: "rejected" });
    expect(answer?.comment).toContain(`${pushed.slice(0, 7)} (copilot): pushed straight to main: no merged pull request brought it`);
  });

  attack("c14", "an agent PR merged while agentgate said pending (an admin merge) is rejected", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, SRC_CHANGE);
    expect(statusOf(sim, number)?.state).toBe("pending");
    const head = headOf(sim, number);
    await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });

    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${head.slice(0, 7)} (copilot): merged in #${number} while agentgate said pending`);
  });

  attack("c14", "an agent PR's commits pushed to main by hand after it was closed: agentgate's memory still knows them", async () => {
    const { sim } = stack;
    seedRepo(sim);
    // Codex commits as the human who ran it: only the branch (and agentgate's memory) tells.
    sim.createBranch(REPO, "codex/tune", "main");
    const head = sim.commit(REPO, { branch: "codex/tune", files: SRC_CHANGE, message: "Bump the answer", author: people.requester });
    const { number } = await sim.openPullRequest(REPO, { head: "codex/tune", title: "Bump", author: people.requester.login });
    expect(statusOf(sim, number)?.state).toBe("pending");
    await sim.closePullRequest(REPO, number, people.requester.login);
    await sim.fastForward(REPO, "main", head, people.requester.login);

    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${head.slice(0, 7)} (remembered by agentgate): pushed straight to main`);
  });

  attack("c14", "an agent PR passed into a side branch whose policy the agent wrote, then fast-forwarded into main, is rejected", async () => {
    const { sim } = stack;
    seedRepo(sim);
    // Anyone who can push may create a branch, with a policy of their own on it.
    sim.createBranch(REPO, "lax", "main");
    sim.commit(REPO, { branch: "lax", files: { ".agentgate.yml": "approvals:\n  required: 0\n" }, message: "Relax", author: people.requester });
    sim.createBranch(REPO, "copilot/tune-instance", "lax");
    const head = sim.commit(REPO, { branch: "copilot/tune-instance", files: SRC_CHANGE, message: "Bump the answer", author: copilot.commitIdentity });
    const { number } = await sim.openPullRequest(REPO, { head: "copilot/tune-instance", base: "lax", title: "Bump", author: copilot.login });
    expect(statusOf(sim, number)?.state).toBe("success"); // judged by lax's own policy
    await sim.mergePullRequest(REPO, number, { by: people.requester.login });
    await sim.fastForward(REPO, "main", sim.branchHead(REPO, "lax")!, people.requester.login);

    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${head.slice(0, 7)} (copilot): merged in #${number} into lax, not through a pull request into main`);
  });

  control("c14", "an agent PR two maintainers approved, merged, then deployed, is approved", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const number = await approvedAgentPullRequest();
    await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });

    const { answer } = await deploy();
    expect(answer?.state).toBe("approved");
    expect(answer?.comment).toMatch(new RegExp(`agent-written, each through a pull request agentgate passed \\(#${number}\\)`));
  });

  control("c14", "human-only commits are approved", async () => {
    const { sim } = stack;
    seedRepo(sim);
    await sim.push(REPO, "main", { files: SRC_CHANGE, message: "Bump the answer", author: people.maintainerA });

    const { answer } = await deploy();
    expect(answer).toMatchObject({ state: "approved" });
    expect(answer?.comment).toContain("none agent-written");
  });

  attack("c14", "a deployment requested by an agent's account is rejected", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { answer } = await deploy("production", copilot.login);
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain("@Copilot is an agent, and the policy does not let agents deploy to production");
  });

  control("c14", "an agent may deploy where the default branch's policy allows it", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": 'environments:\n  - name: "preview-*"\n    allow_agent_deployers: true\n' });
    expect((await deploy("preview-42", copilot.login)).answer?.state).toBe("approved");
    // The rule is by name: production still gets the defaults.
    expect((await deploy("production", copilot.login)).answer?.state).toBe("rejected");
  });

  attack("c14", "the environment's deployments cannot be read: rejected with the reason", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.failNext({ method: "GET", pathPattern: /\/deployments(\?|$)/ }, 500, 10);
    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toMatch(/could not read what the deployment brings: .*HTTP 500/);
  });

  attack("c14", "agentgate's check run on a merged PR cannot be read: rejected with the reason", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const number = await approvedAgentPullRequest();
    const { mergeCommitSha } = await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    sim.failNext({ method: "GET", pathPattern: /\/check-runs/ }, 502, 20);
    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${mergeCommitSha.slice(0, 7)}`);
    expect(answer?.comment).toMatch(/could not tell how it reached main: .*HTTP 502/);
  });

  attack("c14", "an agent commit pushed after the last successful deployment is judged", async () => {
    const { sim } = stack;
    seedRepo(sim);
    expect((await deploy()).answer?.state).toBe("approved");
    await sim.push(REPO, "main", { files: SRC_CHANGE, message: "Bump the answer", author: copilot.commitIdentity });
    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${sim.branchHead(REPO, "main")!.slice(0, 7)} (copilot): pushed straight to main`);
  });

  control("c14", "what the last deployment agentgate approved shipped is not judged again", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const number = await approvedAgentPullRequest();
    await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    expect((await deploy()).answer?.state).toBe("approved");
    const shipped = sim.branchHead(REPO, "main")!;
    await sim.push(REPO, "main", { files: { "README.md": "# app!\n" }, message: "Docs", author: people.maintainerB });
    // A failed attempt since does not move the start of the range.
    sim.addDeployment(REPO, { environment: "production", ref: "main", creator: people.maintainerA.login, state: "failure" });

    const { answer } = await deploy();
    expect(answer?.state).toBe("approved");
    expect(answer?.comment).toContain(`1 commit(s) since the last successful deployment (${shipped.slice(0, 7)})`);
    expect(sim.checkRuns(REPO, shipped).find((r) => r.name === "agentgate deploy: production")).toMatchObject({ conclusion: "success" });
  });

  attack("c14", "a deployment status of success that agentgate did not approve does not move the range", async () => {
    const { sim } = stack;
    seedRepo(sim);
    await sim.push(REPO, "main", { files: SRC_CHANGE, message: "Bump the answer", author: copilot.commitIdentity });
    const pushed = sim.branchHead(REPO, "main")!;
    // Anyone with deployments: write (an agent's token) can create a deployment and mark it a success.
    sim.addDeployment(REPO, { environment: "production", sha: pushed, creator: copilot.login });
    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${pushed.slice(0, 7)} (copilot): pushed straight to main`);
  });

  attack("c14", "a policy on the default branch that cannot be used rejects, naming the problem", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "environments:\n  - name: production\n    allow_agent_deployer: true\n" });
    const { answer } = await deploy("production", copilot.login);
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toMatch(/the policy on main cannot be used: .*allow_agent_deployer/);
  });

  attack("c14", "more commits than max_commits are rejected unread", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": 'environments:\n  - name: production\n    max_commits: 3\n' });
    for (let i = 0; i < 3; i++) await sim.push(REPO, "main", { files: { [`n${i}.txt`]: `${i}\n` }, message: `n${i}`, author: people.maintainerA });
    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain("agentgate judges at most 3 (environments[].max_commits, or environments[].since to start later)");
  });

  control("c14", "a long history before agentgate guarded the environment: the policy's since starts the range", async () => {
    const { sim } = stack;
    seedRepo(sim);
    for (let i = 0; i < 3; i++) await sim.push(REPO, "main", { files: { [`n${i}.txt`]: `${i}\n` }, message: `n${i}`, author: people.maintainerA });
    const start = sim.branchHead(REPO, "main")!;
    await sim.push(REPO, "main", {
      files: { ".agentgate.yml": `environments:\n  - name: production\n    max_commits: 3\n    since: "${start}"\n` },
      message: "Guard production",
      author: people.maintainerA,
    });
    const { answer } = await deploy();
    expect(answer?.state).toBe("approved");
    expect(answer?.comment).toContain(`1 commit(s) since ${start.slice(0, 7)} (the policy's \`since\`)`);
  });
});
