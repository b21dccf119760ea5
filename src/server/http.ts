/**
 * The production HTTP server: the webhook endpoint (Probot's middleware behind a signature check),
 * `/healthz`, `/readyz` and `/metrics`, and a shutdown that finishes what it started.
 *
 * Probot's own `run` answers a garbage key with a setup page and logs a bad signature as three error
 * lines with a stack; here a bad signature is one warning with its delivery id, and readiness says
 * whether the credentials work.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.js";
import type { Readiness } from "./readiness.js";

export type Middleware = (req: IncomingMessage, res: ServerResponse, next?: () => void) => boolean | void | Promise<boolean | void>;

export interface AppServerOptions {
  webhookPath: string;
  webhookSecret: string;
  /** Probot's middleware once Probot is initialized (with Redis that waits for a connection). */
  middleware: () => Middleware | undefined;
  metrics: Metrics;
  readiness: () => Promise<Readiness>;
  /** Deliveries whose handlers are still running (Probot answers 202 after 9 s and carries on). */
  inFlight: InFlight;
  log: Logger;
}

/** Counts work that a shutdown must wait for. */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];
  get count(): number {
    return this.#count;
  }
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await work();
    } finally {
      this.#count--;
      if (this.#count === 0) for (const w of this.#waiters.splice(0)) w();
    }
  }
  /** Resolves true when nothing is in flight, false when the bound passed first. */
  idle(withinMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), withinMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/** GitHub's `X-Hub-Signature-256`: `sha256=` and the HMAC of the exact body. */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const MAX_BODY_BYTES = 25 * 1024 * 1024; // GitHub caps payloads at 25 MB

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function send(res: ServerResponse, status: number, body: string, type = "text/plain; charset=utf-8") {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

export interface AppServer {
  http: HttpServer;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stop taking deliveries, wait for those in flight (at most graceMs), close. */
  shutdown(graceMs: number): Promise<{ finished: boolean; abandoned: number }>;
}

export function createAppServer(opts: AppServerOptions): AppServer {
  let stopping = false;
  const { metrics, log } = opts;

  async function onWebhook(req: IncomingMessage, res: ServerResponse) {
    const delivery = header(req, "x-github-delivery");
    const event = header(req, "x-github-event") ?? "unknown";
    const stop = metrics.webhookSeconds.startTimer({ event });
    const outcome = (o: string) => {
      metrics.webhooks.inc({ event, outcome: o });
      stop();
    };
    const middleware = opts.middleware();
    if (stopping || !middleware) {
      // GitHub marks the delivery failed; it is redelivered (or caught up) once a replica takes it.
      outcome("rejected");
      return send(res, 503, stopping ? "shutting down\n" : "starting\n");
    }
    const body = await readBody(req);
    if (!body) {
      outcome("rejected");
      return send(res, 413, "payload too large\n");
    }
    if (!signatureMatches(opts.webhookSecret, body, header(req, "x-hub-signature-256"))) {
      log.warn({ delivery, event }, "webhook signature does not match the webhook secret; delivery refused");
      outcome("bad-signature");
      return send(res, 401, "signature does not match\n");
    }
    // Probot's middleware reads a string body as the payload instead of the (consumed) stream.
    (req as IncomingMessage & { body?: string }).body = body.toString("utf8");
    res.on("finish", () => outcome(res.statusCode === 202 ? "still-processing" : res.statusCode < 300 ? "ok" : res.statusCode < 500 ? "rejected" : "failed"));
    await middleware(req, res, () => send(res, 404, "not found\n"));
  }

  const http = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const route = async () => {
      if (req.method === "POST" && path === opts.webhookPath) return onWebhook(req, res);
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 404, "not found\n");
      if (path === "/healthz") return send(res, 200, stopping ? "ok (shutting down)\n" : "ok\n");
      if (path === "/readyz") {
        if (stopping) return send(res, 503, JSON.stringify({ ready: false, reason: "shutting down" }) + "\n", "application/json");
        const r = await opts.readiness();
        if (r.ready && !opts.middleware()) return send(res, 503, JSON.stringify({ ready: false, reason: "starting", checks: r.checks }) + "\n", "application/json");
        return send(res, r.ready ? 200 : 503, JSON.stringify(r) + "\n", "application/json");
      }
      if (path === "/metrics") return send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
      return send(res, 404, "not found\n");
    };
    route().catch((e: unknown) => {
      log.error({ err: e, path }, "request failed");
      if (!res.headersSent) send(res, 500, "internal error\n");
    });
  });

  return {
    http,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen({ port, host }, () => resolve(http.address() as AddressInfo));
      });
    },
    async shutdown(graceMs) {
      stopping = true;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      const finished = await opts.inFlight.idle(graceMs);
      const abandoned = opts.inFlight.count;
      http.closeAllConnections();
      await closed;
      return { finished, abandoned };
    },
  };
}
