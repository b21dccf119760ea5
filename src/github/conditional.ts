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

/** What is kept: the answer without its body, and the body as JSON text (no caller can change it). */
export interface KeptAnswer {
  etag: string;
  response: { status: number; url: string; headers: Record<string, unknown> };
  body: string;
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
      sizeCalculation: (v) => Math.max(1, v.body.length),
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
    return { ...kept.response, headers: { ...kept.response.headers }, data: JSON.parse(kept.body) as unknown };
  }

  /** Keeps the answer with its body as JSON text, unless that is longer than the bound for one entry. */
  store(key: string, answer: CachedAnswer): void {
    const body = JSON.stringify(answer.response.data ?? null);
    if (body.length > this.#maxEntryBytes) return;
    const { data: _data, ...rest } = answer.response;
    this.#entries.set(key, { etag: answer.etag, response: { ...rest, headers: { ...rest.headers, "content-length": String(body.length) } }, body });
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
