/**
 * Classes c12 (lost permissions stop counting) and c13 (GitHub failing in odd ways fails closed),
 * end to end: the real Probot server over HTTP and the simulator, which injects the faults.
 * Each attack asserts what a user sees (the commit status, the check run); beside it a control.
 */
import { afterEach, describe, expect } from "@jest/globals";
import { startStack as start, type Stack } from "../../devtools/demo/stack.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, SECRET, seedRepo, statusOf } from "../e2e/harness.js";
import { attack, control } from "./suite.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Short bounds, so a hang is seen in a second; the production values are in src/deadlines.ts. */
async function startStack(deadlines = { requestTimeoutMs: 1_000, turnLimitMs: 5_000 }) {
  stack = await start({ webhookSecret: SECRET, deadlines });
  seedRepo(stack.sim);
  return stack.sim;
}

const TF_CHANGE = {
  "infra/main.tf": 'resource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.medium"\n}\n',
};
const PULL = /^\/repos\/acme\/app\/pulls\/\d+$/;
const REVIEWS = /^\/repos\/acme\/app\/pulls\/\d+\/reviews$/;
const permissionOf = (login: string) => new RegExp(`^/repos/acme/app/collaborators/${login}/permission$`);

async function approvedPullRequest(sim: Stack["sim"]) {
  const { number } = await copilotPullRequest(sim, TF_CHANGE);
  await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
  expect(statusOf(sim, number)?.state).toBe("success");
  return number;
}

const summaryOf = (sim: Stack["sim"], number: number) => checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";

describe("c12: a reviewer who lost their permission stops counting at once", () => {
  attack("c12", "a maintainer demoted to read after approving does not count on the next event (the cache is not trusted)", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    sim.setPermission(REPO, people.maintainerA.login, "read"); // within the cache's minute
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });

    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "1/2 approvals · agent: copilot" });
    expect(summaryOf(sim, number)).toContain("@maria: has read permission; write is required");
  });

  control("c12", "the same approvals without the demotion pass", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });

  attack("c12", "a reader promoted to write whose change request the cache would ignore blocks the pass", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.reader.login, event: "REQUEST_CHANGES" }); // read: not counted
    sim.setPermission(REPO, people.reader.login, "write");
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("failure");
    expect(summaryOf(sim, number)).toContain("@rita");
  });
});

describe("c13: an unreadable pull request does not leave an earlier success standing", () => {
  attack("c13", "a malformed pulls.get answer (no head) after a success: error on the head the webhook names", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.malformNext({ method: "GET", pathPattern: PULL }, (pr: Record<string, unknown>) => ({ ...pr, head: undefined }));
    await sim.addLabel(REPO, number, "ready", people.requester.login);

    const status = statusOf(sim, number);
    expect(status?.state).toBe("error");
    expect(status?.creator?.login).toBe("agentgate[bot]");
    expect(summaryOf(sim, number)).toMatch(/pulls\.get #\d+ is malformed \(head\)/);
  });

  attack("c13", "pulls.get failing after a success (5xx past the retries): error on the head", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.failNext({ method: "GET", pathPattern: PULL }, 502, 4);
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("error");
  });

  control("c13", "the same label with a good pulls.get answer keeps the success", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("success");
  });
});

describe("c13: a forged success is not left standing while GitHub fails the reads that answer it", () => {
  const CHECK_RUNS = /^\/repos\/acme\/app\/commits\/[0-9a-f]{40}\/check-runs/;

  attack("c13", "a forged success on a pending PR while the App's check runs cannot be listed: error, not success", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    expect(statusOf(sim, number)?.state).toBe("pending");
    sim.malformNext({ method: "GET", pathPattern: CHECK_RUNS }, () => "<html>upstream error</html>");
    const forged = await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "agentgate", description: "2/2 approvals" }, people.requester.login);

    expect(forged.status).toBeGreaterThanOrEqual(500); // failed, so the catch-up redelivers it
    expect(statusOf(sim, number)).toMatchObject({ state: "error", description: expect.stringMatching(/^forged status by @dana overwritten · agentgate could not read its decision/) });
  });

  attack("c13", "a forged success while GitHub answers 502 beyond the retries: error, not success", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    sim.failNext({ method: "GET", pathPattern: CHECK_RUNS }, 502, 4);
    await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "agentgate" }, people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("error");
  });

  control("c13", "a forged success while the policy, which names the check, cannot be read is still answered on the default name", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await stack!.restartApp(); // a new process, which has no copy of the policy yet
    sim.failNext({ method: "GET", pathPattern: /^\/repos\/acme\/app\/(?:contents|git)\// }, 502, 40);
    const forged = await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "agentgate" }, people.requester.login);
    expect(forged.status).toBe(200);
    expect(statusOf(sim, number)).toMatchObject({ state: "failure", description: "forged status by @dana overwritten · re-run the check" });
  });

  control("c13", "once GitHub answers again, the redelivered status gets agentgate's decision back: success on an approved PR", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.malformNext({ method: "GET", pathPattern: CHECK_RUNS }, () => "<html>upstream error</html>");
    const forged = await sim.postStatus(REPO, headOf(sim, number), { state: "failure", context: "agentgate" }, people.requester.login);
    // A forged failure passes nothing: left alone until the decision can be read.
    expect(statusOf(sim, number)?.state).toBe("failure");

    await sim.redeliver(forged);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });
});

