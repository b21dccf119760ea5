/**
 * The per-repository order shared by replicas, against a real redis-server (the Debian package;
 * .ci/run installs it when missing): two "replicas" with their own clients never run one
 * repository's turns at once, other repositories are not held up, and a dead holder's lease ends.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { RedisOrder, TurnLostError, TurnUnavailableError } from "../../src/runtime/order.js";

let redis: RedisServer;
const client = () => redis.client();

beforeAll(async () => {
  redis = await startRedis();
}, 20_000);

afterAll(() => redis?.stop());

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the order replicas share through Redis", () => {
  it("never runs two turns of one repository at once, across replicas", async () => {
    const a = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 10_000, pollMs: 5 });
    const b = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 10_000, pollMs: 5 });
    let inside = 0;
    let most = 0;
    const log: string[] = [];
    const turn = (order: RedisOrder, name: string) =>
      order.run("acme/app", async () => {
        inside++;
        most = Math.max(most, inside);
        log.push(`${name} in`);
        await tick(20);
        log.push(`${name} out`);
        inside--;
      });
    await Promise.all([turn(a, "a1"), turn(b, "b1"), turn(a, "a2"), turn(b, "b2")]);
    expect(most).toBe(1);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace("in", "out"));
  });

  it("does not hold another repository back", async () => {
    const a = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 10_000, pollMs: 5 });
    const b = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 10_000, pollMs: 5 });
    let release!: () => void;
    const held = a.run("acme/one", () => new Promise<void>((r) => (release = r)));
    const other = await b.run("acme/two", async () => "done");
    expect(other).toBe("done");
    release();
    await held;
  });

  it("gives the turn back when a delivery fails, and ends a dead replica's lease", async () => {
    const a = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 2_000, pollMs: 5 });
    await expect(a.run("acme/fails", async () => Promise.reject(new Error("GitHub is down")))).rejects.toThrow("GitHub is down");
    expect(await a.run("acme/fails", async () => "again")).toBe("again");

    // A replica that took the turn and died: its lease ends, then the others go on.
    const dead = client();
    await dead.set("agentgate:turn:acme/dead", "someone", "PX", 300, "NX");
    const b = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 5_000, pollMs: 20 });
    expect(await b.run("acme/dead", async () => "after the lease")).toBe("after the lease");
  });

  it("fails a delivery that cannot get the turn in time, rather than running it without", async () => {
    const holder = client();
    await holder.set("agentgate:turn:acme/busy", "someone", "PX", 5_000, "NX");
    const b = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 200, pollMs: 20 });
    let ran = false;
    await expect(b.run("acme/busy", async () => void (ran = true))).rejects.toBeInstanceOf(TurnUnavailableError);
    expect(ran).toBe(false);
  });
});

describe("a renewed lease", () => {
  it("outlives its lease while the holder runs, so no other replica gets the turn meanwhile", async () => {
    const a = new RedisOrder(client(), { leaseMs: 300, renewMs: 100, waitMs: 5_000, pollMs: 20 });
    const b = new RedisOrder(client(), { leaseMs: 300, renewMs: 100, waitMs: 5_000, pollMs: 20 });
    const log: string[] = [];
    await Promise.all([
      a.run("acme/long", async () => {
        log.push("a in");
        await tick(1_000); // three leases long
        log.push("a out");
      }),
      tick(50).then(() => b.run("acme/long", async () => void log.push("b ran"))),
    ]);
    expect(log).toEqual(["a in", "a out", "b ran"]);
  });

  it("frees a dead replica's repository within one lease", async () => {
    const dead = client();
    await dead.set("agentgate:turn:acme/killed", "killed-replica", "PX", 400, "NX");
    const b = new RedisOrder(client(), { leaseMs: 400, renewMs: 100, waitMs: 2_000, pollMs: 20 });
    expect(await b.run("acme/killed", async () => "after one lease")).toBe("after one lease");
  });

  it("fences a holder whose lease lapsed: the delivery fails instead of publishing beside another replica", async () => {
    const c = client();
    const a = new RedisOrder(c, { leaseMs: 2_000, renewMs: 100, waitMs: 2_000, pollMs: 20 });
    await expect(
      a.run("acme/stolen", async () => {
        await c.del("agentgate:turn:acme/stolen"); // as if it lapsed during a stall
        await c.set("agentgate:turn:acme/stolen", "another-replica", "PX", 2_000);
        await tick(400);
        return "published";
      }),
    ).rejects.toBeInstanceOf(TurnLostError);
    expect(await c.get("agentgate:turn:acme/stolen")).toBe("another-replica");
  });
});

describe("the wait for a shared turn", () => {
  it("is counted from the delivery's arrival, so it fails while GitHub still waits for the answer", async () => {
    const holder = client();
    await holder.set("agentgate:turn:acme/queued", "someone", "PX", 3_000, "NX");
    const b = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 1_000, lateWaitMs: 5_000, pollMs: 20 });
    const started = Date.now();
    // Arrived 700 ms ago (it waited in this replica's queue): 300 ms are left of its second.
    await expect(b.run("acme/queued", async () => "ran", { since: started - 700 })).rejects.toBeInstanceOf(TurnUnavailableError);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("goes on once the answer window has passed, since a failure then would be lost", async () => {
    const holder = client();
    await holder.set("agentgate:turn:acme/late", "someone", "PX", 600, "NX");
    const b = new RedisOrder(client(), { leaseMs: 10_000, waitMs: 1_000, lateWaitMs: 5_000, pollMs: 20 });
    expect(await b.run("acme/late", async () => "ran after the holder", { since: Date.now() - 2_000 })).toBe("ran after the holder");
  });
});
