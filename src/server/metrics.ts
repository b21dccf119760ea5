/**
 * Prometheus metrics, with prom-client (the registry's standard client: text exposition format,
 * histograms and default process metrics, kept up to date by its maintainers). One registry per
 * server, so tests and several servers in one process never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: "agentgate_webhooks_total",
    help: "Webhook deliveries by event and outcome (ok, still-processing, bad-signature, rejected, failed)",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });
  readonly webhookSeconds = new Histogram({
    name: "agentgate_webhook_duration_seconds",
    help: "From receiving a delivery to answering it",
    labelNames: ["event"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 9, 30],
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: "agentgate_decisions_total",
    help: "Decisions published, by state",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });
  readonly evaluationSeconds = new Histogram({
    name: "agentgate_evaluation_duration_seconds",
    help: "Reading the facts of one pull request and deciding",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: "agentgate_github_requests_total",
    help: "GitHub API requests by installation, method and outcome (2xx, 304, 4xx, 5xx, network)",
    labelNames: ["installation", "method", "outcome"] as const,
    registers: [this.registry],
  });
  readonly rateLimitRemaining = new Gauge({
    name: "agentgate_github_rate_limit_remaining",
    help: "x-ratelimit-remaining of the latest GitHub answer, per installation",
    labelNames: ["installation"] as const,
    registers: [this.registry],
  });
  readonly deployGate = new Counter({
    name: "agentgate_deploy_gate_answers_total",
    help: "Deployment protection rule answers, by state",
    labelNames: ["state"] as const,
    registers: [this.registry],
  });

  readonly auditDropped = new Counter({
    name: "agentgate_audit_events_dropped_total",
    help: "Audit events a sink could not take or deliver, by sink (file, https) and reason (queue-full, gave-up, write-failed)",
    labelNames: ["sink", "reason"] as const,
    registers: [this.registry],
  });
  readonly auditDelivered = new Counter({
    name: "agentgate_audit_events_delivered_total",
    help: "Audit events written to the file or delivered to the endpoint, by sink",
    labelNames: ["sink"] as const,
    registers: [this.registry],
  });
  readonly recovered = new Counter({
    name: "agentgate_deliveries_recovered_total",
    help: "Deliveries claimed from the journal after their replica stopped handling them, by outcome (handled, failed, too-big, gave-up, bad-signature)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly unjournaled = new Counter({
    name: "agentgate_deliveries_unjournaled_total",
    help: "Deliveries the journal could not keep whole, by reason (too-big: id and name only; redis: not at all); handled all the same",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "agentgate_" });
  }

  /** Count one GitHub answer (or a network failure: status undefined). */
  githubAnswer(installation: string, method: string, status: number | undefined, remaining: string | undefined): void {
    const outcome = status === undefined ? "network" : status === 304 ? "304" : `${Math.floor(status / 100)}xx`;
    this.githubRequests.inc({ installation, method, outcome });
    const left = Number(remaining);
    if (remaining !== undefined && Number.isFinite(left)) this.rateLimitRemaining.set({ installation }, left);
  }
}
