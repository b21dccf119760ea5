/**
 * Class c2 of issue #9: the humans who steered the agent never approve, however they are named.
 * End to end over the simulator: the real app, signed webhooks, GitHub's shapes. Each attack passes
 * when the gate held (the status is not success and the check run says why); beside each, a control
 * that must still reach success.
 */
import { describe, expect } from "@jest/globals";
import { attack, control } from "./suite.js";
import { checkRunOf, copilot, headOf, people, REPO, seedRepo, stackPerTest, statusOf } from "../e2e/harness.js";
import type { GitHubSimulator } from "../../devtools/simulator/index.js";

const stack = stackPerTest();

const CHANGE = { "src/app.ts": "export const answer = 42;\n" };

/** Copilot's agent opens a PR whose commit carries the given co-author trailers. */
async function agentPullRequest(sim: GitHubSimulator, coAuthors: string[], opts: { body?: string; branch?: string } = {}) {
  const branch = opts.branch ?? "copilot/answer";
  sim.createBranch(REPO, branch, "main");
  sim.commit(REPO, {
    branch,
    files: CHANGE,
    message: `Fix the answer\n\n${coAuthors.map((c) => `Co-authored-by: ${c}`).join("\n")}`,
    author: copilot.commitIdentity,
  });
  const opened = await sim.openPullRequest(REPO, { head: branch, title: "Fix the answer", body: opts.body ?? "The answer was off by one.", author: copilot.login });
  return { ...opened, branch };
}

async function approve(number: number, ...logins: string[]) {
  for (const login of logins) await stack.sim.submitReview(REPO, number, { reviewer: login, event: "APPROVE" });
}

function summaryOf(number: number): string {
  return checkRunOf(stack.sim, headOf(stack.sim, number))?.output.summary ?? "";
}

/** The logins the summary lists as steering humans, and as counted approvers. */
export function steeringAndCounted(summary: string): { steering: string[]; counted: string[] } {
  const steeringLine = /Humans who steered the agent \(they cannot approve\): (.*)\./.exec(summary)?.[1] ?? "";
  const steering = [...steeringLine.matchAll(/@([A-Za-z0-9-]+)/g)].map((m) => m[1]!.toLowerCase());
  const countedBlock = /Counted \(\d+\):\n((?:- .*\n?)*)/.exec(summary)?.[1] ?? "";
  const counted = [...countedBlock.matchAll(/^- @([A-Za-z0-9-]+)/gm)].map((m) => m[1]!.toLowerCase());
  return { steering, counted };
}

function expectNobodyBoth(number: number) {
  const { steering, counted } = steeringAndCounted(summaryOf(number));
  expect(counted.filter((l) => steering.includes(l))).toEqual([]);
}

describe("steering humans named by an email that is not a noreply address", () => {
  attack("c2", "a co-author whose non-noreply email is linked to a maintainer's account approves", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.linkEmail(people.maintainerA.login, "maria.personal@home.example");
    const { number, delivery } = await agentPullRequest(sim, [`Maria <maria.personal@home.example>`]);
    // REST links no co-author: GitHub's GraphQL Commit.authors was asked, once.
    expect(delivery.requests.filter((r) => r.method === "POST" && r.path === "/api/graphql")).toHaveLength(1);

    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
    const summary = summaryOf(number);
    expect(summary).toContain("@maria: steered the agent (Co-authored-by on");
    expect(summary).toContain("Humans who steered the agent (they cannot approve): @maria.");
    expectNobodyBoth(number);
  });

  control("c2", "two unrelated maintainers approve a PR whose co-authors all resolve", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.linkEmail(people.requester.login, "dana@home.example");
    const { number } = await agentPullRequest(sim, [`Dana <dana@home.example>`, `Dana <1001+${people.requester.login}@users.noreply.github.com>`]);
    await approve(number, people.requester.login, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toContain("@dana: steered the agent");
    expectNobodyBoth(number);
  });

  attack("c2", "an unresolvable co-author email: two maintainer approvals are still not success, and the summary says why and how to unblock", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await agentPullRequest(sim, ["Dana <dana@home.example>"]);
    await approve(number, people.maintainerA.login, people.maintainerB.login);

    expect(statusOf(sim, number)?.state).toBe("pending");
    const run = checkRunOf(sim, headOf(sim, number));
    expect(run?.status).toBe("in_progress");
    const summary = run?.output.summary ?? "";
    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot · approvals held: an email links to no account");
    expect(summary).toMatch(/no approval counts while GitHub links Dana <dana@home\.example> to no account; they steered the agent \(Co-authored-by on [0-9a-f]{7}\)\./);
    expect(summary).toContain("To unblock: link dana@home.example to that person's GitHub account");
    expect(summary).toContain("`Dana <dana@home.example>` (no GitHub account linked)");
    expect(summary).toContain("@maria: cannot be told apart from Dana <dana@home.example>");
    expectNobodyBoth(number);
  });

  control("c2", "once GitHub links the co-author's email, a re-run counts the two maintainers", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await agentPullRequest(sim, ["Dana <dana@home.example>"]);
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("pending");

    sim.linkEmail(people.requester.login, "dana@home.example");
    const run = checkRunOf(sim, headOf(sim, number));
    await sim.rerequestCheckRun(REPO, run!.id, people.maintainerA.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toContain("Humans who steered the agent (they cannot approve): @dana.");
  });
});

