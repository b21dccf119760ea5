/**
 * The throughput benchmark's app process: the built server (`npm run build` first) started as
 * `npm start` starts it, from the same settings, with Probot's throttle off (as in the in-process
 * figure, so agentgate is measured, not the throttle). Run with `node --expose-gc`: on a "measure"
 * message it answers with the process's CPU time so far and its heap after a full GC.
 */
import { readFileSync } from "node:fs";
import { serve } from "../lib/server/main.js";
import { startMode } from "../lib/server/settings.js";

process.on("message", (message) => {
  if (message !== "measure") return;
  globalThis.gc?.();
  process.send?.({ cpu: process.cpuUsage(), heapUsed: process.memoryUsage().heapUsed, gc: typeof globalThis.gc === "function" });
});
// The IPC channel alone must not keep the process alive.
process.channel?.unref();

const mode = startMode(process.env, (p) => readFileSync(p, "utf8"));
if (mode.mode !== "run") {
  process.stderr.write(`agentgate (benchmark): cannot start: ${mode.mode === "refuse" ? mode.problems.join("; ") : "no credentials"}\n`);
  process.exit(1);
}
await serve(mode.settings, { githubThrottle: false });
