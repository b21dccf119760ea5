/**
 * The gate end to end: the real Probot server over HTTP, signed webhooks, the local GitHub simulator.
 * Every assertion is on what GitHub would show: the commit status and the check run.
 */
import { describe, expect, it } from "@jest/globals";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf, TF_CHANGE } from "./harness.js";

const stack = stackPerTest();


async function approve(number: number, login: string) {
  return stack.sim.submitReview(REPO, number, { reviewer: login, event: "APPROVE" });
}

describe("an agent pull request", () => {
  it("stays pending until two eligible humans approved the current head", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    const run = checkRunOf(sim, headOf(sim, number));
    expect(run?.status).toBe("in_progress");
    expect(run?.output.summary).toMatch(/\| [0-9a-f]{7} \| copilot \| /);

    await approve(number, people.maintainerA.login);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");

    await approve(number, people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    expect(checkRunOf(sim, headOf(sim, number))).toMatchObject({ status: "completed", conclusion: "success" });
  });

  it("ignores the requester's approval (a co-author of the agent's commits) and says why", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.requester.login);

    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot");
    const summary = checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";
    expect(summary).toMatch(/@dana: (co-authored commit|steered the agent)/);
  });

  it("ignores bot approvals and read-only users", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, "renovate[bot]");
    await approve(number, people.reader.login);

    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot");
    const summary = checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";
    expect(summary).toContain("@renovate[bot]: is a bot; only humans approve");
    expect(summary).toContain("@rita: has read permission; write is required");
  });

  it("drops approvals when the agent pushes new changes", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number, branch } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("success");

    await sim.push(REPO, branch, {
      files: { "src/app.ts": "export const answer = 42;\n" },
      message: "Also fix the answer",
      author: copilot.commitIdentity,
    });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    const summary = checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";
    expect(summary).toMatch(/@maria: approved [0-9a-f]{7}; the changes differ at the current head/);
  });

  it("keeps approvals across an update from the base branch that leaves the diff identical", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login);
    const approvedHead = headOf(sim, number);

    // Someone else lands an unrelated change on main; the PR is rebased onto it.
    sim.commit(REPO, { branch: "main", files: { "README.md": "# app\n\nNow with docs.\n" }, message: "docs", author: people.maintainerA });
    await sim.updatePullRequestBranch(REPO, number);
    expect(headOf(sim, number)).not.toBe(approvedHead);

    expect(statusOf(sim, number)?.state).toBe("success");
    const summary = checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";
    expect(summary).toContain(`approved ${approvedHead.slice(0, 7)}; the diff is unchanged since, so it still counts`);
  });

  it("blocks while changes are requested, and recovers when the review is dismissed", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const { reviewId } = await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "REQUEST_CHANGES" });
    expect(statusOf(sim, number)).toMatchObject({ state: "failure" });
    expect(statusOf(sim, number)?.description).toContain("changes requested by @maria");

    await sim.dismissReview(REPO, number, reviewId, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("pending");
  });
});

