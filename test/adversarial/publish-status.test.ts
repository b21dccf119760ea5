/**
 * `publish: status`: a repository whose branch protection requires agentgate's name from any source
 * publishes the commit status, and the check run only where agentgate keeps a memory (c4) or has a
 * run on the commit already. Attacks: the memory must survive as under `both` (c4), a forged status
 * must still be answered (c6), and the deploy gate and bypass detection must read agentgate's own
 * status, and nobody else's, where there is no run (c14, c16). End to end over the simulator.
 */
import { describe, expect } from "@jest/globals";
import { attack, control } from "./suite.js";
import { decodeMemory } from "../../src/memory/record.js";
import { BYPASS_CHECK_NAME } from "../../src/bypass/record.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf } from "../e2e/harness.js";

const stack = stackPerTest();

const STATUS_ONLY = "publish: status\n";
const CHANGE = { "src/app.ts": "export const answer = 42;\n" };
const dana = { name: people.requester.name, email: people.requester.email };
const CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>";

type Requests = { requests: { method: string; path: string }[] };
const writes = (d: Requests) => d.requests.filter((r) => r.method !== "GET" && /\/(statuses|check-runs)\b/.test(r.path));
const runsOf = (sha: string) => stack.sim.checkRuns(REPO, sha).filter((r) => r.name === "agentgate");

/** Dana's own PR, no agent marker anywhere. */
async function humanPullRequest(message = "Bump the answer") {
  const { sim } = stack;
  sim.createBranch(REPO, "answer", "main");
  sim.commit(REPO, { branch: "answer", files: CHANGE, message, author: dana });
  return (await sim.openPullRequest(REPO, { head: "answer", title: "Bump the answer", body: "Fixes #1", author: people.requester.login })).number;
}

function deploy() {
  return stack.sim.requestDeployment(REPO, { environment: "production", ref: "main", sender: people.maintainerA.login });
}

/** The default branch's policy, tightened after the merge: Dana's email now marks an agent. */
function nameDanaAnAgent(policy: string) {
  stack.sim.commit(REPO, { branch: "main", files: { ".agentgate.yml": `${policy}agents:\n  emails: ["${people.requester.email}"]\n` }, message: "Dana's email is an agent's", author: people.maintainerA });
}

