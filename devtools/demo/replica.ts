/**
 * One more agentgate server, in this process, on a simulator that is already running (stack.ts
 * starts the first): with `options` a replica's shared services. In one process the facts module's
 * copies are shared by every server, so a caller playing another replica clears them first
 * (clearFactCaches): a real replica starts without them.
 */
import { pino } from "pino";
import type { AgentgateOptions } from "../../src/index.js";
import type { GitHubSimulator } from "../simulator/index.js";
import { startAppServer } from "./stack.js";

export interface Replica {
  webhookUrl: string;
  stop(): Promise<void>;
}

export function startReplica(sim: GitHubSimulator, opts: { webhookSecret: string; options?: AgentgateOptions }): Promise<Replica> {
  return startAppServer(sim, { secret: opts.webhookSecret, log: pino({ level: "silent" }), throttle: false, ...(opts.options ? { options: opts.options } : {}) });
}
