/**
 * What the server needs from its environment, checked before anything listens. Pure: the
 * environment and a file reader in, settings or every problem out.
 *
 * A production start with a missing webhook secret (Probot would then accept webhooks signed with
 * "development") or a private key that does not parse is refused: a gate that runs half-configured
 * is worse than one that does not run.
 */
import { createPrivateKey } from "node:crypto";

export interface ServerSettings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  host: string;
  port: number;
  webhookPath: string;
  /** GitHub's REST API root, e.g. `https://api.github.com` or `https://ghe.example/api/v3`. */
  baseUrl: string;
  logLevel: string;
  redisUrl?: string;
  /** How long SIGTERM waits for deliveries in flight before exiting. */
  shutdownGraceMs: number;
  /** How often failed deliveries are asked for again (0: only at start). */
  catchUpIntervalMs: number;
  /** Audit events (src/runtime/audit.ts): a JSONL file to append to, an HTTPS endpoint and its bearer token. */
  audit: { file?: string; url?: string; token?: string; queueMax: number };
}

export type StartMode =
  /** No credentials outside production: Probot's setup page registers the App from app.yml. */
  | { mode: "setup" }
  | { mode: "run"; settings: ServerSettings }
  | { mode: "refuse"; problems: string[] };

export type Env = Record<string, string | undefined>;

const DEVELOPMENT_SECRET = "development";

/** Production unless explicitly in development: with APP_ID set, a mistake reaches real repositories. */
export function isProductionStart(env: Env): boolean {
  if (env.NODE_ENV === "production") return true;
  return Boolean(env.APP_ID) && env.NODE_ENV !== "development" && env.NODE_ENV !== "test";
}

/** The PEM as Probot reads it: PRIVATE_KEY (raw, with `\n` escapes, or base64), else PRIVATE_KEY_PATH. */
export function privateKeyText(env: Env, readFile: (path: string) => string): { key?: string; problem?: string } {
  let raw = env.PRIVATE_KEY;
  if (!raw && env.PRIVATE_KEY_PATH) {
    try {
      raw = readFile(env.PRIVATE_KEY_PATH);
    } catch (e) {
      return { problem: `PRIVATE_KEY_PATH ${env.PRIVATE_KEY_PATH} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})` };
    }
  }
  if (!raw) return {};
  let text = raw.includes("\\n") ? raw.replace(/\\n/g, "\n") : raw;
  if (!text.includes("-----BEGIN")) {
    const decoded = Buffer.from(text, "base64").toString("utf8");
    if (decoded.includes("-----BEGIN")) text = decoded;
  }
  return { key: text };
}

/** Whether a PEM is a private key Node can sign with; the reason when not (never the key itself). */
export function privateKeyProblem(pem: string): string | undefined {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "rsa") return `the private key is ${key.asymmetricKeyType ?? "not"} an RSA key; GitHub Apps sign with RSA`;
    return undefined;
  } catch {
    return "the private key does not parse as a PEM private key (check PRIVATE_KEY or PRIVATE_KEY_PATH)";
  }
}

export function startMode(env: Env, readFile: (path: string) => string): StartMode {
  const production = isProductionStart(env);
  const { key, problem: keyReadProblem } = privateKeyText(env, readFile);
  if (!production && !env.APP_ID && !key) return { mode: "setup" };

  const problems: string[] = [];
  const appId = Number(env.APP_ID);
  if (!env.APP_ID) problems.push("APP_ID is not set");
  else if (!Number.isInteger(appId) || appId <= 0) problems.push("APP_ID is not a positive integer");
  if (keyReadProblem) problems.push(keyReadProblem);
  else if (!key) problems.push("no private key: set PRIVATE_KEY or PRIVATE_KEY_PATH");
  else {
    const bad = privateKeyProblem(key);
    if (bad) problems.push(bad);
  }
  const secret = env.WEBHOOK_SECRET ?? "";
  if (production && !secret) problems.push('WEBHOOK_SECRET is not set (Probot would accept webhooks signed with "development")');
  else if (production && secret === DEVELOPMENT_SECRET) problems.push('WEBHOOK_SECRET is "development", the well-known default');
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push("PORT is not a port number");
  const grace = env.SHUTDOWN_GRACE_MS ? Number(env.SHUTDOWN_GRACE_MS) : 25_000;
  if (!Number.isFinite(grace) || grace < 0) problems.push("SHUTDOWN_GRACE_MS is not a number of milliseconds");
  const catchUp = env.CATCHUP_INTERVAL_MS ? Number(env.CATCHUP_INTERVAL_MS) : 10 * 60_000;
  if (!Number.isFinite(catchUp) || catchUp < 0) problems.push("CATCHUP_INTERVAL_MS is not a number of milliseconds");
  const audit = auditSettings(env, problems);
  if (problems.length) return { mode: "refuse", problems };

  return {
    mode: "run",
    settings: {
      appId,
      privateKey: key!,
      webhookSecret: secret || DEVELOPMENT_SECRET,
      host: env.HOST || "localhost",
      port,
      webhookPath: env.WEBHOOK_PATH || "/api/github/webhooks",
      baseUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : "https://api.github.com",
      logLevel: env.LOG_LEVEL || "info",
      ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
      shutdownGraceMs: grace,
      catchUpIntervalMs: catchUp,
      audit,
    },
  };
}

/** AUDIT_URL must be https (plain http only to this machine): the events name repositories and people. */
function auditSettings(env: Env, problems: string[]): ServerSettings["audit"] {
  const queueMax = env.AUDIT_QUEUE_MAX ? Number(env.AUDIT_QUEUE_MAX) : 1000;
  if (!Number.isInteger(queueMax) || queueMax < 1) problems.push("AUDIT_QUEUE_MAX is not a positive integer");
  if (env.AUDIT_TOKEN && !env.AUDIT_URL) problems.push("AUDIT_TOKEN is set without AUDIT_URL");
  if (env.AUDIT_URL) {
    let url: URL | undefined;
    try {
      url = new URL(env.AUDIT_URL);
    } catch {
      problems.push("AUDIT_URL is not a URL");
    }
    const local = url && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (url && url.protocol !== "https:" && !(url.protocol === "http:" && local)) problems.push("AUDIT_URL must be https:// (http:// only to localhost)");
  }
  return {
    ...(env.AUDIT_FILE ? { file: env.AUDIT_FILE } : {}),
    ...(env.AUDIT_URL ? { url: env.AUDIT_URL } : {}),
    ...(env.AUDIT_TOKEN ? { token: env.AUDIT_TOKEN } : {}),
    queueMax,
  };
}