describe("c6: publish: status", () => {
  attack("c6", "publish: status: a policy read that failed once does not hide the policy's check name from the next forgery", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": `${STATUS_ONLY}check_name: gate-x\napplies_to: all\n` });
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    expect(statusOf(sim, number, "gate-x")?.state).toBe("pending");
    await stack.restartApp(); // no name published lately in this process, and no check run to name it

    // CI's status arrives while GitHub fails the policy read beyond the retries.
    sim.failNext({ method: "GET", pathPattern: /^\/repos\/acme\/app\/(?:git|contents)\// }, 502, 4);
    await sim.postStatus(REPO, sha, { state: "success", context: "ci" }, people.requester.login);
    sim.clearFaults();

    await sim.postStatus(REPO, sha, { state: "success", context: "gate-x" }, people.requester.login);
    expect(statusOf(sim, number, "gate-x")).toMatchObject({ state: "failure", description: "forged status by @dana overwritten · agentgate said pending" });
  }, 30_000);

  control("c6", "publish: status: a human PR gets the status and no check run; an unchanged re-evaluation writes nothing", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
    expect(statusOf(sim, number)?.creator?.login).toBe(sim.appBot.login);
    expect(runsOf(sha)).toEqual([]);

    const again = await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(writes(again)).toEqual([]);
    expect(runsOf(sha)).toEqual([]);
  }, 30_000);

  control("c6", "publish: status: a changed decision on a human PR costs one write, the status", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": `${STATUS_ONLY}applies_to: all\n` });
    const number = await humanPullRequest();
    expect(statusOf(sim, number)?.state).toBe("pending");
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("success");
    expect(writes(delivery).map((r) => r.method + " " + r.path.replace(/[0-9a-f]{40}/, "SHA"))).toEqual([`POST /repos/${REPO}/statuses/SHA`]);
    expect(runsOf(headOf(sim, number))).toEqual([]);
  }, 30_000);

  control("c6", "publish: status: an agent PR gets its check run beside the status: it holds the memory", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const { number, branch } = await copilotPullRequest(sim, CHANGE);
    const sha = headOf(sim, number);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(decodeMemory(checkRunOf(sim, sha)?.output.text)).toMatchObject({ kind: "record", record: { prs: [number], agents: ["copilot"] } });

    // A new head gets both writes together, as under `both`: no read of its statuses first.
    const pushed = await sim.push(REPO, branch, { files: { "src/app.ts": "export const answer = 43;\n" }, message: "Tweak", author: copilot.commitIdentity });
    const sync = pushed.filter((d) => d.event === "pull_request");
    expect(sync).toHaveLength(1);
    expect(sync[0]!.requests.filter((r) => r.method === "GET" && /\/statuses\b/.test(r.path))).toEqual([]);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(decodeMemory(checkRunOf(sim, headOf(sim, number))?.output.text)).toMatchObject({ kind: "record" });
  }, 30_000);

  attack("c6", "publish: status: a forged success on a human PR agentgate holds pending (no run) is answered with failure", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": `${STATUS_ONLY}applies_to: all\n` });
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(runsOf(sha)).toEqual([]);
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate", description: "approved" }, people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "failure", description: "forged status by @dana overwritten · agentgate said pending" });
    expect(statusOf(sim, number)?.creator?.login).toBe(sim.appBot.login);
    // The next change puts agentgate's own decision back.
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals" });
  }, 30_000);

  control("c6", "publish: status: a forged failure on a human PR agentgate passed (no run) is answered with its success", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    await sim.postStatus(REPO, sha, { state: "failure", context: "agentgate", description: "no" }, people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
    expect(statusOf(sim, number)?.creator?.login).toBe(sim.appBot.login);
    expect(runsOf(sha)).toEqual([]);
  }, 30_000);

  attack("c6", "switching from both to status on a commit whose run said success: the run is updated when the decision turns pending", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    expect(checkRunOf(sim, sha)).toMatchObject({ status: "completed", conclusion: "success" });
    // The base's policy now publishes the status, and gates every PR.
    sim.commit(REPO, { branch: "main", files: { ".agentgate.yml": `${STATUS_ONLY}applies_to: all\n` }, message: "status only, every PR", author: people.maintainerA });
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(runsOf(sha)).toHaveLength(1);
    expect(checkRunOf(sim, sha)).toMatchObject({ output: { title: "0/2 approvals" } });
    expect(checkRunOf(sim, sha)?.conclusion ?? null).not.toBe("success");
  }, 30_000);
});

describe("c6: switching to publish: check_run", () => {
  attack("c6", "from status to check_run after a restart: a success status of agentgate's with no run beside it is taken back", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", creator: { login: sim.appBot.login } });
    expect(runsOf(sha)).toEqual([]);
    // The base's policy now publishes the run alone and gates every PR; branch protection may still
    // require the context from any source. The app restarts, knowing nothing it posted.
    sim.commit(REPO, { branch: "main", files: { ".agentgate.yml": "publish: check_run\napplies_to: all\n" }, message: "check run only, every PR", author: people.maintainerA });
    await stack.restartApp();
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(checkRunOf(sim, sha)).toMatchObject({ output: { title: "0/2 approvals" } });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals" });
  }, 30_000);

  control("c6", "publish: check_run: a commit agentgate never posted a status on gets none, and its next evaluation reads no statuses", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "publish: check_run\napplies_to: all\n" });
    const number = await humanPullRequest();
    const sha = headOf(sim, number);
    expect(checkRunOf(sim, sha)).toMatchObject({ output: { title: "0/2 approvals" } });
    expect(statusOf(sim, number)).toBeUndefined();
    const again = await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(again.requests.filter((r) => r.method === "GET" && /\/statuses\b/.test(r.path))).toEqual([]);
    expect(statusOf(sim, number)).toBeUndefined();
  }, 30_000);
});

