/**
 * Bypasses (issue #11, part 3), end to end over HTTP: agent-written commits that reached main past
 * the gate (pushed straight, or merged while agentgate did not say success) get a failing
 * `agentgate bypass` check run and `agentgate/bypass` status, the deploy gate rejects them, and only
 * a person the policy names can accept them with the run's button. Assertions are on what a user
 * sees: the run, the status, the comment, the deploy gate's answer.
 */
import { describe, expect } from "@jest/globals";
import { copilot, copilotPullRequest, people, REPO, seedRepo, stackPerTest, statusOf } from "../e2e/harness.js";
import { ACCEPT_ACTION, BYPASS_CHECK_NAME, decodeBypass, encodeBypass } from "../../src/bypass/record.js";
import { attack, control } from "./suite.js";

const stack = stackPerTest();

const SRC_CHANGE = { "src/app.ts": "export const answer = 42;\n" };
const ACCEPTING = `bypasses:\n  accept_by: ["${people.platform.login}", "${people.maintainerA.login}", "${people.requester.login}", "Copilot", "@acme/platform"]\n`;

function bypassRun(sha: string) {
  return stack.sim.checkRuns(REPO, sha).filter((r) => r.name === BYPASS_CHECK_NAME && r.app_id !== 999).at(-1);
}
function bypassStatus(sha: string) {
  return stack.sim.latestStatus(REPO, sha, "agentgate/bypass");
}
function deploy() {
  return stack.sim.requestDeployment(REPO, { environment: "production", ref: "main", sender: people.maintainerA.login });
}

/** Copilot's commit pushed straight to main by `by` (a fast-forward of its branch). */
async function agentPushToMain(by: string = people.maintainerA.login, files: Record<string, string> = SRC_CHANGE) {
  const { sim } = stack;
  sim.createBranch(REPO, "copilot/direct", "main");
  const sha = sim.commit(REPO, {
    branch: "copilot/direct",
    files,
    message: `Bump the answer\n\nCo-authored-by: ${people.requester.name} <1001+${people.requester.login}@users.noreply.github.com>`,
    author: copilot.commitIdentity,
  });
  await sim.fastForward(REPO, "main", sha, by);
  return sha;
}

async function press(sha: string, by: string) {
  const run = bypassRun(sha)!;
  await stack.sim.requestCheckRunAction(REPO, run.id, ACCEPT_ACTION, by);
  return bypassRun(sha)!;
}

