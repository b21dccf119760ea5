/**
 * What a webhook costs GitHub, event by event, end to end over HTTP against the simulator: the
 * rate-limited requests (a 304 answer to a conditional request is free), the 304s, the writes, and
 * the latency; then throughput and memory over many deliveries.
 *
 *   npm run bench [-- --sweep N --throughput N]
 *
 * Probot's write throttle is off (as in the e2e tests) so agentgate is measured, not the throttle.
 */
import { performance } from "node:perf_hooks";
import { startStack } from "../devtools/demo/stack.js";
import type { Delivery, GitHubSimulator } from "../devtools/simulator/index.js";

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

function seed(sim: GitHubSimulator) {
  sim.addOrg("acme");
  for (const login of ["dana", "maria", "max", "rita"]) sim.addUser({ login, name: login, email: `${login}@acme.example` });
  sim.addUser({ login: "Copilot", type: "Bot" });
  sim.addRepo({ owner: "acme", name: "app", files: { "infra/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.small"\n}\n', "src/a.ts": "export const a = 1;\n" } });
  for (const login of ["dana", "maria", "max"]) sim.setPermission(REPO, login, "write");
  sim.setPermission(REPO, "rita", "read");
}

async function agentPullRequest(sim: GitHubSimulator, branch: string) {
  sim.createBranch(REPO, branch, "main");
  sim.commit(REPO, { branch, files: { "src/a.ts": `export const a = ${branch.length};\n` }, message: "Change a", author: COPILOT });
  return sim.openPullRequest(REPO, { head: branch, title: "Change a", author: "Copilot" });
}

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
function trace(event: string, deliveries: readonly Delivery[], per = 1) {
  if (!process.argv.includes("--trace")) return;
  const counts = new Map<string, number>();
  for (const r of deliveries.flatMap((d) => d.requests)) {
    const key = `${r.status === 304 ? "304" : r.status >= 200 && r.status < 300 ? "2xx" : r.status} ${r.method} ${routeOf(r.path)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  traces.push(`${event}:`);
  for (const [key, n] of counts) traces.push(`  ${per === 1 ? n : (n / per).toFixed(1)} × ${key}`);
}

const row = (event: string, c: Cost, ms?: number) =>
  `| ${event} | ${c.rateLimited} | ${c.notModified} | ${c.writes} | ${ms === undefined ? "" : ms.toFixed(0)} |`;

async function perEvent() {
  const stack = await startStack({ logLevel: "error" });
  const { sim } = stack;
  const lines = ["| event (warm) | rate-limited | 304 | writes | ms |", "| --- | --- | --- | --- | --- |"];
  try {
    seed(sim);
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
  } finally {
    await stack.stop();
  }
  return lines;
}

async function sweep(openPulls: number) {
  const stack = await startStack({ logLevel: "error" });
  const { sim } = stack;
  try {
    sim.addOrg("acme");
    sim.addUser({ login: "maria", name: "maria", email: "maria@acme.example" });
    sim.addUser({ login: "Copilot", type: "Bot" });
    sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n" }, installed: false });
    for (let i = 0; i < openPulls; i++) {
      sim.createBranch(REPO, `copilot/${i}`, "main");
      sim.commit(REPO, { branch: `copilot/${i}`, files: { [`src/${i}.ts`]: `export const x = ${i};\n` }, message: "Initial plan", author: COPILOT });
      await sim.openPullRequest(REPO, { head: `copilot/${i}`, title: `Change ${i}`, author: "Copilot" });
    }
    const t0 = performance.now();
    const delivery = await sim.installApp(REPO, "maria");
    const ms = performance.now() - t0;
    const c = costOf([delivery]);
    trace(`installation sweep, per PR of ${openPulls}`, [delivery], openPulls);
    return `| installation sweep, ${openPulls} open PRs, per PR | ${(c.rateLimited / openPulls).toFixed(1)} | ${(c.notModified / openPulls).toFixed(1)} | ${(c.writes / openPulls).toFixed(1)} | ${(ms / openPulls).toFixed(0)} |`;
  } finally {
    await stack.stop();
  }
}

async function throughput(count: number) {
  const stack = await startStack({ logLevel: "error" });
  const { sim } = stack;
  try {
    seed(sim);
    const { number } = await agentPullRequest(sim, "copilot/load");
    const reviewers = ["maria", "max", "rita", "dana"];
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const latencies: number[] = [];
    const t0 = performance.now();
    let lost = 0;
    for (let i = 0; i < count; i++) {
      const s = performance.now();
      const { delivery } = await sim.submitReview(REPO, number, { reviewer: reviewers[i % 4]!, event: i % 3 ? "COMMENT" : "APPROVE" });
      latencies.push(performance.now() - s);
      if (delivery.status < 200 || delivery.status >= 300) lost++;
      if (i === Math.floor(count / 10)) global.gc?.();
    }
    const seconds = (performance.now() - t0) / 1000;
    global.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    return [
      `${count} review deliveries one after another: ${(count / seconds).toFixed(0)} webhooks/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, ${lost} not answered 2xx`,
      `heap ${(heapBefore / 1e6).toFixed(1)} MB before, ${(heapAfter / 1e6).toFixed(1)} MB after${global.gc ? "" : " (NODE_OPTIONS=--expose-gc settles them)"}`,
    ];
  } finally {
    await stack.stop();
  }
}

const lines = await perEvent();
lines.push(await sweep(arg("sweep", 50)));
console.log(lines.join("\n"));
if (traces.length) console.log(["", ...traces].join("\n"));
console.log("");
for (const l of await throughput(arg("throughput", 300))) console.log(l);
