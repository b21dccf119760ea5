/**
 * What the gate passes around per pull request (an evaluation) and the decision it publishes when
 * it cannot decide. Pure: no GitHub, so the orchestration and its in-memory fake share it.
 */
import type { LoadedPolicy } from "./config/load.js";
import type { Detection } from "./detect/types.js";
import type { PullRequestRef } from "./facts/github.js";
import type { Decision } from "./policy/types.js";
import { headlineOf } from "./report/headline.js";
import { CANNOT_DECIDE } from "./report/reasons.js";

/** A full commit SHA, as GitHub names one. */
export const SHA = /^[0-9a-f]{40}$/i;

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export interface Evaluation {
  ref: PullRequestRef;
  headSha: string;
  loaded: LoadedPolicy | null;
  decision: Decision;
  /** The PR's base branch, when the PR could be read: where the enforcement doctor looks. */
  baseRef?: string;
}

export function reasonOf(e: unknown): string {
  const status = typeof e === "object" && e && "status" in e ? ` (HTTP ${(e as { status: unknown }).status})` : "";
  const message = e instanceof Error ? e.message : String(e);
  return `${message.split("\n")[0]}${status}`;
}

function emptyDetection(): Detection {
  return { agentAuthored: false, agents: [], pr: [], commits: [], steeringHumans: [] };
}

/** A decision that says agentgate could not decide, and why. Never success. */
export function errorDecision(headSha: string, checkName: string, reason: string): Decision {
  const d: Decision = {
    state: "error",
    headline: "",
    headSha,
    checkName,
    detection: emptyDetection(),
    findings: [],
    requirement: { applies: true, approvals: 0, teams: [], blocked: false, reasons: [] },
    approvals: { counted: [], ignored: [] },
    changesRequestedBy: [],
    reasons: [{ code: "facts-incomplete", message: reason }],
    missing: [CANNOT_DECIDE],
    problems: [reason],
  };
  return { ...d, headline: headlineOf(d) };
}

