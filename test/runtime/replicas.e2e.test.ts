/**
 * Two replicas of the production server (the built lib/server/main.js, child processes) sharing a
 * real redis-server, fed round-robin by the simulator with deliveries that do not wait for each
 * other, as GitHub and a load balancer send them. Racing reviews, dismissals and pushes end in the
 * state the latest facts give, on the status and the check run; a replica killed mid-delivery loses
 * nothing (the delivery fails at GitHub and the other replica's catch-up redelivers it). Without
 * Redis, one process keeps what it promises alone.
 */
import { afterAll, afterEach, beforeAll, describe, expect } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { newPrivateKey } from "../../devtools/demo/keys.js";
import { freePort } from "../../devtools/demo/net.js";
import { GitHubSimulator, type Delivery } from "../../devtools/simulator/index.js";
import { attack, control } from "../adversarial/suite.js";
import { buildScratchPackage } from "../helpers/built.js";
import { startRedis, type RedisServer } from "../helpers/redis.js";
import { checkRunOf, copilot, copilotPullRequest, headOf, people, REPO, seedRepo, statusOf, TF_CHANGE } from "../e2e/harness.js";

const SECRET = "replicas-e2e-secret";
const KEY = newPrivateKey();
let pkg: string;
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
  pkg = buildScratchPackage("agentgate-replicas-");
}, 120_000);

afterAll(async () => {
  await redis?.stop();
  if (pkg) rmSync(pkg, { recursive: true, force: true });
});

interface Replica {
  name: string;
  child: ChildProcess;
  webhookUrl: string;
  output: () => string;
}

let replicas: Replica[] = [];
let sim: GitHubSimulator | undefined;

afterEach(async () => {
  for (const r of replicas) r.child.kill("SIGKILL");
  replicas = [];
  await sim?.stop();
  sim = undefined;
  await redis.client().flushall();
});

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok` holds; the bound is a stall guard, not a timing claim. */
async function eventually(what: string, ok: () => boolean, withinMs = 40_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${withinMs} ms\n${replicas.map((r) => `--- ${r.name}\n${r.output().slice(-4000)}`).join("\n")}`);
    await tick(200);
  }
}

