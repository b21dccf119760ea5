/**
 * The memory of what was posted, as replicas share it: against a real redis-server and the GitHub
 * simulator. Replica A posted "pending", replica B posted "success" since; when A decides "pending"
 * again it must write it, or GitHub keeps B's success. And when Redis fails, a doubt never skips a write.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { errorDecision } from "../../src/gate.js";
import type { Decision, GateState } from "../../src/policy/types.js";
import { publishStatus, PublishedMemoryError } from "../../src/publish.js";
import { InProcessPublished, RedisPublished, type PublishedStatuses } from "../../src/runtime/published.js";
import { attack, control } from "../adversarial/suite.js";
import { installationToken } from "../cli/helpers.js";
import { copilotPullRequest, headOf, REPO, seedRepo } from "../e2e/harness.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

let redis: RedisServer;
let sim: GitHubSimulator;
let gh: Octokit;
let sha: string;
const where = { owner: "acme", repo: "app" };
const self = { appId: 1, botLogin: "agentgate[bot]" };

beforeAll(async () => {
  redis = await startRedis();
  sim = await GitHubSimulator.start({ webhookSecret: "s", appId: 1, appSlug: "agentgate" });
  seedRepo(sim);
  const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
  sha = headOf(sim, number);
  gh = new Octokit({ baseUrl: sim.url, auth: await installationToken(sim, REPO) });
}, 30_000);

afterAll(async () => {
  redis?.stop();
  await sim?.stop();
});

function decision(state: GateState, headline: string, checkName: string): Decision {
  return { ...errorDecision(sha, checkName, "unused"), state, headline };
}

/** Two replicas take turns: A pending, B success, then A pending again (a dismissal reached A). */
async function race(a: PublishedStatuses, b: PublishedStatuses, checkName: string) {
  await publishStatus(gh, where, sha, decision("pending", "waiting for 1 approval", checkName), self, a);
  await publishStatus(gh, where, sha, decision("success", "approved by @maria", checkName), self, b);
  const third = await publishStatus(gh, where, sha, decision("pending", "waiting for 1 approval", checkName), self, a);
  return { third, shown: sim.latestStatus(REPO, sha, checkName) };
}

describe("the published-status memory across replicas", () => {
  attack("c17", "a replica's memory of its own 'pending' hides the success another replica posted since", async () => {
    const { third, shown } = await race(new RedisPublished(redis.client()), new RedisPublished(redis.client()), "gate-shared");
    expect(third).toBe("posted");
    expect(shown).toMatchObject({ state: "pending", description: "waiting for 1 approval" });
  });

  control("c17", "the hazard it closes: memories kept per process leave the other replica's success standing", async () => {
    const { third, shown } = await race(new InProcessPublished(), new InProcessPublished(), "gate-per-process");
    expect(third).toBe("unchanged");
    expect(shown).toMatchObject({ state: "success" });
  });

  control("c17", "an unchanged result costs nothing on either replica once one of them posted it", async () => {
    const a = new RedisPublished(redis.client());
    const b = new RedisPublished(redis.client());
    expect(await publishStatus(gh, where, sha, decision("pending", "waiting", "gate-quiet"), self, a)).toBe("posted");
    const before = sim.requests.length;
    expect(await publishStatus(gh, where, sha, decision("pending", "waiting", "gate-quiet"), self, b)).toBe("unchanged");
    expect(sim.requests.length).toBe(before);
  });

  it("keeps each entry a day and under its own key", async () => {
    const c = redis.client();
    await publishStatus(gh, where, sha, decision("pending", "waiting", "gate-ttl"), self, new RedisPublished(c));
    const key = `agentgate:published:acme/app@${sha}#gate-ttl`;
    expect(await c.get(key)).toBe("pending\0waiting");
    const ttl = await c.pttl(key);
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000);
  });
});

/** A Redis that answers nothing (the connection is gone): every command rejects. */
const deadRedis = {
  get: () => Promise.reject(new Error("Connection is closed.")),
  set: () => Promise.reject(new Error("Connection is closed.")),
  del: () => Promise.reject(new Error("Connection is closed.")),
};

describe("when Redis cannot answer", () => {
  attack("c17", "a memory that cannot be read does not skip a write: GitHub's list is read instead", async () => {
    // What a replica remembered is stale (B posted success since); then Redis goes away.
    const c = redis.client();
    await c.set(`agentgate:published:acme/app@${sha}#gate-down`, "pending\0waiting");
    await publishStatus(gh, where, sha, decision("success", "approved", "gate-down"), self, null as never); // B, without memory
    const memory = new RedisPublished({ ...deadRedis, del: (k: string) => c.del(k) });
    expect(await publishStatus(gh, where, sha, decision("pending", "waiting", "gate-down"), self, memory)).toBe("posted");
    expect(sim.latestStatus(REPO, sha, "gate-down")).toMatchObject({ state: "pending" });
  });

  attack("c17", "a memory that cannot forget does not let a success be written past it; the delivery fails", async () => {
    const memory = new RedisPublished(deadRedis);
    await publishStatus(gh, where, sha, decision("pending", "waiting", "gate-stuck"), self, new InProcessPublished()).catch(() => undefined);
    await expect(publishStatus(gh, where, sha, decision("success", "approved", "gate-stuck"), self, memory)).rejects.toBeInstanceOf(PublishedMemoryError);
    expect(sim.latestStatus(REPO, sha, "gate-stuck")).toMatchObject({ state: "pending" });
  });

  control("c17", "a stricter result is still written when the memory cannot forget, and the delivery fails to be caught up", async () => {
    const memory = new RedisPublished(deadRedis);
    await publishStatus(gh, where, sha, decision("success", "approved", "gate-strict"), self, new InProcessPublished());
    await expect(publishStatus(gh, where, sha, decision("pending", "review dismissed", "gate-strict"), self, memory)).rejects.toBeInstanceOf(PublishedMemoryError);
    expect(sim.latestStatus(REPO, sha, "gate-strict")).toMatchObject({ state: "pending", description: "review dismissed" });
  });
});
