/**
 * The production server (`lib/server/main.js`, what `npm start` runs) as a child process against the
 * simulator: the demo, the server tests and the replica tests start it the same way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

/** The settings that point the built server at a simulator, as GitHub Enterprise Server over http. */
export function simulatorServerEnv(o: { simulatorUrl: string; privateKey: string; webhookSecret: string; port: number }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    APP_ID: "1",
    PRIVATE_KEY: o.privateKey,
    WEBHOOK_SECRET: o.webhookSecret,
    GHE_HOST: new URL(o.simulatorUrl).host,
    GHE_PROTOCOL: "http",
    HOST: "127.0.0.1",
    PORT: String(o.port),
    NODE_ENV: "production",
  };
}

/** Starts `<root>/lib/server/main.js` in `cwd` with exactly `env`, collecting what it prints. */
export function spawnServer(root: string, cwd: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(root, "lib/server/main.js")], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (out += b.toString()));
  return { child, output: () => out };
}
