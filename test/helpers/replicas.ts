/**
 * Replicas of the production server (the built lib/server/main.js, child processes) on a real
 * redis-server, fed round-robin by the simulator with deliveries that do not wait for each other, as
 * GitHub and a load balancer send them. `useReplicas()` registers the file's hooks: one build and one
 * redis-server per file, fresh replicas and simulator per test.
 */
import { afterAll, afterEach, beforeAll, expect } from "@jest/globals";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { newPrivateKey } from "../../devtools/demo/keys.js";
import { simulatorServerEnv, spawnServer } from "../../devtools/demo/server.js";
import { freePort } from "../../devtools/demo/net.js";
import { GitHubSimulator, type Delivery } from "../../devtools/simulator/index.js";
import { buildScratchPackage } from "./built.js";
import { startRedis, type RedisServer } from "./redis.js";
import { checkRunOf, headOf, REPO, seedRepo, statusOf } from "../e2e/harness.js";

const SECRET = "replicas-e2e-secret";
const KEY = newPrivateKey();
let pkg: string;
let redis: RedisServer;

/** The file's shared redis-server (flushed after each test). */
export const sharedRedis = (): RedisServer => redis;

export function useReplicas(): void {
  beforeAll(async () => {
    redis = await startRedis();
    pkg = buildScratchPackage("agentgate-replicas-");
  }, 120_000);

  afterAll(async () => {
    await redis?.stop();
    if (pkg) rmSync(pkg, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const r of replicas) r.child.kill("SIGKILL");
    replicas = [];
    await sim?.stop();
    sim = undefined;
    await redis.client().flushall();
  });
}

export interface Replica {
  name: string;
  child: ChildProcess;
  webhookUrl: string;
  output: () => string;
}

let replicas: Replica[] = [];
let sim: GitHubSimulator | undefined;

export const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ok` holds; the bound is a stall guard, not a timing claim. */
export async function eventually(what: string, ok: () => boolean, withinMs = 40_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`still not ${what} after ${withinMs} ms\n${replicas.map((r) => `--- ${r.name}\n${r.output().slice(-4000)}`).join("\n")}`);
    await tick(200);
  }
}

export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const { child, output } = spawnServer(pkg, pkg, {
    ...simulatorServerEnv({ simulatorUrl: sim!.url, privateKey: KEY, webhookSecret: SECRET, port }),
    CATCHUP_INTERVAL_MS: "1000",
    ...env,
  });
  const replica = { name, child, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`, output };
  replicas.push(replica);
  await eventually(`${name} ready for deliveries`, () => {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output()}`);
    return output().includes('"msg":"ready for deliveries"');
  }, 30_000);
  return replica;
}

/** The simulator, the seeded repository and `count` replicas it feeds round-robin. */
export async function cluster(count: number, opts: { redis: boolean; redisUrl?: string }): Promise<{ sim: GitHubSimulator; replicas: Replica[] }> {
  sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate", deliveries: "concurrent" });
  seedRepo(sim);
  const env: Record<string, string> = opts.redis ? { REDIS_URL: opts.redisUrl ?? redis.url } : {};
  const started = await Promise.all(Array.from({ length: count }, (_, i) => startReplica(`replica ${"ab"[i]}`, env)));
  sim.setWebhookTargets(started.map((r) => r.webhookUrl));
  return { sim, replicas: started };
}

/** Every delivery's latest attempt was answered 2xx: nothing waits for a redelivery. */
export function settled(s: GitHubSimulator): boolean {
  const latest = new Map<string, Delivery>();
  for (const d of s.deliveries) latest.set(d.id, d);
  return [...latest.values()].every((d) => d.status >= 200 && d.status < 300);
}

export async function settledState(s: GitHubSimulator, number: number, state: string, description: string) {
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

export const approve = (s: GitHubSimulator, number: number, login: string) => s.submitReview(REPO, number, { reviewer: login, event: "APPROVE" });

/** Fired together, each a moment after the one before: the simulator's state changes in this order. */
export async function race(steps: (() => Promise<unknown>)[], staggerMs = 40): Promise<void> {
  await Promise.all(steps.map((step, i) => tick(i * staggerMs).then(step)));
}