describe("c13: a PR as a list gives it is never the reason for a success", () => {
  // After a push, the PR is taken from the list of the head's PRs (pulls.get would not be a 304).
  const HEAD_PULLS = /^\/repos\/acme\/app\/commits\/[0-9a-f]{40}\/pulls$/;
  const lenientBranch = (sim: Stack["sim"]) => {
    sim.createBranch(REPO, "lax", "main");
    sim.commit(REPO, {
      branch: "lax",
      files: { ".agentgate.yml": "approvals:\n  required: 0\n" },
      message: "No approvals needed here",
      author: { name: people.maintainerA.name, email: people.maintainerA.email },
    });
  };
  const agentPush = (sim: Stack["sim"], branch: string) =>
    sim.push(REPO, branch, { files: { "src/app.ts": "export const answer = 43;\n" }, message: "Tweak the answer", author: copilot.commitIdentity });

  attack("c13", "a head's PR list that names a lenient base after a push: the PR is read whole, and it stays pending", async () => {
    const sim = await startStack();
    lenientBranch(sim);
    const { number, branch } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    expect(statusOf(sim, number)?.state).toBe("pending");
    sim.malformNext({ method: "GET", pathPattern: HEAD_PULLS }, (list: { base: { ref: string } }[]) => list.map((p) => ({ ...p, base: { ...p.base, ref: "lax" } })));
    await agentPush(sim, branch);
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(summaryOf(sim, number)).not.toMatch(/^## .*passed/m);
  });

  control("c13", "the same push on a PR into the lenient branch passes", async () => {
    const sim = await startStack();
    lenientBranch(sim);
    sim.createBranch(REPO, "copilot/lax", "lax");
    sim.commit(REPO, { branch: "copilot/lax", files: { "src/app.ts": "export const answer = 42;\n" }, message: "Change the answer", author: copilot.commitIdentity });
    const { number } = await sim.openPullRequest(REPO, { head: "copilot/lax", base: "lax", title: "Change the answer", author: copilot.login });
    await agentPush(sim, "copilot/lax");
    expect(statusOf(sim, number)?.state).toBe("success");
  });
});

describe("c13: a malformed permission answer is neither trusted nor kept", () => {
  attack("c13", "a maintainer's change request with a malformed permission answer: error, not success; the next event counts it", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.malformNext({ method: "GET", pathPattern: permissionOf(people.platform.login) }, (p: Record<string, unknown>) => ({ ...p, permission: undefined, role_name: undefined }));
    await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(summaryOf(sim, number)).toContain("the permission of @pat is malformed");

    // Not cached: the next event reads the real answer and the change request counts.
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("failure");
    expect(summaryOf(sim, number)).toContain("@pat");
  });

  attack("c13", "a permission answer that is not an object: error, not success", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.malformNext({ method: "GET", pathPattern: permissionOf(people.platform.login) }, () => "<html>upstream error</html>");
    await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
    expect(statusOf(sim, number)?.state).toBe("error");
  });

  control("c13", "a malformed permission answer for an approver, then a good one: success on the next event", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    sim.malformNext({ method: "GET", pathPattern: permissionOf(people.maintainerB.login) }, (p: Record<string, unknown>) => ({ ...p, permission: "superuser" }));
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("error");
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });
});

describe("c13: a malformed answer about the app itself is not kept", () => {
  attack("c13", "after a malformed apps.getAuthenticated, the app does not take its own statuses for forgeries", async () => {
    const sim = await startStack();
    sim.malformNext({ method: "GET", pathPattern: /^\/app$/ }, (a: Record<string, unknown>) => ({ ...a, slug: undefined }));
    const { number } = await copilotPullRequest(sim, TF_CHANGE); // this delivery cannot tell who it is: it fails
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)).toMatchObject({ state: "success", creator: { login: "agentgate[bot]" } });

    // Its own status coming back as a webhook is not a forgery.
    const sha = headOf(sim, number);
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate", description: "2/2 approvals · agent: copilot" }, sim.appBot.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });

  control("c13", "a forgery by a human is still answered after the identity was re-read", async () => {
    const sim = await startStack();
    sim.malformNext({ method: "GET", pathPattern: /^\/app$/ }, () => null);
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("pending");
    await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "agentgate" }, people.requester.login);
    expect(statusOf(sim, number)).toMatchObject({ state: "failure", creator: { login: "agentgate[bot]" } });
  });
});

