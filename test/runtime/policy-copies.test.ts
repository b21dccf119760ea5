/**
 * The policy copies replicas share (organization defaults on a default branch), against a real
 * redis-server: a push forgets them for every replica, a read that was in flight meanwhile cannot
 * bring the old file back, and a Redis that cannot answer makes every replica read GitHub.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { RedisPolicyCopies } from "../../src/runtime/policy-copies.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 20_000);
afterAll(() => redis?.stop());

const loose = { file: { text: "approvals:\n  required: 1\n", sha: "a".repeat(40) } };

describe("the policy copies replicas share", () => {
  it("are forgotten for every replica by a push that reached one of them", async () => {
    const a = new RedisPolicyCopies(redis.client());
    const b = new RedisPolicyCopies(redis.client());
    const seen = await b.get("acme/.github", ".agentgate.yml");
    await b.set("acme/.github", ".agentgate.yml", seen.generation, loose);
    expect((await a.get("acme/.github", ".agentgate.yml")).copy).toEqual(loose);
    await a.forget("acme/.github");
    expect((await b.get("acme/.github", ".agentgate.yml")).copy).toBeUndefined();
  });

  it("do not take back an old file read while the push was being handled", async () => {
    const a = new RedisPolicyCopies(redis.client());
    const b = new RedisPolicyCopies(redis.client());
    const before = await b.get("acme/.github", ".github/agentgate.yml"); // b starts reading GitHub
    await a.forget("acme/.github"); // the push arrives at a meanwhile
    await b.set("acme/.github", ".github/agentgate.yml", before.generation, loose); // b's old answer
    expect((await a.get("acme/.github", ".github/agentgate.yml")).copy).toBeUndefined();
  });

  it("answer nothing when Redis cannot, and a push that cannot forget fails", async () => {
    const down = new RedisPolicyCopies({
      get: () => Promise.reject(new Error("Connection is closed.")),
      set: () => Promise.reject(new Error("Connection is closed.")),
      incr: () => Promise.reject(new Error("Connection is closed.")),
      pexpire: () => Promise.reject(new Error("Connection is closed.")),
    });
    expect(await down.get("acme/.github", ".agentgate.yml")).toEqual({ generation: null });
    await down.set("acme/.github", ".agentgate.yml", null, loose);
    await expect(down.forget("acme/.github")).rejects.toThrow("Connection is closed.");
  });
});
