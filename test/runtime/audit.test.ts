/** The audit trail's sinks: the log always, a JSONL file, and an HTTPS endpoint (here a local http server). */
import { afterEach, describe, expect, it } from "@jest/globals";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bypassEvent, type AuditEvent } from "../../src/audit/event.js";
import { AuditTrail, type AuditLogger } from "../../src/runtime/audit.js";

const ctx = { delivery: "d-1", repository: "acme/app", at: "2026-12-01T00:00:00.000Z", app: "0.1.0" };
const event = (n: number): AuditEvent => bypassEvent({ kind: "direct-push", sha: String(n).padStart(40, "0"), branch: "main" }, ctx);

function memoryLog() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  const log: AuditLogger = { info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

interface Endpoint {
  url: string;
  received: { body: unknown; auth: string | undefined }[];
  server: Server;
}

/** Answers each POST with the next status of `answers` (then 200), keeping what it was sent. */
async function endpoint(answers: number[] = []): Promise<Endpoint> {
  const received: Endpoint["received"] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => (body += d));
    req.on("end", () => {
      const status = answers.shift() ?? 200;
      if (status === 200) received.push({ body: JSON.parse(body), auth: req.headers.authorization });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe("the audit trail", () => {
  it("logs one structured line per event", () => {
    const { log, lines } = memoryLog();
    new AuditTrail({ log }).record(event(1));
    expect(lines).toEqual([{ level: "info", obj: { audit: event(1) }, msg: "audit bypass" }]);
  });

  it("appends one JSON line per event to AUDIT_FILE, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentgate-audit-"));
    try {
      const file = join(dir, "audit.jsonl");
      const trail = new AuditTrail({ log: memoryLog().log, file });
      trail.record(event(1));
      trail.record(event(2));
      await trail.flush();
      const lines = readFileSync(file, "utf8").split("\n");
      expect(lines.pop()).toBe("");
      expect(lines.map((l) => JSON.parse(l))).toEqual([event(1), event(2)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("POSTs each event with the bearer token, retrying failures with backoff until it succeeds", async () => {
    const ep = await endpoint([500, 503]);
    servers.push(ep.server);
    const delivered: string[] = [];
    const trail = new AuditTrail({ log: memoryLog().log, url: ep.url, token: "s3cret", backoffMs: 10, onDelivered: (s) => delivered.push(s) });
    trail.record(event(1));
    trail.record(event(2));
    await trail.flush();
    expect(ep.received).toEqual([
      { body: event(1), auth: "Bearer s3cret" },
      { body: event(2), auth: "Bearer s3cret" },
    ]);
    expect(delivered).toEqual(["https", "https"]);
  });

  it("gives up after its attempts: the event is logged as dropped and counted, the next still goes", async () => {
    const ep = await endpoint([500, 500, 500]);
    servers.push(ep.server);
    const { log, lines } = memoryLog();
    const dropped: string[] = [];
    const trail = new AuditTrail({ log, url: ep.url, attempts: 3, backoffMs: 5, onDropped: (s, r) => dropped.push(`${s}:${r}`) });
    trail.record(event(1));
    trail.record(event(2));
    await trail.flush();
    expect(dropped).toEqual(["https:gave-up"]);
    expect(lines.find((l) => l.msg === "audit event dropped")?.obj).toMatchObject({ sink: "https", reason: "gave-up", type: "bypass", delivery: "d-1" });
    expect(ep.received.map((r) => r.body)).toEqual([event(2)]);
  });

  it("never waits and never throws: a full queue drops the newest and counts it", async () => {
    // An endpoint that is down: every attempt fails to connect.
    const dropped: string[] = [];
    const trail = new AuditTrail({ log: memoryLog().log, url: "http://127.0.0.1:1/audit", queueMax: 2, attempts: 2, backoffMs: 5, onDropped: (s, r) => dropped.push(`${s}:${r}`) });
    const started = Date.now();
    for (let i = 0; i < 5; i++) trail.record(event(i));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(trail.pending).toBe(2);
    expect(dropped).toEqual(["https:queue-full", "https:queue-full", "https:queue-full"]);
    await trail.flush();
    expect(dropped.filter((d) => d === "https:gave-up")).toHaveLength(2);
    expect(trail.pending).toBe(0);
  });

  it("a 4xx that asking again cannot fix is not retried", async () => {
    const ep = await endpoint([401]);
    servers.push(ep.server);
    const dropped: string[] = [];
    const trail = new AuditTrail({ log: memoryLog().log, url: ep.url, attempts: 5, backoffMs: 1_000, onDropped: (s, r) => dropped.push(`${s}:${r}`) });
    trail.record(event(1));
    await trail.flush();
    expect(dropped).toEqual(["https:gave-up"]);
    expect(ep.received).toEqual([]);
  });
});

describe("the audit trail's metrics", () => {
  it("/metrics counts what was dropped, by sink and reason", async () => {
    const { Metrics } = await import("../../src/server/metrics.js");
    const metrics = new Metrics();
    const trail = new AuditTrail({ log: memoryLog().log, url: "http://127.0.0.1:1/audit", queueMax: 1, attempts: 1, onDropped: (sink, reason) => metrics.auditDropped.inc({ sink, reason }) });
    trail.record(event(1));
    trail.record(event(2));
    await trail.flush();
    const text = await metrics.registry.metrics();
    expect(text).toContain('agentgate_audit_events_dropped_total{sink="https",reason="queue-full"} 1');
    expect(text).toContain('agentgate_audit_events_dropped_total{sink="https",reason="gave-up"} 1');
  });
});
