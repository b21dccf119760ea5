/**
 * The deliveries a replica accepted and is still handling, kept in Redis. Probot answers 202 after
 * 9 s and carries on; a delivery answered 2xx whose replica then dies (SIGKILL, OOM), or whose
 * handling fails after the answer (no turn within a minute), is counted delivered by GitHub and the
 * catch-up never sees it. With the journal another replica claims it once its owner stops renewing
 * the lease, and hands it to the handlers again (src/server/recovery.ts).
 *
 * Per delivery a hash `<prefix>entry:<id>` (event name, owner, attempts, and the payload with its
 * signature when it fits the cap), living `ttlMs`; and one sorted set `<prefix>leases` of the ids
 * scored by when their lease ends, on Redis's own clock (`TIME`), so replicas' clocks never
 * disagree about who may claim. Every step is one Lua script, so a claim is atomic: an entry is
 * claimed by one replica, once per lapse. (The scripts name entry keys they build themselves: a
 * single Redis, as the rest of the runtime, not a cluster.)
 *
 * Nothing here ever stops a delivery: a journal that cannot be written only means the delivery
 * cannot be recovered from it if its replica dies (the catch-up is then the fallback).
 */
import { randomUUID } from "node:crypto";

export interface JournalRedis {
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** A delivery as the handlers receive it: the exact body GitHub signed, and the signature. */
export interface AcceptedDelivery {
  id: string;
  name: string;
  payload: string;
  signature: string;
}

/**
 * What a claim found. `claimed`: now this replica's, to be handled again. `too-big`: journaled
 * without its payload, so it cannot be handled from here. `gave-up`: claimed too often already.
 * The last two are removed from the journal by the claim.
 */
export type ClaimedDelivery =
  | { status: "claimed"; id: string; name: string; attempt: number; payload: string; signature: string }
  | { status: "too-big" | "gave-up"; id: string; name: string; attempt: number };

export interface DeliveryJournal {
  /**
   * Runs `work` (the handlers) with `delivery` journaled as this replica's, its lease renewed while
   * it runs. The entry is removed when `work` resolves; when it throws, the entry is left claimable.
   */
  handle<T>(delivery: AcceptedDelivery, work: () => Promise<T>): Promise<T>;
  /** The same for an entry this replica claimed: it is already written and owned. */
  handleClaimed<T>(entry: { id: string }, work: () => Promise<T>): Promise<T>;
  /** Entries whose owner's lease ended, now owned by this replica (at most `max`). */
  claimLapsed(max?: number): Promise<ClaimedDelivery[]>;
}

/** One process alone (no Redis): if it dies its memory goes with it, so there is nothing to journal. */
export class NoJournal implements DeliveryJournal {
  handle<T>(_: AcceptedDelivery, work: () => Promise<T>): Promise<T> {
    return work();
  }
  handleClaimed<T>(_: { id: string }, work: () => Promise<T>): Promise<T> {
    return work();
  }
  async claimLapsed(): Promise<ClaimedDelivery[]> {
    return [];
  }
}

interface Logger {
  warn(o: object, m: string): void;
}

export interface RedisJournalOptions {
  /** A lapsed lease makes the entry claimable: a dead replica's deliveries wait this long at most. */
  leaseMs: number;
  /** How often the leases of the deliveries in hand are renewed (well under leaseMs). */
  renewMs: number;
  /** An entry lives this long at most, whatever happens to its replica. */
  ttlMs: number;
  /** A payload above this is journaled by id and name only. */
  maxPayloadBytes: number;
  /** How many times one entry may be claimed before it is given up. */
  maxAttempts: number;
  prefix?: string;
  log: Logger;
  /** Told of each delivery the journal could not keep whole (a metric). */
  onUnjournaled?: (reason: "too-big" | "redis") => void;
}

export const JOURNAL_DEFAULTS = {
  leaseMs: 10_000,
  renewMs: 3_000,
  ttlMs: 3_600_000,
  maxPayloadBytes: 512 * 1024,
  maxAttempts: 3,
} as const;

const NOW = `local t = redis.call("TIME") local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: entry, leases. ARGV: owner, name, id, ttl, lease[, payload, signature]
const WRITE = `${NOW}
redis.call("DEL", KEYS[1])
if ARGV[6] then
  redis.call("HSET", KEYS[1], "owner", ARGV[1], "name", ARGV[2], "attempts", "0", "payload", ARGV[6], "signature", ARGV[7])
else
  redis.call("HSET", KEYS[1], "owner", ARGV[1], "name", ARGV[2], "attempts", "0")
end
redis.call("PEXPIRE", KEYS[1], ARGV[4])
redis.call("ZADD", KEYS[2], now + tonumber(ARGV[5]), ARGV[3])
redis.call("PEXPIRE", KEYS[2], ARGV[4])
return 1`;

// KEYS: leases, entry... ARGV: owner, lease, id... Returns the ids this owner no longer holds.
const RENEW = `${NOW}
local lost = {}
for i = 2, #KEYS do
  if redis.call("HGET", KEYS[i], "owner") == ARGV[1] then
    redis.call("ZADD", KEYS[1], "XX", now + tonumber(ARGV[2]), ARGV[i + 1])
  else
    table.insert(lost, ARGV[i + 1])
  end
end
return lost`;

// KEYS: entry, leases. ARGV: owner, id. Only the owner removes an entry (or what expired under it).
const REMOVE = `local owner = redis.call("HGET", KEYS[1], "owner")
if owner and owner ~= ARGV[1] then return 0 end
redis.call("DEL", KEYS[1])
redis.call("ZREM", KEYS[2], ARGV[2])
return 1`;

// KEYS: entry, leases. ARGV: owner, id. A failed handling: claimable at once, by anyone.
const RELEASE = `${NOW}
if redis.call("HGET", KEYS[1], "owner") ~= ARGV[1] then return 0 end
return redis.call("ZADD", KEYS[2], "XX", now, ARGV[2])`;

// KEYS: leases. ARGV: owner, lease, max, entry prefix, max attempts.
const CLAIM = `${NOW}
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now, "LIMIT", 0, tonumber(ARGV[3]))
local found = {}
for _, id in ipairs(ids) do
  local key = ARGV[4] .. id
  local e = redis.call("HMGET", key, "name", "attempts", "payload", "signature")
  if not e[1] then
    redis.call("ZREM", KEYS[1], id)
  else
    local attempt = tonumber(e[2] or "0") + 1
    if not e[3] or attempt > tonumber(ARGV[5]) then
      redis.call("DEL", key)
      redis.call("ZREM", KEYS[1], id)
      table.insert(found, { e[3] and "gave-up" or "too-big", id, e[1], tostring(attempt) })
    else
      redis.call("HSET", key, "owner", ARGV[1], "attempts", tostring(attempt))
      redis.call("ZADD", KEYS[1], now + tonumber(ARGV[2]), id)
      table.insert(found, { "claimed", id, e[1], tostring(attempt), e[3], e[4] or "" })
    end
  end