describe("the policy", () => {
  it("is read from the base branch: an agent cannot loosen its own gate", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "protect_defaults: false\napprovals:\n  required: 2\n" });
    const { number } = await copilotPullRequest(sim, {
      ".agentgate.yml": "protect_defaults: false\napprovals:\n  required: 0\n",
    });
    // The head's policy would need no approval; the base's needs two.
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
  });

  it("blocks an agent PR that edits the policy file (a default protected path)", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, { ".agentgate.yml": "approvals:\n  required: 0\n" });
    expect(statusOf(sim, number)).toMatchObject({
      state: "failure",
      description: "blocked: path:agentgate-policy on .agentgate.yml · agent: copilot",
    });
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("failure");
  });

  it("fails closed on an invalid policy and names the line and key", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "approvals:\n  required: 2\n  reqiured_teams: [x]\n" });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const status = statusOf(sim, number);
    expect(status?.state).toBe("failure");
    // The key is no near miss of a known one, so the message points at it without repeating it.
    expect(status?.description).toMatch(/^invalid policy: acme\/app@main:\.agentgate\.yml:3:3: approvals: unknown key/);
    expect(checkRunOf(sim, headOf(sim, number))?.output.summary).toContain("acme/app@main:.agentgate.yml:3:3: approvals: unknown key (allowed: required,");
  });

  it("a CODEOWNERS-style leading / fails closed with the hint: the rule would have protected nothing", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "paths:\n  - name: terraform\n    paths: [/infra/**]\n    block: true\n" });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    expect(statusOf(sim, number)?.state).toBe("failure");
    expect(checkRunOf(sim, headOf(sim, number))?.output.summary).toContain(
      "acme/app@main:.agentgate.yml:3:13: paths[0].paths[0]: a leading / matches nothing: paths are relative to the repository root; write `infra/**`",
    );
  });

  it("shows a policy warning in the check run's Policy section, and the gate decides as without it", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "approvals:\n  required: 1\ninfra:\n  docs_paths: ['!notes/**']\n" });
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const x = 1;\n" });
    expect(statusOf(sim, number)?.state).toBe("pending");
    const summary = checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";
    expect(summary).toContain("### Policy");
    expect(summary).toContain("acme/app@main:.agentgate.yml:4:16: warning: infra.docs_paths[0]: a leading ! is not a negation here");
    await approve(number, people.maintainerA.login);
    expect(statusOf(sim, number)?.state).toBe("success");
  });

  it("requires an active member of a team for a protected path; a pending invitation does not count", async () => {
    const { sim } = stack;
    seedRepo(sim, {
      ".agentgate.yml": "paths:\n  - name: terraform\n    paths: ['infra/**']\n    teams: [acme/platform]\n",
    });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login); // invited to the team, not yet a member
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "2/2 approvals · agent: copilot · needs @acme/platform" });

    await approve(number, people.platform.login);
    expect(statusOf(sim, number)?.state).toBe("success");
  });

  it("applies the organization's defaults from its .github repository, read once a minute at most", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.addRepo({ owner: "acme", name: ".github", files: { ".agentgate.yml": "approvals:\n  required: 3\n" } });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    expect(statusOf(sim, number)?.description).toBe("0/3 approvals · agent: copilot");

    const { delivery } = await approve(number, people.maintainerA.login);
    expect(statusOf(sim, number)?.description).toBe("1/3 approvals · agent: copilot");
    const policyReads = delivery.requests.filter((r) => (r.path.includes("/contents/") && r.path.includes("agentgate.yml")) || r.path.includes("/git/ref/"));
    // The base branch's tip is asked for fresh (conditionally: unchanged, a free 304); what the
    // repository holds at that commit is known, and the org's defaults come from the minute's cache.
    expect(policyReads.map((r) => `${r.status} ${r.path}`)).toEqual(["304 /repos/acme/app/git/ref/heads%2Fmain"]);
  });

  it("reads the policy of a base branch that moved, at its new tip", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot");
    // The policy lands on main directly (a push no PR sees): the next event reads it at the new tip.
    sim.commit(REPO, { branch: "main", files: { ".agentgate.yml": "approvals:\n  required: 3\n" }, message: "Policy", author: people.maintainerA });
    await approve(number, people.maintainerA.login);
    expect(statusOf(sim, number)?.description).toBe("1/3 approvals · agent: copilot");
  });

  it("re-evaluates open PRs when the policy changes on the default branch", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("success");

    await sim.push(REPO, "main", {
      files: { ".agentgate.yml": "approvals:\n  required: 3\n" },
      message: "Require three approvals",
      author: people.maintainerA,
    });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "2/3 approvals · agent: copilot" });
  });

  it("re-evaluates only the open PRs into a branch whose policy changed", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "release", "main");
    const { number: intoMain } = await copilotPullRequest(sim, TF_CHANGE);
    sim.createBranch(REPO, "copilot/backport", "release");
    sim.commit(REPO, { branch: "copilot/backport", files: { "src/app.ts": "export const answer = 42;\n" }, message: "Backport", author: copilot.commitIdentity });
    const { number: intoRelease } = await sim.openPullRequest(REPO, { head: "copilot/backport", base: "release", title: "Backport", author: copilot.login });
    expect(statusOf(sim, intoRelease)?.description).toBe("0/2 approvals · agent: copilot");

    const [push] = await sim.push(REPO, "release", { files: { ".agentgate.yml": "approvals:\n  required: 3\n" }, message: "Three for releases", author: people.maintainerA });
    expect(push?.status).toBe(200);
    expect(statusOf(sim, intoRelease)?.description).toBe("0/3 approvals · agent: copilot");
    expect(statusOf(sim, intoMain)?.description).toBe("0/2 approvals · agent: copilot");
  });

  it("re-evaluates open PRs of every repository when the organization's defaults change, at once", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.addRepo({ owner: "acme", name: ".github", files: { ".agentgate.yml": "approvals:\n  required: 2\n" } });
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("success");

    // Within the minute the org's policy is cached: the push itself must make the new one count.
    const [push] = await sim.push("acme/.github", "main", {
      files: { ".agentgate.yml": "approvals:\n  required: 3\n" },
      message: "Require three approvals in every repository",
      author: people.maintainerA,
    });
    expect(push?.status).toBe(200);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "2/3 approvals · agent: copilot" });
  });
});

