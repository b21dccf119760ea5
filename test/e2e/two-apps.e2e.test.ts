/**
 * Two agentgate apps in one process (two GitHub hosts, say) keep their caches apart: each app makes
 * its own at its composition root. Both talk about `acme/app`, and the same people, but on two
 * simulators that disagree about who may approve.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { copilotPullRequest, people, REPO, SECRET, seedRepo, startStack, statusOf, type Stack } from "./harness.js";
import { startStack as startWith } from "../../devtools/demo/stack.js";

const running: Stack[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

async function twoStacks(): Promise<[Stack, Stack]> {
  const a = await startStack();
  running.push(a);
  const b = await startStack();
  running.push(b);
  return [a, b];
}

async function approvedByRitaAndMaria(stack: Stack): Promise<number> {
  const { number } = await copilotPullRequest(stack.sim, { "src/app.ts": "export const answer = 42;\n" });
  await stack.sim.submitReview(REPO, number, { reviewer: people.reader.login, event: "APPROVE" });
  await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  return number;
}

describe("two apps in one process", () => {
  it("do not answer from each other's permission copies", async () => {
    const [a, b] = await twoStacks();
    seedRepo(a.sim); // Rita can only read acme/app here
    seedRepo(b.sim);
    b.sim.setPermission(REPO, people.reader.login, "maintain"); // on this host she maintains it

    const onA = await approvedByRitaAndMaria(a);
    expect(statusOf(a.sim, onA)).toMatchObject({ state: "pending", description: expect.stringContaining("1/2 approvals") });

    // A's copy says Rita reads: were it B's too, B would count one approval and never read her again.
    const onB = await approvedByRitaAndMaria(b);
    expect(statusOf(b.sim, onB)).toMatchObject({ state: "success", description: expect.stringContaining("2/2 approvals") });
  });

  it("control: one app on the host where Rita reads keeps her approval out", async () => {
    const [, b] = await twoStacks();
    seedRepo(b.sim);
    const onB = await approvedByRitaAndMaria(b);
    expect(statusOf(b.sim, onB)).toMatchObject({ state: "pending", description: expect.stringContaining("1/2 approvals") });
  });

  it("each waits on GitHub as long as its own request timeout says", async () => {
    const a = await startWith({ webhookSecret: SECRET, deadlines: { requestTimeoutMs: 3_000, turnLimitMs: 60_000 } });
    running.push(a);
    const b = await startWith({ webhookSecret: SECRET, deadlines: { requestTimeoutMs: 300, turnLimitMs: 60_000 } });
    running.push(b);
    for (const s of [a, b]) seedRepo(s.sim);
    const onA = (await copilotPullRequest(a.sim, { "src/app.ts": "export const answer = 42;\n" })).number;
    const onB = (await copilotPullRequest(b.sim, { "src/app.ts": "export const answer = 42;\n" })).number;
    const reviews = /\/pulls\/\d+\/reviews/;

    // B gives up on a hung read after 300 ms a try: an error, quickly.
    b.sim.hangNext({ method: "GET", pathPattern: reviews }, 4);
    let started = Date.now();
    await b.sim.addLabel(REPO, onB, "ready", people.requester.login);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(statusOf(b.sim, onB)?.state).toBe("error");

    // A, made first, still waits its 3 s before trying again: B's bounds are not A's.
    a.sim.hangNext({ method: "GET", pathPattern: reviews }, 1);
    started = Date.now();
    await a.sim.addLabel(REPO, onA, "ready", people.requester.login);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(statusOf(a.sim, onA)?.state).toBe("pending");
  }, 30_000);
});