describe("a human who pushes to the agent's branch", () => {
  attack("c2", "the human pushes a commit to the agent branch under an unlinked email, then approves", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number, branch } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`]);
    await sim.push(REPO, branch, { files: { "README.md": "# app\n\ntweaked\n" }, message: "Tweak", author: { name: "Maria", email: "maria@laptop.local" } });
    await approve(number, people.maintainerA.login, people.maintainerB.login, people.platform.login);

    expect(statusOf(sim, number)?.state).toBe("pending");
    const summary = summaryOf(number);
    expect(summary).toMatch(/no approval counts while GitHub links Maria <maria@laptop\.local> to no account; they authored commit [0-9a-f]{7}\./);
    expect(summary).toContain("@maria: cannot be told apart from Maria <maria@laptop.local>");
    expectNobodyBoth(number);
  });

  control("c2", "the human pushes under an email of their account: two others approve and it passes", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number, branch } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`]);
    await sim.push(REPO, branch, { files: { "README.md": "# app\n\ntweaked\n" }, message: "Tweak", author: { name: "Maria", email: people.maintainerA.email } });
    await approve(number, people.maintainerA.login, people.maintainerB.login, people.platform.login);

    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toMatch(/@maria: authored commit [0-9a-f]{7}/);
  });
});

describe("the people the agent's work is assigned to", () => {
  attack("c2", "the PR's assignee approves", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`]);
    await sim.assign(REPO, number, [people.platform.login], people.requester.login);
    await approve(number, people.platform.login, people.maintainerA.login);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toContain("@pat: steered the agent (assigned to this pull request)");
    expectNobodyBoth(number);
  });

  control("c2", "the PR is assigned to someone; two others approve", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`]);
    await sim.assign(REPO, number, [people.platform.login, copilot.login], people.requester.login);
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    // The agent assigned to its own PR is not a human who steered it.
    expect(summaryOf(number)).not.toContain("@Copilot,");
  });

  attack("c2", "the assignee of the issue the PR closes approves", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const issue = sim.createIssue(REPO, { title: "The answer is wrong", author: people.requester.login, assignees: [people.platform.login, copilot.login] });
    const { number } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`], { body: `Fixes #${issue}` });
    await approve(number, people.platform.login, people.maintainerA.login);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toContain(`@pat: steered the agent (assigned to issue #${issue}, which this pull request closes)`);
    expectNobodyBoth(number);
  });

  control("c2", "the PR closes an assigned issue; two others approve", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const issue = sim.createIssue(REPO, { title: "The answer is wrong", author: people.requester.login, assignees: [people.platform.login] });
    const { number } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`], { body: `Closes: #${issue}` });
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });

  attack("c2", "the closed issue cannot be read: the gate does not pass", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const issue = sim.createIssue(REPO, { title: "The answer is wrong", author: people.requester.login, assignees: [people.platform.login] });
    const { number } = await agentPullRequest(sim, [`Dana <1001+${people.requester.login}@users.noreply.github.com>`], { body: `Fixes #${issue}` });
    await approve(number, people.maintainerA.login);
    sim.failNext({ method: "GET", pathPattern: new RegExp(`/issues/${issue}$`) }, 500, 10);
    await approve(number, people.platform.login);
    expect(statusOf(sim, number)?.state).toBe("error");
  });
});