describe("infra rules", () => {
  it("asks the named team for a risky Terraform change and annotates every finding, 50 per request", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "infra:\n  teams: [acme/platform]\n" });
    // Sixty buckets armed for deletion: one `require` finding each (TF-07).
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) {
      files[`infra/buckets/b${i}.tf`] = `resource "aws_s3_bucket" "b${i}" {\n  bucket        = "acme-b${i}"\n  force_destroy = true\n}\n`;
    }
    const { number } = await copilotPullRequest(sim, files);
    expect(statusOf(sim, number)?.description).toBe("0/2 approvals · agent: copilot · needs @acme/platform");

    const run = checkRunOf(sim, headOf(sim, number));
    const annotations = run?.output.annotations ?? [];
    expect(annotations.filter((a) => a.title?.startsWith("TF-07"))).toHaveLength(60);
    expect(annotations[0]).toMatchObject({ path: expect.stringMatching(/^infra\/buckets\/b\d+\.tf$/), annotation_level: "warning" });
    // GitHub refuses more than 50 annotations in one request (the simulator too): none was refused.
    const writes = sim.requests.filter((r) => /check-runs/.test(r.path) && r.method !== "GET");
    expect(writes.every((r) => r.status < 400)).toBe(true);
    expect(run?.output.summary).toContain("TF-07");

    await approve(number, people.maintainerA.login);
    await approve(number, people.platform.login);
    expect(statusOf(sim, number)?.state).toBe("success");
  });
});

describe("not an agent", () => {
  it("passes a human pull request without approvals", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "fix-readme", "main");
    sim.commit(REPO, { branch: "fix-readme", files: { "README.md": "# app\n\nFixed.\n" }, message: "Fix README", author: people.maintainerA });
    const { number } = await sim.openPullRequest(REPO, { head: "fix-readme", title: "Fix README", author: people.maintainerA.login });
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
  });
});

