/** A stand-in app for the simulator's tests: receives webhooks and calls the REST API with a token. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GitHubSimulator } from "../../devtools/simulator/index.js";

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  payload: Record<string, unknown>;
}

/** An unsigned JWT: the simulator reads only its issuer (the app id), as it holds no public key. */
export function fakeJwt(appId: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ iss: appId, iat: now - 60, exp: now + 540 })}.sig`;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Runs while a delivery is handled, before the 200 answer (like a Probot handler). */
  onDelivery?: (r: Received) => Promise<void>;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: "", received: [], stop: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const r: Received = { headers: req.headers, raw, payload: JSON.parse(raw) as Record<string, unknown> };
      receiver.received.push(r);
      void (receiver.onDelivery?.(r) ?? Promise.resolve()).then(
        () => res.writeHead(200).end("ok"),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  receiver.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

export interface Answer {
  method: string;
  path: string;
  status: number;
  headers: Headers;
  body: unknown;
}

/** Calls the simulator as the app would, and keeps every answer for validation. */
export class Client {
  readonly answers: Answer[] = [];
  private tokens = new Map<number, string>();

  constructor(
    private readonly sim: GitHubSimulator,
    private readonly appId = 1,
  ) {}

  async token(installationId: number): Promise<string> {
    const known = this.tokens.get(installationId);
    if (known) return known;
    const res = await this.call("POST", `/app/installations/${installationId}/access_tokens`, undefined, { auth: `Bearer ${fakeJwt(this.appId)}` });
    const token = (res.body as { token: string }).token;
    this.tokens.set(installationId, token);
    return token;
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    opts: { auth?: string; installationId?: number; headers?: Record<string, string>; prefix?: string } = {},
  ): Promise<Answer> {
    const auth = opts.auth ?? `token ${await this.token(opts.installationId ?? (await this.firstInstallation()))}`;
    const res = await fetch(`${this.sim.url}${opts.prefix ?? ""}${path}`, {
      method,
      headers: { authorization: auth, accept: "application/vnd.github+json", ...(body ? { "content-type": "application/json" } : {}), ...opts.headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const answer = { method, path, status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
    this.answers.push(answer);
    return answer;
  }

  private installation: number | undefined;
  private async firstInstallation(): Promise<number> {
    if (this.installation) return this.installation;
    const res = await this.call("GET", "/app/installations", undefined, { auth: `Bearer ${fakeJwt(this.appId)}` });
    this.installation = (res.body as { id: number }[])[0]?.id ?? 0;
    return this.installation;
  }
}
