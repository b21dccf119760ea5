/**
 * Conditional requests: every GET is sent with the ETag of its last answer, and a 304 (which GitHub
 * does not count against the rate limit) is answered from the copy kept here. The copy is only ever
 * returned after GitHub confirmed it is current, so a cached body is never the reason for a decision
 * GitHub would not give today.
 *
 * The cache is bounded in entries and in bytes, and keyed by installation, URL and media type (ETags
 * are per representation; GitHub also varies them by token, which only costs a 200 after a rotation).
 */
import { LRUCache } from "lru-cache";

export interface CachedAnswer {
  etag: string;
  response: { status: number; url: string; headers: Record<string, unknown>; data: unknown };
}

/**
 * What is kept: the answer, and a copy of its body that no caller ever holds (each is given a copy
 * of its own). Its size is counted as the body's JSON length, about what the copy takes in the heap.
 */
export interface KeptAnswer {
  etag: string;
  response: { status: number; url: string; headers: Record<string, unknown> };
  data: unknown;
  size: number;
}

/**
 * A copy of a JSON value (what Octokit parsed: objects, arrays, strings, numbers, booleans, null;
 * an ArrayBuffer for a binary answer). Three to four times cheaper than parsing the JSON again.
 */
export function copyOfJson<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ArrayBuffer) return value.slice(0) as T;
  if (Array.isArray(value)) return value.map(copyOfJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyOfJson((value as Record<string, unknown>)[key]);
  return out as T;
}

export interface ConditionalCacheOptions {
  maxEntries?: number;
  /** Approximate bytes of JSON kept in all. */
  maxBytes?: number;
  /** Bodies larger than this are not kept (a 3000-file listing page is about 1 MB). */
  maxEntryBytes?: number;
}

export interface ConditionalStats {
  notModified: number;
  stored: number;
}

export class ConditionalCache {
  readonly stats: ConditionalStats = { notModified: 0, stored: 0 };
  readonly #entries: LRUCache<string, KeptAnswer>;
  readonly #maxEntryBytes: number;

  constructor(opts: ConditionalCacheOptions = {}) {
    this.#maxEntryBytes = opts.maxEntryBytes ?? 2 * 1024 * 1024;
    this.#entries = new LRUCache<string, KeptAnswer>({
      max: opts.maxEntries ?? 20_000,
      maxSize: opts.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (v) => Math.max(1, v.size),
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** What is kept for `key` (its `etag` to ask with); `answerOf` makes the answer from it. */
  get(key: string): KeptAnswer | undefined {
    return this.#entries.get(key);
  }

  /**
   * A kept answer with a body of its own: what one caller does to its answer (paginate unwraps
   * lists in place) never reaches the next one.
   */
  static answerOf(kept: KeptAnswer): CachedAnswer["response"] {
    return { ...kept.response, headers: { ...kept.response.headers }, data: copyOfJson(kept.data) };
  }

  /** Keeps the answer with a copy of its body, unless its JSON is longer than the bound for one entry. */
  store(key: string, answer: CachedAnswer): void {
    const size = JSON.stringify(answer.response.data ?? null).length;
    if (size > this.#maxEntryBytes) return;
    const { data, ...rest } = answer.response;
    this.#entries.set(key, { etag: answer.etag, response: { ...rest, headers: { ...rest.headers } }, data: copyOfJson(data ?? null), size });
    this.stats.stored++;
  }

  clear(): void {
    this.#entries.clear();
  }
}

type RequestOptions = { method: string; url: string; headers?: Record<string, string | undefined>; [k: string]: unknown };
type Request = (options: RequestOptions) => Promise<{ status: number; url: string; headers: Record<string, unknown>; data: unknown }>;

interface Hookable {
  hook: { wrap(name: "request", fn: (request: Request, options: RequestOptions) => Promise<unknown>): void };
  request: { endpoint: { parse(options: RequestOptions): { url: string; headers: Record<string, string | undefined> } } };
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** Send this Octokit's GETs conditionally through `cache`, under `scope` (the installation). */
export function useConditionalRequests(octokit: Hookable, cache: ConditionalCache, scope: string): void {
  octokit.hook.wrap("request", async (request, options) => {
    if (options.method !== "GET" || options.headers?.["if-none-match"]) return request(options);
    const parsed = octokit.request.endpoint.parse(options);
    const key = `${scope}\0${parsed.headers.accept ?? ""}\0${parsed.url}`;
    const cached = cache.get(key);
    // Set in place: Octokit's request does not take headers from a copy of its options object.
    if (cached) options.headers = Object.assign(options.headers ?? {}, { "if-none-match": cached.etag });
    try {
      const response = await request(options);
      const fresh = response.headers.etag;
      if (response.status === 200 && typeof fresh === "string") cache.store(key, { etag: fresh, response });
      return response;
    } catch (e) {
      if (statusOf(e) === 304 && cached) {
        cache.stats.notModified++;
        return ConditionalCache.answerOf(cached);
      }
      throw e;
    }
  });
}
