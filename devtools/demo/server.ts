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

export interface SpawnOptions {
  /** The script to run instead of `<root>/lib/server/main.js` (the benchmark's launcher of the same server). */
  script?: string;
  /** Options for node before the script (the benchmark's `--expose-gc`, `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** An IPC channel to the child (`child.send`, `child.on("message")`). */
  ipc?: boolean;
  /** Keep only the last this many characters of what the child prints (a long run logs a lot). */
  keepChars?: number;
}

/** Starts `<root>/lib/server/main.js` (or `opts.script`) in `cwd` with exactly `env`, collecting what it prints. */
export function spawnServer(root: string, cwd: string, env: Record<string, string>, opts: SpawnOptions = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script ?? join(root, "lib/server/main.js")], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe", ...(opts.ipc ? (["ipc"] as const) : [])],
  });
  let out = "";
  const keep = opts.keepChars ?? Infinity;
  const collect = (b: Buffer) => {
    out += b.toString();
    if (out.length > 2 * keep) out = out.slice(-keep);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return { child, output: () => (out.length > keep ? out.slice(-keep) : out) };
}

/** Resolves once `url` (the server's `/readyz`) answers 200; throws if the child exits or 20 s pass. */
export async function waitForReady(url: string, app: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the app exited (${app.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the app did not start within 20 s:\n${output()}`);
}