describe("c13: a reviews list that ends early is noticed", () => {
  /** 100 old comments fill the first page; the change request is on the second. */
  async function changesRequestedOnPageTwo(sim: Stack["sim"]) {
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    for (let i = 0; i < 99; i++) sim.addReview(REPO, number, { reviewer: people.reader.login, state: "COMMENTED" });
    sim.addReview(REPO, number, { reviewer: people.maintainerA.login, state: "APPROVED" });
    sim.addReview(REPO, number, { reviewer: people.platform.login, state: "CHANGES_REQUESTED" });
    return number;
  }

  attack("c13", "a short first page (Link kept) hiding the change request: error, not success", async () => {
    const sim = await startStack();
    const number = await changesRequestedOnPageTwo(sim);
    sim.malformNext({ method: "GET", pathPattern: REVIEWS }, (page: unknown[]) => page.slice(0, 99));
    sim.malformNext({ method: "GET", pathPattern: REVIEWS }, () => []);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(summaryOf(sim, number)).toContain("short page");
  });

  attack("c13", "a full first page whose Link header is lost: the second page is still read, the change request counts", async () => {
    const sim = await startStack();
    const number = await changesRequestedOnPageTwo(sim);
    sim.dropLinkNext({ method: "GET", pathPattern: REVIEWS });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.state).toBe("failure");
    expect(summaryOf(sim, number)).toContain("@pat");
  });

  attack("c13", "a single page cut before the change request this event is about: error, not success", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.malformNext({ method: "GET", pathPattern: REVIEWS }, (page: unknown[]) => page.slice(0, -1));
    await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(summaryOf(sim, number)).toContain("the list may be cut short");
  });

  attack("c13", "a reviews page that is null (read by paginate as empty): error, not a list without reviews", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.malformNext({ method: "GET", pathPattern: REVIEWS }, () => null);
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("error");
  });

  control("c13", "two pages of reviews read whole: the approvals on page two count", async () => {
    const sim = await startStack();
    const { number } = await copilotPullRequest(sim, TF_CHANGE);
    for (let i = 0; i < 100; i++) sim.addReview(REPO, number, { reviewer: people.reader.login, state: "COMMENTED" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
    expect(statusOf(sim, number)).toMatchObject({ state: "success", description: "2/2 approvals · agent: copilot" });
  });
});

describe("c13: a read that never answers does not hang the repository", () => {
  attack("c13", "a hanging reviews read: the delivery ends with error within the timeout, the next delivery is not blocked", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.hangNext({ method: "GET", pathPattern: REVIEWS }, 4); // the attempt and Octokit's three retries
    const started = Date.now();
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(summaryOf(sim, number)).toContain("did not answer");

    await sim.removeLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("success");
  });

  attack("c13", "a hanging pulls.get after a success: error on the webhook's head, within the timeout", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.hangNext({ method: "GET", pathPattern: PULL }, 4);
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("error");
  });

  control("c13", "a read that hangs once is retried after the timeout, and the PR passes", async () => {
    const sim = await startStack();
    const number = await approvedPullRequest(sim);
    sim.hangNext({ method: "GET", pathPattern: REVIEWS });
    await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("success");
  });

  attack("c13", "a delivery that overruns its turn is cut off and publishes nothing afterwards", async () => {
    // Requests may take long here; the turn is what bounds the delivery.
    const sim = await startStack({ requestTimeoutMs: 60_000, turnLimitMs: 1_500 });
    const number = await approvedPullRequest(sim);
    sim.hangNext({ method: "GET", pathPattern: REVIEWS });
    const started = Date.now();
    const cut = await sim.addLabel(REPO, number, "ready", people.requester.login);
    expect(cut.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(4_000);
    const writes = cut.requests.filter((r) => r.method !== "GET");
    expect(writes).toEqual([]);

    // The repository's next delivery goes ahead normally.
    sim.setPermission(REPO, people.maintainerB.login, "read");
    await sim.removeLabel(REPO, number, "ready", people.requester.login);
    expect(statusOf(sim, number)?.state).toBe("pending");
  });

  control("c13", "slow but answering GitHub within the bounds: success", async () => {
    const sim = await startStack({ requestTimeoutMs: 60_000, turnLimitMs: 30_000 });
    await approvedPullRequest(sim);
  });
});
