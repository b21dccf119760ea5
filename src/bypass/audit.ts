/**
 * A bypass's audit line: the log always, and the delivery's audit trail (file, HTTPS) when there is one.
 * Apart from record.ts, which the memory reader imports: the record stays free of the audit sinks.
 */
import { bypassEvent, type AuditEvent } from "../audit/event.js";
import { appVersion } from "../version.js";
import type { BypassRecord } from "./record.js";

/** The structured audit line every bypass (and every acceptance) logs, for the audit sinks. */
export interface BypassAudit {
  audit: { v: 1; type: "bypass" | "bypass-accepted" | "bypass-unchecked"; delivery: string; repo: string } & Partial<BypassRecord> & { reason?: string; code?: string };
}

/** Where audit events go (src/runtime/audit.ts); absent, the log line is the only record. */
export interface BypassAuditSink {
  record(event: AuditEvent): void;
}

export function recordBypass(
  log: { warn(o: object, m: string): void },
  at: { delivery: string; repo: string },
  /** `code`: why it could not be checked, as src/bypass/find.ts `Unchecked` names it; `reason` says it. */
  record: BypassRecord | { sha: string; branch: string; reason: string; code?: string },
  type: BypassAudit["audit"]["type"] = "bypass",
  trail?: BypassAuditSink,
): BypassAudit {
  const line: BypassAudit = { audit: { v: 1, type, delivery: at.delivery, repo: at.repo, ...record } };
  const message =
    type === "bypass" ? `agentgate saw a bypass on ${record.sha.slice(0, 7)}` : type === "bypass-accepted" ? `a bypass on ${record.sha.slice(0, 7)} was accepted` : `agentgate could not check ${record.sha.slice(0, 7)} for bypasses`;
  if (!trail) {
    log.warn(line, message);
    return line;
  }
  // The trail logs the event itself (and writes it to the file and endpoint sinks): warn without it.
  log.warn({ sha: record.sha, bypass: type }, message);
  const { v: _v, delivery: _d, repo: _r, ...bypass } = line.audit;
  trail.record(bypassEvent(bypass, { delivery: at.delivery, repository: at.repo, at: new Date().toISOString(), app: appVersion() }));
  return line;
}