describe("installing the app", () => {
  /** An agent PR and a human PR, both opened while the app could not see the repository. */
  async function openedBeforeInstall() {
    const { sim } = stack;
    const { number: agentPr } = await copilotPullRequest(sim, TF_CHANGE);
    sim.createBranch(REPO, "fix-readme", "main");
    sim.commit(REPO, { branch: "fix-readme", files: { "README.md": "# app\n\nFixed.\n" }, message: "Fix README", author: people.maintainerA });
    const { number: humanPr } = await sim.openPullRequest(REPO, { head: "fix-readme", title: "Fix README", author: people.maintainerA.login });
    expect(statusOf(sim, agentPr)).toBeUndefined();
    return { agentPr, humanPr };
  }

  it.each([
    ["installation", "a new installation", false],
    ["installation_repositories", "a repository added to an existing installation", true],
  ])("judges the pull requests already open (%s: %s)", async (event, _label, otherRepoInstalled) => {
    const { sim } = stack;
    seedRepo(sim, {}, { installed: false });
    if (otherRepoInstalled) sim.addRepo({ owner: "acme", name: "website", files: { "index.html": "<p>hi</p>\n" } });
    const { agentPr, humanPr } = await openedBeforeInstall();

    const delivery = await sim.installApp(REPO, people.maintainerA.login);
    expect(delivery).toMatchObject({ event, status: 200 });
    expect(statusOf(sim, agentPr)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(statusOf(sim, humanPr)).toMatchObject({ state: "success", description: "not agent-authored: no approval needed" });
  });

  it("fails the delivery, logged with its id, when the open pull requests cannot be listed; a redelivery judges them", async () => {
    const { sim } = stack;
    seedRepo(sim, {}, { installed: false });
    const { agentPr } = await openedBeforeInstall();
    sim.failNext({ method: "GET", pathPattern: /\/repos\/acme\/app\/pulls$/ }, 502, 10); // the list of open PRs

    const delivery = await sim.installApp(REPO, people.maintainerA.login);
    expect(delivery.status).toBe(500);
    expect(stack.logs.some((l) => l.delivery === delivery.id && l.msg === "installed: could not evaluate the open pull requests")).toBe(true);
    expect(statusOf(sim, agentPr)).toBeUndefined();

    sim.clearFaults();
    expect((await sim.redeliver(delivery)).status).toBe(200);
    expect(statusOf(sim, agentPr)?.state).toBe("pending");
  });
});

describe("robustness", () => {
  it("overwrites a forged status on its context with failure and says who forged it", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate", description: "all good" }, people.requester.login);

    const status = sim.latestStatus(REPO, sha, "agentgate");
    expect(status?.state).toBe("failure");
    expect(status?.description).toContain("forged status by @dana");
  });

  it("answers a merge group on its own head commit so the queue does not stall", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    await approve(number, people.maintainerB.login);
    const { headSha } = await sim.enqueueMergeGroup(REPO, [number]);
    expect(sim.latestStatus(REPO, headSha, "agentgate")?.state).toBe("success");
    expect(checkRunOf(sim, headSha)?.conclusion).toBe("success");
  });

  it("publishes the strictest result when two open PRs share a head commit", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number: first, branch } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(first, people.maintainerA.login);
    await approve(first, people.maintainerB.login);
    expect(statusOf(sim, first)?.state).toBe("success");

    // A second PR from the same head into another branch, where nobody approved.
    sim.createBranch(REPO, "release", "main");
    const { number: second } = await sim.openPullRequest(REPO, { head: branch, base: "release", title: "Backport", author: copilot.login });
    expect(headOf(sim, second)).toBe(headOf(sim, first));
    expect(statusOf(sim, first)?.state).toBe("pending");
    expect(checkRunOf(sim, headOf(sim, first))?.output.summary).toContain(`#${first}, #${second} share this head commit`);
  });

  it("gives the same result for a duplicate delivery and does not re-post it", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const { delivery } = await approve(number, people.maintainerA.login);
    const before = sim.statuses(REPO, headOf(sim, number)).length;
    const again = await sim.redeliver(delivery);
    expect(again.status).toBe(200);
    expect(sim.statuses(REPO, headOf(sim, number))).toHaveLength(before);
    expect(again.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");

    // An old delivery arriving late (the PR's `opened`, from before the approval) changes nothing:
    // every delivery decides from fresh facts, not from its payload.
    const opened = sim.deliveries.find((d) => d.event === "pull_request" && d.action === "opened")!;
    const late = await sim.redeliver(opened);
    expect(late.status).toBe(200);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
    expect(sim.statuses(REPO, headOf(sim, number))).toHaveLength(before);
  });

  it("publishes error, never success, when GitHub keeps failing", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.createBranch(REPO, "copilot/x", "main");
    sim.commit(REPO, { branch: "copilot/x", files: TF_CHANGE, message: "Initial plan", author: copilot.commitIdentity });
    // The change is read through a compare, or the PR's own lists when that fails: both fail.
    sim.failNext({ method: "GET", pathPattern: /\/pulls\/\d+\/files|\/compare\// }, 502, 20);
    const { number } = await sim.openPullRequest(REPO, { head: "copilot/x", title: "x", author: copilot.login });
    const status = statusOf(sim, number);
    expect(status?.state).toBe("error");
    expect(status?.description).toMatch(/^error: could not evaluate/);
  });

  it("publishes error when it cannot tell which other PRs share the commit", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await approve(number, people.maintainerA.login);
    sim.failNext({ method: "GET", pathPattern: /\/commits\/[0-9a-f]+\/pulls/ }, 502, 10);
    await approve(number, people.maintainerB.login); // would be success, but another PR may be stricter
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(statusOf(sim, number)?.description).toContain("could not list the pull requests that share commit");
  });

  it("publishes error when the PR is larger than it can read whole", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "limits:\n  max_files: 2\n" });
    const { number } = await copilotPullRequest(sim, { "a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n" });
    const status = statusOf(sim, number);
    expect(status?.state).toBe("error");
    expect(status?.description).toContain("changes 3 files; agentgate reads at most 2");
  });

  it("creates a fresh check run when a user re-runs it", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    const first = checkRunOf(sim, sha);
    await sim.rerequestCheckRun(REPO, first!.id, people.maintainerA.login);
    const runs = sim.checkRuns(REPO, sha).filter((r) => r.name === "agentgate");
    expect(runs.length).toBe(2);
    expect(runs[1]?.status).toBe("in_progress");
  });
});

