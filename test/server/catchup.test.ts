/**
 * Catching up on failed deliveries, against the simulator's `GET /app/hook/deliveries` and
 * `POST .../attempts`: a delivery the app never got is redelivered once, and then judged; replicas
 * sharing a real redis-server run one round at a time and ask for each delivery once between them.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { askOnceAcross, catchUpFailedDeliveries, failedDeliveries, takeCatchUpRound, type DeliveryAttempt } from "../../src/server/catchup.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { freePort } from "../../devtools/demo/net.js";
import { fakeJwt } from "../simulator/helpers.js";
import { copilotPullRequest, people, REPO, seedRepo, stackPerTest, statusOf } from "../e2e/harness.js";

const attempt = (id: number, guid: string, status: number, redelivery = false): DeliveryAttempt => ({ id, guid, status_code: status, redelivery, event: "pull_request" });

describe("which deliveries are redelivered", () => {
  it("a delivery whose newest attempt failed, once; never one that succeeded later or was asked for already", () => {
    const newestFirst = [attempt(5, "b", 200, true), attempt(4, "c", 502), attempt(3, "b", 0), attempt(2, "a", 500), attempt(1, "d", 200)];
    expect(failedDeliveries(newestFirst, new Set()).map((a) => a.guid)).toEqual(["c", "a"]);
    expect(failedDeliveries(newestFirst, new Set(["a"])).map((a) => a.guid)).toEqual(["c"]);
  });
});

const stack = stackPerTest();

describe("catching up", () => {
  it("redelivers a pull_request the app never got, and the PR gets its status", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const reachable = stack.webhookUrl;
    sim.setWebhookTarget(`http://127.0.0.1:${await freePort()}/api/github/webhooks`); // nobody listens
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    expect(statusOf(sim, number)).toBeUndefined();

    sim.setWebhookTarget(reachable);
    const gh = new Octokit({ baseUrl: `${sim.url}/api/v3`, auth: fakeJwt(1) });
    const asked = new Set<string>();
    const first = await catchUpFailedDeliveries(gh, asked);
    expect(first.redelivered.length).toBeGreaterThan(0);
    await sim.settleRedeliveries();
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });

    // Nothing is asked twice, and what succeeded since is not failed any more.
    const second = await catchUpFailedDeliveries(gh, asked);
    expect(second.redelivered).toEqual([]);
    await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    expect(statusOf(sim, number)?.description).toBe("1/2 approvals · agent: copilot");
  });
});

describe("replicas sharing Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(() => redis?.stop());

  it("run one round per period between them: the replica running them keeps them while it lives", async () => {
    const c = redis.client();
    expect(await takeCatchUpRound(c, "a", 300)).toBe(true);
    expect(await takeCatchUpRound(c, "b", 300)).toBe(false);
    expect(await takeCatchUpRound(c, "a", 300)).toBe(true); // its own round, before the last one lapsed
    await new Promise((r) => setTimeout(r, 400)); // a stopped running rounds
    expect(await takeCatchUpRound(c, "b", 300)).toBe(true);
    expect(await takeCatchUpRound(c, "a", 300)).toBe(false);
  });

  it("ask GitHub for each failed delivery once between them", async () => {
    const { sim } = stack;
    seedRepo(sim);
    const reachable = stack.webhookUrl;
    sim.setWebhookTarget(`http://127.0.0.1:${await freePort()}/api/github/webhooks`); // nobody listens
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    sim.setWebhookTarget(reachable);
    const gh = new Octokit({ baseUrl: `${sim.url}/api/v3`, auth: fakeJwt(1) });
    const askOnce = askOnceAcross(redis.client());
    const a = await catchUpFailedDeliveries(gh, new Set(), { askOnce });
    const b = await catchUpFailedDeliveries(gh, new Set(), { askOnce }); // before the redelivery is answered
    expect(a.redelivered.length).toBeGreaterThan(0);
    expect(b).toMatchObject({ failed: a.failed, redelivered: [] });
    await sim.settleRedeliveries();
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    expect(sim.deliveries.filter((d) => d.id === a.redelivered[0])).toHaveLength(2); // the lost one, and one redelivery
  });
});
