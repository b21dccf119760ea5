/**
 * `npm start`: agentgate in production. Checks its settings before listening (and refuses an unsafe
 * start), serves webhooks, `/healthz`, `/readyz` and `/metrics`, and on SIGTERM finishes the
 * deliveries in flight before exiting. Without credentials outside production it hands over to
 * Probot's setup page, which registers the App from app.yml.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { createNodeMiddleware, Probot, run, type ApplicationFunction } from "probot";
import agentgate, { createAgentgate } from "../index.js";
import { createAppServer, InFlight, type Middleware } from "./http.js";
import { Redis } from "ioredis";
import { deadlines } from "../deadlines.js";
import { RedisOrder } from "../runtime/order.js";
import { RedisHandled } from "../runtime/handled.js";
import { RedisPublished } from "../runtime/published.js";
import { RedisPolicyCopies } from "../runtime/policy-copies.js";
import { askOnceAcross, catchUpFailedDeliveries, takeCatchUpRound } from "./catchup.js";
import { JOURNAL_DEFAULTS, NoJournal, RedisJournal } from "../runtime/journal.js";
import { journalDeliveries, type Recovery } from "./recovery.js";
import { RedisCommitFacts } from "../runtime/commit-facts.js";
import { mendThrottleConnection } from "./throttle.js";
import { AgentgateOctokit } from "../github/client.js";
import { Metrics } from "./metrics.js";
import { readinessProbe, redisPing, type ReadinessCheck } from "./readiness.js";
import { startMode, type ServerSettings } from "./settings.js";
import { AuditTrail } from "../runtime/audit.js";

/** Counts every GitHub answer per installation: requests, 304s, rate limit remaining. */
function observeRequests(metrics: Metrics) {
  return (octokit: { hook: { wrap: (name: "request", fn: (request: (o: any) => Promise<any>, options: any) => Promise<any>) => void } }, options: { auth?: { installationId?: number | string } }) => {
    const installation = String(options.auth?.installationId ?? "app");
    octokit.hook.wrap("request", async (request, opts) => {
      try {
        const response = await request(opts);
        metrics.githubAnswer(installation, opts.method, response.status, response.headers?.["x-ratelimit-remaining"]);
        return response;
      } catch (e) {
        const err = e as { status?: number; response?: { headers?: Record<string, string> } };
        metrics.githubAnswer(installation, opts.method, err.status, err.response?.headers?.["x-ratelimit-remaining"]);
        throw e;
      }
    });
  };
}

/** Every handler agentgate registers runs inside `inFlight`, so a shutdown can wait for it. */
export function tracked(appFn: ApplicationFunction, inFlight: InFlight): ApplicationFunction {
  return (app, options) => {
    const on = app.on.bind(app);
    app.on = ((events: Parameters<typeof on>[0], handler: (context: unknown) => Promise<void>) =>
      on(events, (context) => inFlight.track(() => handler(context)))) as unknown as typeof app.on;
    return appFn(app, options);
  };
}

export interface ServeOptions {
  /**
   * Probot's throttle (writes to one installation at most one a second, ten requests at a time). On
   * in production; the throughput benchmark turns it off to measure agentgate, not the throttle. Not
   * read from the environment, so no deployment can turn it off by accident.
   */
  githubThrottle?: boolean;
}

