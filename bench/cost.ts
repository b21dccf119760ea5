/**
 * What a webhook costs GitHub, event by event, end to end over HTTP against the simulator: the
 * rate-limited requests (a 304 answer to a conditional request is free), the 304s, the writes, and
 * the latency; then latency with a GitHub far away, throughput of concurrent deliveries, memory
 * over many, and changed decisions a second with Probot's write throttle on.
 *
 *   npm run bench [-- --sweep N --throughput N --latency MS --concurrency N --trace --only events,latency,throughput,throttle]
 *                    [--app child,in-process --app-log-level info --cpu-prof DIR]
 *
 * Throughput is measured twice: the built server (`npm run build` first) alone in a process of its
 * own, as `npm start` runs it, and the app in this process beside the simulator (whose CPU then
 * counts against it).
 *
 * Probot's write throttle is off (as in the e2e tests) so agentgate is measured, not the throttle,
 * except in the last table. Benchmarks, not tests: nothing here passes or fails.
 */
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve as resolvePath } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { newPrivateKey } from "../devtools/demo/keys.js";
import { freePort } from "../devtools/demo/net.js";
import { simulatorServerEnv, spawnServer, waitForReady } from "../devtools/demo/server.js";
import { startStack, type Stack } from "../devtools/demo/stack.js";
import { GitHubSimulator, type Delivery } from "../devtools/simulator/index.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const COPILOT = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
const REPO = "acme/app";

export interface Cost {
  rateLimited: number;
  notModified: number;
  writes: number;
}

/** A request is a write when it is not a GET and not a GraphQL query; a 304 costs no rate limit. */
export function costOf(deliveries: readonly Delivery[]): Cost {
  const requests = deliveries.flatMap((d) => d.requests);
  return {
    rateLimited: requests.filter((r) => r.status !== 304 && r.status !== 0).length,
    notModified: requests.filter((r) => r.status === 304).length,
    writes: requests.filter((r) => r.method !== "GET" && !/graphql/.test(r.path) && r.status >= 200 && r.status < 300).length,
  };
}

function seed(sim: GitHubSimulator, repos: readonly string[] = ["app"], files: Record<string, string> = {}) {
  sim.addOrg("acme");
  for (const login of ["dana", "maria", "max", "rita"]) sim.addUser({ login, name: login, email: `${login}@acme.example` });
  sim.addUser({ login: "Copilot", type: "Bot" });
  for (const name of repos) {
    sim.addRepo({ owner: "acme", name, files: { "infra/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.small"\n}\n', "src/a.ts": "export const a = 1;\n", ...files } });
    for (const login of ["dana", "maria", "max"]) sim.setPermission(`acme/${name}`, login, "write");
    sim.setPermission(`acme/${name}`, "rita", "read");
  }
}

async function agentPullRequest(sim: GitHubSimulator, branch: string, repo = REPO) {
  sim.createBranch(repo, branch, "main");
  sim.commit(repo, { branch, files: { "src/a.ts": `export const a = ${JSON.stringify(branch)};\n` }, message: "Change a", author: COPILOT });
  return sim.openPullRequest(repo, { head: branch, title: "Change a", author: "Copilot" });
}

const SECRET = "local-webhook-secret";

/** Post a delivery the simulator made before, under a new id (so it is not taken for a redelivery). */
async function post(webhookUrl: string, d: Pick<Delivery, "event" | "payload">): Promise<number> {
  const res = await fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": d.event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(d.payload).digest("hex")}`,
    },
    body: d.payload,
  });
  await res.arrayBuffer();
  return res.status;
}

