/**
 * Probot's write throttle with REDIS_URL: Probot 14 makes the Redis client itself (loading ioredis
 * through npx-import-light, which outside `npx` imports the ioredis this package installs, so it
 * works offline) and hands Octokit's throttling plugin a Bottleneck cluster connection, shared by
 * every replica: writes are spaced across the whole deployment, not per process.
 *
 * One flaw is mended here. Bottleneck 2 recognises its scripts' "SETTINGS_KEY_NOT_FOUND" and
 * "UNKNOWN_CLIENT" answers, on which it re-creates its keys, by exact message; Redis 7 prefixes
 * them with "ERR ". Once its keys are gone (Redis restarted without persistence, a failover, the
 * two-minute idle expiry), every GitHub request would fail until the replicas restart.
 */
type ScriptCallback = (err: Error | null, replies?: unknown) => void;
interface ScriptedConnection {
  __scriptArgs__(name: string, id: string, args: unknown[], cb: ScriptCallback): unknown[];
}

const mended = new WeakSet<object>();
const BOTTLENECK_ANSWER = /^ERR (SETTINGS_KEY_NOT_FOUND|UNKNOWN_CLIENT)$/;

/** The message Bottleneck expects for its own scripts' answers; any other error is left alone. */
export function bottleneckMessage(message: string): string {
  const m = BOTTLENECK_ANSWER.exec(message);
  return m ? m[1]! : message;
}

/** Mends the Bottleneck connection in Octokit's throttle options, if there is one (idempotent). */
export function mendThrottleConnection(connection: unknown): void {
  const c = connection as Partial<ScriptedConnection> | undefined;
  if (!c || typeof c.__scriptArgs__ !== "function" || mended.has(c)) return;
  mended.add(c);
  const original = c.__scriptArgs__.bind(c);
  c.__scriptArgs__ = (name, id, args, cb) =>
    original(name, id, args, (err, replies) => {
      if (err) err.message = bottleneckMessage(err.message);
      cb(err, replies);
    });
}