end
return found`;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Whether a payload fits the journal's cap (its bytes, as Redis stores them). */
export function fitsJournal(payload: string, maxBytes: number): boolean {
  return payload.length <= maxBytes && Buffer.byteLength(payload, "utf8") <= maxBytes;
}

export class RedisJournal implements DeliveryJournal {
  /** This replica, as the owner of its entries. */
  readonly owner = randomUUID();
  /** Ids in hand (a count: GitHub may redeliver one while it runs) whose leases are renewed. */
  readonly #held = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  readonly #opts: RedisJournalOptions & { prefix: string };

  constructor(
    private readonly redis: JournalRedis,
    opts: RedisJournalOptions,
  ) {
    this.#opts = { ...opts, prefix: opts.prefix ?? "agentgate:journal:" };
  }

  private entryKey(id: string) {
    return `${this.#opts.prefix}entry:${id}`;
  }
  private get leasesKey() {
    return `${this.#opts.prefix}leases`;
  }

  async handle<T>(delivery: AcceptedDelivery, work: () => Promise<T>): Promise<T> {
    const written = await this.write(delivery);
    return written ? this.handleClaimed(delivery, work) : work();
  }

  async handleClaimed<T>(entry: { id: string }, work: () => Promise<T>): Promise<T> {
    this.hold(entry.id);
    let result: T;
    try {
      result = await work();
    } catch (e) {
      this.letGo(entry.id);
      await this.run("release", RELEASE, [this.entryKey(entry.id), this.leasesKey], [this.owner, entry.id]);
      throw e;
    }
    this.letGo(entry.id);
    await this.run("remove", REMOVE, [this.entryKey(entry.id), this.leasesKey], [this.owner, entry.id]);
    return result;
  }

  async claimLapsed(max = 20): Promise<ClaimedDelivery[]> {
    const o = this.#opts;
    const rows = (await this.redis.eval(CLAIM, 1, this.leasesKey, this.owner, o.leaseMs, max, `${o.prefix}entry:`, o.maxAttempts)) as string[][];
    return rows.map(([status, id, name, attempt, payload, signature]) =>
      status === "claimed"
        ? { status, id: id!, name: name!, attempt: Number(attempt), payload: payload!, signature: signature! }
        : { status: status as "too-big" | "gave-up", id: id!, name: name!, attempt: Number(attempt) },
    );
  }

  /** Journals the delivery; false when Redis did not take it (it is handled all the same). */
  private async write(d: AcceptedDelivery): Promise<boolean> {
    const o = this.#opts;
    const whole = fitsJournal(d.payload, o.maxPayloadBytes);
    if (!whole) {
      o.onUnjournaled?.("too-big");
      o.log.warn(
        { delivery: d.id, event: d.name, bytes: Buffer.byteLength(d.payload, "utf8"), maxBytes: o.maxPayloadBytes },
        "delivery too large for the journal: kept by id and name only, so if this replica dies while handling it, it cannot be recovered from there (the catch-up redelivers it if GitHub saw it fail)",
      );
    }
    try {
      await this.redis.eval(WRITE, 2, this.entryKey(d.id), this.leasesKey, this.owner, d.name, d.id, o.ttlMs, o.leaseMs, ...(whole ? [d.payload, d.signature] : []));
      return true;
    } catch (e) {
      o.onUnjournaled?.("redis");
      o.log.warn({ delivery: d.id, event: d.name, err: message(e) }, "could not journal the delivery: handling it anyway, but it cannot be recovered if this replica dies");
      return false;
    }
  }

  /** A journal step after handling: its failure only leaves an entry that lapses and costs a re-check. */
  private async run(op: string, script: string, keys: string[], args: string[]) {
    try {
      await this.redis.eval(script, keys.length, ...keys, ...args);
    } catch (e) {
      this.#opts.log.warn({ op, delivery: args[1], err: message(e) }, "journal: Redis did not answer; the entry lapses and is handled again (a handled delivery costs nothing)");
    }
  }

  private hold(id: string) {
    this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    this.#timer ??= setInterval(() => void this.renew(), this.#opts.renewMs);
    this.#timer.unref();
  }

  private letGo(id: string) {
    const n = (this.#held.get(id) ?? 1) - 1;
    if (n > 0) this.#held.set(id, n);
    else this.#held.delete(id);
    if (this.#held.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** One script renews every lease in hand; one Redis no longer gives us is not renewed again. */
  private async renew() {
    const ids = [...this.#held.keys()];
    if (!ids.length) return;
    try {
      const lost = (await this.redis.eval(RENEW, ids.length + 1, this.leasesKey, ...ids.map((id) => this.entryKey(id)), this.owner, this.#opts.leaseMs, ...ids)) as string[];
      for (const id of lost) this.#held.delete(id);
    } catch (e) {
      this.#opts.log.warn({ held: ids.length, err: message(e) }, "journal: could not renew the leases of the deliveries in hand; another replica may handle them again");
    }
  }
}
