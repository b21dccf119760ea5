/**
 * The production server as `npm start` runs it (the built lib/server/main.js, a child process) against
 * the simulator over real HTTP: refusing unsafe starts, health, readiness, metrics, one warning line
 * for a bad signature, and a clean exit on SIGTERM.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { spawnSync, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { newPrivateKey } from "../../devtools/demo/keys.js";
import { freePort } from "../../devtools/demo/net.js";
import { spawnServer } from "../../devtools/demo/server.js";
import { GitHubSimulator, signature } from "../../devtools/simulator/index.js";
import { buildScratchPackage } from "../helpers/built.js";
import { copilotPullRequest, seedRepo } from "../e2e/harness.js";

const SECRET = "server-e2e-secret";
let pkg: string;
const KEY = newPrivateKey();
beforeAll(() => {
  pkg = buildScratchPackage("agentgate-server-");
}, 120_000);
afterAll(() => rmSync(pkg, { recursive: true, force: true }));


interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  logs: () => Record<string, unknown>[];
  exited: Promise<number | null>;
}

let running: Running | undefined;
let sim: GitHubSimulator | undefined;
afterEach(async () => {
  running?.child.kill("SIGKILL");
  running = undefined;
  await sim?.stop();
  sim = undefined;
});

function startServer(env: Record<string, string>): Running {
  const { child, output } = spawnServer(pkg, pkg, { PATH: process.env.PATH ?? "", ...env });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    url: `http://127.0.0.1:${env.PORT}`,
    output,
    logs: () =>
      output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
  };
}

async function untilListening(r: Running) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (r.child.exitCode !== null) throw new Error(`the server exited: ${r.output()}`);
    try {
      await fetch(`${r.url}/healthz`);
      return;
    } catch {
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  throw new Error(`the server did not listen: ${r.output()}`);
}

async function againstSimulator(extra: Record<string, string> = {}) {
  sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate" });
  const port = await freePort();
  running = startServer({
    APP_ID: "1",
    PRIVATE_KEY: KEY,
    WEBHOOK_SECRET: SECRET,
    GHE_HOST: new URL(sim.url).host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    PORT: String(port),
    NODE_ENV: "production",
    ...extra,
  });
  await untilListening(running);
  sim.setWebhookTarget(`${running.url}/api/github/webhooks`);
  return { sim, server: running };
}

const refused = (env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [join(pkg, "lib/server/main.js")], { cwd: pkg, env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 20_000 });
  return { code: r.status, stderr: r.stderr };
};

describe("refusing an unsafe start", () => {
  it("in production without WEBHOOK_SECRET: exit 1 and the reason, no setup page", () => {
    const r = refused({ NODE_ENV: "production", APP_ID: "1", PRIVATE_KEY: KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("agentgate: cannot start: WEBHOOK_SECRET is not set");
  });

  it("with APP_ID set and a private key that does not parse: exit 1, and the key is not printed", () => {
    const r = refused({ APP_ID: "1", PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nnot-a-key-XYZZY\n-----END RSA PRIVATE KEY-----", WEBHOOK_SECRET: "s" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the private key does not parse");
    expect(r.stderr).not.toContain("XYZZY");
  });
});

describe("a running server", () => {
  it("is alive and ready when GitHub accepts its credentials", async () => {
    const { server } = await againstSimulator();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: [{ name: "github-app-credentials", ok: true }] });
  });

  it("is not ready, and says why, when GitHub refuses the App's credentials", async () => {
    const { server } = await againstSimulator({ APP_ID: "7" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { ready: boolean; checks: { name: string; ok: boolean; reason?: string }[] };
    expect(body.ready).toBe(false);
    expect(body.checks[0]).toMatchObject({ name: "github-app-credentials", ok: false });
    expect(body.checks[0]!.reason).toMatch(/401/);
  });

  it("is not ready when the configured Redis cannot be reached", async () => {
    const closedPort = await freePort();
    const { server } = await againstSimulator({ REDIS_URL: `redis://127.0.0.1:${closedPort}` });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: { name: string; ok: boolean; reason?: string }[] };
    expect(body.checks.find((c) => c.name === "redis")).toMatchObject({ ok: false, reason: expect.stringContaining("Redis is unreachable") });
  });

  it("counts webhooks, decisions, evaluations, GitHub requests and the rate limit in /metrics", async () => {
    const { sim: s, server } = await againstSimulator();
    seedRepo(s);
    await copilotPullRequest(s, { "src/app.ts": "export const answer = 42;\n" });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^agentgate_webhooks_total\{event="pull_request",outcome="ok"\} 1$/m);
    expect(metrics).toMatch(/^agentgate_github_requests_total\{installation="\d+",method="GET",outcome="2xx"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^agentgate_webhook_duration_seconds_count\{event="pull_request"\} 1$/m);
    expect(metrics).toContain("agentgate_github_rate_limit_remaining");
    expect(metrics).toMatch(/^agentgate_decisions_total\{state="pending"\} 1$/m);
    expect(metrics).toMatch(/^agentgate_evaluation_duration_seconds_count [1-9]\d*$/m);
  });

  it("logs a webhook with a bad signature as one warning line with its delivery id", async () => {
    const { server } = await againstSimulator();
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const res = await fetch(`${server.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "bad-sig-delivery-1",
        "x-hub-signature-256": signature("not-the-secret", body),
      },
      body,
    });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    const about = server.logs().filter((l) => JSON.stringify(l).includes("bad-sig-delivery-1"));
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({ level: 40, delivery: "bad-sig-delivery-1" });
    expect(server.logs().filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it("on SIGTERM stops taking deliveries, says so, and exits 0", async () => {
    const { server } = await againstSimulator();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const messages = server.logs().map((l) => l.msg);
    expect(messages).toContain("shutting down: no new deliveries");
    expect(messages).toContain("every delivery in flight finished; exiting");
  });
});
