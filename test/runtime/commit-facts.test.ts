/**
 * What commits hold, shared by replicas through a real redis-server: a replica reads no policy file
 * at a commit another one read, and Redis never decides anything alone: a value it holds that was
 * not written by a replica for that very key, or does not parse, costs a read of GitHub; a Redis
 * that is down or slow costs reads, never a wrong result.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { startReplica, type Replica } from "../../devtools/demo/replica.js";
import { RedisCommitFacts, type RedisBuffers, type SharedCommitFacts } from "../../src/runtime/commit-facts.js";
import { copilotPullRequest, headOf, people, REPO, seedRepo } from "../e2e/harness.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";

const SECRET = "commit-facts-secret";
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 20_000);
afterAll(() => redis?.stop());

const facts = () => new RedisCommitFacts(redis.client(), { secret: SECRET });

describe("the store of what commits hold", () => {
  it("gives every replica what one kept, for that key only", async () => {
    const [a, b] = [facts(), facts()];
    await a.set("policy:acme/app@" + "1".repeat(40) + ":.agentgate.yml", { file: null });
    expect(await b.get("policy:acme/app@" + "1".repeat(40) + ":.agentgate.yml")).toEqual({ file: null });
    expect(await b.get("policy:acme/other@" + "1".repeat(40) + ":.agentgate.yml")).toBeUndefined();
    const ttl = await redis.client().pttl("agentgate:sha:policy:acme/app@" + "1".repeat(40) + ":.agentgate.yml");
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
  });

  it("takes nothing it did not write for that key: garbage, a forged value, another repository's value", async () => {
    const c = redis.client();
    const b = facts();
    const key = (repo: string) => `policy:${repo}@${"2".repeat(40)}:.agentgate.yml`;
    await c.set(`agentgate:sha:${key("acme/junk")}`, "not even gzip");
    expect(await b.get(key("acme/junk"))).toBeUndefined();
    // Well-formed, but written without the replicas' secret.
    await c.set(`agentgate:sha:${key("acme/forged")}`, Buffer.concat([randomBytes(32), gzipSync('{"file":null}')]));
    expect(await b.get(key("acme/forged"))).toBeUndefined();
    const other = new RedisCommitFacts(c, { secret: "another deployment's secret" });
    await other.set(key("acme/forged"), { file: null });
    expect(await b.get(key("acme/forged"))).toBeUndefined();
    // A genuine value moved to another repository's key.
    await b.set(key("acme/lib"), { file: null });
    await c.set(`agentgate:sha:${key("acme/app")}`, (await c.getBuffer(`agentgate:sha:${key("acme/lib")}`))!);
    expect(await b.get(key("acme/app"))).toBeUndefined();
  });

  it("keeps a value only up to 512 KiB as stored: a larger one stays with the replica that read it", async () => {
    const a = facts();
    const noise = randomBytes(700 * 1024).toString("base64"); // random: stored, it still takes ~700 KiB
    await a.set("policy:acme/app@" + "3".repeat(40) + ":big.yml", { file: { text: noise } });
    expect(await a.get("policy:acme/app@" + "3".repeat(40) + ":big.yml")).toBeUndefined();
    const repetitive = "approvals:\n  required: 1\n".repeat(20_000); // 500 KiB that compresses well
    await a.set("policy:acme/app@" + "4".repeat(40) + ":big.yml", { file: { text: repetitive } });
    expect(await a.get("policy:acme/app@" + "4".repeat(40) + ":big.yml")).toEqual({ file: { text: repetitive } });
  });

  it("answers nothing, and never throws, when Redis is down or slow", async () => {
    const down: RedisBuffers = { getBuffer: () => Promise.reject(new Error("Connection is closed.")), set: () => Promise.reject(new Error("Connection is closed.")) };
    const slow: RedisBuffers = { getBuffer: () => new Promise(() => undefined), set: () => new Promise(() => undefined) };
    for (const redisLike of [down, slow]) {
      const store = new RedisCommitFacts(redisLike, { secret: SECRET, lookupMs: 20 });
      expect(await store.get("actions:acme/app@" + "5".repeat(40))).toBeUndefined();
    }
    await new RedisCommitFacts(down, { secret: SECRET }).set("actions:acme/app@" + "5".repeat(40), []);
  });

  it("after a lookup Redis left unanswered, reads GitHub for a while without waiting for Redis again", async () => {
    let asked = 0;
    const stalled: RedisBuffers = { getBuffer: () => (asked++, new Promise(() => undefined)), set: () => new Promise(() => undefined) };
    const store = new RedisCommitFacts(stalled, { secret: SECRET, lookupMs: 20 });
    for (let i = 0; i < 5; i++) expect(await store.get(`workflow:acme/app#${i}`)).toBeUndefined();
    expect(asked).toBe(1);
  });
});

const POLICY = "approvals:\n  required: 1\n";
const WORKFLOW = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./tools/setup\n";

describe("replicas sharing what commits hold", () => {
  let sim: GitHubSimulator;
  const running: Replica[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    await sim?.stop();
  });

  /** Replica A judges a PR against a new tip of main; returns the PR and that tip. */
  async function judgedOnNewTip(storeA: SharedCommitFacts | undefined) {
    sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate" });
    seedRepo(sim, { ".agentgate.yml": POLICY, ".github/workflows/ci.yml": WORKFLOW, "tools/setup/action.yml": "runs:\n  using: node20\n" });
    const a = await startReplica(sim, { webhookSecret: SECRET, options: storeA ? { commitFacts: storeA } : {} });
    running.push(a);
    sim.setWebhookTarget(a.webhookUrl);
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    const tip = sim.commit(REPO, { branch: "main", files: { "README.md": "# app, merged\n" }, message: "Merge another PR", author: people.maintainerA });
    await sim.addLabel(REPO, number, "ready", people.maintainerA.login);
    return { number, tip };
  }

  /** Replica B (a process of its own: none of A's copies) gets the next delivery on the PR. */
  async function nextDeliveryOnB(storeB: SharedCommitFacts | undefined, number: number) {
    const b = await startReplica(sim, { webhookSecret: SECRET, options: storeB ? { commitFacts: storeB } : {} });
    running.push(b);
    sim.setWebhookTarget(b.webhookUrl);
    const delivery = await sim.addLabel(REPO, number, "still-ready", people.maintainerA.login);
    expect(delivery.status).toBe(200);
    return delivery;
  }

  /** Files read at the new tip (the policy); and policy files and workflows read at any commit. */
  const readsAt = (d: { requests: { path: string }[] }, tip: string) => d.requests.filter((r) => r.path.includes("/contents/") && r.path.includes(`ref=${tip}`));
  const fileReads = (d: { requests: { path: string }[] }) => d.requests.filter((r) => /\/contents\/(\.github%2Fworkflows|.*agentgate\.yml)/.test(r.path) || r.path.includes("/git/blobs/"));
  const description = (number: number) => sim.latestStatus(REPO, headOf(sim, number), "agentgate")?.description;

  it("a replica reads no policy file or workflow at a commit another one read", async () => {
    const { number, tip } = await judgedOnNewTip(facts());
    expect(description(number)).toBe("0/1 approvals · agent: copilot");
    const unshared = readsAt(sim.deliveries.at(-1)!, tip).length;
    expect(unshared).toBeGreaterThan(0);
    const delivery = await nextDeliveryOnB(facts(), number);
    expect(fileReads(delivery)).toEqual([]);
    expect(description(number)).toBe("0/1 approvals · agent: copilot");
  });

  it("a change to a local action the shared copy names still blocks", async () => {
    const { number } = await judgedOnNewTip(facts());
    await sim.push(REPO, "copilot/tune-instance", { files: { "tools/setup/action.yml": "runs:\n  using: node20\n  main: evil.js\n" }, message: "Tweak setup", author: { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" } });
    const delivery = await nextDeliveryOnB(facts(), number);
    // B took the base's workflows from A's copy, and a change to the action they run still blocks.
    expect(fileReads(delivery)).toEqual([]);
    expect(sim.latestStatus(REPO, headOf(sim, number), "agentgate")).toMatchObject({ state: "failure", description: "blocked: path:local-actions on tools/setup/action.yml · agent: copilot" });
  });

  it("garbage where a copy should be costs a read, and the policy is still the base's", async () => {
    const { number, tip } = await judgedOnNewTip(facts());
    const c = redis.client();
    const keys = await c.keys(`agentgate:sha:*acme/app@${tip}*`);
    expect(keys.length).toBeGreaterThan(0);
    // Well-formed JSON saying "no policy file here", without the replicas' MAC: the defaults would need 2 approvals.
    for (const k of keys) await c.set(k, Buffer.concat([randomBytes(32), gzipSync('{"file":null}')]));
    const delivery = await nextDeliveryOnB(facts(), number);
    expect(readsAt(delivery, tip).length).toBeGreaterThan(0);
    expect(description(number)).toBe("0/1 approvals · agent: copilot");
  });

  it("a copy of the wrong shape costs a read, even one a replica wrote", async () => {
    const { number, tip } = await judgedOnNewTip(facts());
    const c = redis.client();
    const writer = facts();
    for (const k of await c.keys(`agentgate:sha:*acme/app@${tip}*`)) {
      const key = k.slice("agentgate:sha:".length);
      const old = (await writer.get(key)) as { file?: { sha?: string } | null };
      // Another text under the real file's blob sha (or none), or a list that is not one of paths.
      await writer.set(key, key.startsWith("policy:") ? { file: { text: "approvals:\n  required: 5\n", ...(old.file ? { sha: old.file.sha } : {}) } } : [42]);
    }
    const delivery = await nextDeliveryOnB(facts(), number);
    expect(readsAt(delivery, tip).length).toBeGreaterThan(0);
    expect(description(number)).toBe("0/1 approvals · agent: copilot");
  });

  it("with Redis down, replicas read GitHub and judge as before", async () => {
    const down = await startRedis();
    const store = new RedisCommitFacts(down.client(), { secret: SECRET });
    await down.stop();
    const { number, tip } = await judgedOnNewTip(store);
    expect(description(number)).toBe("0/1 approvals · agent: copilot");
    const delivery = await nextDeliveryOnB(store, number);
    expect(readsAt(delivery, tip).length).toBeGreaterThan(0);
    expect(description(number)).toBe("0/1 approvals · agent: copilot");
  });
});
