/**
 * Class 4 of issue #9: once agent-written, always agent-written. End to end over the simulator: the
 * attacker rewrites what detection reads (the PR body, the commits, the PR itself), agentgate's own
 * check runs remember. Each attack asserts what a user sees: the status and the check-run summary.
 */
import { describe, expect } from "@jest/globals";
import { decodeMemory, encodeMemory, emptyRecord } from "../../src/memory/record.js";
import { installationToken } from "../cli/helpers.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf } from "../e2e/harness.js";
import { attack, control } from "./suite.js";

const stack = stackPerTest();

const CHANGE = { "src/app.ts": "export const answer = 42;\n" };
const dana = { name: people.requester.name, email: people.requester.email };
const CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)";
const CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>";

const summaryOf = (sha: string) => checkRunOf(stack.sim, sha)?.output.summary ?? "";

async function approveTwice(number: number) {
  await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
}

/** Dana ran Claude Code locally and opened the PR herself: the body's footer is the only marker. */
async function claudeBodyPullRequest(body = `Bump the answer.\n\n${CLAUDE_FOOTER}`) {
  const { sim } = stack;
  seedRepo(sim);
  sim.createBranch(REPO, "answer", "main");
  sim.commit(REPO, { branch: "answer", files: CHANGE, message: "Bump the answer", author: dana });
  const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body, author: people.requester.login });
  expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
  return number;
}

/** Dana's commit carries Claude's co-author trailer: the commits are the only marker. */
async function claudeTrailerPullRequest() {
  const { sim } = stack;
  seedRepo(sim);
  sim.createBranch(REPO, "answer", "main");
  sim.commit(REPO, { branch: "answer", files: CHANGE, message: `Bump the answer\n\n${CLAUDE_TRAILER}`, author: dana });
  const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
  expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
  return number;
}

/** The same change without the trailer, force-pushed over the branch. */
function forcePushWithoutTrailer(message = "Bump the answer") {
  return stack.sim.forcePush(REPO, "answer", [{ files: CHANGE, message, author: dana }]);
}