export async function serve(settings: ServerSettings, opts: ServeOptions = {}) {
  const log = pino({ level: settings.logLevel, base: { name: "agentgate" } });
  const metrics = new Metrics();
  const inFlight = new InFlight();
  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: settings.baseUrl,
    log,
    ...(settings.redisUrl ? { redisConfig: settings.redisUrl } : {}),
    // Probot's options reach these defaults: the shared throttle's connection is mended (throttle.ts).
    Octokit: AgentgateOctokit.plugin(observeRequests(metrics) as never).defaults((options: { throttle?: { connection?: unknown } }) => {
      mendThrottleConnection(options.throttle?.connection);
      return opts.githubThrottle === false ? { ...options, throttle: { ...options.throttle, enabled: false } } : options;
    }),
  });
  let middleware: Middleware | undefined;
  const checks: ReadinessCheck[] = [
    {
      name: "github-app-credentials",
      async run() {
        const octokit = await probot.auth();
        const { data } = await octokit.rest.apps.getAuthenticated();
        if (!data || typeof data.id !== "number") throw new Error("GitHub did not describe the App");
        if (data.id !== settings.appId) throw new Error(`the key belongs to App ${data.id}, not APP_ID ${settings.appId}`);
      },
    },
    ...(settings.redisUrl ? [{ name: "redis", run: () => redisPing(settings.redisUrl!) }] : []),
  ];
  const server = createAppServer({
    webhookPath: settings.webhookPath,
    webhookSecret: settings.webhookSecret,
    middleware: () => middleware,
    metrics,
    readiness: readinessProbe(checks),
    inFlight,
    log,
  });
  const address = await server.listen(settings.port, settings.host);
  log.info({ host: address.address, port: address.port, webhookPath: settings.webhookPath }, "agentgate is listening");
  // Listening first: while Probot waits for Redis, /readyz can say so and deliveries get 503.
  // With Redis, replicas share each repository's turn: an older evaluation never publishes after a
  // newer one on any replica.
  const redis = settings.redisUrl ? new Redis(settings.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false }) : undefined;
  redis?.on("error", (e: Error) => log.warn({ err: e.message }, "Redis: connection trouble"));
  const audit = new AuditTrail({
    log,
    ...settings.audit,
    onDropped: (sink, reason) => metrics.auditDropped.inc({ sink, reason }),
    onDelivered: (sink) => metrics.auditDelivered.inc({ sink }),
  });
  const app = createAgentgate({
    audit,
    // ...and what was last posted per commit, so no replica skips a write another one made stale.
    ...(redis
      ? {
          order: new RedisOrder(redis as never, {
            // A short lease, renewed while the turn runs: a replica that dies frees its repository
            // within 6 s. A delivery waits at most 8 s from its arrival for the turn, so it fails
            // (500, redelivered by the catch-up) before Probot would answer 202 at 9 s and GitHub
            // count it delivered; one that already spent that in this replica's queue waits on.
            leaseMs: 6_000,
            renewMs: 2_000,
            waitMs: 8_000,
            lateWaitMs: 60_000,
            maxHoldMs: deadlines.turnLimitMs,
          }),
          handled: new RedisHandled(redis),
          policyCopies: new RedisPolicyCopies(redis),
          commitFacts: new RedisCommitFacts(redis, { secret: settings.webhookSecret, onTrouble: (op, e) => log.warn({ op, err: e instanceof Error ? e.message : String(e) }, "Redis: shared commit facts unavailable; reading GitHub for 5 s") }),
          published: new RedisPublished(redis, { onTrouble: (op, e) => log.warn({ op, err: e instanceof Error ? e.message : String(e) }, "Redis: published-status memory unavailable; reading GitHub instead") }),
        }
      : {}),
    observer: {
      decision: (state) => metrics.decisions.inc({ state }),
      evaluated: (ms) => metrics.evaluationSeconds.observe(ms / 1000),
      deployAnswer: (state) => metrics.deployGate.inc({ state }),
    },
  });
  // With Redis, each delivery in hand is journaled: one a dead replica answered 2xx is recovered.
  const journal = redis
    ? new RedisJournal(redis as never, { ...JOURNAL_DEFAULTS, log, onUnjournaled: (reason) => metrics.unjournaled.inc({ reason }) })
    : new NoJournal();
  let recovery: Recovery | undefined;
  createNodeMiddleware(tracked(app, inFlight), { probot, webhooksPath: settings.webhookPath }).then(
    (m) => {
      recovery = journalDeliveries(probot.webhooks as never, journal, { log, onRecovered: (outcome) => metrics.recovered.inc({ outcome }) });
      if (redis) recovery.start(JOURNAL_DEFAULTS.leaseMs / 2);
      middleware = m;
      log.info("ready for deliveries");
      startCatchUp();
    },
    (e: unknown) => {
      log.error({ err: e }, "agentgate could not start Probot; exiting");
      process.exit(1);
    },
  );

  // Deliveries that failed (a restart, a crash, a network fault) are asked for again, once each.
  const asked = new Set<string>();
  const catchUpRoundOwner = randomUUID();
  let catchUpTimer: NodeJS.Timeout | undefined;
  const catchUp = async () => {
    // Without Redis a redelivery would only fail again (no turn), and each is asked for once.
    if (settings.redisUrl) {
      try {
        await redisPing(settings.redisUrl);
      } catch (e) {
        log.warn({ err: e instanceof Error ? e.message : String(e) }, "Redis does not answer: failed deliveries are left for a later round");
        return;
      }
      // One replica's round per period: the others would ask GitHub the same again.
      if (!(await takeCatchUpRound(redis as never, catchUpRoundOwner, settings.catchUpIntervalMs || 60_000).catch(() => false))) {
        log.info("another replica runs this catch-up round (or Redis did not say): skipped here");
        return;
      }
    }
    await probot
      .auth()
      .then((octokit) => catchUpFailedDeliveries(octokit as never, asked, { log, ...(redis ? { askOnce: askOnceAcross(redis as never) } : {}) }))
      .catch((e: unknown) => log.warn({ err: e }, "could not list the App's failed deliveries"));
  };
  const startCatchUp = () => {
    void catchUp();
    if (settings.catchUpIntervalMs > 0) {
      catchUpTimer = setInterval(() => void catchUp(), settings.catchUpIntervalMs);
      catchUpTimer.unref();
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    stopping ??= (async () => {
      clearInterval(catchUpTimer);
      recovery?.stop();
      log.info({ signal, inFlight: inFlight.count, graceMs: settings.shutdownGraceMs }, "shutting down: no new deliveries");
      const { finished, abandoned } = await server.shutdown(settings.shutdownGraceMs);
      // What the endpoint has not taken yet gets a few seconds more; the log has every event already.
      await Promise.race([audit.flush(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      if (audit.pending) log.warn({ pending: audit.pending }, "audit events not delivered to AUDIT_URL before exit (they are in the log)");
      redis?.disconnect();
      if (finished) log.info("every delivery in flight finished; exiting");
      else log.warn({ abandoned }, "deliveries still running at the end of the grace period; GitHub shows them as failed, redeliver them");
      process.exit(0);
    })();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return server;
}

async function main() {
  const mode = startMode(process.env, (p) => readFileSync(p, "utf8"));
  if (mode.mode === "refuse") {
    for (const p of mode.problems) process.stderr.write(`agentgate: cannot start: ${p}\n`);
    process.exitCode = 1;
    return;
  }
  if (mode.mode === "setup") {
    await run(agentgate);
    return;
  }
  await serve(mode.settings);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
