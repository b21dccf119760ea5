/**
 * The gate's orchestration rules against the in-memory port (test/helpers/fake-port.ts): PRs that
 * share a head, merge groups, forged statuses. Milliseconds, no HTTP; the end-to-end suites run the
 * same rules through the real port against the simulator.
 */
import { describe, expect, it } from "@jest/globals";
import { answerForgedStatusWith, gateMergeGroupWith, gatePullRequestsWith, type OurCheckRun } from "../../src/gate.js";
import { FakePort, fakeRun, sha } from "../helpers/fake-port.js";

const where = { owner: "acme", repo: "app" };
const HEAD = sha("a");
const OTHER = sha("b");
const status = (port: FakePort, at: string, context = "agentgate") => port.shown.get(`${at}#${context}`)?.status;
const checkRun = (port: FakePort, at: string, context = "agentgate") => port.shown.get(`${at}#${context}`)?.checkRun;

describe("pull requests that share a head commit", () => {
  it("control: a lone PR shows its own decision on its head", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)).toEqual({ state: "success", description: "2/2 approvals" });
    expect(checkRun(port, HEAD)).toMatchObject({ state: "success", title: "2/2 approvals", notes: [] });
  });

  it("a stricter twin the event did not name decides what the shared head shows", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.prs.set(2, { headSha: HEAD, state: "pending", headline: "0/2 approvals · agent: copilot" });
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)).toEqual({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(checkRun(port, HEAD)?.notes).toContain("Pull requests #1, #2 share this head commit; the strictest result (#2) is shown.");
  });

  it("the sweep's cached list does not stand in before a success: GitHub's list brings the stricter twin", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.prs.set(2, { headSha: HEAD, state: "failure", headline: "protected path changed" });
    await gatePullRequestsWith(port, fakeRun({ openAt: new Map([[HEAD, [1]]]) }), where, [1]);
    expect(status(port, HEAD)?.state).toBe("failure");
  });

  it("when the PRs of the head cannot be listed, the head shows an error, not the success", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.listed.set(HEAD, "fail");
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)?.state).toBe("error");
    expect(port.shown.get(`${HEAD}#agentgate`)?.decision?.problems).toEqual([
      `could not list the pull requests that share commit ${HEAD.slice(0, 7)}: Service Unavailable (HTTP 503)`,
    ]);
  });

  it("a PR GitHub lists at the head but that cannot be read puts its error on that head", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.prs.set(2, { headSha: HEAD, state: "success", unreadable: "Bad Gateway (HTTP 502)" });
    port.listed.set(HEAD, [1, 2]);
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)?.state).toBe("error");
    expect(port.shown.get(`${HEAD}#agentgate`)?.decision?.problems).toEqual(["could not evaluate: Bad Gateway (HTTP 502)"]);
  });

  it("twins into branches with different check names: each name shows the strictest", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals", checkName: "agentgate" });
    port.prs.set(2, { headSha: HEAD, state: "failure", headline: "infra rule: 1 finding", checkName: "agentgate-release", baseRef: "release" });
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD, "agentgate")).toEqual({ state: "failure", description: "infra rule: 1 finding" });
    expect(status(port, HEAD, "agentgate-release")).toEqual({ state: "failure", description: "infra rule: 1 finding" });
  });

  it("a name whose every policy says `publish: check_run` gets no status, only the run", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "pending", headline: "0/2 approvals", publish: "check_run" });
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)).toBeUndefined();
    expect(checkRun(port, HEAD)?.state).toBe("pending");
  });

  it("whether the branch enforces the check is shown beside the decision and never changes its state", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.protection.set("main", { branch: "main", rules: { ok: true, value: [] }, rulesets: new Map(), classic: { ok: true, value: null } });
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)?.state).toBe("success");
    expect(port.shown.get(`${HEAD}#agentgate`)?.decision?.enforcement).toMatchObject({ branch: "main", verdict: "not-enforced" });
  });

  it("PRs on different heads each get their own result", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.prs.set(2, { headSha: OTHER, state: "pending", headline: "0/2 approvals" });
    await gatePullRequestsWith(port, fakeRun(), where, [1, 2]);
    expect(status(port, HEAD)?.state).toBe("success");
    expect(status(port, OTHER)?.state).toBe("pending");
  });

  it("an unreadable PR is published on the head the webhook names; without one nothing is, and it is said", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", unreadable: "Internal Server Error (HTTP 500)" });
    const hinted = fakeRun({ payloadHints: new Map([[1, { headSha: HEAD }]]) });
    await gatePullRequestsWith(port, hinted, where, [1]);
    expect(status(port, HEAD)?.state).toBe("error");

    const blind = new FakePort();
    blind.prs.set(1, { headSha: HEAD, state: "success", unreadable: "Internal Server Error (HTTP 500)" });
    const run = fakeRun();
    await gatePullRequestsWith(blind, run, where, [1]);
    expect(blind.shown.size).toBe(0);
    expect(run.outcomes).toEqual(["unpublished"]);
  });

  it("when GitHub refuses the status (1000 on the context), the check run carries the decision and says why", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "pending", headline: "0/2 approvals" });
    port.statusCapped.add(`${HEAD}#agentgate`);
    await gatePullRequestsWith(port, fakeRun(), where, [1]);
    expect(status(port, HEAD)).toBeUndefined();
    expect(checkRun(port, HEAD)?.state).toBe("pending");
    expect(checkRun(port, HEAD)?.notes.join(" ")).toMatch(/at most 1000 statuses per commit and context/);
  });
});

