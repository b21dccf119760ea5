/**
 * Benchmark of the gate: CPU per decision (the pure core) and, end to end over HTTP against the local
 * simulator, the latency of a webhook and the GitHub requests it costs. The installation sweep, and
 * the cost of each event split into rate-limited requests, 304s and writes: bench/cost.ts.
 *
 *   npx tsx bench/gate.ts [--webhooks N] [--decisions N]
 *
 * Probot's one-write-a-second throttle is off here (as in the e2e tests) so that what is measured is
 * agentgate, not the throttle; with it on, each webhook that changes the result waits about a second
 * per write.
 */
import { performance } from "node:perf_hooks";
import { defaultPolicy } from "../src/config/schema.js";
import { decide } from "../src/decide.js";
import { startStack } from "../devtools/demo/stack.js";
import type { CommitFacts, FileFacts, PullRequestFacts } from "../src/facts/types.js";
import { facts } from "../test/helpers/facts.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function syntheticFacts(files: number, commits: number): PullRequestFacts {
  const commitFacts: CommitFacts[] = Array.from({ length: commits }, (_, i) => ({
    sha: i.toString(16).padStart(40, "0"),
    message: i % 3 === 0 ? `Fix ${i}\n\nCo-Authored-By: Claude <noreply@anthropic.com>` : `Refactor module ${i}`,
    author: { name: "Dana", email: "dana@acme.example", login: "dana" },
    committer: { name: "Dana", email: "dana@acme.example", login: "dana" },
    parents: [],
  }));
  const fileFacts: FileFacts[] = Array.from({ length: files }, (_, i) => {
    const tf = i % 5 === 0;
    return {
      filename: tf ? `infra/mod${i}/main.tf` : `src/pkg${i}/file${i}.ts`,
      status: "modified",
      patch: tf
        ? `@@ -1,4 +1,4 @@\n resource "aws_instance" "web${i}" {\n   ami = "ami-1"\n-  instance_type = "t3.small"\n+  instance_type = "t3.medium"\n }`
        : `@@ -10,6 +10,7 @@ export function f${i}() {\n   const a = 1;\n   const b = 2;\n-  return a + b;\n+  const c = 3;\n+  return a + b + c;\n }`,
      additions: 2,
      deletions: 1,
    };
  });
  return facts({
    title: "Big change",
    author: { login: "dana", type: "User" },
    headRef: "claude/big-change-x1y2z",
    changedFiles: files,
    commitCount: commits,
    commits: commitFacts,
    files: fileFacts,
  });
}

function benchDecide(runs: number) {
  const loaded = { policy: defaultPolicy(), problems: [], sources: [] };
  for (const [files, commits] of [
    [10, 3],
    [300, 50],
    [3000, 250],
  ] as const) {
    const facts = syntheticFacts(files, commits);
    decide(facts, loaded); // warm up (compiles the catalog once)
    const n = files >= 3000 ? Math.max(5, Math.floor(runs / 50)) : runs;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) decide(facts, loaded);
    const wall = (performance.now() - t0) / n;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / n;
    console.log(`decide(): ${files} files, ${commits} commits: ${wall.toFixed(3)} ms wall, ${cpuMs.toFixed(3)} ms CPU per evaluation (${n} runs)`);
  }
}

/** The identity Copilot's coding agent commits under. */
const COPILOT_COMMITS = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };

async function benchWebhooks(count: number) {
  const stack = await startStack({ logLevel: "error" });
  const { sim } = stack;
  try {
    const repo = "acme/app";
    sim.addOrg("acme");
    for (const login of ["dana", "maria", "max"]) sim.addUser({ login, name: login, email: `${login}@acme.example` });
    sim.addUser({ login: "Copilot", type: "Bot" });
    sim.addRepo({ owner: "acme", name: "app", files: { "infra/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.small"\n}\n' } });
    for (const login of ["dana", "maria", "max"]) sim.setPermission(repo, login, "write");
    sim.createBranch(repo, "copilot/x", "main");
    sim.commit(repo, { branch: "copilot/x", files: {}, message: "Initial plan", author: COPILOT_COMMITS });
    sim.commit(repo, { branch: "copilot/x", files: { "infra/main.tf": 'resource "aws_instance" "web" {\n  instance_type = "t3.medium"\n}\n' }, message: "Resize", author: COPILOT_COMMITS });
    const { number, delivery: opened } = await sim.openPullRequest(repo, { head: "copilot/x", title: "Resize", author: "Copilot" });

    const latencies: number[] = [];
    const requests: number[] = [opened.requests.length];
    const reviewers = ["maria", "max", "dana"];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const { delivery } = await sim.submitReview(repo, number, { reviewer: reviewers[i % 3]!, event: i % 2 ? "COMMENT" : "APPROVE" });
      latencies.push(performance.now() - t0);
      requests.push(delivery.requests.length);
    }
    const l = [...latencies].sort((a, b) => a - b);
    const r = [...requests].sort((a, b) => a - b);
    console.log(
      `webhook latency (pull_request_review, end to end over HTTP, ${count} deliveries): p50 ${percentile(l, 50).toFixed(1)} ms, p90 ${percentile(l, 90).toFixed(1)} ms, p99 ${percentile(l, 99).toFixed(1)} ms`,
    );
    console.log(
      `GitHub requests per webhook: opened ${opened.requests.length}; reviews min ${r[0]}, median ${percentile(r, 50)}, max ${r[r.length - 1]}`,
    );
  } finally {
    await stack.stop();
  }
}

benchDecide(arg("decisions", 200));
await benchWebhooks(arg("webhooks", 60));