describe("deliveries that cannot be processed", () => {
  it("answer 500 and are logged with their delivery id, so they can be found and redelivered", async () => {
    const { sim } = stack;
    seedRepo(sim);
    sim.failNext({ method: "POST", pathPattern: /\/statuses\// }, 500, 10);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const delivery = sim.deliveries[sim.deliveries.length - 1]!;
    expect(delivery.status).toBe(500);
    expect(statusOf(sim, number)).toBeUndefined();
    const logged = stack.logs.find((l) => l.delivery === delivery.id && l.msg === "webhook could not be processed");
    expect(logged).toBeDefined();

    // Once GitHub answers again, redelivering the same webhook publishes the decision.
    sim.clearFaults();
    const again = await sim.redeliver(delivery);
    expect(again.status).toBe(200);
    expect(statusOf(sim, number)?.state).toBe("pending");
  });

  it("ignore statuses other systems post on their own contexts, for one read", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    const sha = headOf(sim, number);
    const first = await sim.postStatus(REPO, sha, { state: "success", context: "ci/build" }, people.maintainerA.login);
    const second = await sim.postStatus(REPO, sha, { state: "success", context: "ci/lint" }, people.maintainerA.login);
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(first.requests.filter((r) => r.method !== "GET")).toEqual([]);
    // The policy's check name is read once, then remembered; the App's check runs on the SHA are read
    // each time (another branch's policy may use another name, which only GitHub knows after a restart).
    expect(second.requests.filter((r) => !r.path.startsWith("/app")).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${REPO}/commits/${sha}/check-runs?app_id=1&filter=latest&per_page=100`,
    ]);
  });
});

describe("observability", () => {
  it("logs each published result with its delivery id and the GitHub requests it cost", async () => {
    const { sim } = stack;
    seedRepo(sim);
    await copilotPullRequest(sim, TF_CHANGE);
    const delivery = sim.deliveries[sim.deliveries.length - 1]!;
    const line = stack.logs.find((l) => l.delivery === delivery.id && typeof l.githubRequests === "number");
    expect(line).toMatchObject({ state: "pending", status: "posted", checkRun: "created", repo: REPO });
    // The simulator saw the same requests, plus the one-time "who am I" (GET /app, made with the
    // App's own credentials rather than the installation's): the App's own count is exact.
    expect(line?.githubRequests).toBe(delivery.requests.filter((r) => r.path !== "/app").length);
  });
});