async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(pkg, "lib/server/main.js")], {
    cwd: pkg,
    env: {
      PATH: process.env.PATH ?? "",
      APP_ID: "1",
      PRIVATE_KEY: KEY,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: new URL(sim!.url).host,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: String(port),
      NODE_ENV: "production",
      CATCHUP_INTERVAL_MS: "1000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const replica = { name, child, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`, output: () => out };
  replicas.push(replica);
  await eventually(`${name} ready for deliveries`, () => {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${out}`);
    return out.includes('"msg":"ready for deliveries"');
  }, 30_000);
  return replica;
}

/** The simulator, the seeded repository and `count` replicas it feeds round-robin. */
async function cluster(count: number, opts: { redis: boolean; redisUrl?: string }): Promise<{ sim: GitHubSimulator; replicas: Replica[] }> {
  sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate", deliveries: "concurrent" });
  seedRepo(sim);
  const env: Record<string, string> = opts.redis ? { REDIS_URL: opts.redisUrl ?? redis.url } : {};
  const started = await Promise.all(Array.from({ length: count }, (_, i) => startReplica(`replica ${"ab"[i]}`, env)));
  sim.setWebhookTargets(started.map((r) => r.webhookUrl));
  return { sim, replicas: started };
}

/** Every delivery's latest attempt was answered 2xx: nothing waits for a redelivery. */
function settled(s: GitHubSimulator): boolean {
  const latest = new Map<string, Delivery>();
  for (const d of s.deliveries) latest.set(d.id, d);
  return [...latest.values()].every((d) => d.status >= 200 && d.status < 300);
}

async function settledState(s: GitHubSimulator, number: number, state: string, description: string) {
  const shows = () => statusOf(s, number)?.state === state && statusOf(s, number)?.description === description;
  await eventually(`showing ${state} "${description}" with every delivery handled`, () => settled(s) && shows());
  // Settled: nothing is left to publish, so this is the end state, not a moment on the way.
  expect(statusOf(s, number)).toMatchObject({ state, description });
  const run = checkRunOf(s, headOf(s, number));
  if (state === "success") expect(run).toMatchObject({ status: "completed", conclusion: "success" });
  else if (state === "pending") expect(run).toMatchObject({ status: "in_progress", conclusion: null });
  else expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
  expect(run?.output.title).toBe(description);
}

const approve = (s: GitHubSimulator, number: number, login: string) => s.submitReview(REPO, number, { reviewer: login, event: "APPROVE" });

/** Fired together, each a moment after the one before: the simulator's state changes in this order. */
async function race(steps: (() => Promise<unknown>)[], staggerMs = 40): Promise<void> {
  await Promise.all(steps.map((step, i) => tick(i * staggerMs).then(step)));
}

describe("two replicas sharing Redis", () => {
  attack(
    "c15",
    "a dismissal reaching the replica that last posted 'pending' takes back the success the other replica posted",
    async () => {
      const { sim: s, replicas: [a, b] } = await cluster(2, { redis: true });
      const { number } = await copilotPullRequest(s, TF_CHANGE);
      const opened = s.deliveries[s.deliveries.length - 1]!;
      const { reviewId, delivery: first } = await approve(s, number, people.maintainerA.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      const { delivery: second } = await approve(s, number, people.maintainerB.login);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      // Replica b last posted "1/2 approvals"; the dismissal takes the result back to exactly that.
      const dismissed = await s.dismissReview(REPO, number, reviewId, people.maintainerB.login);
      expect([opened, first, second, dismissed].map((d) => d.target)).toEqual([a!.webhookUrl, b!.webhookUrl, a!.webhookUrl, b!.webhookUrl]);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
    },
    60_000,
  );

  attack(
    "c15",
    "racing reviews, dismissals and pushes across the replicas end in the state the latest facts give",
    async () => {
      const { sim: s } = await cluster(2, { redis: true });
      const { number, branch } = await copilotPullRequest(s, TF_CHANGE);
      const { reviewId } = await approve(s, number, people.maintainerA.login);
      await race([
        () => approve(s, number, people.maintainerB.login),
        () => s.submitReview(REPO, number, { reviewer: people.reader.login, event: "COMMENT", body: "looks fine to me" }),
        () => approve(s, number, people.requester.login),
      ]);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");

      // Maria's approval is dismissed, the agent pushes, and Max approves the new head: one approval counts.
      await race([
        () => s.dismissReview(REPO, number, reviewId, people.maintainerB.login),
        () => s.push(REPO, branch, { files: { "src/app.ts": "export const answer = 42;\n" }, message: "Also fix the answer", author: copilot.commitIdentity }),
        () => approve(s, number, people.maintainerB.login),
        () => s.submitReview(REPO, number, { reviewer: people.reader.login, event: "COMMENT", body: "again" }),
      ]);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
    },
    60_000,
  );

  control(
    "c15",
    "racing approvals of the new head across the replicas reach success",
    async () => {
      const { sim: s, replicas: [a, b] } = await cluster(2, { redis: true });
      const { number, branch } = await copilotPullRequest(s, TF_CHANGE);
      await race([
        () => approve(s, number, people.maintainerA.login),
        () => s.push(REPO, branch, { files: { "src/app.ts": "export const answer = 42;\n" }, message: "Also fix the answer", author: copilot.commitIdentity }),
        () => approve(s, number, people.maintainerA.login),
        () => approve(s, number, people.maintainerB.login),
      ]);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      // GitHub redelivers one that replica a handled to the end: replica b knows, and asks GitHub nothing.
      const handledByA = s.deliveries.find((d) => d.target === a!.webhookUrl && d.status === 200 && d.event === "pull_request_review")!;
      s.setWebhookTargets([b!.webhookUrl, a!.webhookUrl]);
      const asked = () => s.requests.filter((r) => r.token !== "jwt").length;
      const before = asked();
      const again = await s.redeliver(handledByA);
      expect(again).toMatchObject({ target: b!.webhookUrl, status: 200 });
      expect(asked()).toBe(before);
      // What Redis holds afterwards: the published statuses (a day each), Probot's shared throttle, no turn.
      const c = redis.client();
      const keys = await c.keys("*");
      const published = keys.filter((k) => k.startsWith("agentgate:published:acme/app@"));
      expect(published.length).toBeGreaterThan(0);
      for (const k of published) expect(await c.pttl(k)).toBeGreaterThan(23 * 3_600_000);
      expect(keys.filter((k) => k.startsWith("agentgate:turn:"))).toEqual([]);
      const handled = keys.filter((k) => k.startsWith("agentgate:handled:"));
      expect(handled.length).toBeGreaterThan(0);
      for (const k of handled) expect(await c.pttl(k)).toBeGreaterThan(23 * 3_600_000);
      expect(keys.some((k) => k.startsWith("b_"))).toBe(true);
    },
    60_000,
  );

  attack(
    "c15",
    "an organization's stricter defaults, pushed to one replica, hold on the other at once",
    async () => {
      const { sim: s, replicas: [a, b] } = await cluster(2, { redis: true });
      s.addRepo({ owner: "acme", name: ".github", files: { ".agentgate.yml": "approvals:\n  required: 1\n" } });
      s.setWebhookTargets([a!.webhookUrl, b!.webhookUrl]);
      const { number } = await copilotPullRequest(s, { "src/app.ts": "export const answer = 42;\n" }); // a reads the defaults
      await approve(s, number, people.maintainerA.login); // b reads them too
      await settledState(s, number, "success", "1/1 approvals · agent: copilot");
      const [push] = await s.push("acme/.github", "main", { files: { ".agentgate.yml": "approvals:\n  required: 2\n" }, message: "two approvals", author: people.maintainerA });
      expect(push!.target).toBe(a!.webhookUrl);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      // b still held the old defaults in its own memory; a label makes it judge the PR again.
      const labeled = await s.addLabel(REPO, number, "ready", people.requester.login);
      expect(labeled.target).toBe(b!.webhookUrl);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
    },
    60_000,
  );

  attack(
    "c15",
    "a replica killed mid-delivery loses nothing: the delivery fails and the other replica's catch-up redelivers it",
    async () => {
      const { sim: s, replicas: [victim, survivor] } = await cluster(2, { redis: true });
      const { number } = await copilotPullRequest(s, TF_CHANGE); // to the victim; the next goes to the survivor
      await approve(s, number, people.maintainerA.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      // The next delivery goes to the victim, which dies while it reads the reviews, holding the turn;
      // the balancer's health check then takes it out of the rotation.
      expect(s.nextWebhookTarget()).toBe(victim!.webhookUrl);
      let killed = false;
      s.on("request", (entry: { path: string; token: string | null }) => {
        if (killed || entry.token === "jwt" || !/\/pulls\/\d+\/reviews/.test(entry.path)) return;
        killed = true;
        victim!.child.kill("SIGKILL");
        s.setWebhookTargets([survivor!.webhookUrl]);
      });
      const { delivery } = await approve(s, number, people.maintainerB.login);
      expect(killed).toBe(true);
      expect(delivery).toMatchObject({ target: victim!.webhookUrl, status: 0 });
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      const again = s.deliveries.filter((d) => d.id === delivery.id);
      expect(again[again.length - 1]).toMatchObject({ target: survivor!.webhookUrl, status: 200 });
      expect(survivor!.output()).toContain("asked GitHub to redeliver failed deliveries");
    },
    60_000,
  );
});

describe("when Redis goes away", () => {
  attack(
    "c15",
    "nothing passes while Redis is down: readiness fails, deliveries fail, and they are caught up once it is back",
    async () => {
      let own = await startRedis();
      try {
        const { sim: s, replicas: [a] } = await cluster(2, { redis: true, redisUrl: own.url });
        const { number } = await copilotPullRequest(s, TF_CHANGE);
        await settledState(s, number, "pending", "0/2 approvals · agent: copilot");
        await own.stop();
        const readyz = `${new URL(a!.webhookUrl).origin}/readyz`;
        // Probot's throttle waits on Redis too, so the credentials check times out beside it.
        const redisCheck = async () => {
          const res = await fetch(readyz);
          const body = (await res.json()) as { checks: { name: string; ok: boolean; reason?: string }[] };
          return { status: res.status, check: body.checks.find((c) => c.name === "redis") };
        };
        let seen = await redisCheck();
        for (let i = 0; i < 50 && seen.check?.ok !== false; i++) seen = await tick(200).then(redisCheck);
        expect(seen).toMatchObject({ status: 503, check: { ok: false, reason: expect.stringContaining("Redis is unreachable") } });

        const first = await approve(s, number, people.maintainerA.login);
        const second = await approve(s, number, people.maintainerB.login);
        expect([first.delivery.status, second.delivery.status]).toEqual([500, 500]);
        await tick(1_500); // a catch-up round or more while Redis is away
        expect(statusOf(s, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });

        own = await startRedis(own.port);
        await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      } finally {
        await own.stop();
      }
    },
    60_000,
  );
});

describe("one process without Redis", () => {
  control(
    "c15",
    "keeps its own order and memory: the same reviews and dismissal end where the facts say",
    async () => {
      const { sim: s } = await cluster(1, { redis: false });
      const { number } = await copilotPullRequest(s, TF_CHANGE);
      const { reviewId } = await approve(s, number, people.maintainerA.login);
      await race([() => approve(s, number, people.maintainerB.login), () => approve(s, number, people.requester.login)]);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      await s.dismissReview(REPO, number, reviewId, people.maintainerB.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      expect(await redis.client().keys("*")).toEqual([]);
    },
    60_000,
  );
});
