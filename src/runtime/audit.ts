/**
 * The audit trail: where audit events (src/audit/event.ts) go. Made once at the composition root
 * (createAgentgate's `audit`, the server's AUDIT_* settings) and shared by every delivery.
 *
 * - Always the log: one structured line per event (`{ audit: event }`).
 * - AUDIT_FILE: appended, one JSON line per event, in the order recorded.
 * - AUDIT_URL: POSTed as JSON (with AUDIT_TOKEN as a bearer token), from a bounded queue, retried
 *   with exponential backoff. A webhook never waits for it and never fails because of it: what cannot
 *   be delivered is logged and counted (onDropped → /metrics), never thrown.
 */
import { appendFile } from "node:fs/promises";
import type { AuditEvent } from "../audit/event.js";

export interface AuditLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type AuditSinkName = "file" | "https";
export type DropReason = "queue-full" | "gave-up" | "write-failed";

export interface AuditTrailOptions {
  log: AuditLogger;
  /** JSONL file to append to. */
  file?: string;
  /** HTTPS endpoint to POST each event to. */
  url?: string;
  /** Bearer token for `url`. */
  token?: string;
  /** Events waiting for the endpoint at most; a new event beyond is dropped (default 1000). */
  queueMax?: number;
  /** Attempts per event, the first included (default 5). */
  attempts?: number;
  /** The first retry's wait; each next one doubles, up to maxBackoffMs (default 500 ms, 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** One attempt's time limit (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Told of each event a sink could not take or deliver. */
  onDropped?: (sink: AuditSinkName, reason: DropReason) => void;
  /** Told of each event a sink delivered. */
  onDelivered?: (sink: AuditSinkName) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** Summary of an event for a log line about it (never the whole event twice). */
const about = (e: AuditEvent) => ({ type: e.type, repository: e.repository, delivery: e.delivery, ...("sha" in e ? { sha: e.sha } : {}) });

export class AuditTrail {
  private readonly queue: AuditEvent[] = [];
  private sending: Promise<void> | undefined;
  private fileTail: Promise<void> = Promise.resolve();
  private readonly opts: Required<Pick<AuditTrailOptions, "queueMax" | "attempts" | "backoffMs" | "maxBackoffMs" | "timeoutMs">> & AuditTrailOptions;

  constructor(options: AuditTrailOptions) {
    this.opts = { queueMax: 1000, attempts: 5, backoffMs: 500, maxBackoffMs: 30_000, timeoutMs: 10_000, ...options };
  }

  /** Record one event: logged now; file and endpoint in the background. Never throws, never waits. */
  record(event: AuditEvent): void {
    try {
      this.opts.log.info({ audit: event }, `audit ${event.type}`);
    } catch {
      // A logger that throws must not fail the webhook.
    }
    if (this.opts.file) this.toFile(event);
    if (this.opts.url) this.toEndpoint(event);
  }

  /** Waits until the file and the endpoint have everything recorded so far (or gave up on it). */
  async flush(): Promise<void> {
    await this.fileTail;
    while (this.sending) await this.sending;
  }

  /** Events waiting for the endpoint. */
  get pending(): number {
    return this.queue.length;
  }

  private dropped(sink: AuditSinkName, reason: DropReason, e: AuditEvent, err?: unknown) {
    this.opts.log.error({ ...about(e), sink, reason, ...(err ? { err: err instanceof Error ? err.message : String(err) } : {}) }, "audit event dropped");
    this.opts.onDropped?.(sink, reason);
  }

  private toFile(event: AuditEvent) {
    const line = `${JSON.stringify(event)}\n`;
    this.fileTail = this.fileTail.then(() =>
      appendFile(this.opts.file!, line, "utf8").then(
        () => this.opts.onDelivered?.("file"),
        (err: unknown) => this.dropped("file", "write-failed", event, err),
      ),
    );
  }

  private toEndpoint(event: AuditEvent) {
    if (this.queue.length >= this.opts.queueMax) {
      this.dropped("https", "queue-full", event);
      return;
    }
    this.queue.push(event);
    this.kick();
  }

  private kick() {
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      // Recorded between the last send and now: start again.
      if (this.queue.length) this.kick();
    });
  }

  /** One event at a time, in order: a down endpoint gets one request per backoff, not a flood. */
  private async drain(): Promise<void> {
    while (this.queue.length) {
      const event = this.queue[0]!;
      const ok = await this.deliver(event);
      this.queue.shift();
      if (ok) this.opts.onDelivered?.("https");
    }
  }

  private async deliver(event: AuditEvent): Promise<boolean> {
    const doFetch = this.opts.fetch ?? fetch;
    const body = JSON.stringify(event);
    let wait = this.opts.backoffMs;
    let last: unknown;
    for (let attempt = 1; attempt <= this.opts.attempts; attempt++) {
      try {
        const res = await doFetch(this.opts.url!, {
          method: "POST",
          headers: { "content-type": "application/json", ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}) },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        last = new Error(`HTTP ${res.status}`);
        // A 4xx other than 408/429 will not change by asking again.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) break;
      } catch (e) {
        last = e;
      }
      if (attempt < this.opts.attempts) {
        await sleep(wait);
        wait = Math.min(wait * 2, this.opts.maxBackoffMs);
      }
    }
    this.dropped("https", "gave-up", event, last);
    return false;
  }
}
