/**
 * The simulator's HTTP front: credentials, GitHub's response headers, conditional requests (ETag and
 * 304), rate-limit counters, fault injection and the request log. Routing lives in routes.ts.
 */
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, jwtIssuer, type ApiRequest, type ApiResponse, type Credential } from "./http.js";
import type { RequestLogEntry } from "./model.js";
import { dispatch } from "./routes.js";
import type { SimState } from "./state.js";

export const RATE_LIMIT = 5000;

/**
 * An injected fault for the next `remaining` matching requests: an error `status`, a real answer
 * `alter`ed (a malformed body, a short page, a lost Link header), or a `hang` (never answered).
 */
export type FaultRule = {
  method?: string;
  pathPattern: RegExp;
  remaining: number;
} & ({ status: number } | { alter: (real: ApiResponse) => ApiResponse } | { hang: true });

export interface Served {
  entry: RequestLogEntry;
  /** The parsed JSON body of a write, for the demo's live log. */
  body: unknown;
  response: ApiResponse;
}

function credentialOf(state: SimState, header: string | undefined): { credential: Credential; label: string | null } {
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? "");
  if (!m) return { credential: { kind: "none" }, label: null };
  const token = m[1] as string;
  const issued = state.tokens.get(token);
  if (issued && issued.expiresAt > Date.now()) {
    return { credential: { kind: "installation", token, installationId: issued.installationId }, label: token };
  }
  const iss = jwtIssuer(token);
  if (iss !== undefined) return { credential: { kind: "jwt", appId: iss }, label: "jwt" };
  // An unknown or expired token is still a credential: it is answered with 401.
  return { credential: { kind: "invalid" }, label: token };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function faultAnswer(status: number): ApiResponse {
  const message = status >= 500 ? "Server Error" : status === 403 ? "API rate limit exceeded" : "Simulated failure";
  return { status, body: { message, documentation_url: "https://docs.github.com/rest", status: String(status) } };
}

export class ApiServer {
  readonly faults: FaultRule[] = [];
  /** Milliseconds every answer waits before it is sent (see SimulatorOptions.latencyMs). */
  latencyMs = 0;
  private readonly used = new Map<string, number>();

  constructor(
    private readonly state: SimState,
    private readonly onServed: (s: Served) => void,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sim.local");
    // GitHub Enterprise clients (and Probot with GHE_HOST) prefix every path with /api/v3.
    const path = url.pathname.replace(/^\/api\/v3(?=\/|$)/, "") || "/";
    const method = (req.method ?? "GET").toUpperCase();
    const { credential, label } = credentialOf(this.state, req.headers.authorization);
    const raw = await readBody(req);

    let response: ApiResponse;
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
      const fault = this.takeFault(method, path);
      if (fault && "hang" in fault) {
        // Never answered: the socket stays open until the client gives up or the simulator stops.
        this.onServed({ entry: { method, path: path + (url.search || ""), status: 0, token: label, at: this.state.now() }, body, response: { status: 0 } });
        return;
      }
      response = fault && "status" in fault ? faultAnswer(fault.status) : this.route({ method, path, query: url.searchParams, body, credential });
      if (fault && "alter" in fault) response = fault.alter(response);
    } catch (e) {
      response =
        e instanceof ApiError
          ? { status: e.status, body: e.body }
          : e instanceof SyntaxError
            ? { status: 400, body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/rest", status: "400" } }
            : { status: 500, body: { message: e instanceof Error ? e.message : String(e), status: "500" } };
    }

    const text = response.body === undefined ? "" : JSON.stringify(response.body);
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "x-github-request-id": randomUUID().replace(/-/g, "").slice(0, 20).toUpperCase(),
      "x-github-media-type": "github.v3; format=json",
      "x-github-api-version-selected": "2022-11-28",
      ...(response.headers ?? {}),
    };
    let status = response.status;
    if (method === "GET" && status === 200) {
      // GitHub's ETags are weak validators of the body; an unchanged body answers 304 for free.
      const etag = `W/"${createHash("sha256").update(text).digest("hex").slice(0, 40)}"`;
      headers.etag = etag;
      if (req.headers["if-none-match"] === etag) status = 304;
    }
    Object.assign(headers, this.rateLimitHeaders(label, status, /\/graphql$/.test(path) ? "graphql" : "core"));
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    res.writeHead(status, headers);
    res.end(status === 304 ? undefined : text);

    const entry: RequestLogEntry = {
      method,
      path: path + (url.search || ""),
      status,
      token: label,
      at: this.state.now(),
    };
    this.onServed({ entry, body, response: { ...response, status } });
  }

  private route(req: ApiRequest): ApiResponse {
    return dispatch(this.state, req);
  }

  private takeFault(method: string, path: string): FaultRule | undefined {
    const rule = this.faults.find((f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && f.pathPattern.test(path));
    if (rule) rule.remaining--;
    return rule;
  }

  /** Per-credential counters; a 304 does not count against the limit, as on GitHub. */
  private rateLimitHeaders(label: string | null, status: number, resource: "core" | "graphql"): Record<string, string> {
    // GraphQL has a budget of its own, as on GitHub.
    const key = `${resource}:${label ?? "anonymous"}`;
    const limit = label ? RATE_LIMIT : 60;
    const used = (this.used.get(key) ?? 0) + (status === 304 ? 0 : 1);
    this.used.set(key, used);
    return {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(limit - used, 0)),
      "x-ratelimit-used": String(used),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": resource,
    };
  }
}
