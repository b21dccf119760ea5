/**
 * Recovering deliveries from the journal, with Probot's own webhook receiver (@octokit/webhooks)
 * and a real redis-server: what one replica was handling when it stopped reaches the other's
 * handlers once, and an entry that does not match the webhook secret is dropped, never handled.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@jest/globals";
import { Webhooks } from "@octokit/webhooks";
import { signature } from "../../devtools/simulator/index.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { RedisJournal } from "../../src/runtime/journal.js";
import { journalDeliveries, type RecoveryOutcome } from "../../src/server/recovery.js";

const SECRET = "recovery-secret";
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);
beforeEach(() => redis.client().flushall());
afterAll(() => redis?.stop());

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = { info: () => undefined, warn: () => undefined };

/** A replica: its receiver, the labels its handler saw, and what its recovery rounds reported. */
function replica(handler: (label: string) => Promise<void> = async () => undefined) {
  const webhooks = new Webhooks({ secret: SECRET });
  const seen: string[] = [];
  webhooks.on("issues", async ({ payload }) => {
    const label = (payload as { label?: { name: string } }).label?.name ?? "";
    seen.push(label);
    await handler(label);
  });
  const journal = new RedisJournal(redis.client(), { leaseMs: 200, renewMs: 60_000, ttlMs: 60_000, maxPayloadBytes: 10_000, maxAttempts: 3, log: quiet });
  const outcomes: RecoveryOutcome[] = [];
  const recovery = journalDeliveries(webhooks as never, journal, { log: quiet, onRecovered: (o) => outcomes.push(o) });
  return { webhooks, seen, outcomes, recovery, journal };
}

const event = (id: string, label: string, secret = SECRET) => {
  const payload = JSON.stringify({ action: "labeled", label: { name: label } });
  return { id, name: "issues" as const, payload, signature: signature(secret, payload) };
};

describe("deliveries recovered from the journal", () => {
  it("what a replica stopped handling reaches another replica's handlers, once", async () => {
    const dying = replica(() => new Promise(() => undefined)); // killed while handling: never ends, never renews
    void dying.webhooks.verifyAndReceive(event("d1", "ready"));
    await tick(20);
    expect(dying.seen).toEqual(["ready"]);
    await tick(300);
    const b = replica();
    const c = replica();
    await Promise.all([b.recovery.round(), c.recovery.round()]);
    expect([...b.seen, ...c.seen]).toEqual(["ready"]);
    expect([...b.outcomes, ...c.outcomes]).toEqual(["handled"]);
    expect(await redis.client().keys("agentgate:journal:*")).toEqual([]);
  });

  it("a delivery handled to the end leaves nothing to recover", async () => {
    const a = replica();
    await a.webhooks.verifyAndReceive(event("d2", "done"));
    await tick(300);
    const b = replica();
    await b.recovery.round();
    expect(b.seen).toEqual([]);
    expect(b.outcomes).toEqual([]);
  });

  it("an entry whose signature does not match the secret is dropped, not handled", async () => {
    // Whoever can write to Redis cannot make a replica act on a delivery GitHub did not sign.
    const forger = new RedisJournal(redis.client(), { leaseMs: 100, renewMs: 60_000, ttlMs: 60_000, maxPayloadBytes: 10_000, maxAttempts: 3, log: quiet });
    void forger.handle(event("forged", "approved", "not-the-secret"), () => new Promise(() => undefined));
    await tick(200);
    const b = replica();
    await b.recovery.round();
    expect(b.seen).toEqual([]);
    expect(b.outcomes).toEqual(["bad-signature"]);
    expect(await redis.client().keys("agentgate:journal:*")).toEqual([]);
  });
});
