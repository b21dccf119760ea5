/**
 * Deliveries handled to the end, by delivery id and handler: GitHub's redelivery of one (after a
 * timeout on its side, or by hand) changes nothing and costs nothing, on whichever replica it lands.
 * Forgetting one only costs a second evaluation, so a store that cannot answer says "not handled".
 */
import { LRUCache } from "lru-cache";

export interface HandledDeliveries {
  has(key: string): Promise<boolean>;
  add(key: string): Promise<void>;
}

/** GitHub lets a delivery be redelivered for a few days; a day covers its own retries and the catch-up. */
export const HANDLED_TTL_MS = 24 * 3_600_000;

export class InProcessHandled implements HandledDeliveries {
  private readonly kept = new LRUCache<string, true>({ max: 20_000, ttl: HANDLED_TTL_MS });
  async has(key: string) {
    return this.kept.has(key);
  }
  async add(key: string) {
    this.kept.set(key, true);
  }
}

export interface RedisExists {
  exists(key: string): Promise<number>;
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
}

/** Shared by replicas: `agentgate:handled:<delivery id>:<handler>` → "1", for a day. */
export class RedisHandled implements HandledDeliveries {
  constructor(
    private readonly redis: RedisExists,
    private readonly opts: { prefix?: string } = {},
  ) {}
  private key(key: string) {
    return `${this.opts.prefix ?? "agentgate:handled:"}${key}`;
  }
  async has(key: string) {
    try {
      return (await this.redis.exists(this.key(key))) === 1;
    } catch {
      return false; // judged again: costs requests, never a decision
    }
  }
  async add(key: string) {
    await this.redis.set(this.key(key), "1", "PX", HANDLED_TTL_MS).catch(() => undefined);
  }
}
