/**
 * What the cuts of issue #10 must not open: facts kept or taken from one list call stand in for a
 * read only where they cannot make a success (c5, shared head SHAs). End to end over the simulator.
 */
import { describe, expect } from "@jest/globals";
import { startStack } from "../../devtools/demo/stack.js";
import { attack, control } from "./suite.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, SECRET, seedRepo, stackPerTest, statusOf, TF_CHANGE } from "../e2e/harness.js";

const stack = stackPerTest();

/** Before the app is installed: an agent PR approved twice, and its twin from the same head into release. */
async function approvedWithTwin() {
  const { sim } = stack;
  seedRepo(sim, {}, { installed: false });
  sim.createBranch(REPO, "release", "main");
  const { number: approved, branch } = await copilotPullRequest(sim, TF_CHANGE);
  await sim.submitReview(REPO, approved, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await sim.submitReview(REPO, approved, { reviewer: people.maintainerB.login, event: "APPROVE" });
  const { number: twin } = await sim.openPullRequest(REPO, { head: branch, base: "release", title: "Backport", author: copilot.login });
  return { approved, twin, sha: headOf(sim, approved) };
}

const twinListings = (d: { requests: { path: string }[] }) => d.requests.filter((r) => /\/commits\/[0-9a-f]{40}\/pulls/.test(r.path));

describe("c5: the installation sweep's one list of open pull requests", () => {
  attack("c5", "a twin missing from the sweep's list (opened since) is found before the approved PR passes", async () => {
    const { sim } = stack;
    const { twin, sha } = await approvedWithTwin();
    // The list the sweep reads was made before the twin was opened.
    sim.malformNext({ method: "GET", pathPattern: /\/repos\/acme\/app\/pulls$/ }, (list: { number: number }[]) => list.filter((p) => p.number !== twin));
    const delivery = await sim.installApp(REPO, people.maintainerA.login);
    expect(delivery.status).toBe(200);
    expect(sim.latestStatus(REPO, sha, "agentgate")).toMatchObject({ state: "pending" });
    expect(sim.latestStatus(REPO, sha, "agentgate")?.description).toContain("0/2 approvals");
  }, 30_000);

  control("c5", "both twins approved before the installation: the sweep passes the commit", async () => {
    const { sim } = stack;
    const { twin, sha } = await approvedWithTwin();
    await sim.submitReview(REPO, twin, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, twin, { reviewer: people.maintainerB.login, event: "APPROVE" });
    const delivery = await sim.installApp(REPO, people.maintainerA.login);
    expect(sim.latestStatus(REPO, sha, "agentgate")).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    // Before a success, GitHub is asked which PRs share the commit.
    expect(twinListings(delivery).length).toBeGreaterThan(0);
  }, 30_000);

  control("c5", "an unapproved agent PR in the sweep: its twins come from the sweep's list, not from one more request", async () => {
    const { sim } = stack;
    seedRepo(sim, {}, { installed: false });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const delivery = await sim.installApp(REPO, people.maintainerA.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(twinListings(delivery)).toEqual([]);
  }, 30_000);
});

describe("c5: the sweep's copy of a PR, taken from its one list", () => {
  /** Two agent PRs into main, the app not installed yet, and a branch that needs no approval. */
  async function twoPullRequests(sim: Awaited<ReturnType<typeof startStack>>["sim"]) {
    seedRepo(sim, {}, { installed: false });
    sim.createBranch(REPO, "lax", "main");
    sim.commit(REPO, { branch: "lax", files: { ".agentgate.yml": "approvals:\n  required: 0\n" }, message: "No approvals here", author: people.maintainerA });
    const first = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" }, { branch: "copilot/first" });
    const second = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 43;\n" }, { branch: "copilot/second" });
    return { first: first.number, second: second.number };
  }

  attack("c5", "a PR retargeted while the sweep judged another: the sweep does not publish its older copy over the newer decision", async () => {
    // GitHub answers after 30 ms, so the sweep is still on its first PR when the webhook comes in.
    const s = await startStack({ webhookSecret: SECRET, deliveries: "concurrent", latencyMs: 30 });
    try {
      const { sim } = s;
      const { first, second } = await twoPullRequests(sim);
      // As the sweep starts on one PR (after its one list), the other is retargeted: that webhook
      // is judged between the sweep's two turns, on facts newer than the sweep's list.
      let other: number | undefined;
      let retargeted: Promise<unknown> | undefined;
      sim.on("request", (e: { path: string }) => {
        const judging = /^\/repos\/acme\/app\/pulls\/(\d+)\/reviews/.exec(e.path);
        if (retargeted || !judging) return;
        other = Number(judging[1]) === first ? second : first;
        retargeted = sim.editPullRequest(REPO, other, { base: "lax" }, people.requester.login);
      });
      await sim.installApp(REPO, people.maintainerA.login);
      await retargeted;
      expect(other).toBeDefined();
      expect(statusOf(sim, other!)).toMatchObject({ state: "success" });
    } finally {
      await s.stop();
    }
  }, 60_000);

  control("c5", "nothing judged the PR since the list: the sweep takes it from the list, without pulls.get", async () => {
    const { sim } = stack;
    const { second } = await twoPullRequests(sim);
    const delivery = await sim.installApp(REPO, people.maintainerA.login);
    expect(statusOf(sim, second)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(delivery.requests.filter((r) => /\/pulls\/\d+$/.test(r.path.replace(/\?.*$/, "")))).toEqual([]);
  }, 30_000);
});

describe("c1: the change an approved head showed, kept by this process", () => {
  /** An agent PR approved twice, then updated from main by an unrelated change: its diff is the same. */
  async function approvedThenUpdated() {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    const approvedHead = headOf(sim, number);
    sim.commit(REPO, { branch: "main", files: { "README.md": "# app\n\nNow with docs.\n" }, message: "docs", author: people.maintainerA });
    return { number, approvedHead };
  }

  attack("c1", "the kept change is not the reason for a success: when GitHub's compare now differs, the approvals do not carry", async () => {
    const { sim } = stack;
    const { number, approvedHead } = await approvedThenUpdated();
    // GitHub's answer for the approved head differs from what this process saw there.
    sim.malformNext({ method: "GET", pathPattern: new RegExp(`/compare/[^?]*\\.\\.\\.${approvedHead}`) }, (body: { files?: { patch?: string }[] }) => ({
      ...body,
      files: (body.files ?? []).map((f) => ({ ...f, patch: `${f.patch ?? ""}\n+resource "aws_iam_user" "x" {}` })),
    }), 5);
    await sim.updatePullRequestBranch(REPO, number);
    expect(headOf(sim, number)).not.toBe(approvedHead);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
  }, 30_000);

  control("c1", "with GitHub's compare the same, the approvals carry across the update and it passes", async () => {
    const { sim } = stack;
    const { number, approvedHead } = await approvedThenUpdated();
    await sim.updatePullRequestBranch(REPO, number);
    expect(statusOf(sim, number)?.state).toBe("success");
    expect(checkRunOf(sim, headOf(sim, number))?.output.summary).toContain(`approved ${approvedHead.slice(0, 7)}; the diff is unchanged since, so it still counts`);
  }, 30_000);
});

describe("c4: replicas sharing the turn", () => {
  attack("c4", "with a shared order, the runs this process wrote are read again: a failed read of the force-pushed-over head is an error", async () => {
    // A shared order (as with REDIS_URL): another replica may have written agentgate's runs since.
    const shared = await startStack({ webhookSecret: "e2e-webhook-secret", logLevel: "error", deadlines: { order: { run: (_key, fn) => fn() } } });
    try {
      const { sim } = shared;
      seedRepo(sim);
      sim.createBranch(REPO, "answer", "main");
      const dana = { name: people.requester.name, email: people.requester.email };
      const change = { "src/app.ts": "export const answer = 42;\n" };
      sim.commit(REPO, { branch: "answer", files: change, message: "Bump the answer\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author: dana });
      const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
      expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
      const rewritten = headOf(sim, number);
      sim.failNext({ method: "GET", pathPattern: new RegExp(`/commits/${rewritten}/check-runs`) }, 502, 20);
      await sim.forcePush(REPO, "answer", [{ files: change, message: "Bump the answer", author: dana }]);
      expect(statusOf(sim, number)?.state).toBe("error");
    } finally {
      await shared.stop();
    }
  }, 30_000);
});
