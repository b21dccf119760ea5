/**
 * The journal of deliveries in hand, against a real redis-server (the Debian package; .ci/run
 * installs it when missing): a delivery is kept while it is handled and gone once it was; one whose
 * replica stopped renewing is claimed by exactly one other replica; one too large is kept by id and
 * name only; and a Redis that does not answer never stops a delivery.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { Redis } from "ioredis";
import { freePort } from "../../devtools/demo/net.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { RedisJournal, type AcceptedDelivery, type RedisJournalOptions } from "../../src/runtime/journal.js";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);
beforeEach(() => redis.client().flushall());
afterAll(() => redis?.stop());

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function silentLog() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (_: object, m: string) => void warnings.push(m) } };
}

function journal(opts: Partial<RedisJournalOptions> = {}, client: Redis = redis.client()) {
  const { log, warnings } = silentLog();
  const unjournaled: string[] = [];
  const j = new RedisJournal(client, {
    leaseMs: 300,
    renewMs: 60_000,
    ttlMs: 60_000,
    maxPayloadBytes: 1_000,
    maxAttempts: 3,
    log,
    onUnjournaled: (r) => unjournaled.push(r),
    ...opts,
  });
  return { j, warnings, unjournaled };
}

const delivery = (id: string, payload = '{"action":"submitted"}'): AcceptedDelivery => ({ id, name: "pull_request_review", payload, signature: `sha256=${id}` });

/** A handling that runs until `finish` is called: a replica busy with it (or dead, if never). */
function handling() {
  let finish!: (outcome?: Error) => void;
  const done = new Promise<string>((resolve, reject) => (finish = (e) => (e ? reject(e) : resolve("handled"))));
  return { done, finish };
}

const entries = async () => (await redis.client().keys("agentgate:journal:entry:*")).sort();

describe("the journal of deliveries in hand", () => {
  it("keeps a delivery while it is handled, with its payload and signature, and forgets it once handled", async () => {
    const { j } = journal();
    const h = handling();
    const result = j.handle(delivery("d1"), () => h.done);
    await tick(50);
    expect(await entries()).toEqual(["agentgate:journal:entry:d1"]);
    const kept = await redis.client().hgetall("agentgate:journal:entry:d1");
    expect(kept).toMatchObject({ name: "pull_request_review", payload: '{"action":"submitted"}', signature: "sha256=d1", owner: j.owner });
    const ttl = await redis.client().pttl("agentgate:journal:entry:d1");
    expect(ttl).toBeGreaterThan(50_000);
    h.finish();
    await expect(result).resolves.toBe("handled");
    expect(await entries()).toEqual([]);
    expect(await redis.client().exists("agentgate:journal:leases")).toBe(0);
  });

  it("is not claimed while its replica renews the lease", async () => {
    const { j: owner } = journal({ leaseMs: 300, renewMs: 50 });
    const { j: other } = journal();
    const h = handling();
    const result = owner.handle(delivery("busy"), () => h.done);
    await tick(700);
    expect(await other.claimLapsed()).toEqual([]);
    h.finish();
    await result;
  });

  it("is claimed by exactly one other replica once its owner stops renewing, and then it is theirs", async () => {
    const { j: dead } = journal({ leaseMs: 200 });
    void dead.handle(delivery("lost"), () => new Promise(() => undefined)); // killed: never renews, never ends
    await tick(400);
    const replicas = [journal().j, journal().j, journal().j];
    const claims = await Promise.all(replicas.map((r) => r.claimLapsed()));
    const won = claims.flat();
    expect(won).toEqual([{ status: "claimed", id: "lost", name: "pull_request_review", attempt: 1, payload: '{"action":"submitted"}', signature: "sha256=lost" }]);
    const winner = replicas[claims.findIndex((c) => c.length === 1)]!;
    expect(await redis.client().hget("agentgate:journal:entry:lost", "owner")).toBe(winner.owner);
    // The winner handles it to the end: nothing is left to claim, and the dead owner cannot remove it.
    await expect(winner.handleClaimed(won[0]!, async () => "again")).resolves.toBe("again");
    expect(await entries()).toEqual([]);
    await tick(400);
    expect((await Promise.all(replicas.map((r) => r.claimLapsed()))).flat()).toEqual([]);
  });

  it("leaves a delivery whose handling failed claimable at once, and gives it up after the last attempt", async () => {
    const { j } = journal({ leaseMs: 60_000, maxAttempts: 2 });
    await expect(j.handle(delivery("flaky"), async () => Promise.reject(new Error("no turn")))).rejects.toThrow("no turn");
    const { j: other } = journal({ leaseMs: 60_000, maxAttempts: 2 });
    for (const attempt of [1, 2]) {
      const [claimed] = await other.claimLapsed();
      expect(claimed).toMatchObject({ status: "claimed", id: "flaky", attempt });
      await expect(other.handleClaimed(claimed!, async () => Promise.reject(new Error("no turn")))).rejects.toThrow("no turn");
    }
    expect(await other.claimLapsed()).toEqual([{ status: "gave-up", id: "flaky", name: "pull_request_review", attempt: 3 }]);
    expect(await entries()).toEqual([]);
  });

  it("keeps a delivery too large by id and name only, says so, and hands it back as unrecoverable", async () => {
    const { j, warnings, unjournaled } = journal({ leaseMs: 200, maxPayloadBytes: 100 });
    const big = delivery("big", JSON.stringify({ body: "é".repeat(60) })); // 60 characters, 120 bytes
    void j.handle(big, () => new Promise(() => undefined));
    await tick(50);
    expect(await redis.client().hgetall("agentgate:journal:entry:big")).toEqual({ name: "pull_request_review", owner: j.owner, attempts: "0" });
    expect(unjournaled).toEqual(["too-big"]);
    expect(warnings.join("\n")).toContain("cannot be recovered from there");
    await tick(300);
    expect(await journal().j.claimLapsed()).toEqual([{ status: "too-big", id: "big", name: "pull_request_review", attempt: 1 }]);
    expect(await entries()).toEqual([]);
  });

  it("forgets an entry Redis expired, without claiming it", async () => {
    const { j } = journal({ leaseMs: 100, ttlMs: 150 });
    void j.handle(delivery("old"), () => new Promise(() => undefined));
    await tick(300);
    expect(await journal().j.claimLapsed()).toEqual([]);
    expect(await redis.client().zcard("agentgate:journal:leases")).toBe(0);
  });

  it("never stops a delivery when Redis does not answer: it is handled, and the trouble is logged", async () => {
    const nobody = new Redis({ port: await freePort(), host: "127.0.0.1", lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      const { j, warnings, unjournaled } = journal({}, nobody);
      await expect(j.handle(delivery("d"), async () => "handled")).resolves.toBe("handled");
      await expect(j.handle(delivery("e"), async () => Promise.reject(new Error("GitHub is down")))).rejects.toThrow("GitHub is down");
      expect(unjournaled).toEqual(["redis", "redis"]);
      expect(warnings[0]).toContain("handling it anyway");
      await expect(j.claimLapsed()).rejects.toThrow();
    } finally {
      nobody.disconnect();
    }
  });
});
