/**
 * One more agentgate server, in this process, on a simulator that is already running (stack.ts
 * starts the first): with `options` a replica's shared services. In one process the facts module's
 * copies are shared by every server, so a caller playing another replica clears them first
 * (clearFactCaches): a real replica starts without them.
 */
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Probot, ProbotOctokit, Server } from "probot";
import { createAgentgate, type AgentgateOptions } from "../../src/index.js";
import type { GitHubSimulator } from "../simulator/index.js";
import { newPrivateKey } from "./keys.js";
import { freePort } from "./net.js";

export interface Replica {
  webhookUrl: string;
  stop(): Promise<void>;
}

export async function startReplica(sim: GitHubSimulator, opts: { webhookSecret: string; options?: AgentgateOptions }): Promise<Replica> {
  const log = pino({ level: "silent" });
  const server = new Server({
    host: "127.0.0.1",
    port: await freePort(),
    webhookPath: "/api/github/webhooks",
    log,
    Probot: Probot.defaults({
      appId: 1,
      privateKey: newPrivateKey(),
      secret: opts.webhookSecret,
      baseUrl: `${sim.url}/api/v3`,
      log,
      Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { enabled: false }, retry: { retryAfterBaseValue: 5 } })),
    }),
  });
  await server.load(createAgentgate(opts.options));
  const http = await server.start();
  return {
    webhookUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/github/webhooks`,
    stop: () => server.stop(),
  };
}
