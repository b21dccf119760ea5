/**
 * What a commit or a blob holds, shared by replicas: policy files (and their absence) at a commit,
 * the local actions a commit's workflows run, what a workflow blob runs. Each is derived from an
 * immutable object, so a copy written by any replica is as good as a read, and it never needs
 * forgetting; it only expires. Without this each replica pays the reads of every new tip of main.
 *
 * Redis is not trusted with a decision: every value carries an HMAC over its key and content under
 * a key derived from the webhook secret (which only agentgate's replicas hold), so a value written
 * by anyone else, or moved to another repository's key, is not taken. A value that does not verify,
 * does not inflate or does not parse is ignored (the facts module then checks the shape and reads
 * GitHub); a lookup Redis does not answer within `lookupMs` is a miss, and so is every lookup for
 * the next few seconds. Nothing here ever throws.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";

/** Facts keyed by what they are derived from (`kind:owner/repo@sha...`), shared by replicas. */
export interface SharedCommitFacts {
  /** The value kept under `key`; undefined when there is none to be had (absent, unverified, slow, Redis down). */
  get(key: string): Promise<unknown>;
  /** Keep `value` under `key` for every replica. Failures are swallowed: the next lookup reads GitHub. */
  set(key: string, value: unknown): Promise<void>;
}

export interface RedisBuffers {
  getBuffer(key: string): Promise<Buffer | null>;
  set(key: string, value: Buffer, px: "PX", ms: number): Promise<unknown>;
}

/** A day: a commit's facts are read on every evaluation against it, mostly within hours of the push. */
export const COMMIT_FACT_TTL_MS = 24 * 3_600_000;
/** Stored (compressed) size above which a value stays in the process that read it. */
export const MAX_SHARED_FACT_BYTES = 512 * 1024;
/** Inflated size a stored value may reach: a policy file (512 KiB) as JSON, escapes included. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
/** Redis is a saving: a lookup slower than this reads GitHub instead. */
export const COMMIT_FACT_LOOKUP_MS = 50;
/** After a failed or stalled lookup, Redis is left alone this long: a slow Redis costs one wait, not one per fact. */
export const QUIET_AFTER_TROUBLE_MS = 5_000;

const MAC_BYTES = 32;
const zip = promisify(gzip);
const unzip = promisify(gunzip);

export class RedisCommitFacts implements SharedCommitFacts {
  private readonly macKey: Buffer;

  /** `secret`: the webhook secret (every replica has it; whoever can only write Redis has not). */
  constructor(
    private readonly redis: RedisBuffers,
    private readonly opts: { secret: string; prefix?: string; lookupMs?: number; onTrouble?: (op: "get" | "set", e: unknown) => void },
  ) {
    this.macKey = createHmac("sha256", opts.secret).update("agentgate commit facts v1").digest();
  }

  private redisKey(key: string) {
    return `${this.opts.prefix ?? "agentgate:"}sha:${key}`;
  }

  private mac(redisKey: string, body: Buffer): Buffer {
    return createHmac("sha256", this.macKey).update(redisKey).update("\0").update(body).digest();
  }

  /** Until then Redis is not asked: it failed or stalled lately, and each lookup would wait for it again. */
  private quietUntil = 0;

  async get(key: string): Promise<unknown> {
    if (Date.now() < this.quietUntil) return undefined;
    const redisKey = this.redisKey(key);
    const raw = await this.lookup(redisKey);
    if (!raw || raw.length <= MAC_BYTES) return undefined;
    const body = raw.subarray(MAC_BYTES);
    if (!timingSafeEqual(raw.subarray(0, MAC_BYTES), this.mac(redisKey, body))) return undefined;
    try {
      return JSON.parse((await unzip(body, { maxOutputLength: MAX_INFLATED_BYTES })).toString("utf8")) as unknown;
    } catch {
      return undefined; // written by a replica, yet unreadable: read GitHub
    }
  }

  /** The stored bytes; null when there are none, or Redis failed or did not answer in time. */
  private async lookup(redisKey: string): Promise<Buffer | null> {
    const ms = this.opts.lookupMs ?? COMMIT_FACT_LOOKUP_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ms);
      timer.unref();
    });
    try {
      const raw = await Promise.race([this.redis.getBuffer(redisKey), late]);
      if (raw === "late") throw new Error(`Redis did not answer within ${ms} ms`);
      return raw;
    } catch (e) {
      this.trouble("get", e);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private trouble(op: "get" | "set", e: unknown) {
    this.quietUntil = Date.now() + QUIET_AFTER_TROUBLE_MS;
    this.opts.onTrouble?.(op, e);
  }

  async set(key: string, value: unknown): Promise<void> {
    if (Date.now() < this.quietUntil) return;
    const redisKey = this.redisKey(key);
    try {
      const json = Buffer.from(JSON.stringify(value), "utf8");
      if (json.length > MAX_INFLATED_BYTES) return;
      const body = await zip(json);
      if (body.length + MAC_BYTES > MAX_SHARED_FACT_BYTES) return; // stays in the process that read it
      await this.redis.set(redisKey, Buffer.concat([this.mac(redisKey, body), body]), "PX", COMMIT_FACT_TTL_MS);
    } catch (e) {
      this.trouble("set", e);
    }
  }
}