/** Run `fn` with the simulator's webhooks going nowhere (answered 200), to make payloads to post later. */
async function withoutApp<T>(stack: Stack, fn: () => Promise<T>): Promise<T> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  stack.sim.setWebhookTarget(`http://127.0.0.1:${(sink.address() as AddressInfo).port}/`);
  try {
    return await fn();
  } finally {
    stack.sim.setWebhookTarget(stack.webhookUrl);
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** A request's route: the path without its query, SHAs and numbers named, so requests group by kind. */
export function routeOf(path: string): string {
  return path
    .replace(/\?.*$/, "")
    .replace(/\b[0-9a-f]{40}\b/g, "{sha}")
    .replace(/\/compare\/[^/]+$/, "/compare/{basehead}")
    .replace(/\/(pulls|issues|check-runs|statuses|installations)\/\d+/g, "/$1/{n}")
    .replace(/\/git\/ref\/.*$/, "/git/ref/{ref}");
}

/** Per event: each request as status, method and route (`--trace`); many PRs: counts per route. */
const traces: string[] = [];
function traceOf(event: string, deliveries: readonly Delivery[], per = 1) {
  if (!process.argv.includes("--trace")) return;
  const counts = new Map<string, number>();
  for (const r of deliveries.flatMap((d) => d.requests)) {
    const key = `${r.status === 304 ? "304" : r.status >= 200 && r.status < 300 ? "2xx" : r.status} ${r.method} ${routeOf(r.path)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  traces.push(`${event}:`);
  for (const [key, n] of counts) traces.push(`  ${per === 1 ? n : (n / per).toFixed(1)} × ${key}`);
}

interface Row {
  event: string;
  cost: Cost;
  ms?: number;
}
const row = (event: string, cost: Cost, ms?: number): Row => ({ event, cost, ...(ms === undefined ? {} : { ms }) });
type Publish = "both" | "check_run" | "status";
const POLICY: Record<Publish, Record<string, string>> = {
  both: {},
  check_run: { ".agentgate.yml": "publish: check_run\n" },
  status: { ".agentgate.yml": "publish: status\n" },
};

async function perEvent(publish: Publish) {
  const stack = await startStack({ logLevel: "error" });
  const { sim } = stack;
  const lines: Row[] = [];
  const trace = (event: string, deliveries: readonly Delivery[]) => (publish === "both" ? traceOf(event, deliveries) : undefined);
  try {
    seed(sim, ["app"], POLICY[publish]);
    const opened = await agentPullRequest(sim, "copilot/one");
    lines.push(row("pull_request.opened (new PR)", costOf([opened.delivery])));
    trace("pull_request.opened", [opened.delivery]);
    const number = opened.number;
    // Warm: maria has reviewed before (she asked for changes, then approved), so her permission has
    // been read and the PR's facts are known.
    await sim.submitReview(REPO, number, { reviewer: "maria", event: "REQUEST_CHANGES" });
    let t0 = performance.now();
    const approval = await sim.submitReview(REPO, number, { reviewer: "maria", event: "APPROVE" });
    lines.push(row("approval by a reviewer seen before, result changes", costOf([approval.delivery]), performance.now() - t0));
    trace("approval", [approval.delivery]);
    t0 = performance.now();
    const again = await sim.redeliver(approval.delivery);
    lines.push(row("the same delivery again (redelivery)", costOf([again]), performance.now() - t0));
    t0 = performance.now();
    const comment = await sim.submitReview(REPO, number, { reviewer: "rita", event: "COMMENT" });
    lines.push(row("comment by a non-approver (cannot change the result)", costOf([comment.delivery]), performance.now() - t0));
    t0 = performance.now();
    const pushed = await sim.push(REPO, "copilot/one", { files: { "src/a.ts": "export const a = 42;\n" }, message: "Tweak a", author: COPILOT });
    lines.push(row("push to the agent's branch (push + synchronize)", costOf(pushed), performance.now() - t0));
    const sync = pushed.filter((d) => d.event === "pull_request");
    trace("pull_request.synchronize", sync);
    lines.push(row("  of which pull_request.synchronize", costOf(sync)));
    // Bypass checks (src/bypass/): pushes to main and merges.
    t0 = performance.now();
    const human = await sim.push(REPO, "main", { files: { "README.md": "# app\n" }, message: "Docs", author: { name: "maria", email: "maria@acme.example" } });
    lines.push(row("human push to main (bypass check)", costOf(human), performance.now() - t0));
    t0 = performance.now();
    const agent = await sim.push(REPO, "main", { files: { "src/b.ts": "export const b = 1;\n" }, message: "Add b", author: COPILOT });
    lines.push(row("agent push straight to main (a bypass: run + status)", costOf(agent), performance.now() - t0));
    t0 = performance.now();
    const pending = await sim.mergePullRequest(REPO, number, { by: "maria" });
    lines.push(row("merge while agentgate says pending: push", costOf(pending.deliveries.filter((d) => d.event === "push")), performance.now() - t0));
    lines.push(row("  pull_request.closed (a bypass: run + status + comment)", costOf(pending.deliveries.filter((d) => d.action === "closed"))));
    const two = await agentPullRequest(sim, "copilot/two");
    await sim.submitReview(REPO, two.number, { reviewer: "maria", event: "APPROVE" });
    await sim.submitReview(REPO, two.number, { reviewer: "max", event: "APPROVE" });
    t0 = performance.now();
    const passed = await sim.mergePullRequest(REPO, two.number, { by: "maria" });
    lines.push(row("merge after success: push", costOf(passed.deliveries.filter((d) => d.event === "push")), performance.now() - t0));
    lines.push(row("  pull_request.closed (no bypass)", costOf(passed.deliveries.filter((d) => d.action === "closed"))));
    // A human's PR (no agent marker): under `publish: status` it needs no check run.
    sim.createBranch(REPO, "docs", "main");
    sim.commit(REPO, { branch: "docs", files: { "docs/a.md": "# a\n" }, message: "Docs", author: { name: "maria", email: "maria@acme.example" } });
    t0 = performance.now();
    const humanPr = await sim.openPullRequest(REPO, { head: "docs", title: "Docs", author: "maria" });
    lines.push(row("pull_request.opened by a human (new PR)", costOf([humanPr.delivery]), performance.now() - t0));
    if (process.argv.includes("--trace")) for (const d of [...human, ...agent, ...pending.deliveries, ...passed.deliveries]) for (const r of d.requests) console.log(`  ${d.event}.${d.action ?? ""} ${r.status} ${r.method} ${r.path}`);
  } finally {
    await stack.stop();
  }
  return lines;
}

async function sweep(openPulls: number, publish: Publish): Promise<Row> {
  const stack = await startStack({ logLevel: "error" });
  const { sim } = stack;
  try {
    sim.addOrg("acme");
    sim.addUser({ login: "maria", name: "maria", email: "maria@acme.example" });
    sim.addUser({ login: "Copilot", type: "Bot" });
    sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n", ...POLICY[publish] }, installed: false });
    for (let i = 0; i < openPulls; i++) {
      sim.createBranch(REPO, `copilot/${i}`, "main");
      sim.commit(REPO, { branch: `copilot/${i}`, files: { [`src/${i}.ts`]: `export const x = ${i};\n` }, message: "Initial plan", author: COPILOT });
      await sim.openPullRequest(REPO, { head: `copilot/${i}`, title: `Change ${i}`, author: "Copilot" });
    }
    const t0 = performance.now();
    const delivery = await sim.installApp(REPO, "maria");
    const ms = performance.now() - t0;
    const c = costOf([delivery]);
    if (publish === "both") traceOf(`installation sweep, per PR of ${openPulls}`, [delivery], openPulls);
    const per = (n: number) => Number((n / openPulls).toFixed(1));
    return row(`installation sweep, ${openPulls} open PRs, per PR`, { rateLimited: per(c.rateLimited), notModified: per(c.notModified), writes: per(c.writes) }, ms / openPulls);
  } finally {
    await stack.stop();
  }
}

/** Webhook to published status for reviews that change the result, with every GitHub answer delayed. */
async function latency(ms: number, reviews = 40) {
  const stack = await startStack({ logLevel: "error", latencyMs: ms });
  const { sim } = stack;
  try {
    seed(sim);
    const { number } = await agentPullRequest(sim, "copilot/far");
    await sim.submitReview(REPO, number, { reviewer: "maria", event: "REQUEST_CHANGES" });
    const times: number[] = [];
    const requests: number[] = [];
    for (let i = 0; i < reviews; i++) {
      const t0 = performance.now();
      const { delivery } = await sim.submitReview(REPO, number, { reviewer: "maria", event: i % 2 ? "REQUEST_CHANGES" : "APPROVE" });
      times.push(performance.now() - t0);
      requests.push(delivery.requests.length);
    }
    times.sort((a, b) => a - b);
    const p50 = quantile(times, 0.5);
    const p99 = quantile(times, 0.99);
    const trips = (t: number) => (ms > 0 ? ` (${(t / ms).toFixed(1)} round trips)` : "");
    return `${reviews} reviews that change the result, GitHub answering after ${ms} ms: p50 ${p50.toFixed(0)} ms${trips(p50)}, p99 ${p99.toFixed(0)} ms${trips(p99)}; ${(requests.reduce((a, b) => a + b, 0) / reviews).toFixed(1)} requests each`;
  } finally {
    await stack.stop();
  }
}

/** Where the throughput run posts: the app in the benchmark's process, or the built server alone in a child. */
type AppProcess = "in-process" | "child";

/** The app under load, whichever process it runs in: where to post, and its CPU time and heap. */
interface Target {
  sim: GitHubSimulator;
  webhookUrl: string;
  /** CPU time (µs) and heap after a full GC, of the app's process (`shared`: the simulator's too). */
  measure(): Promise<{ cpuMicros: number; heapUsed: number; gc: boolean }>;
  shared: boolean;
  stop(): Promise<void>;
}

async function inProcessTarget(): Promise<Target> {
  const stack = await startStack({ logLevel: "error" });
  return {
    sim: stack.sim,
    webhookUrl: stack.webhookUrl,
    shared: true,
    async measure() {
      global.gc?.();
      const cpu = process.cpuUsage();
      return { cpuMicros: cpu.user + cpu.system, heapUsed: process.memoryUsage().heapUsed, gc: Boolean(global.gc) };
    },
    stop: () => stack.stop(),
  };
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The built server (`npm run build` first) in a process of its own, started by bench/app-server.js
 * as `npm start` starts it but with Probot's throttle off, reporting its CPU time and heap; the
 * simulator and the load stay in this process.
 */
async function childTarget(logLevel: string, cpuProf?: string): Promise<Target> {
  const sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate" });
  const work = mkdtempSync(join(tmpdir(), "agentgate-bench-"));
  const port = await freePort();
  const { child, output } = spawnServer(
    ROOT,
    work,
    { ...simulatorServerEnv({ simulatorUrl: sim.url, privateKey: newPrivateKey(), webhookSecret: SECRET, port }), LOG_LEVEL: logLevel },
    {
      script: join(ROOT, "bench/app-server.js"),
      nodeArgs: ["--expose-gc", ...(cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`] : [])],
      ipc: true,
      keepChars: 64_000,
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForReady(`http://127.0.0.1:${port}/readyz`, child, output);
  } catch (e) {
    child.kill("SIGKILL");
    await sim.stop();
    throw e;
  }
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
  sim.setWebhookTarget(webhookUrl);
  return {
    sim,
    webhookUrl,
    shared: false,
    measure: () =>
      new Promise((resolve) => {
        child.once("message", (m: { cpu: NodeJS.CpuUsage; heapUsed: number; gc: boolean }) => resolve({ cpuMicros: m.cpu.user + m.cpu.system, heapUsed: m.heapUsed, gc: m.gc }));
        child.send("measure");
      }),
    async stop() {
      // SIGTERM: the server finishes what is in flight and exits (and writes its CPU profile).
      child.kill("SIGTERM");
      await exited;
      await sim.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * Deliveries posted concurrently (at most `concurrency` in flight) across `repos` repositories, each
 * a review the simulator made earlier, posted under a new id: every one is judged, the state stays
 * the same size, so what grows in the heap is the app's. Heap after the first tenth (caches warm)
 * and at the end, each after a full GC, and CPU time from the first tenth on, in the app's process.
 */
async function throughput(where: AppProcess, count: number, concurrency: number, repos = 20) {
  const target = where === "child" ? await childTarget(process.argv.includes("--app-log-level") ? String(process.argv[process.argv.indexOf("--app-log-level") + 1]) : "info", cpuProfDir()) : await inProcessTarget();
  const { sim } = target;
  try {
    const names = Array.from({ length: repos }, (_, i) => `app${i}`);
    seed(sim, names);
    const payloads: Delivery[] = [];
    for (const name of names) {
      const { number } = await agentPullRequest(sim, "copilot/load", `acme/${name}`);
      for (const [reviewer, event] of [["maria", "APPROVE"], ["max", "REQUEST_CHANGES"], ["dana", "APPROVE"]] as const) {
        payloads.push((await sim.submitReview(`acme/${name}`, number, { reviewer, event })).delivery);
      }
    }
    let sent = 0;
    let answered = 0;
    // GitHub requests made once warm (roughly: the log is emptied as it fills), to see that an
    // optimisation changed what the app computes, not what it asks.
    let requests = 0;
    const warmAt = Math.floor(count / 10);
    let warm: Promise<{ cpuMicros: number; heapUsed: number; gc: boolean; at: number; here: NodeJS.CpuUsage }> | undefined;
    const latencies: number[] = [];
    const t0 = performance.now();
    const worker = async () => {
      while (sent < count) {
        const i = sent++;
        if (i === warmAt) {
          // The others keep posting meanwhile: a GC in the app's process is part of its work.
          const at = performance.now();
          const here = process.cpuUsage();
          sim.requests.length = 0;
          warm = target.measure().then((m) => ({ ...m, at, here }));
          await warm;
        }
        const s = performance.now();
        const status = await post(target.webhookUrl, payloads[i % payloads.length]!);
        latencies.push(performance.now() - s);
        if (status >= 200 && status < 300) answered++;
        // The simulator logs every request it serves; that log is the simulator's, not the app's.
        if (sim.requests.length > 10_000) {
          if (i >= warmAt) requests += sim.requests.length;
          sim.requests.length = 0;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const t1 = performance.now();
    const here = process.cpuUsage();
    requests += sim.requests.length;
    sim.requests.length = 0;
    const end = await target.measure();
    const start = await warm!;
    const seconds = (t1 - t0) / 1000;
    const warmSeconds = (t1 - start.at) / 1000;
    const cpuMsPerWebhook = (end.cpuMicros - start.cpuMicros) / 1000 / (count - warmAt);
    latencies.sort((a, b) => a - b);
    const growth = ((end.heapUsed - start.heapUsed) / start.heapUsed) * 100;
    const label = target.shared ? "app and simulator in one process" : "app alone in its process";
    const hereMsPerWebhook = (here.user + here.system - start.here.user - start.here.system) / 1000 / (count - warmAt);
    const cpuWhose = target.shared ? "app + simulator + load" : `the app's process; the simulator and the load, in the benchmark's: ${hereMsPerWebhook.toFixed(2)}`;
    return [
      `throughput (${label}): ${count} review deliveries, ${concurrency} in flight over ${repos} repositories: ${(count / seconds).toFixed(0)} webhooks/s (${((count - warmAt) / warmSeconds).toFixed(0)}/s once warm), p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms; ${answered} of ${count} answered 2xx, ${(requests / (count - warmAt)).toFixed(1)} GitHub requests each; ${cpuMsPerWebhook.toFixed(2)} CPU ms per webhook once warm (${cpuWhose})`,
      start.gc && end.gc
        ? `heap (${label}): ${(start.heapUsed / 1e6).toFixed(1)} MB after ${warmAt} deliveries, ${(end.heapUsed / 1e6).toFixed(1)} MB after ${count} (${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %)`
        : `heap (${label}): run with NODE_OPTIONS=--expose-gc to measure it`,
    ];
  } finally {
    await target.stop();
  }
}

/** `--cpu-prof DIR`: the app's process (with `--app child`) writes a V8 CPU profile there on exit. */
function cpuProfDir(): string | undefined {
  const i = process.argv.indexOf("--cpu-prof");
  return i > 0 ? resolvePath(process.argv[i + 1]!) : undefined;
}

/** Six agent PRs opened at once with Probot's write throttle on: how long until all six are judged. */
async function throttled(publish: Publish, prs = 6) {
  const stack = await startStack({ logLevel: "error", throttle: true });
  const { sim } = stack;
  try {
    seed(sim, ["app"], POLICY[publish]);
    const made = await withoutApp(stack, async () => {
      const out: { number: number; delivery: Delivery }[] = [];
      for (let i = 0; i < prs; i++) out.push(await agentPullRequest(sim, `copilot/burst-${i}`));
      return out;
    });
    const opened = made.map((m) => m.delivery);
    let writes = 0;
    sim.on("write", (w: { by: string }) => {
      if (w.by !== "jwt") writes++;
    });
    // Judged: every write of the decision landed (under `both` the status too; they are sent together;
    // under `status` the run too: an agent PR's run holds its memory).
    const judgedNow = () =>
      made.filter((m) => {
        const sha = sim.pullRequest(REPO, m.number).head.sha;
        return sim.checkRuns(REPO, sha).some((r) => r.name === "agentgate") && (publish === "check_run" || !!sim.latestStatus(REPO, sha, "agentgate"));
      }).length;
    const t0 = performance.now();
    // A delivery still being handled after 9 s is answered 202 and handled on: wait for the check runs.
    const statuses = await Promise.all(opened.map((d) => post(stack.webhookUrl, d)));
    while (judgedNow() < prs && performance.now() - t0 < 60_000) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - t0) / 1000;
    const judged = judgedNow();
    return `| ${publish} | ${prs} | ${seconds.toFixed(1)} | ${(prs / seconds).toFixed(2)} | ${statuses.filter((s) => s >= 200 && s < 300).length}/${prs} answered, ${judged}/${prs} judged, ${writes} writes |`;
  } finally {
    await stack.stop();
  }
}

/** `--only events,latency,throughput,throttle`: some of the tables (default: all). */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1]!.split(",") : undefined;
const wanted = (part: string) => !only || only.includes(part);

if (wanted("events")) {
  const both = [...(await perEvent("both")), await sweep(arg("sweep", 50), "both")];
  const checkRunOnly = [...(await perEvent("check_run")), await sweep(arg("sweep", 50), "check_run")];
  const statusOnly = [...(await perEvent("status")), await sweep(arg("sweep", 50), "status")];
  const cells = (c: Cost) => `${c.rateLimited} | ${c.notModified} | ${c.writes}`;
  const lines = [
    "| event (warm) | rate-limited | 304 | writes | ms | with `publish: check_run`: rate-limited | 304 | writes | with `publish: status`: rate-limited | 304 | writes |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...both.map((r, i) => `| ${r.event} | ${cells(r.cost)} | ${r.ms === undefined ? "" : r.ms.toFixed(0)} | ${cells(checkRunOnly[i]!.cost)} | ${cells(statusOnly[i]!.cost)} |`),
  ];
  console.log(lines.join("\n"));
  if (traces.length) console.log(["", ...traces].join("\n"));
  console.log("");
}
if (wanted("latency")) {
  const far = arg("latency", 50);
  console.log(await latency(0));
  if (far > 0) console.log(await latency(far));
}
if (wanted("throughput")) {
  // `--app child,in-process` (default both): the app alone in a process of its own (the simulator and
  // the load in this one), and everything in this process as before.
  const apps = (process.argv.includes("--app") ? process.argv[process.argv.indexOf("--app") + 1]!.split(",") : ["child", "in-process"]) as AppProcess[];
  for (const where of apps) for (const l of await throughput(where, arg("throughput", 2000), arg("concurrency", 32))) console.log(l);
}
if (wanted("throttle")) {
  console.log("");
  console.log("| Probot write throttle on: publish | PRs opened at once | seconds | decisions/s | |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const mode of ["both", "check_run", "status"] as const) console.log(await throttled(mode));
}