describe("c4: publish: status keeps agentgate's memory", () => {
  attack("c4", "publish: status: the agent's trailer force-pushed away: still agent-written, the record on a run", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest(`Bump the answer\n\n${CLAUDE_TRAILER}`);
    const judgedOn = headOf(sim, number);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
    expect(decodeMemory(checkRunOf(sim, judgedOn)?.output.text)).toMatchObject({ kind: "record", record: { prs: [number] } });

    await sim.forcePush(REPO, "answer", [{ files: CHANGE, message: "Bump the answer", author: dana }]);
    const head = headOf(sim, number);
    expect(head).not.toBe(judgedOn);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: claude-code" });
    expect(decodeMemory(checkRunOf(sim, head)?.output.text)).toMatchObject({ kind: "record", record: { prs: [number], agents: ["claude-code"] } });
    expect(checkRunOf(sim, head)?.output.summary).toContain(`judged agent-written earlier on ${judgedOn.slice(0, 7)}`);
  }, 30_000);

  control("c4", "publish: status: a human PR force-pushed stays human, with no check run anywhere", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest();
    const first = headOf(sim, number);
    await sim.forcePush(REPO, "answer", [{ files: CHANGE, message: "Bump the answer, reworded", author: dana }]);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
    expect([...runsOf(first), ...runsOf(headOf(sim, number))]).toEqual([]);
  }, 30_000);
});

describe("c14/c16: agentgate's verdict where it wrote only its status", () => {
  control("c14", "publish: status: a PR agentgate passed on its status alone, later named agent-written by the policy, passes the deploy gate", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest();
    expect(statusOf(sim, number)?.state).toBe("success");
    expect(runsOf(headOf(sim, number))).toEqual([]);
    await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    nameDanaAnAgent(STATUS_ONLY);

    const { answer } = await deploy();
    expect(answer?.state).toBe("approved");
    expect(answer?.comment).toContain(`through a pull request agentgate passed (#${number})`);
  }, 30_000);

  attack("c14", "a success status someone else posted on a commit agentgate never judged is not agentgate's verdict", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY }, { installed: false });
    const number = await humanPullRequest();
    const head = headOf(sim, number);
    // agentgate is not installed yet: it never judged the PR, and sees neither the status nor the merge.
    await sim.postStatus(REPO, head, { state: "success", context: "agentgate", description: "approved" }, people.requester.login);
    await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    await sim.installApp(REPO, people.maintainerA.login);
    nameDanaAnAgent(STATUS_ONLY);

    const { answer } = await deploy();
    expect(answer?.state).toBe("rejected");
    expect(answer?.comment).toContain(`merged in #${number}, which agentgate never judged`);
  }, 30_000);

  attack("c16", "publish: status: a human PR merged while agentgate's status said pending is a merge past the gate", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": `${STATUS_ONLY}applies_to: all\n` });
    const number = await humanPullRequest();
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(runsOf(headOf(sim, number))).toEqual([]);
    const { mergeCommitSha } = await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    const bypass = sim.checkRuns(REPO, mergeCommitSha).filter((r) => r.name === BYPASS_CHECK_NAME);
    expect(bypass).toHaveLength(1);
    expect(bypass[0]).toMatchObject({ conclusion: "failure", output: { title: `Bypass: #${number} merged while agentgate said pending` } });
  }, 30_000);

  control("c16", "publish: status: a human PR merged after agentgate's status said success posts nothing", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": STATUS_ONLY });
    const number = await humanPullRequest();
    expect(statusOf(sim, number)?.state).toBe("success");
    const { mergeCommitSha } = await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
    expect(sim.checkRuns(REPO, mergeCommitSha).filter((r) => r.name === BYPASS_CHECK_NAME)).toEqual([]);
    expect(sim.latestStatus(REPO, mergeCommitSha, "agentgate/bypass")).toBeUndefined();
    expect((await deploy()).answer?.state).toBe("approved");
  }, 30_000);
});