/** Codex cloud pushes to a `codex/` branch and the human opens the PR: the branch is the only marker. */
async function codexBranchPullRequest() {
  const { sim } = stack;
  seedRepo(sim);
  sim.createBranch(REPO, "codex/answer", "main");
  sim.commit(REPO, { branch: "codex/answer", files: CHANGE, message: "Bump the answer", author: dana });
  const { number } = await sim.openPullRequest(REPO, { head: "codex/answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
  expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: codex" });
  return number;
}

describe("[c4] once agent-written, always agent-written", () => {
  attack("c4", "the PR body's agent marker is edited away by a human", async () => {
    const { sim } = stack;
    const number = await claudeBodyPullRequest();
    const judgedOn = headOf(sim, number);
    await sim.editPullRequest(REPO, number, { body: "Bump the answer." }, people.requester.login);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
    expect(summaryOf(judgedOn)).toContain(`judged agent-written earlier on ${judgedOn.slice(0, 7)} (\`claude-code/footer\`, PR body in #${number}) → claude-code`);
    // The memory is the run's whole text: a record of marker ids and places, no text that matched.
    const text = checkRunOf(sim, judgedOn)?.output.text ?? "";
    expect(decodeMemory(text)).toMatchObject({ kind: "record", record: { prs: [number], agents: ["claude-code"] } });
    expect(text).not.toContain("Generated with");
  });

  control("c4", "a remembered agent PR (marker edited away) with two eligible approvals passes", async () => {
    const { sim } = stack;
    const number = await claudeBodyPullRequest();
    await sim.editPullRequest(REPO, number, { body: "Bump the answer." }, people.requester.login);
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: claude-code" });
    expect(checkRunOf(sim, headOf(sim, number))).toMatchObject({ status: "completed", conclusion: "success" });
  });

  attack("c4", "the human named as requester in the body still cannot approve once the body is edited", async () => {
    const { sim } = stack;
    const number = await claudeBodyPullRequest(`Bump the answer.\n\nRequested by: @${people.maintainerA.login}\n\n${CLAUDE_FOOTER}`);
    await sim.editPullRequest(REPO, number, { body: "Bump the answer." }, people.requester.login);
    await approveTwice(number);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: claude-code" });
    expect(summaryOf(headOf(sim, number))).toContain("@maria: steered the agent (named as requester in the PR body, remembered)");
  });

  attack("c4", "a force-push rewrites the commits without their agent trailers", async () => {
    const { sim } = stack;
    const number = await claudeTrailerPullRequest();
    const rewritten = headOf(sim, number);
    await forcePushWithoutTrailer();
    const head = headOf(sim, number);
    expect(head).not.toBe(rewritten);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
    expect(summaryOf(head)).toMatch(new RegExp(`judged agent-written earlier on ${rewritten.slice(0, 7)} \\(\`claude-code/[a-z-]+\`, (author|trailer) in #${number}\\)`));
  });

  attack("c4", "two force-pushes and a later event (no `before` any more) still remember", async () => {
    const { sim } = stack;
    const number = await claudeTrailerPullRequest();
    await forcePushWithoutTrailer("Bump the answer (1)");
    await forcePushWithoutTrailer("Bump the answer (2)");
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: claude-code" });
  });

  control("c4", "a human PR force-pushed and edited stays human and passes without approvals", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "answer", "main");
    sim.commit(REPO, { branch: "answer", files: CHANGE, message: "Bump the answer", author: dana });
    const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
    await forcePushWithoutTrailer("Bump the answer, reworded");
    await sim.editPullRequest(REPO, number, { body: "Fixes #1 for real" }, people.requester.login);

    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
    expect(summaryOf(headOf(sim, number))).not.toContain("judged agent-written earlier");
  });

  attack("c4", "the agent PR's commits reappear in a twin PR a human opens after closing it", async () => {
    const { sim } = stack;
    const agentPr = await codexBranchPullRequest();
    const judgedOn = headOf(sim, agentPr);
    await sim.closePullRequest(REPO, agentPr, people.requester.login);
    sim.createBranch(REPO, "answer", "codex/answer");
    const { number: twin } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });

    expect(statusOf(sim, twin)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: codex" });
    expect(summaryOf(headOf(sim, twin))).toContain(`judged agent-written earlier on ${judgedOn.slice(0, 7)} (\`codex/branch\`, branch in #${agentPr}) → codex`);
  });

  attack("c4", "the twin PR adds a human commit on top of the agent's commits", async () => {
    const { sim } = stack;
    const agentPr = await codexBranchPullRequest();
    await sim.closePullRequest(REPO, agentPr, people.requester.login);
    sim.createBranch(REPO, "answer", "codex/answer");
    sim.commit(REPO, { branch: "answer", files: { "README.md": "# app\n\nThe answer moved.\n" }, message: "Docs", author: dana });
    const { number: twin } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });

    expect(statusOf(sim, twin)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: codex" });
  });

  control("c4", "a human PR opened after an agent PR was closed, with commits of its own, passes", async () => {
    const { sim } = stack;
    const agentPr = await codexBranchPullRequest();
    await sim.closePullRequest(REPO, agentPr, people.requester.login);
    sim.createBranch(REPO, "answer", "main");
    sim.commit(REPO, { branch: "answer", files: CHANGE, message: "Bump the answer myself", author: dana });
    const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });

    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
  });

  control("c4", "a remembered twin PR with two eligible approvals passes", async () => {
    const { sim } = stack;
    const agentPr = await codexBranchPullRequest();
    await sim.closePullRequest(REPO, agentPr, people.requester.login);
    sim.createBranch(REPO, "answer", "codex/answer");
    const { number: twin } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
    await approveTwice(twin);
    expect(statusOf(sim, twin)).toMatchObject({ state: "success", description: "2/2 approvals · agent: codex" });
  });

  attack("c4", "another app's check run named agentgate, newest on the head, says nothing was agent-written", async () => {
    const { sim } = stack;
    const number = await claudeBodyPullRequest();
    const head = headOf(sim, number);
    sim.addOtherAppCheckRun(REPO, {
      app: { id: 666, slug: "helpful-bot" },
      name: "agentgate",
      headSha: head,
      conclusion: "success",
      output: { title: "not agent-authored", summary: "human", text: encodeMemory(emptyRecord()) },
    });
    await sim.editPullRequest(REPO, number, { body: "Bump the answer." }, people.requester.login);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
    const ours = sim.checkRuns(REPO, head).filter((r) => r.app_id === 1);
    expect(ours.at(-1)?.output.summary).toContain("judged agent-written earlier");
  });

  attack("c4", "another app's check run with a garbled record on a human-looking twin is ignored, agentgate's own record counts", async () => {
    const { sim } = stack;
    const agentPr = await codexBranchPullRequest();
    const head = headOf(sim, agentPr);
    sim.addOtherAppCheckRun(REPO, { app: { id: 666, slug: "helpful-bot" }, name: "agentgate", headSha: head, output: { title: "x", summary: "x", text: "<!-- agentgate:memory v1 {garbled -->" } });
    await sim.closePullRequest(REPO, agentPr, people.requester.login);
    sim.createBranch(REPO, "answer", "codex/answer");
    const { number: twin } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });

    expect(statusOf(sim, twin)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: codex" });
    // The foreign record is not read at all: no "could not be read" evidence from it.
    const ours = sim.checkRuns(REPO, head).filter((r) => r.app_id === 1 && r.name === "agentgate");
    expect(ours.at(-1)?.output.summary).toContain("judged agent-written earlier");
    expect(ours.at(-1)?.output.summary).not.toContain("could not be read");
  });

  control("c4", "another app's check run claiming memory on a human PR changes nothing", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "answer", "main");
    const sha = sim.commit(REPO, { branch: "answer", files: CHANGE, message: "Bump the answer", author: dana });
    const forged = { ...emptyRecord(), prs: [1], agents: ["codex"], commits: [sha] };
    sim.addOtherAppCheckRun(REPO, { app: { id: 666, slug: "helpful-bot" }, name: "agentgate", headSha: sha, output: { title: "x", summary: "x", text: encodeMemory(forged) } });
    const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
  });

  attack("c4", "re-running the check after the marker is gone does not forget", async () => {
    const { sim } = stack;
    const number = await claudeBodyPullRequest();
    await sim.editPullRequest(REPO, number, { body: "Bump the answer." }, people.requester.login);
    const head = headOf(sim, number);
    await sim.rerequestCheckRun(REPO, checkRunOf(sim, head)!.id, people.requester.login);
    await sim.rerequestCheckRun(REPO, checkRunOf(sim, head)!.id, people.requester.login);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: claude-code" });
    expect(summaryOf(head)).toContain("judged agent-written earlier");
  });

  attack("c4", "retargeting to a branch whose policy renames the check, rewriting there, and retargeting back", async () => {
    const { sim } = stack;
    const number = await claudeBodyPullRequest();
    sim.createBranch(REPO, "evil", "main");
    sim.commit(REPO, { branch: "evil", files: { ".agentgate.yml": "check_name: other\n" }, message: "policy", author: dana });
    await sim.editPullRequest(REPO, number, { base: "evil" }, people.requester.login);
    await sim.editPullRequest(REPO, number, { body: "Bump the answer." }, people.requester.login);
    await sim.forcePush(REPO, "answer", [{ files: CHANGE, message: "Bump the answer, again", author: dana }], { onto: "main" });
    expect(statusOf(sim, number, "other")).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });

    // Back on main, under the check name "agentgate": the memory under "other" on this head is read too.
    await sim.editPullRequest(REPO, number, { base: "main" }, people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
  });

  attack("c4", "a failed read of the force-pushed-over head is an error, and the next event reads it again", async () => {
    const { sim } = stack;
    const number = await claudeTrailerPullRequest();
    const rewritten = headOf(sim, number);
    // After a restart the app no longer knows the runs it wrote on the rewritten head.
    await stack.restartApp();
    sim.failNext({ method: "GET", pathPattern: new RegExp(`/commits/${rewritten}/check-runs`) }, 502, 20);
    await forcePushWithoutTrailer();
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(summaryOf(headOf(sim, number))).toContain(`could not read agentgate's earlier judgment on the earlier head ${rewritten.slice(0, 7)}`);

    sim.clearFaults();
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: claude-code" });
  });

  describe("a force-push whose judging failed before agentgate's memory was read", () => {
    /** Copilot's PR, co-authored by Dana (she steered it), then rewritten without her trailer while GitHub fails `fault`. */
    async function rewrittenWhileFailing(fault?: RegExp) {
      const { sim } = stack;
      seedRepo(sim);
      const { number, branch } = await copilotPullRequest(sim, CHANGE);
      if (fault) sim.failNext({ method: "GET", pathPattern: fault }, 502, 4);
      await sim.forcePush(REPO, branch, [{ files: CHANGE, message: "Bump the answer", author: copilot.commitIdentity }], { by: copilot.login });
      sim.clearFaults();
      return number;
    }

    attack("c4", "the steering human whose trailer the rewrite dropped still cannot approve on the next events", async () => {
      const { sim } = stack;
      const number = await rewrittenWhileFailing(/\/pulls\/\d+\/reviews/);
      expect(statusOf(sim, number)?.state).toBe("error");
      await sim.submitReview(REPO, number, { reviewer: people.requester.login, event: "APPROVE" });
      await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });

      expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
      expect(summaryOf(headOf(sim, number))).toContain("@dana: steered the agent");
    });

    control("c4", "the same rewrite while GitHub fails: two eligible approvals afterwards pass", async () => {
      const { sim } = stack;
      const number = await rewrittenWhileFailing(/\/pulls\/\d+\/reviews/);
      await approveTwice(number);
      expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    });
  });

  control("c4", "a force-push over a head whose run this process wrote remembers it without reading it again", async () => {
    const { sim } = stack;
    const number = await claudeTrailerPullRequest();
    const rewritten = headOf(sim, number);
    const [, sync] = await forcePushWithoutTrailer();
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
    expect(sync?.requests.filter((r) => r.path.includes(`/commits/${rewritten}/check-runs`))).toEqual([]);
  });

  attack("c4", "the runs this process knows are not the reason for a success: a record written elsewhere since is read before one", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "answer", "main");
    const sha = sim.commit(REPO, { branch: "answer", files: CHANGE, message: "Bump the answer", author: dana });
    const { number } = await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login });
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
    // agentgate's own record on this head, written where this process did not see it (another
    // replica, under another branch's check name): the copy this process keeps does not hold it.
    const record = { ...emptyRecord(), prs: [number], agents: ["codex"], commits: [sha] };
    const token = await installationToken(sim, REPO);
    const wrote = await fetch(`${sim.url}/repos/${REPO}/check-runs`, {
      method: "POST",
      headers: { authorization: `token ${token}`, accept: "application/vnd.github+json", "content-type": "application/json" },
      body: JSON.stringify({ name: "agentgate-release", head_sha: sha, status: "completed", conclusion: "failure", output: { title: "x", summary: "x", text: encodeMemory(record) } }),
    });
    expect(wrote.status).toBe(201);
    await sim.addLabel(REPO, number, "ready", people.maintainerA.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: codex" });
  });
});
