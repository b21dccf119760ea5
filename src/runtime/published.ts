/**
 * What agentgate last posted as a commit status, per repository, commit and context: an unchanged
 * result then costs no request (src/publish.ts). Replicas must share it: if replica A remembers
 * "pending" while replica B posted "success" since, A would find a new "pending" unchanged and skip
 * the write, and GitHub would keep showing B's success. So with REDIS_URL it lives in Redis, written
 * under the repository's turn (src/runtime/order.ts), which every replica shares.
 *
 * A remembered entry only ever saves a write; it never makes one. When the store cannot answer, it
 * answers "unknown", and the publisher reads GitHub's list instead: a doubt never skips a write.
 */
import { LRUCache } from "lru-cache";

export interface PublishedStatuses {
  /** What was posted under `key`, or undefined when unknown (never posted, forgotten, store down). */
  get(key: string): Promise<string | undefined>;
  /** Remember a write GitHub accepted. A failure is swallowed: the entry is then simply unknown. */
  set(key: string, value: string): Promise<void>;
  /**
   * Forget before writing, and when someone else posts. Throws when the store cannot forget:
   * a stale entry left behind could later skip a write GitHub needs.
   */
  forget(key: string): Promise<void>;
}

/** One process's memory: the embedded default without REDIS_URL. */
export class InProcessPublished implements PublishedStatuses {
  private readonly kept = new LRUCache<string, string>({ max: 50_000 });
  async get(key: string) {
    return this.kept.get(key);
  }
  async set(key: string, value: string) {
    this.kept.set(key, value);
  }
  async forget(key: string) {
    this.kept.delete(key);
  }
}

export interface RedisKv {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  del(key: string): Promise<number>;
}

/** A day: a PR under review is usually touched again within it; after that one read refills it. */
export const PUBLISHED_TTL_MS = 24 * 3_600_000;

/** Shared by replicas: `agentgate:published:<owner/repo>@<sha>#<context>` → state and description. */
export class RedisPublished implements PublishedStatuses {
  constructor(
    private readonly redis: RedisKv,
    private readonly opts: { ttlMs?: number; prefix?: string; onTrouble?: (op: string, e: unknown) => void } = {},
  ) {}

  private key(key: string) {
    return `${this.opts.prefix ?? "agentgate:published:"}${key}`;
  }

  async get(key: string) {
    try {
      return (await this.redis.get(this.key(key))) ?? undefined;
    } catch (e) {
      this.opts.onTrouble?.("get", e);
      return undefined; // unknown: the publisher reads GitHub's list
    }
  }

  async set(key: string, value: string) {
    try {
      await this.redis.set(this.key(key), value, "PX", this.opts.ttlMs ?? PUBLISHED_TTL_MS);
    } catch (e) {
      this.opts.onTrouble?.("set", e); // forgotten before the write, so it stays unknown
    }
  }

  async forget(key: string) {
    await this.redis.del(this.key(key));
  }
}
