/**
 * An in-memory GatePort (src/github/port.ts): plain maps of pull requests with canned decisions,
 * the PRs GitHub would list per SHA, merge groups, agentgate's check runs, and what was published.
 * For the gate's orchestration rules in milliseconds, without HTTP. Modelled on policy-bot's pulltest.
 */
import { defaultPolicy } from "../../src/config/schema.js";
import { errorDecision, type Evaluation } from "../../src/evaluation.js";
import type { PayloadHint } from "../../src/github/evaluate.js";
import type { GatePort, StatusWrite } from "../../src/github/port.js";
import type { GateContext, OurCheckRun } from "../../src/gate.js";
import type { MergeGroupContents } from "../../src/facts/merge-group.js";
import type { EnforcementReads } from "../../src/doctor/read.js";
import type { Decision, GateState } from "../../src/policy/types.js";
import type { AppIdentity, PublishOptions, PublishResult, RepoRef } from "../../src/publish.js";
import { STATUS_DESCRIPTION_LIMIT, truncate } from "../../src/report/headline.js";
import type { OwnStatus } from "../../src/facts/statuses.js";

export const SELF: AppIdentity = { appId: 1, botLogin: "agentgate[bot]" };
export const sha = (c: string) => c.repeat(40);

/** A pull request as the fake reads it: its head and the decision its policy would reach. */
export interface FakePullRequest {
  headSha: string;
  state: GateState;
  headline?: string;
  checkName?: string;
  baseRef?: string;
  publish?: "both" | "check_run" | "status";
  /** The PR cannot be read: evaluate answers an error (on the hinted head only, as the real reader). */
  unreadable?: string;
}

/** What a commit shows under one context: the status and the check run agentgate wrote. */
export interface Shown {
  status?: { state: GateState | "success" | "failure"; description: string };
  checkRun?: { state: GateState; title: string; notes: string[] };
  decision?: Decision;
}

const GITHUB_DOWN = Object.assign(new Error("Service Unavailable"), { status: 503 });

export class FakePort implements GatePort {
  readonly prs = new Map<number, FakePullRequest>();
  /** The open PRs GitHub lists at a SHA; absent: those in `prs` whose head it is; "fail": GitHub errs. */
  readonly listed = new Map<string, number[] | "fail">();
  /** A merge group's contents by its head SHA; "fail": GitHub errs. */
  readonly groups = new Map<string, MergeGroupContents | "fail">();
  /** agentgate's own check runs per SHA (the forged-status path reads these). */
  readonly runs = new Map<string, OurCheckRun[]>();
  /** Contexts whose status GitHub refuses (1000 on it), as `sha#context`. */
  readonly statusCapped = new Set<string>();
  /** What branch protection says per branch; absent: GitHub errs (the report is information only). */
  readonly protection = new Map<string, EnforcementReads>();
  /** What each commit shows, as `sha#context`. */
  readonly shown = new Map<string, Shown>();

  async identity() {
    return SELF;
  }

  async evaluate(where: RepoRef, number: number, hint?: PayloadHint): Promise<Evaluation> {
    const ref = { ...where, number };
    const pr = this.prs.get(number);
    if (!pr || pr.unreadable) {
      const headSha = hint?.headSha ?? "";
      const why = pr?.unreadable ?? "Not Found (HTTP 404)";
      return { ref, headSha, loaded: null, decision: errorDecision(headSha, defaultPolicy().check_name, `could not evaluate: ${why}`) };
    }
    const checkName = pr.checkName ?? defaultPolicy().check_name;
    const headline = pr.headline ?? `${pr.state} (#${number})`;
    const decision: Decision = { ...errorDecision(pr.headSha, checkName, ""), state: pr.state, headline, reasons: [], missing: [], problems: [] };
    const policy = { ...defaultPolicy(), check_name: checkName, ...(pr.publish ? { publish: pr.publish } : {}) };
    return { ref, headSha: pr.headSha, loaded: { policy, problems: [], sources: [] }, decision, baseRef: pr.baseRef ?? "main" };
  }

  async openPullRequestsAt(_where: RepoRef, at: string): Promise<number[]> {
    const listed = this.listed.get(at);
    if (listed === "fail") throw GITHUB_DOWN;
    return listed ?? [...this.prs].filter(([, pr]) => pr.headSha === at).map(([n]) => n);
  }

  async publish(where: RepoRef, at: string, d: Decision, _self: AppIdentity, opts: PublishOptions): Promise<PublishResult> {
    let status: PublishResult["status"] = "skipped";
    if (opts.publish !== "check_run") {
      await this.postStatus(where, at, { state: d.state, context: d.checkName, description: truncate(d.headline, STATUS_DESCRIPTION_LIMIT) });
      status = "posted";
    }
    return { status, checkRun: await this.publishCheckRun(where, at, d) };
  }

  async publishCheckRun(_where: RepoRef, at: string, d: Decision): Promise<PublishResult["checkRun"]> {
    const key = `${at}#${d.checkName}`;
    const shown = this.shown.get(key);
    this.shown.set(key, { ...shown, checkRun: { state: d.state, title: d.headline, notes: d.notes ?? [] }, decision: d });
    return shown?.checkRun ? "updated" : "created";
  }

  async enforcement(_where: RepoRef, branch: string): Promise<EnforcementReads> {
    const reads = this.protection.get(branch);
    if (!reads) throw GITHUB_DOWN; // information only: the gate publishes without it
    return reads;
  }

  async mergeGroupContents(_where: RepoRef, _baseSha: string, headSha: string): Promise<MergeGroupContents> {
    const group = this.groups.get(headSha);
    if (group === "fail") throw GITHUB_DOWN;
    return group ?? { members: [], problems: [] };
  }

  async ownCheckRuns(_where: RepoRef, at: string, appId: number): Promise<OurCheckRun[]> {
    return appId === SELF.appId ? (this.runs.get(at) ?? []) : [];
  }

  async ownStatuses(_where: RepoRef, at: string): Promise<OwnStatus[]> {
    return [...this.shown]
      .filter(([key, shown]) => key.startsWith(`${at}#`) && shown.status)
      .map(([key, shown]) => ({ context: key.slice(at.length + 1), state: shown.status!.state, description: shown.status!.description }));
  }

  async postStatus(_where: RepoRef, at: string, status: StatusWrite): Promise<void> {
    const key = `${at}#${status.context}`;
    if (this.statusCapped.has(key)) {
      throw Object.assign(new Error("Validation Failed"), { status: 422, response: { data: { message: "This SHA and context has reached the maximum number of statuses." } } });
    }
    this.shown.set(key, { ...this.shown.get(key), status: { state: status.state, description: status.description } });
  }

  async updateCheckRunOutput(_where: RepoRef, at: string, id: number, output: { title: string; summary: string; text?: string }): Promise<void> {
    const run = (this.runs.get(at) ?? []).find((r) => r.id === id);
    if (!run) throw Object.assign(new Error("Not Found"), { status: 404 });
    run.output = { ...run.output, ...output };
  }
}

/** A run's context for the orchestration, with what it was told (outcomes) and logged (errors). */
export function fakeRun(over: Partial<GateContext> = {}): GateContext & { outcomes: string[]; errors: string[] } {
  const outcomes: string[] = [];
  const errors: string[] = [];
  const quiet = () => undefined;
  return {
    outcomes,
    errors,
    log: { info: quiet, warn: quiet, error: (_o: object | string, msg?: string) => void errors.push(msg ?? String(_o)) },
    onOutcome: (o) => void outcomes.push(o),
    ...over,
  };
}
