/**
 * How agentgate's Octokit clients reach GitHub: a `fetch` for Octokit made on undici's `request`,
 * the lower-level API of the same HTTP client Node's own fetch is built on. Node's fetch spends
 * about 300 µs of CPU a request on the WHATWG machinery (Request and Response objects, web
 * streams, header guards); this one about half of that (`bench/request-cost.ts`), and a webhook
 * makes some six requests.
 *
 * It gives Octokit what Octokit reads of a fetch answer and no more: the status, the URL, the
 * headers (iterable, with get), and the body read whole as text or bytes. Redirects are followed,
 * as fetch follows them. Answers are not compressed: no Accept-Encoding is sent, so GitHub answers
 * plain JSON, which costs bandwidth but no CPU to inflate.
 */
import { STATUS_CODES } from "node:http";
import { Agent, interceptors, request } from "undici";

/** One pool of kept-alive connections per process, as Node's fetch keeps. */
const dispatcher = new Agent({ keepAliveTimeout: 10_000 }).compose(interceptors.redirect({ maxRedirections: 5 }));

/** The part of a fetch answer Octokit's request reads (@octokit/request's fetchWrapper). */
class Answer {
  readonly statusText: string;
  readonly headers: Map<string, string>;
  constructor(
    readonly status: number,
    readonly url: string,
    headers: Record<string, string | string[] | undefined>,
    readonly bytes: Buffer,
  ) {
    this.statusText = STATUS_CODES[status] ?? "";
    this.headers = new Map();
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined) this.headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    // A type for no body (a 304 is most answers) would have Octokit parse nothing as JSON, throw a
    // SyntaxError and catch it, to give the empty text it gives without the type.
    if (bytes.length === 0) this.headers.delete("content-type");
  }
  async text(): Promise<string> {
    return this.bytes.toString("utf8");
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.bytes).buffer;
  }
  /** Only for a caller that asked Octokit not to parse the body (agentgate never does). */
  get body(): ReadableStream<Uint8Array> {
    return new Blob([new Uint8Array(this.bytes)]).stream();
  }
}

/** Octokit's `request.fetch`: the answer is read whole before it is handed over. */
export async function githubFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const answer = await request(url, {
    method: (init.method ?? "GET") as "GET",
    headers: init.headers as Record<string, string> | undefined,
    body: (init.body ?? null) as string | null,
    signal: init.signal ?? undefined,
    dispatcher,
  });
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  return new Answer(answer.statusCode, url, answer.headers, bytes) as unknown as Response;
}
