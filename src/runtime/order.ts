/**
 * The per-repository order across replicas. Within a process, gate.ts's oneAtATime queues a
 * repository's deliveries; with several replicas, the turn must also be held in Redis, or two
 * replicas could publish one repository's evaluations out of order.
 *
 * The turn is a lease (`SET key token NX PX lease`): whoever holds it runs, then releases it only if
 * it still holds it (compare and delete). A replica that dies loses its lease after `leaseMs`, which
 * is longer than a turn may last (deadlines.turnLimitMs fences a delivery that overruns), so a turn
 * is never taken from a delivery that may still publish. A delivery that cannot get the turn within
 * `waitMs`, or that cannot reach Redis, fails: the webhook answers 500, GitHub marks it failed, and
 * the catch-up redelivers it. It is never run without the turn.
 */
import { randomUUID } from "node:crypto";

export interface RedisLike {
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<string | null>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

export interface RepositoryOrder {
  /** Run `fn` holding `key`'s turn across every replica that shares this order. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class TurnUnavailableError extends Error {
  override name = "TurnUnavailableError";
}

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class RedisOrder implements RepositoryOrder {
  constructor(
    private readonly redis: RedisLike,
    private readonly opts: { leaseMs: number; waitMs: number; prefix?: string; pollMs?: number },
  ) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${this.opts.prefix ?? "agentgate:turn:"}${key}`;
    const token = randomUUID();
    const deadline = Date.now() + this.opts.waitMs;
    let pause = this.opts.pollMs ?? 25;
    for (;;) {
      let got: string | null;
      try {
        got = await this.redis.set(lock, token, "PX", this.opts.leaseMs, "NX");
      } catch (e) {
        throw new TurnUnavailableError(`Redis did not give ${key}'s turn: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (got === "OK") break;
      if (Date.now() + pause > deadline) throw new TurnUnavailableError(`${key}'s turn was held elsewhere for more than ${this.opts.waitMs} ms`);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 500);
    }
    try {
      return await fn();
    } finally {
      // Only our own lease is released: one that expired may belong to another replica by now.
      await this.redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
    }
  }
}
