/**
 * What webhooks cost GitHub, end to end: requests the event cannot need are not made. Each test
 * also checks that the decision a user sees is still right.
 */
import { describe, expect, it } from "@jest/globals";
import { copilot, copilotPullRequest, headOf, people, REPO, seedRepo, stackPerTest, statusOf } from "./harness.js";

const stack = stackPerTest();

const CHANGE = { "src/app.ts": "export const answer = 42;\n" };
const rateLimited = (d: { requests: { status: number }[] }) => d.requests.filter((r) => r.status !== 304).length;

describe("the cost of a webhook", () => {
  it("a comment review cannot change the decision and costs no request", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, CHANGE);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.reader.login, event: "COMMENT" });
    expect(delivery.status).toBe(200);
    expect(delivery.requests).toEqual([]);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
  });

  it("a delivery handled to the end and delivered again costs nothing", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, CHANGE);
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    const again = await sim.redeliver(delivery);
    expect(again.status).toBe(200);
    expect(again.requests).toEqual([]);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
  });

  it("a delivery that could only publish an error is judged again when it is redelivered", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, CHANGE);
    sim.failNext({ method: "GET", pathPattern: /\/pulls\/\d+\/reviews$/ }, 502, 20);
    const { delivery } = await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    sim.clearFaults();
    expect(statusOf(sim, number)?.state).toBe("error");
    const again = await sim.redeliver(delivery);
    expect(again.requests.length).toBeGreaterThan(0);
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
  });

  it("an unchanged decision posts nothing and reads no status list; unchanged reads are free 304s", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, CHANGE);
    const labeled = await sim.addLabel(REPO, number, "needs-review", people.maintainerA.login);
    expect(labeled.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(labeled.requests.some((r) => r.path.includes("/statuses"))).toBe(false);
    expect(labeled.requests.filter((r) => r.status === 304).length).toBeGreaterThanOrEqual(3);
    expect(statusOf(sim, number)?.state).toBe("pending");
  });

  it("a push takes the PR from the head's list of PRs, read anyway, instead of pulls.get", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number, branch } = await copilotPullRequest(sim, CHANGE);
    const deliveries = await sim.push(REPO, branch, { files: { "src/app.ts": "export const answer = 43;\n" }, message: "Tweak", author: copilot.commitIdentity });
    const synchronize = deliveries.find((d) => d.event === "pull_request");
    const paths = synchronize?.requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, "")}`) ?? [];
    expect(paths).toContain(`GET /repos/acme/app/commits/${headOf(sim, number)}/pulls`);
    expect(paths).not.toContain(`GET /repos/acme/app/pulls/${number}`);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
  });

  it("a status someone else posts makes the next publish read the statuses again, and answer", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const { number } = await copilotPullRequest(sim, CHANGE);
    const sha = headOf(sim, number);
    await sim.postStatus(REPO, sha, { state: "success", context: "agentgate" }, people.requester.login);
    expect(statusOf(sim, number)?.state).not.toBe("success");
    // The forgery was answered; the next event does not trust what it remembered publishing.
    const labeled = await sim.addLabel(REPO, number, "x", people.maintainerA.login);
    expect(labeled.requests.some((r) => r.path.includes(`/commits/${sha}/statuses`))).toBe(true);
    expect(statusOf(sim, number)?.state).toBe("pending");
    expect(rateLimited(labeled)).toBeGreaterThan(0);
  });
});
