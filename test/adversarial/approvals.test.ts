/**
 * Attacks on what an approval covers (c1) and on who lifts a change request (c3), end to end: the
 * real Probot server, signed webhooks, the local GitHub simulator. The agent has write access: it
 * pushes, retargets its PR and dismisses reviews. Each attack asserts what a user sees (the status
 * and the check run); each control shows the legitimate path still reaches success.
 */
import { describe, expect } from "@jest/globals";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf, TF_CHANGE } from "../e2e/harness.js";
import { attack, control } from "./suite.js";

const stack = stackPerTest();


/** A third eligible human, so two approvals remain possible while maria requests changes. */
const mona = { login: "mona", name: "Mona Maintainer", email: "mona@acme.example" };

function seed(files: Record<string, string> = {}) {
  seedRepo(stack.sim, files);
  stack.sim.addUser(mona);
  stack.sim.setPermission(REPO, mona.login, "write");
}

async function approve(number: number, ...logins: string[]) {
  for (const login of logins) await stack.sim.submitReview(REPO, number, { reviewer: login, event: "APPROVE" });
}

async function requestChanges(number: number, login: string) {
  return (await stack.sim.submitReview(REPO, number, { reviewer: login, event: "REQUEST_CHANGES", body: "not like this" })).reviewId;
}

const summaryOf = (number: number) => checkRunOf(stack.sim, headOf(stack.sim, number))?.output.summary ?? "";

/** GitHub's times are whole seconds: a review in the same second as a retarget is taken as before it. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

/** Two functions with the same body: an added line in either has the same three context lines. */
const twin = (name: string, extra = "") =>
  `export function ${name}() {\n  load();\n  check();\n  parse();\n${extra}  validate();\n  store();\n  log();\n}\n`;

