/**
 * An in-process stack for the end-to-end tests and the benchmark: the local GitHub simulator and the
 * real Probot server over HTTP, signed webhooks between them. (The demo runs the built server, as `npm start` does.)
 */
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { Probot, Server } from "probot";
import { createAgentgate, type AgentgateOptions } from "../../src/index.js";
import { AgentgateOctokit } from "../../src/github/client.js";
import { GitHubSimulator } from "../simulator/index.js";
import { newPrivateKey } from "./keys.js";
import { freePort } from "./net.js";

export interface Stack {
  sim: GitHubSimulator;
  /** Where the simulator sends webhooks to reach the app. */
  webhookUrl: string;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Stop the app and start it again on the same simulator: a new app, knowing nothing the last one kept. */
  restartApp(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  webhookSecret?: string;
  /** Probot spaces writes one second apart; tests turn that off to run in seconds, not minutes. */
  throttle?: boolean;
  logLevel?: "debug" | "info" | "warn" | "error";
  /** The app's request timeout and per-repository turn limit (deadlines.ts); tests shorten them. */
  deadlines?: AgentgateOptions;
  /** Delay every simulated GitHub answer by this many milliseconds. */
  latencyMs?: number;
  /** "concurrent": webhooks do not wait for the one before (see SimulatorOptions.deliveries). */
  deliveries?: "serial" | "concurrent";
  /** The simulator's clock (see SimulatorOptions.clock). */
  clock?: () => string;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const secret = opts.webhookSecret ?? "local-webhook-secret";
  const sim = await GitHubSimulator.start({ webhookSecret: secret, appId: 1, appSlug: "agentgate", latencyMs: opts.latencyMs ?? 0, ...(opts.deliveries ? { deliveries: opts.deliveries } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: opts.logLevel ?? "info" }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const startApp = () => startAppServer(sim, { secret, log, throttle: opts.throttle ?? false, options: opts.deadlines });
  let app = await startApp();
  sim.setWebhookTarget(app.webhookUrl);
  return {
    sim,
    get webhookUrl() {
      return app.webhookUrl;
    },
    logs,
    async restartApp() {
      await app.stop();
      app = await startApp();
      sim.setWebhookTarget(app.webhookUrl);
    },
    async stop() {
      await app.stop();
      await sim.stop();
    },
  };
}

/** The real Probot server with agentgate, over HTTP on a free port, against a running simulator. */
export async function startAppServer(
  sim: GitHubSimulator,
  opts: { secret: string; log: Logger; throttle: boolean; options?: AgentgateOptions },
): Promise<{ webhookUrl: string; stop(): Promise<void> }> {
  const server = new Server({
    host: "127.0.0.1",
    port: await freePort(),
    webhookPath: "/api/github/webhooks",
    log: opts.log,
    Probot: Probot.defaults({
      appId: 1,
      privateKey: newPrivateKey(),
      secret: opts.secret,
      baseUrl: `${sim.url}/api/v3`,
      log: opts.log,
      // The server's client class (src/github/client.ts), with quick retries.
      Octokit: AgentgateOctokit.defaults((o: Record<string, unknown>) => ({
        ...o,
        throttle: { enabled: opts.throttle },
        retryFailed: { retryBaseMs: 5 },
      })),
    }),
  });
  await server.load(createAgentgate(opts.options));
  const http = await server.start();
  return { webhookUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/github/webhooks`, stop: () => server.stop() };
}
