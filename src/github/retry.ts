/**
 * Retries of GitHub requests that failed on GitHub's side (5xx, 429, a timeout, a lost connection),
 * as an Octokit plugin that takes the place of Probot's retry plugin, with the same policy: three
 * more attempts, waiting 1, 4 and 9 times the base (a second), never for an answer that will not
 * change (400, 401, 403, 404, 410, 422, 451), nor for a request its delivery's turn fenced off.
 *
 * Why not Probot's plugin: it builds a Bottleneck limiter for every request, even one that succeeds
 * at once, which measured about a quarter of the CPU a request costs agentgate
 * (`bench/request-cost.ts`). A loop around the request does the same job for the price of a try.
 * Probot's write throttle (plugin-throttling) is not this, and stays.
 */
import { TurnExpiredError } from "../deadlines.js";

export interface RetryOptions {
  /** Attempts after the first. */
  retries: number;
  /** The wait before retry n (1, 2, 3) is n² times this. */
  retryBaseMs: number;
}

export const retryDefaults: RetryOptions = Object.freeze({ retries: 3, retryBaseMs: 1_000 });

/** Answers GitHub gives again when asked again: retrying them only spends the rate limit. */
const FINAL = new Set([400, 401, 403, 404, 410, 422, 451]);

/** GitHub's GraphQL answers an internal failure with 200 and this error, which is worth a retry. */
const GRAPHQL_HICCUP = /Something went wrong while executing your query/;

interface RequestOptions {
  request?: Record<string, unknown>;
  [k: string]: unknown;
}
type Request = (options: RequestOptions) => Promise<{ data?: unknown }>;
interface Hookable {
  hook: { wrap(name: "request", fn: (request: Request, options: RequestOptions) => Promise<unknown>): void };
}

class GraphqlHiccup extends Error {
  override name = "GraphqlHiccup";
  constructor(
    message: string,
    readonly response: unknown,
  ) {
    super(message);
  }
}

/** Whether a failed attempt is worth another: a failure on GitHub's side, not an answer or a fence. */
export function worthRetrying(error: unknown): boolean {
  if (error instanceof GraphqlHiccup) return true;
  if (typeof error !== "object" || error === null || !("status" in error) || !("request" in error)) return false;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof TurnExpiredError) return false;
  const status = Number((error as { status: unknown }).status);
  return status >= 400 && !FINAL.has(status);
}

function graphqlHiccupOf(response: { data?: unknown }): GraphqlHiccup | undefined {
  const errors = (response.data as { errors?: { message?: unknown }[] } | undefined)?.errors;
  const message = Array.isArray(errors) ? errors[0]?.message : undefined;
  return typeof message === "string" && GRAPHQL_HICCUP.test(message) ? new GraphqlHiccup(message, response) : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Octokit plugin; its options are read from the constructor's `retryFailed`. */
export function retryFailed(octokit: Hookable, options: { retryFailed?: Partial<RetryOptions> }): void {
  const { retries, retryBaseMs } = { ...retryDefaults, ...options.retryFailed };
  octokit.hook.wrap("request", async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        const response = await request(requestOptions);
        const hiccup = graphqlHiccupOf(response);
        if (!hiccup) return response;
        failure = hiccup;
      } catch (e) {
        failure = e;
      }
      if (attempt >= retries || !worthRetrying(failure)) {
        if (failure instanceof GraphqlHiccup) return failure.response;
        throw failure;
      }
      await sleep((attempt + 1) ** 2 * retryBaseMs);
    }
  });
}
