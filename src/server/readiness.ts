/**
 * Whether this process can do its work: the App's credentials are accepted by GitHub (a JWT signed
 * with the key is exchanged for the App's own record), and Redis answers when one is configured.
 * Answers are kept briefly so a probe every few seconds does not become GitHub traffic.
 */
import { connect } from "node:net";

export interface ReadinessCheck {
  name: string;
  run(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  checks: { name: string; ok: boolean; reason?: string }[];
}

const reasonOf = (e: unknown) => {
  const status = typeof e === "object" && e && "status" in e ? ` (HTTP ${String((e as { status: unknown }).status)})` : "";
  return `${(e instanceof Error ? e.message : String(e)).split("\n")[0]}${status}`;
};

/** A check that does not answer in time has failed: a probe must answer before its own timeout. */
function within<T>(ms: number, name: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function readinessProbe(
  checks: readonly ReadinessCheck[],
  opts: { okForMs?: number; failedForMs?: number; timeoutMs?: number; now?: () => number } = {},
) {
  const okFor = opts.okForMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const failedFor = opts.failedForMs ?? 5_000;
  const now = opts.now ?? Date.now;
  let last: { at: number; result: Readiness } | undefined;
  let running: Promise<Readiness> | undefined;
  return async (): Promise<Readiness> => {
    if (last && now() - last.at < (last.result.ready ? okFor : failedFor)) return last.result;
    running ??= (async () => {
      const results = await Promise.all(
        checks.map(async (c) => {
          try {
            await within(timeoutMs, c.name, c.run());
            return { name: c.name, ok: true };
          } catch (e) {
            return { name: c.name, ok: false, reason: reasonOf(e) };
          }
        }),
      );
      const result = { ready: results.every((r) => r.ok), checks: results };
      last = { at: now(), result };
      return result;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}

/** A Redis PING over a plain socket: readiness must not depend on the client library being loaded. */
export function redisPing(url: string, timeoutMs = 2_000): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname || "127.0.0.1", port: Number(u.port) || 6379 });
    const done = (e?: Error) => {
      socket.destroy();
      if (e) reject(e);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`Redis did not answer within ${timeoutMs} ms`)));
    socket.on("error", (e) => done(new Error(`Redis is unreachable: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
    socket.on("connect", () => {
      const password = decodeURIComponent(u.password);
      if (password) {
        const user = decodeURIComponent(u.username);
        const args = user ? ["AUTH", user, password] : ["AUTH", password];
        socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
      }
      socket.write("*1\r\n$4\r\nPING\r\n");
    });
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("utf8");
      if (answer.includes("+PONG")) done();
      else if (answer.startsWith("-")) done(new Error(`Redis refused: ${answer.split("\r\n")[0]!.slice(1)}`));
    });
  });
}
