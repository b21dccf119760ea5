/**
 * GitHub does not redeliver a failed webhook by itself. On start and on a period the server lists
 * the App's recent deliveries and asks GitHub, once each, to redeliver those whose latest attempt
 * failed: a delivery lost to a restart, a crash or a network fault is judged after all.
 */
export interface DeliveryAttempt {
  id: number;
  guid: string;
  status_code: number;
  redelivery: boolean;
  event: string;
  action?: string | null;
}

/** The attempts worth redelivering: per delivery (guid) its newest attempt, when that one failed. */
export function failedDeliveries(newestFirst: readonly DeliveryAttempt[], alreadyAsked: ReadonlySet<string>): DeliveryAttempt[] {
  const seen = new Set<string>();
  const failed: DeliveryAttempt[] = [];
  for (const a of newestFirst) {
    if (seen.has(a.guid)) continue; // an older attempt of a delivery already judged by its newest
    seen.add(a.guid);
    const ok = a.status_code >= 200 && a.status_code < 300;
    if (!ok && !alreadyAsked.has(a.guid)) failed.push(a);
  }
  return failed;
}

interface AppOctokit {
  paginate: {
    iterator(route: string, params: Record<string, unknown>): AsyncIterable<{ data: unknown }>;
  };
  request(route: string, params: Record<string, unknown>): Promise<unknown>;
}

export interface CatchUpResult {
  listed: number;
  failed: number;
  redelivered: string[];
}

/**
 * One round: read at most `maxPages` pages of deliveries (newest first) and ask for each failed one
 * again, at most once per process (`asked` remembers), and with `askOnce` once across replicas: a
 * delivery that keeps failing is logged, not retried forever.
 */
export async function catchUpFailedDeliveries(
  octokit: AppOctokit,
  asked: Set<string>,
  opts: {
    maxPages?: number;
    log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
    /** False when another replica asked for this delivery already. */
    askOnce?: (guid: string) => Promise<boolean>;
  } = {},
): Promise<CatchUpResult> {
  const attempts: DeliveryAttempt[] = [];
  let pages = 0;
  for await (const page of octokit.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 })) {
    if (!Array.isArray(page.data)) throw new Error("GitHub's list of deliveries is not a list");
    attempts.push(...(page.data as DeliveryAttempt[]));
    if (++pages >= (opts.maxPages ?? 5)) break;
  }
  const failed = failedDeliveries(attempts, asked);
  const redelivered: string[] = [];
  for (const a of failed) {
    asked.add(a.guid);
    if (opts.askOnce && !(await opts.askOnce(a.guid))) continue;
    try {
      await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: a.id });
      redelivered.push(a.guid);
    } catch (e) {
      opts.log?.warn({ delivery: a.guid, event: a.event, err: e }, "could not ask GitHub to redeliver a failed delivery");
    }
  }
  if (failed.length) opts.log?.info({ listed: attempts.length, failed: failed.length, redelivered }, "asked GitHub to redeliver failed deliveries");
  return { listed: attempts.length, failed: failed.length, redelivered };
}

interface RoundRedis {
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<string | null>;
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
}

// The round is ours when nobody holds it, or when we do (our own last round has not lapsed yet).
const TAKE_ROUND = `if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("PEXPIRE", KEYS[1], ARGV[2]) return 1 end
return 0`;

/** How long another replica's ask for a delivery stands: GitHub lists deliveries for a few days. */
export const ASKED_TTL_MS = 3 * 24 * 3_600_000;

/**
 * Replicas sharing Redis run one catch-up round per period between them: `agentgate:catchup:round`
 * names the replica that runs them, for a period at a time; it keeps them while it lives, and
 * another takes over one period after it stops. A Redis that does not answer throws (the round is
 * skipped: a redelivery would only fail again without the turn).
 */
export async function takeCatchUpRound(redis: RoundRedis, who: string, periodMs: number): Promise<boolean> {
  return Number(await redis.eval(TAKE_ROUND, 1, "agentgate:catchup:round", who, Math.max(1, periodMs))) === 1;
}

/**
 * Each failed delivery is asked for once across replicas (`agentgate:catchup:asked:<guid>`). When
 * Redis cannot say, it is asked for: a second redelivery costs nothing, a missed one is lost.
 */
export function askOnceAcross(redis: RoundRedis): (guid: string) => Promise<boolean> {
  return async (guid) => {
    try {
      return (await redis.set(`agentgate:catchup:asked:${guid}`, "1", "PX", ASKED_TTL_MS, "NX")) === "OK";
    } catch {
      return true;
    }
  };
}