describe("bypasses", () => {
  attack("c16", "an agent commit pushed straight to main: failing bypass run and status, deploy rejected", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const sha = await agentPushToMain();

    const run = bypassRun(sha);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "Bypass: pushed straight to main" } });
    expect(run?.output.summary).toContain(`${sha.slice(0, 7)} (copilot) was pushed straight to main by @${people.maintainerA.login}, past the gate`);
    expect(run?.output.summary).toContain("The policy names nobody who may accept it");
    // No one may accept it: no button.
    expect(run?.actions).toEqual([]);
    const record = decodeBypass(run?.output.text);
    expect(record).toEqual({ kind: "record", record: { v: 1, kind: "direct-push", sha, branch: "main", agents: ["copilot"], by: people.maintainerA.login } });
    expect(bypassStatus(sha)).toMatchObject({ state: "failure", description: expect.stringContaining("bypass: ") });
    // One versioned audit event, as the file and HTTPS sinks receive it.
    const events = stack.logs.map((l) => l.audit as { v?: number; type?: string; bypass?: Record<string, unknown> } | undefined).filter((a) => a?.type === "bypass");
    expect(events).toEqual([expect.objectContaining({ v: 1, repository: REPO, bypass: expect.objectContaining({ type: "bypass", kind: "direct-push", sha, agents: ["copilot"] }) })]);

    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${sha.slice(0, 7)} (copilot`);
    expect(answer?.comment).toContain("pushed straight to main");
  });

  control("c16", "a human's push to main posts nothing", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const deliveries = await sim.push(REPO, "main", { files: SRC_CHANGE, message: "Bump the answer", author: people.maintainerA });
    const sha = sim.branchHead(REPO, "main")!;
    expect(sim.checkRuns(REPO, sha)).toEqual([]);
    expect(bypassStatus(sha)).toBeUndefined();
    // The policy (2 paths) and agentgate's runs on the pushed head: nothing more.
    const push = deliveries.find((d) => d.event === "push")!;
    expect(push.requests.filter((r) => r.method === "GET" && /check-runs|commits\/[0-9a-f]{40}\/pulls/.test(r.path)).length).toBeLessThanOrEqual(1);
    expect((await deploy()).answer?.state).toBe("approved");
  });

  attack("c16", "an admin merges an agent PR while agentgate says pending: bypass on the merge commit, a comment on the PR", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, SRC_CHANGE);
    expect(statusOf(sim, number)?.state).toBe("pending");
    const { mergeCommitSha } = await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });

    const run = bypassRun(mergeCommitSha);
    expect(run).toMatchObject({ conclusion: "failure", output: { title: "Bypass: #" + number + " merged while agentgate said pending" } });
    expect(run?.output.summary).toContain(`#${number} (copilot) was merged into main by @${people.maintainerA.login} while agentgate said pending`);
    expect(decodeBypass(run?.output.text)).toMatchObject({ kind: "record", record: { kind: "merged-not-passing", pr: number, sha: mergeCommitSha, shown: "pending" } });
    expect(bypassStatus(mergeCommitSha)?.state).toBe("failure");
    const comments = sim.issueComments(REPO, number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(`#${number} (copilot) was merged into main by @${people.maintainerA.login} while agentgate said pending`);
    // The push of the merge does not report it a second time.
    expect(sim.checkRuns(REPO, mergeCommitSha).filter((r) => r.name === BYPASS_CHECK_NAME)).toHaveLength(1);
    expect((await deploy()).answer?.state).toBe("rejected");
  });

  control("c16", "a merge after agentgate said success posts nothing", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, SRC_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("success");
    const { mergeCommitSha, deliveries } = await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    expect(bypassRun(mergeCommitSha)).toBeUndefined();
    expect(bypassStatus(mergeCommitSha)).toBeUndefined();
    expect(sim.issueComments(REPO, number)).toEqual([]);
    const closed = deliveries.find((d) => d.event === "pull_request" && d.action === "closed")!;
    // The policy (cached or 1–2 reads) and agentgate's runs on the head.
    expect(closed.requests.filter((r) => /check-runs/.test(r.path))).toHaveLength(1);
    expect((await deploy()).answer?.state).toBe("approved");
  });

  control("c16", "a named human accepts the bypass: the run turns success, the deploy gate approves", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": ACCEPTING });
    const sha = await agentPushToMain();
    expect(bypassRun(sha)?.actions).toEqual([expect.objectContaining({ identifier: ACCEPT_ACTION, label: "Accept bypass" })]);

    const run = await press(sha, people.platform.login);
    expect(run).toMatchObject({ conclusion: "success", output: { title: `Bypass accepted by @${people.platform.login}` }, actions: [] });
    expect(run.output.summary).toContain(`Accepted by @${people.platform.login}`);
    const record = decodeBypass(run.output.text);
    expect(record.kind === "record" && record.record.accepted?.by).toBe(people.platform.login);
    expect(bypassStatus(sha)).toMatchObject({ state: "success", description: `bypass accepted by @${people.platform.login}` });

    const { answer } = await deploy();
    expect(answer?.state).toBe("approved");
    expect(answer?.comment).toContain(`1 accepted after a bypass (${sha.slice(0, 7)} by @${people.platform.login})`);
  });

  control("c16", "a member of a team the policy names accepts a merge past the gate", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": 'bypasses:\n  accept_by: ["@acme/platform"]\n' });
    const { number } = await copilotPullRequest(sim, SRC_CHANGE);
    const { mergeCommitSha } = await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    expect((await deploy()).answer?.state).toBe("rejected");
    const run = await press(mergeCommitSha, people.platform.login);
    expect(run.conclusion).toBe("success");
    const { answer } = await deploy();
    expect(answer?.state).toBe("approved");
    expect(answer?.comment).toContain("accepted after a bypass");
  });

  for (const [who, login, why] of [
    ["the agent", copilot.login, "is not a human account"],
    ["the pusher", people.maintainerA.login, "pushed, merged, wrote or steered"],
    ["the human who steered the agent", people.requester.login, "pushed, merged, wrote or steered"],
    ["someone the policy does not name", people.maintainerB.login, "is not among those bypasses.accept_by names"],
  ] as const) {
    attack("c16", `acceptance by ${who} is refused: the run stays failure and says why`, async () => {
      const { sim } = stack;
      seedRepo(sim, { ".agentgate.yml": ACCEPTING });
      const sha = await agentPushToMain(people.maintainerA.login);
      const run = await press(sha, login);
      expect(run.conclusion).toBe("failure");
      expect(run.output.summary).toContain(`**Not accepted:** @${login} pressed Accept bypass`);
      expect(run.output.summary).toContain(why);
      expect(bypassStatus(sha)?.state).toBe("failure");
      expect((await deploy()).answer?.state).toBe("rejected");
    });
  }

  attack("c16", "an agent that names its own acceptor in a policy pushed straight gets nothing accepted", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": `bypasses:\n  accept_by: ["${people.maintainerB.login}"]\n` });
    // The push names pat, who would otherwise qualify (a human with write permission, not involved).
    const sha = await agentPushToMain(people.maintainerA.login, { ".agentgate.yml": `bypasses:\n  accept_by: ["${people.platform.login}"]\n`, ...SRC_CHANGE });
    const run = await press(sha, people.platform.login);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain(`was last changed by ${sha.slice(0, 7)}, itself a bypass not accepted`);
    expect((await deploy()).answer?.state).toBe("rejected");
  });

  attack("c16", "a named human who lost write permission is refused", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": ACCEPTING });
    const sha = await agentPushToMain();
    sim.setPermission(REPO, people.platform.login, "read");
    const run = await press(sha, people.platform.login);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("has no write permission");
  });

  attack("c16", "a forged accepted bypass run from another app clears nothing, and its button is not answered", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": ACCEPTING });
    const sha = await agentPushToMain();
    const forged = sim.addOtherAppCheckRun(REPO, {
      app: { id: 999, slug: "helpful-bot" },
      name: BYPASS_CHECK_NAME,
      headSha: sha,
      conclusion: "success",
      output: { title: "Bypass accepted", summary: "fine", text: encodeBypass({ v: 1, kind: "direct-push", sha, branch: "main", agents: [], accepted: { by: people.platform.login, at: "2026-01-01T00:00:00Z" } }) },
      actions: [{ label: "Accept bypass", description: "x", identifier: ACCEPT_ACTION }],
    });
    await sim.requestCheckRunAction(REPO, forged, ACCEPT_ACTION, people.platform.login);
    // agentgate's own run is untouched, and the deploy gate reads agentgate's runs only.
    expect(sim.checkRuns(REPO, sha).filter((r) => r.name === BYPASS_CHECK_NAME && r.app_id !== 999).at(-1)?.conclusion).toBe("failure");
    expect((await deploy()).answer?.state).toBe("rejected");
  });

  attack("c16", "a push that changes the policy and brings an agent commit is judged by the policy before it", async () => {
    const { sim } = stack;
    seedRepo(sim);
    // The agent's commit switches detection of itself off in the same push.
    const sha = await agentPushToMain(people.maintainerA.login, { ".agentgate.yml": 'agents:\n  disable: ["copilot"]\n', ...SRC_CHANGE });
    expect(bypassRun(sha)?.conclusion).toBe("failure");
    expect(bypassStatus(sha)?.state).toBe("failure");
    // The deploy gate reads the new policy, but agentgate's bypass run on the commit still names it.
    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`${sha.slice(0, 7)}`);
  });

  attack("c16", "how a pushed agent commit reached main cannot be read: a failing status, fail closed", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.failNext({ method: "GET", pathPattern: /\/commits\/[0-9a-f]{40}\/pulls/ }, 502, 5);
    const sha = await agentPushToMain();
    expect(bypassRun(sha)).toBeUndefined();
    expect(bypassStatus(sha)).toMatchObject({ state: "failure", description: expect.stringMatching(/^bypass unchecked: could not tell how it reached main: .*HTTP 502/) });
  });

  attack("c16", "a push of more agent commits than agentgate reads fails closed: too many commits to check", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const commits = Array.from({ length: 101 }, (_, i) => ({ files: { [`gen/${i}.txt`]: `${i}\n` }, message: `Step ${i}`, author: copilot.commitIdentity }));
    await sim.forcePush(REPO, "main", commits, { onto: "main", by: people.maintainerA.login });
    const head = sim.branchHead(REPO, "main")!;
    expect(bypassStatus(head)).toMatchObject({ state: "failure", description: expect.stringContaining("too many commits to check") });
  }, 60_000);

  attack("c16", "an agent commit the push did not show (human-looking, under a human commit) is marked by the deploy gate, then can be accepted", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": ACCEPTING });
    // Codex commits as the human who ran it: only its PR's branch tells.
    sim.createBranch(REPO, "codex/tune", "main");
    const agentSha = sim.commit(REPO, { branch: "codex/tune", files: SRC_CHANGE, message: "Bump the answer", author: people.requester });
    const { number } = await sim.openPullRequest(REPO, { head: "codex/tune", title: "Bump", author: people.requester.login });
    await sim.closePullRequest(REPO, number, people.requester.login);
    const top = sim.commit(REPO, { branch: "codex/tune", files: { "README.md": "# app!\n" }, message: "Docs", author: people.maintainerA });
    await sim.fastForward(REPO, "main", top, people.maintainerA.login);
    expect(bypassRun(agentSha)).toBeUndefined(); // the push looked human: 1 read, nothing posted

    const first = await deploy();
    expect(first.answer?.state).toBe("rejected");
    expect(first.answer?.comment).toContain(`${agentSha.slice(0, 7)} (remembered by agentgate): pushed straight to main`);
    expect(bypassRun(agentSha)).toMatchObject({ conclusion: "failure", output: { title: "Bypass: pushed straight to main" } });

    expect((await press(agentSha, people.platform.login)).conclusion).toBe("success");
    expect((await deploy()).answer?.state).toBe("approved");
  });

  attack("c16", "an accepted bypass run on an open agent PR's head passes nothing there", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": ACCEPTING });
    const { number } = await copilotPullRequest(sim, SRC_CHANGE);
    const head = sim.pullRequest(REPO, number).head.sha;
    // The PR's head pushed straight to main while the PR is open, and the bypass accepted.
    await sim.fastForward(REPO, "main", head, people.maintainerA.login);
    expect((await press(head, people.platform.login)).conclusion).toBe("success");
    // The PR is judged again: still agent-written, still waiting for two approvals.
    await sim.addLabel(REPO, number, "ready", people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: expect.stringContaining("0/2 approvals") });
    expect(sim.checkRuns(REPO, head).find((r) => r.name === "agentgate")?.conclusion).toBeNull();
  });

  attack("c16", "a success the agent posts on agentgate/bypass is answered with the failing status again", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const sha = await agentPushToMain();
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate/bypass", description: "all good" }, copilot.login);
    expect(bypassStatus(sha)).toMatchObject({ state: "failure", description: expect.stringContaining("pushed straight to main") });
  });

  control("c16", "after an acceptance, a success on agentgate/bypass is left alone", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": ACCEPTING });
    const sha = await agentPushToMain();
    await press(sha, people.platform.login);
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate/bypass", description: "mirrored" }, people.maintainerB.login);
    expect(bypassStatus(sha)).toMatchObject({ state: "success", description: "mirrored" });
  });

  attack("c16", "a push of many agent commits: 20 marked a delivery, the head says how many are left, a redelivery marks them", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const commits = Array.from({ length: 23 }, (_, i) => ({ files: { [`gen/${i}.txt`]: `${i}\n` }, message: `Step ${i}`, author: copilot.commitIdentity }));
    const deliveries = await sim.forcePush(REPO, "main", commits, { onto: "main", by: people.maintainerA.login });
    const head = sim.branchHead(REPO, "main")!;
    const push = deliveries.find((d) => d.event === "push")!;
    const pushed = (JSON.parse(push.payload) as { commits: { id: string }[] }).commits.map((c) => c.id);
    expect(pushed).toHaveLength(23);
    const marked = () => pushed.filter((sha) => bypassRun(sha)).length;
    expect(marked()).toBe(20);
    expect(bypassStatus(head)).toMatchObject({ state: "failure", description: expect.stringContaining("3 more agent commits pushed straight are not marked yet") });
    await sim.redeliver(push);
    expect(marked()).toBe(23);
  }, 60_000);

  control("c16", "bypasses.notify: issue opens an issue for a direct push", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "bypasses:\n  notify: issue\n" });
    const sha = await agentPushToMain();
    const issues = sim.issues(REPO).filter((i) => i.title.startsWith("agentgate: bypass"));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.title).toBe(`agentgate: bypass on main (${sha.slice(0, 7)})`);
    expect(issues[0]!.body).toContain("pushed straight to main");
  });

  control("c16", "bypasses.branches watches a release branch too; other branches are not watched", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": 'bypasses:\n  branches: ["release/*"]\n' });
    sim.createBranch(REPO, "release/1", "main");
    sim.createBranch(REPO, "feature", "main");
    await sim.push(REPO, "release/1", { files: SRC_CHANGE, message: "Bump", author: copilot.commitIdentity });
    await sim.push(REPO, "feature", { files: SRC_CHANGE, message: "Bump on a feature branch", author: copilot.commitIdentity });
    expect(bypassRun(sim.branchHead(REPO, "release/1")!)?.output.title).toBe("Bypass: pushed straight to release/1");
    expect(bypassRun(sim.branchHead(REPO, "feature")!)).toBeUndefined();
  });

});