describe("c1: an approval covers exactly what was approved", () => {
  async function retargetable() {
    const { sim } = stack;
    seed();
    // `release` stops at the initial commit; main has moved on with a change nobody approved here.
    sim.createBranch(REPO, "release", "main");
    sim.commit(REPO, { branch: "main", files: { "infra/db.tf": 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n' }, message: "db", author: people.platform });
    const pr = await copilotPullRequest(sim, TF_CHANGE);
    await approve(pr.number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, pr.number)?.state).toBe("success");
    return pr;
  }

  attack("c1", "retarget to another base after two approvals", async () => {
    const { sim } = stack;
    const { number } = await retargetable();
    const head = headOf(sim, number);
    // Same head, older base: the PR's change now also holds main's unapproved infra/db.tf.
    await sim.editPullRequest(REPO, number, { base: "release" }, copilot.login);
    expect(headOf(sim, number)).toBe(head);

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toMatch(/@maria: approved before the base branch was changed to release \(.+\); the change against this base needs a new approval/);
  });

  control("c1", "an approval given after the retarget counts", async () => {
    const { sim } = stack;
    const { number } = await retargetable();
    await sim.editPullRequest(REPO, number, { base: "release" }, copilot.login);
    expect(statusOf(sim, number)?.state).toBe("pending");

    await nextSecond();
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  }, 15_000);

  attack("c1", "GitHub fails to list the PR's events, which say whether the base changed: error, never success", async () => {
    const { sim } = stack;
    const { number } = await retargetable();
    sim.failNext({ method: "GET", pathPattern: /\/issues\/\d+\/events/ }, 502, 10);
    await sim.editPullRequest(REPO, number, { base: "release" }, copilot.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "error", description: expect.stringMatching(/^error: could not evaluate/) });
  });

  attack("c1", "the same edit moved to another block with identical context lines after approval", async () => {
    const { sim } = stack;
    seed({ "src/jobs.ts": twin("nightly") + "\n" + twin("onDemand") });
    const { number, branch } = await copilotPullRequest(sim, { "src/jobs.ts": twin("nightly", "  purgeAll();\n") + "\n" + twin("onDemand") });
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("success");

    // The added line and its context lines are the same; only where the hunk sits differs.
    await sim.push(REPO, branch, {
      files: { "src/jobs.ts": twin("nightly") + "\n" + twin("onDemand", "  purgeAll();\n") },
      message: "Tidy",
      author: copilot.commitIdentity,
    });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toMatch(/@maria: approved [0-9a-f]{7}; the changes differ at the current head/);
  });

  control("c1", "a rebase onto a moved base keeps the approval when the hunks sit where they were", async () => {
    const { sim } = stack;
    seed({ "src/jobs.ts": twin("nightly") + "\n" + twin("onDemand") });
    const { number, branch } = await copilotPullRequest(sim, { "src/jobs.ts": twin("nightly", "  purgeAll();\n") + "\n" + twin("onDemand") });
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    const approvedHead = headOf(sim, number);

    // main changes the same file below the PR's hunk, and another file; the agent rebases its
    // commit onto main (a force-push): the PR's change is as it was, hunk for hunk.
    const tail = "\nexport const retries = 3;\n";
    const mainTip = sim.commit(REPO, {
      branch: "main",
      files: { "src/jobs.ts": twin("nightly") + "\n" + twin("onDemand") + tail, "README.md": "# app\n\nDocs.\n" },
      message: "more",
      author: people.maintainerA,
    });
    await sim.push(REPO, branch, {
      files: { "src/jobs.ts": twin("nightly", "  purgeAll();\n") + "\n" + twin("onDemand") + tail },
      message: "Purge nightly",
      author: copilot.commitIdentity,
      parents: [mainTip],
    });
    expect(headOf(sim, number)).not.toBe(approvedHead);
    expect(statusOf(sim, number)?.state).toBe("success");
    expect(summaryOf(number)).toContain(`approved ${approvedHead.slice(0, 7)}; the diff is unchanged since, so it still counts`);
  });

  attack("c1", "a binary file (no patch) swapped after approval", async () => {
    const { sim } = stack;
    seed({ "assets/logo.png": "\0PNG original" });
    const { number, branch } = await copilotPullRequest(sim, { ...TF_CHANGE, "assets/logo.png": "\0PNG new logo" });
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("success");

    await sim.push(REPO, branch, { files: { "assets/logo.png": "\0PNG something else" }, message: "Optimise logo", author: copilot.commitIdentity });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
  });

  /** About 600 KB: GitHub (and the simulator, above 400 KB) lists such a file without a patch. */
  const lockfile = (tarball = "https://registry.npmjs.org/pkg-4321/-/pkg-4321-1.0.4321.tgz") =>
    Array.from({ length: 8000 }, (_, i) => `  "node_modules/pkg-${i}": { "version": "1.0.${i}", "resolved": "${i === 4321 ? tarball : `https://registry.npmjs.org/pkg-${i}`}" },\n`).join("");

  attack("c1", "a large lockfile (no patch) swapped after approval, with the same line counts", async () => {
    const { sim } = stack;
    seed();
    const { number, branch } = await copilotPullRequest(sim, { ...TF_CHANGE, "package-lock.json": lockfile() });
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    expect(statusOf(sim, number)?.state).toBe("success");

    // One dependency now resolves to another tarball: same line counts, no patch to compare.
    await sim.push(REPO, branch, { files: { "package-lock.json": lockfile("https://evil.example/pkg-4321.tgz") }, message: "Refresh lockfile", author: copilot.commitIdentity });
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
  }, 20_000);

  control("c1", "a rebase that leaves a binary file and a large lockfile as they were keeps the approvals", async () => {
    const { sim } = stack;
    seed({ "assets/logo.png": "\0PNG original" });
    const { number } = await copilotPullRequest(sim, { "assets/logo.png": "\0PNG new logo", "package-lock.json": lockfile() });
    await approve(number, people.maintainerA.login, people.maintainerB.login);
    sim.commit(REPO, { branch: "main", files: { "README.md": "# app\n\nDocs.\n" }, message: "docs", author: people.maintainerA });
    await sim.updatePullRequestBranch(REPO, number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  }, 20_000);
});

describe("c3: a change request is lifted only by people who could approve", () => {
  /** maria requests changes; max and mona approve: only her change request stands between the PR and success. */
  async function blocked(author?: string) {
    const { sim } = stack;
    seed();
    let number: number;
    if (author) {
      // A human opens the PR for the agent's branch.
      sim.createBranch(REPO, "copilot/tune-instance", "main");
      sim.commit(REPO, { branch: "copilot/tune-instance", files: TF_CHANGE, message: "Tune the instance", author: copilot.commitIdentity });
      ({ number } = await sim.openPullRequest(REPO, { head: "copilot/tune-instance", title: "Tune", author }));
    } else {
      ({ number } = await copilotPullRequest(sim, TF_CHANGE));
    }
    const reviewId = await requestChanges(number, people.maintainerA.login);
    await approve(number, ...[people.maintainerB.login, mona.login].filter((l) => l !== author), ...(author ? [people.platform.login] : []));
    expect(statusOf(sim, number)).toMatchObject({ state: "failure" });
    expect(statusOf(sim, number)?.description).toContain("changes requested by @maria");
    return { number, reviewId };
  }

  function expectStillBlocked(number: number, by: string, why: string) {
    expect(statusOf(stack.sim, number)?.state).toBe("failure");
    expect(statusOf(stack.sim, number)?.description).toContain("changes requested by @maria");
    const summary = summaryOf(number);
    expect(summary).toContain(`@${by}: dismissed @maria's change request, but ${why}`);
    expect(summary).toContain("so it stands until @maria approves");
  }

  attack("c3", "the agent dismisses a maintainer's change request", async () => {
    const { number, reviewId } = await blocked();
    await stack.sim.dismissReview(REPO, number, reviewId, copilot.login, "Addressed");
    expectStillBlocked(number, copilot.login, "is an AI agent; agents cannot approve");
  });

  attack("c3", "the PR author dismisses a maintainer's change request", async () => {
    const { number, reviewId } = await blocked(people.maintainerB.login);
    expect(statusOf(stack.sim, number)?.description).toContain("agent: copilot");
    await stack.sim.dismissReview(REPO, number, reviewId, people.maintainerB.login, "Fixed");
    expectStillBlocked(number, people.maintainerB.login, "opened this pull request");
  });

  attack("c3", "a read-only user dismisses a maintainer's change request", async () => {
    const { number, reviewId } = await blocked();
    await stack.sim.dismissReview(REPO, number, reviewId, people.reader.login);
    expectStillBlocked(number, people.reader.login, "has read permission; write is required");
  });

  attack("c3", "the human who steered the agent dismisses a maintainer's change request", async () => {
    const { number, reviewId } = await blocked();
    await stack.sim.dismissReview(REPO, number, reviewId, people.requester.login);
    expect(statusOf(stack.sim, number)?.state).toBe("failure");
    expect(summaryOf(number)).toMatch(/@dana: dismissed @maria's change request, but (co-authored commit|steered the agent)/);
  });

  control("c3", "a maintainer who could approve dismisses the change request, and it is lifted", async () => {
    const { number, reviewId } = await blocked();
    await stack.sim.dismissReview(REPO, number, reviewId, people.maintainerB.login, "Discussed offline");
    expect(statusOf(stack.sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
    expect(summaryOf(number)).toContain("@maria: their latest review was dismissed by @max");
  });

  control("c3", "the reviewer's own later approval lifts a change request the agent dismissed", async () => {
    const { number, reviewId } = await blocked();
    await stack.sim.dismissReview(REPO, number, reviewId, copilot.login);
    expect(statusOf(stack.sim, number)?.state).toBe("failure");
    await approve(number, people.maintainerA.login);
    expect(statusOf(stack.sim, number)).toMatchObject({ state: "success", description: "3/2 approvals · agent: copilot" });
  });
});