describe("merge groups", () => {
  const GROUP = sha("e");
  const group = { headSha: GROUP, baseSha: sha("c"), headRef: "refs/heads/gh-readonly-queue/main/pr-2-" + "d".repeat(40) };

  it("control: every member passing passes the group", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.prs.set(2, { headSha: OTHER, state: "success", headline: "not agent-written" });
    port.groups.set(GROUP, { members: [{ number: 1, headSha: HEAD }, { number: 2, headSha: OTHER }], problems: [] });
    await gateMergeGroupWith(port, fakeRun(), where, group);
    expect(status(port, GROUP)?.state).toBe("success");
    expect(checkRun(port, GROUP)?.notes).toContain("Merge group of #1 (success), #2 (success).");
  });

  it("the group shows the strictest of its members", async () => {
    const port = new FakePort();
    port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
    port.prs.set(2, { headSha: OTHER, state: "pending", headline: "1/2 approvals · agent: copilot" });
    port.groups.set(GROUP, { members: [{ number: 1, headSha: HEAD }, { number: 2, headSha: OTHER }], problems: [] });
    await gateMergeGroupWith(port, fakeRun(), where, group);
    expect(status(port, GROUP)).toEqual({ state: "pending", description: "1/2 approvals · agent: copilot" });
  });

  it("a member that moved on since it was queued makes the group an error", async () => {
    const port = new FakePort();
    port.prs.set(2, { headSha: sha("f"), state: "success", headline: "2/2 approvals" });
    port.groups.set(GROUP, { members: [{ number: 2, headSha: OTHER }], problems: [] });
    await gateMergeGroupWith(port, fakeRun(), where, group);
    expect(status(port, GROUP)?.state).toBe("error");
    expect(port.shown.get(`${GROUP}#agentgate`)?.decision?.problems).toEqual(["#2 has a new head since it was queued"]);
  });

  it("members that cannot be listed, or none found, or not the PR the queue names: an error", async () => {
    for (const [contents, problem] of [
      ["fail", /could not tell which pull requests are in this merge group: Service Unavailable/],
      [{ members: [], problems: [] }, /no pull request was found/],
      [{ members: [{ number: 1, headSha: HEAD }], problems: [] }, /the queue's branch names #2/],
    ] as const) {
      const port = new FakePort();
      port.prs.set(1, { headSha: HEAD, state: "success", headline: "2/2 approvals" });
      port.groups.set(GROUP, contents === "fail" ? "fail" : { members: [...contents.members], problems: [...contents.problems] });
      await gateMergeGroupWith(port, fakeRun(), where, group);
      expect(status(port, GROUP)?.state).toBe("error");
      expect(port.shown.get(`${GROUP}#agentgate`)?.decision?.problems.join(" ")).toMatch(problem);
    }
  });
});

describe("a status someone else posted on agentgate's context", () => {
  const ourRun = (conclusion: string | null, title: string): OurCheckRun => ({
    id: 9,
    name: "agentgate",
    status: conclusion ? "completed" : "in_progress",
    conclusion,
    output: { title, summary: "the decision", text: "record" },
  });
  const forged = (state: string, context = "agentgate") => ({ sha: HEAD, context, forger: "mallory", state });

  it("a forged success over a pending decision is answered with failure", async () => {
    const port = new FakePort();
    port.runs.set(HEAD, [ourRun(null, "0/2 approvals")]);
    await answerForgedStatusWith(port, fakeRun(), where, forged("success"), ["agentgate"]);
    expect(status(port, HEAD)).toEqual({ state: "failure", description: "forged status by @mallory overwritten · re-run the check" });
  });

  it("control: a forged failure over a success the check run holds restores the success", async () => {
    const port = new FakePort();
    port.runs.set(HEAD, [ourRun("success", "2/2 approvals")]);
    await answerForgedStatusWith(port, fakeRun(), where, forged("failure"), ["agentgate"]);
    expect(status(port, HEAD)).toEqual({ state: "success", description: "2/2 approvals" });
  });

  it("control: a context that is not agentgate's is left alone", async () => {
    const port = new FakePort();
    port.runs.set(HEAD, [ourRun(null, "0/2 approvals")]);
    await answerForgedStatusWith(port, fakeRun(), where, forged("success", "ci/build"), ["agentgate"]);
    expect(port.shown.size).toBe(0);
  });

  it("when the context is full, the check run says the status cannot be trusted, once, keeping its record", async () => {
    const port = new FakePort();
    const run = ourRun(null, "0/2 approvals");
    port.runs.set(HEAD, [run]);
    port.statusCapped.add(`${HEAD}#agentgate`);
    await answerForgedStatusWith(port, fakeRun(), where, forged("success"), ["agentgate"]);
    expect(run.output.summary).toMatch(/^The commit status "agentgate" on this commit was last posted by @mallory and cannot be overwritten/);
    expect(run.output.summary).toMatch(/the decision$/);
    expect(run.output.text).toBe("record");
    const once = run.output.summary;
    await answerForgedStatusWith(port, fakeRun(), where, forged("success"), ["agentgate"]);
    expect(run.output.summary).toBe(once);
  });
});
