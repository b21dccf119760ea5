/**
 * The per-repository order across replicas. Within a process, gate.ts's oneAtATime queues a
 * repository's deliveries; with several replicas, the turn must also be held in Redis, or two
 * replicas could publish one repository's evaluations out of order.
 *
 * The turn is a lease (`SET key token NX PX lease`): whoever holds it runs, then releases it only if
 * it still holds it (compare and delete). With `renewMs`, the holder renews its short lease while it
 * runs (compare and PEXPIRE), so a replica that dies (SIGKILL, OOM) frees the repository within one
 * lease instead of holding it for a whole turn limit; a holder that cannot renew (Redis gone, or the
 * lease already lapsed during a stall) is fenced at once (deadlines.ts fencedBy): its GitHub requests
 * stop and the delivery fails. It renews for at most `maxHoldMs` (the turn limit), then is fenced.
 * Without `renewMs` the lease must outlast any turn. A delivery that cannot get the turn within
 * `waitMs`, or that cannot reach Redis, fails: the webhook answers 500, GitHub marks it failed, and
 * the catch-up redelivers it. It is never run without the turn.
 */
import { randomUUID } from "node:crypto";
import { fencedBy } from "../deadlines.js";

export interface RedisLike {
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<string | null>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

export interface RepositoryOrder {
  /**
   * Run `fn` holding `key`'s turn across every replica that shares this order. `since`: when the
   * delivery arrived, from which its wait for the turn is counted (default: now).
   */
  run<T>(key: string, fn: () => Promise<T>, opts?: { since?: number }): Promise<T>;
}

export class TurnUnavailableError extends Error {
  override name = "TurnUnavailableError";
}

/** The lease could not be renewed: another replica may hold the turn now, so this one stops. */
export class TurnLostError extends Error {
  override name = "TurnLostError";
}

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisOrderOptions {
  leaseMs: number;
  /** The longest wait for the turn, counted from the delivery's arrival: it fails while GitHub still waits. */
  waitMs: number;
  /**
   * A delivery that reaches this point after `waitMs` (it waited in its own replica's queue) was, or
   * is about to be, answered 202: a failure now would be lost, so it waits this much longer instead.
   * Default: waitMs.
   */
  lateWaitMs?: number;
  prefix?: string;
  pollMs?: number;
  /** Renew the lease this often while the turn runs (well under leaseMs); absent: never renewed. */
  renewMs?: number;
  /** With renewMs: the longest a turn is held (renewed) before it is fenced. */
  maxHoldMs?: number;
}

export class RedisOrder implements RepositoryOrder {
  constructor(
    private readonly redis: RedisLike,
    private readonly opts: RedisOrderOptions,
  ) {}

  async run<T>(key: string, fn: () => Promise<T>, runOpts: { since?: number } = {}): Promise<T> {
    const lock = `${this.opts.prefix ?? "agentgate:turn:"}${key}`;
    const token = randomUUID();
    const now = Date.now();
    const answerBy = (runOpts.since ?? now) + this.opts.waitMs;
    const deadline = answerBy > now ? answerBy : now + (this.opts.lateWaitMs ?? this.opts.waitMs);
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
    const held = this.opts.renewMs ? this.keepRenewing(lock, token, key) : undefined;
    try {
      if (!held) return await fn();
      const work = fencedBy(held.lost.signal, fn);
      work.catch(() => undefined); // once the turn is lost, its fenced end is not waited for
      // A lost turn ends the delivery at once (500 while GitHub still waits), even if `fn` is stuck.
      const result = await Promise.race([work, held.lostAnswer]);
      // Finished, but the lease lapsed on the way: what it wrote may interleave with another replica.
      if (held.lost.signal.aborted) throw held.lost.signal.reason as Error;
      return result;
    } finally {
      held?.stop();
      // Only our own lease is released: one that expired may belong to another replica by now.
      await this.redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
    }
  }

  private keepRenewing(lock: string, token: string, key: string) {
    const lost = new AbortController();
    const started = Date.now();
    const lose = (why: string) => {
      if (!lost.signal.aborted) lost.abort(new TurnLostError(`${key}'s turn ended: ${why}`));
      clearInterval(timer);
    };
    const timer = setInterval(() => {
      if (this.opts.maxHoldMs !== undefined && Date.now() - started > this.opts.maxHoldMs) return lose(`held longer than ${this.opts.maxHoldMs} ms`);
      this.redis.eval(RENEW, 1, lock, token, String(this.opts.leaseMs)).then(
        (renewed) => {
          if (Number(renewed) !== 1) lose("the lease lapsed and may belong to another replica");
        },
        (e: unknown) => lose(`Redis did not renew the lease: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, this.opts.renewMs);
    timer.unref();
    const lostAnswer = new Promise<never>((_, reject) => lost.signal.addEventListener("abort", () => reject(lost.signal.reason as Error), { once: true }));
    lostAnswer.catch(() => undefined);
    return { lost, lostAnswer, stop: () => clearInterval(timer) };
  }
}
