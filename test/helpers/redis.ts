/**
 * A real redis-server for a test file (the Debian package; .ci/run installs it when missing), on a
 * free port, without persistence; and clients that are disconnected when it stops.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "../../devtools/demo/net.js";

export interface RedisServer {
  port: number;
  url: string;
  /** A client of this server, disconnected by stop(). */
  client(): Redis;
  /** Resolves once the server has exited. */
  stop(): Promise<void>;
}

/** On `port` (a free one when absent): a restart on the same port is Redis coming back. */
export async function startRedis(onPort?: number): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not installed (Debian package redis-server; .ci/run installs it)");
  const port = onPort ?? (await freePort());
  const server: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const clients: Redis[] = [];
  const running: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    client() {
      const c = new Redis({ port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 1 });
      clients.push(c);
      return c;
    },
    stop() {
      for (const c of clients) c.disconnect();
      if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
      server.kill();
      return exited;
    },
  };
  for (let i = 0; i < 50; i++) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return running;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await running.stop();
  throw new Error("redis-server did not start");
}
