/**
 * Nothing waits on GitHub forever. Two bounds:
 * - every attempt of a GitHub request is answered within `requestTimeoutMs`, or fails with
 *   RequestTimeoutError (retried three times, as a 5xx: github/retry.ts); the gate publishes the error;
 * - a delivery holds its repository's turn (gate.ts oneAtATime) at most `turnLimitMs`. Then the
 *   next delivery for that repository goes ahead, and the one that overran is fenced: its requests in
 *   flight are aborted and every later request it makes throws TurnExpiredError, so it cannot
 *   publish a result read from facts older than the next delivery's.
 * The turn travels with the delivery's async work (AsyncLocalStorage); the request hook reads it.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface Deadlines {
  /** GitHub answers nearly every request in well under a second; a hung one is not waited on. */
  readonly requestTimeoutMs: number;
  /** One pull request's evaluation and publication (~20 requests) fits many times over. */
  readonly turnLimitMs: number;
}

/** The production bounds. An app may shorten them (tests do); each app's own go with its clients. */
export const deadlines: Deadlines = Object.freeze({ requestTimeoutMs: 10_000, turnLimitMs: 120_000 });

/** The bounds of the app each guarded client belongs to (see guardRequests). */
const boundsOf = new WeakMap<object, Deadlines>();

/** The bounds a client was guarded with; the production ones for a client no app guarded. */
export function deadlinesOf(client: object): Deadlines {
  return boundsOf.get(client) ?? deadlines;
}

export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
}

export class TurnExpiredError extends Error {
  override name = "TurnExpiredError";
}

interface Turn {
  signal: AbortSignal;
}
const turns = new AsyncLocalStorage<Turn>();

/**
 * Runs `fn` as the holder of a turn of at most `limitMs`. The promise settles with `fn`, or rejects
 * with TurnExpiredError when the limit passes first (then `fn` goes on, fenced, and is ignored).
 */
export function withinTurn<T>(fn: () => Promise<T>, limitMs: number = deadlines.turnLimitMs): Promise<T> {
  const controller = new AbortController();
  const work = turns.run({ signal: controller.signal }, () => Promise.resolve().then(fn));
  work.catch(() => undefined); // after expiry its failure (a fenced request) is expected
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new TurnExpiredError(`the delivery took longer than ${limitMs / 1000} s; it was stopped and publishes nothing`);
      controller.abort(e);
      reject(e);
    }, limitMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * Runs `fn` fenced by `signal` too (a turn shared through Redis that this replica lost): its GitHub
 * requests stop when either the delivery's own turn or `signal` ends.
 */
export function fencedBy<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const outer = turns.getStore();
  const both = outer ? AbortSignal.any([outer.signal, signal]) : signal;
  return turns.run({ signal: both }, () => Promise.resolve().then(fn));
}

interface HookedOctokit {
  hook: { wrap(name: "request", fn: (request: (o: RequestOptions) => Promise<unknown>, options: RequestOptions) => Promise<unknown>): void };
}
type Fetch = (url: string, init?: RequestInit) => Promise<Response>;
interface RequestOptions {
  method?: string;
  url?: string;
  request?: { fetch?: Fetch } & Record<string, unknown>;
}

const guarded = new WeakSet<object>();

/** "GET /repos/o/r/pulls/1", for a message; worked out only when one is needed. */
function described(url: string, init: RequestInit): string {
  return `${init.method ?? "GET"} ${new URL(url).pathname}`;
}

/**
 * A fetch whose every call (each retry is one) gives up after the timeout, or when the turn ends.
 * One controller and one timer a call: AbortSignal.timeout and AbortSignal.any cost several times
 * as much (weak references and finalizers for every request), and this runs on every request.
 */
function boundedFetch(fetch: Fetch, turn: Turn | undefined, ms: number): Fetch {
  return (url, init = {}) => {
    if (turn?.signal.aborted) return Promise.reject(new TurnExpiredError(`not sent (${described(url, init)}): the delivery's turn is over`));
    const controller = new AbortController();
    const caller = init.signal ?? undefined;
    if (caller?.aborted) return Promise.reject(caller.reason as Error);
    return new Promise<Response>((resolve, reject) => {
      // Rejected at once as well: a fetch that ignores its signal still does not hold the delivery.
      const stop = (error: Error) => {
        controller.abort(error);
        reject(error);
      };
      const timer = setTimeout(() => stop(new RequestTimeoutError(`GitHub did not answer ${described(url, init)} within ${ms / 1000} s`)), ms);
      const onTurnEnd = () => stop(new TurnExpiredError(`stopped (${described(url, init)}): the delivery's turn is over`));
      const onCallerAbort = () => stop(caller!.reason as Error);
      turn?.signal.addEventListener("abort", onTurnEnd, { once: true });
      caller?.addEventListener("abort", onCallerAbort, { once: true });
      fetch(url, { ...init, signal: controller.signal })
        .then(resolve, reject)
        .finally(() => {
          clearTimeout(timer);
          turn?.signal.removeEventListener("abort", onTurnEnd);
          caller?.removeEventListener("abort", onCallerAbort);
        });
    });
  };
}

/**
 * Gives every request of this Octokit the timeout and the delivery's fence. Idempotent. The bound
 * is per attempt (time spent in Probot's write throttle does not count, and github/retry.ts retries
 * a timed-out attempt like a 5xx): a request gives up after four attempts, well inside a turn.
 */
export function guardRequests(octokit: unknown, bounds: Deadlines = deadlines): void {
  const o = octokit as HookedOctokit;
  if (guarded.has(o)) return;
  guarded.add(o);
  boundsOf.set(o, bounds);
  o.hook.wrap("request", (request, options) => {
    const turn = turns.getStore();
    if (turn?.signal.aborted) {
      return Promise.reject(new TurnExpiredError(`not sent (${options.method ?? "GET"} ${options.url ?? ""}): the delivery's turn is over`));
    }
    const fetch = options.request?.fetch ?? (globalThis.fetch as Fetch);
    options.request = { ...options.request, fetch: boundedFetch(fetch, turn, bounds.requestTimeoutMs) };
    return request(options);
  });
}
