/**
 * The CPU one GitHub request costs agentgate's process, client layer by layer: Octokit as Probot
 * makes it, then with each of agentgate's request hooks, for a 200 and for a 304 answer. GitHub is
 * a small HTTP server in a process of its own, so only the client's work is counted.
 *
 *   npx tsx bench/request-cost.ts [-- --requests N --concurrency N --rounds N]
 *
 * A benchmark, not a test: it prints microseconds of CPU per request (the median of the rounds, and
 * the spread) and passes or fails nothing. The throughput figure of `npm run bench` is about six of
 * these per webhook plus agentgate's own work.
 */
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { ProbotOctokit } from "probot";
import { guardRequests } from "../src/deadlines.js";
import { ConditionalCache, useConditionalRequests } from "../src/github/conditional.js";
import { retryFailed } from "../src/github/retry.js";
import { githubFetch } from "../src/github/transport.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A pull request's answer of a usual size (about 1 KB), with an ETag a second ask can send back. */
function serveGitHub(): void {
  const body = JSON.stringify({
    number: 1,
    state: "open",
    title: "x".repeat(200),
    body: "y".repeat(500),
    head: { sha: "a".repeat(40), ref: "agent/change" },
    base: { sha: "c".repeat(40), ref: "main" },
    user: { login: "someone", id: 1, type: "User" },
    labels: [],
  });
  const server = createServer((req, res) => {
    const headers = { "content-type": "application/json; charset=utf-8", etag: '"v1"', "x-ratelimit-remaining": "4999" };
    if (req.headers["if-none-match"] === '"v1"') {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, headers).end(body);
  });
  server.listen(0, "127.0.0.1", () => process.send?.((server.address() as AddressInfo).port));
}

interface Layers {
  name: string;
  /** Probot's own retry plugin (a Bottleneck limiter per request) or agentgate's (github/retry.ts). */
  retry: "probot" | "agentgate" | "none";
  guard: boolean;
  conditional: boolean;
  /** Node's fetch, or undici's request (github/transport.ts). */
  transport: "fetch" | "undici";
}

const LAYERS: Layers[] = [
  { name: "Octokit as Probot makes it (its retry plugin)", retry: "probot", guard: false, conditional: false, transport: "fetch" },
  { name: "  without any retry plugin", retry: "none", guard: false, conditional: false, transport: "fetch" },
  { name: "  with agentgate's retries instead", retry: "agentgate", guard: false, conditional: false, transport: "fetch" },
  { name: "  + the deadlines (deadlines.ts)", retry: "agentgate", guard: true, conditional: false, transport: "fetch" },
  { name: "  + conditional requests", retry: "agentgate", guard: true, conditional: true, transport: "fetch" },
  { name: "  + undici's request for fetch: agentgate's client", retry: "agentgate", guard: true, conditional: true, transport: "undici" },
];

async function measure(baseUrl: string, layers: Layers, answer: 200 | 304, requests: number, concurrency: number, rounds: number) {
  const Octokit = layers.retry === "agentgate" ? ProbotOctokit.plugin(retryFailed as never) : ProbotOctokit;
  const cache = new ConditionalCache();
  // A new client per request, as Probot makes one per delivery.
  const client = () => {
    const octokit = new Octokit({
      auth: { token: "bench" },
      baseUrl,
      throttle: { enabled: false },
      retry: { enabled: layers.retry === "probot" },
      ...(layers.transport === "undici" ? { request: { fetch: githubFetch } } : {}),
    } as never);
    if (layers.guard) guardRequests(octokit);
    if (layers.conditional) useConditionalRequests(octokit as never, cache, "1");
    return octokit;
  };
  // Without conditional requests, the client sends the ETag itself to be answered 304.
  const headers = answer === 304 && !layers.conditional ? { "if-none-match": '"v1"' } : {};
  const one = async () => {
    try {
      await client().request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "acme", repo: "app", pull_number: 1, headers });
    } catch (e) {
      if ((e as { status?: number }).status !== 304) throw e;
    }
  };
  const run = async (n: number) => {
    let sent = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (sent++ < n) await one();
    }));
  };
  if (answer === 304 && layers.conditional) await one(); // the first answer, kept for the 304s
  await run(requests / 2); // warm up
  const perRequest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    await run(requests);
    const used = process.cpuUsage(before);
    perRequest.push((used.user + used.system) / requests);
  }
  perRequest.sort((a, b) => a - b);
  return { median: perRequest[Math.floor(rounds / 2)]!, low: perRequest[0]!, high: perRequest[rounds - 1]! };
}

async function main() {
  const requests = arg("requests", 3000);
  const concurrency = arg("concurrency", 8);
  const rounds = arg("rounds", 5);
  const github = fork(fileURLToPath(import.meta.url), ["--serve"], { execArgv: process.execArgv });
  const port = await new Promise<number>((resolve) => github.once("message", (m) => resolve(Number(m))));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    console.log(`CPU µs per GitHub request, median of ${rounds} rounds of ${requests} (${concurrency} in flight), low–high`);
    console.log("| client | 200 | 304 |");
    console.log("| --- | --- | --- |");
    for (const layers of LAYERS) {
      const cells = [];
      for (const answer of [200, 304] as const) {
        const m = await measure(baseUrl, layers, answer, requests, concurrency, rounds);
        cells.push(`${m.median.toFixed(0)} (${m.low.toFixed(0)}–${m.high.toFixed(0)})`);
      }
      console.log(`| ${layers.name} | ${cells.join(" | ")} |`);
    }
  } finally {
    github.kill();
  }
}

if (process.argv.includes("--serve")) serveGitHub();
else await main();
