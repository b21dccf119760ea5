/**
 * Bypasses (src/bypass/): a push to a watched branch that brings agent-written commits no passing
 * PR brought, a pull request merged while agentgate did not say success, and the "Accept bypass"
 * button on agentgate's bypass runs. The policy is the default branch's: for a push to it, as it
 * was before the push (a push that changes the policy and brings a bypass is judged by the old one).
 */
import type { Probot } from "probot";
import { loadPolicy } from "../config/load.js";
import { formatProblem } from "../config/parse.js";
import { defaultPolicy, type Policy } from "../config/schema.js";
import { detectorFor } from "../decide.js";
import { githubPolicyReader } from "../facts/github.js";
import { acceptBypass } from "../bypass/accept.js";
import { findMergeBypass, findPushBypasses, isWatchedBranch, type PayloadCommit } from "../bypass/find.js";
import { bypassContext, notifyBypasses, postBypass, postBypassStatus, postUnchecked } from "../bypass/publish.js";
import { recordBypass } from "../bypass/audit.js";
import { ACCEPT_ACTION, BYPASS_CHECK_NAME, decodeBypass, isBypassRun, type BypassRecord } from "../bypass/record.js";
import { ownCheckRuns } from "../facts/memory.js";
import type { Octokit } from "@octokit/rest";
import { mayChangePolicy } from "./push.js";
import { checkNameOf } from "./status.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";
import { ignoredPressText, refusalText, uncheckedText } from "../report/bypass.js";
import type { Unchecked } from "../bypass/find.js";

/** A bypass-unchecked audit line: the code, and the sentence the status shows (as `reason` said before codes). */
const uncheckedAudit = (u: Unchecked) => ({ reason: uncheckedText(u), code: u.code });

const ZERO = /^0{40}$/;

/** Bypass runs (each with a status) one push delivery creates at most. */
export const BYPASS_RUNS_PER_DELIVERY = 20;

interface Where {
  owner: string;
  repo: string;
}

/** The policy the bypass checks use: the default branch's (at `at` when given), or why it cannot be used. */
async function bypassPolicy(gh: Octokit, where: Where, ref: string | undefined, defaultBranch: string): Promise<{ policy: Policy } | { problem: string }> {
  const loaded = await loadPolicy(githubPolicyReader(gh), { ...where, ref: ref ?? defaultBranch });
  if (loaded.policy) return { policy: loaded.policy };
  return { problem: loaded.problems.map(formatProblem).join("; ").slice(0, 200) || "unreadable" };
}

interface PushPayload {
  ref: string;
  before: string;
  after: string;
  deleted?: boolean;
  forced?: boolean;
  commits: (PayloadCommit & { added?: string[]; modified?: string[]; removed?: string[] })[];
  sender?: { login?: string } | null;
  repository: { default_branch?: string };
}

interface ClosedPayload {
  pull_request: {
    number: number;
    merged?: boolean | null;
    merge_commit_sha?: string | null;
    title?: string;
    body?: string | null;
    user?: { login?: string; type?: string } | null;
    head: { sha: string; ref: string };
    base: { ref: string; sha: string };
    labels?: { name?: string }[];
    merged_by?: { login?: string } | null;
  };
  sender?: { login?: string } | null;
  repository: { default_branch?: string };
}

interface ActionPayload {
  check_run: { id: number; name: string; app?: { id?: number } | null };
  requested_action?: { identifier?: string } | null;
  sender?: { login?: string; type?: string } | null;
  repository: { default_branch?: string };
}

export function onBypass(app: Probot, whoAmI: WhoAmI): void {
  app.on("push", async (context) => {
    const p = context.payload as unknown as PushPayload;
    if (!p.ref.startsWith("refs/heads/") || p.deleted || ZERO.test(p.after)) return;
    const branch = p.ref.slice("refs/heads/".length);
    const defaultBranch = p.repository.default_branch ?? "main";
    const where = repoOf(context.payload);
    const run = gateRun(context, whoAmI);
    // On the default branch: the policy before the push when the push may change it; else the same
    // files at `after` (read by commit: no branch lookup, and what the gate reads next for PRs into it).
    const at = branch !== defaultBranch ? undefined : mayChangePolicy(p) && !ZERO.test(p.before) ? p.before : p.after;
    const loaded = await bypassPolicy(run.gh, where, at, defaultBranch);
    if ("problem" in loaded) {
      // Which branches are watched is the policy's: unreadable, only the default branch is known.
      if (branch !== defaultBranch) return;
      const why: Unchecked = { code: "policy-unusable", problem: loaded.problem };
      await postUnchecked(run.gh, where, p.after, "agentgate", why);
      recordBypass(run.log, { delivery: context.id, repo: `${where.owner}/${where.repo}` }, { sha: p.after, branch, reason: loaded.problem, code: why.code }, "bypass-unchecked", run.audit);
      return;
    }
    const policy = loaded.policy;
    if (!isWatchedBranch(branch, defaultBranch, policy)) return;
    const self = await run.self();
    const found = await findPushBypasses(run.gh, where, { after: p.after.toLowerCase(), branch, defaultBranch, commits: p.commits }, detectorFor(policy), self);
    const audit = { delivery: context.id, repo: `${where.owner}/${where.repo}` };
    if (found.tooMany) {
      await postUnchecked(run.gh, where, p.after, policy.check_name, found.tooMany);
      recordBypass(run.log, audit, { sha: p.after, branch, ...uncheckedAudit(found.tooMany) }, "bypass-unchecked", run.audit);
    }
    for (const u of found.unread) {
      if (u.outcome.kind !== "unread") continue;
      const why: Unchecked = { code: "route-unread", outcome: u.outcome };
      await postUnchecked(run.gh, where, u.sha, policy.check_name, why);
      recordBypass(run.log, audit, { sha: u.sha, branch, ...uncheckedAudit(why) }, "bypass-unchecked", run.audit);
      run.onOutcome?.("unpublished"); // a redelivery reads it again
    }
    const posted: BypassRecord[] = [];
    const fresh = found.direct.filter((d) => !d.reported); // the others were told already (a redelivery, or pushed again)
    if (fresh.length > BYPASS_RUNS_PER_DELIVERY) {
      // GitHub limits how fast an app creates content: the rest are marked by a redelivery of this push.
      const why: Unchecked = { code: "not-marked", left: fresh.length - BYPASS_RUNS_PER_DELIVERY, max: BYPASS_RUNS_PER_DELIVERY };
      await postUnchecked(run.gh, where, p.after, policy.check_name, why);
      recordBypass(run.log, audit, { sha: p.after, branch, ...uncheckedAudit(why) }, "bypass-unchecked", run.audit);
      run.onOutcome?.("unpublished"); // not kept as handled: a redelivery marks the rest
    }
    for (const d of fresh.slice(0, BYPASS_RUNS_PER_DELIVERY)) {
      const record: BypassRecord = { v: 1, kind: "direct-push", sha: d.sha, branch, agents: d.agents, ...(p.sender?.login ? { by: p.sender.login } : {}) };
      await postBypass(run.gh, where, record, policy.check_name, policy.bypasses);
      recordBypass(run.log, audit, record, "bypass", run.audit);
      posted.push(record);
    }
    await notifyBypasses(run.gh, where, posted, policy.bypasses);
    run.log.info(
      { repo: audit.repo, branch, suspects: found.suspects, bypasses: posted.length, unread: found.unread.length, ...(run.requestCount ? { githubRequests: run.requestCount() } : {}) },
      posted.length ? `agentgate saw ${posted.length} bypass(es) on ${branch}` : `no bypass on ${branch}`,
    );
  });

  app.on("pull_request.closed", async (context) => {
    const p = context.payload as unknown as ClosedPayload;
    const pr = p.pull_request;
    if (!pr.merged || !pr.merge_commit_sha) return;
    const defaultBranch = p.repository.default_branch ?? "main";
    const where = repoOf(context.payload);
    const run = gateRun(context, whoAmI);
    // The default branch's policy as it was before this merge (the base's commit), when it merged there.
    const loaded = await bypassPolicy(run.gh, where, pr.base.ref === defaultBranch ? pr.base.sha : undefined, defaultBranch);
    const mergeSha = pr.merge_commit_sha.toLowerCase();
    const audit = { delivery: context.id, repo: `${where.owner}/${where.repo}` };
    if ("problem" in loaded) {
      if (pr.base.ref !== defaultBranch) return;
      await postUnchecked(run.gh, where, mergeSha, "agentgate", { code: "policy-unusable", problem: loaded.problem });
      recordBypass(run.log, audit, { sha: mergeSha, branch: pr.base.ref, reason: loaded.problem }, "bypass-unchecked", run.audit);
      return;
    }
    const policy = loaded.policy;
    if (!isWatchedBranch(pr.base.ref, defaultBranch, policy)) return;
    const self = await run.self();
    const signals = {
      authorLogin: pr.user?.login ?? "",
      authorType: pr.user?.type ?? "User",
      headRef: pr.head.ref,
      labels: (pr.labels ?? []).map((l) => l.name ?? "").filter(Boolean),
      title: pr.title ?? "",
      body: pr.body ?? "",
    };
    const finding = await findMergeBypass(run.gh, where, { number: pr.number, headSha: pr.head.sha, mergeSha, signals }, detectorFor(policy), self);
    if (finding.kind === "unread") {
      await postUnchecked(run.gh, where, mergeSha, policy.check_name, finding.reason);
      recordBypass(run.log, audit, { sha: mergeSha, branch: pr.base.ref, ...uncheckedAudit(finding.reason) }, "bypass-unchecked", run.audit);
      return;
    }
    if (finding.kind !== "bypass") {
      run.log.info({ repo: audit.repo, pr: pr.number, finding: finding.kind, ...(run.requestCount ? { githubRequests: run.requestCount() } : {}) }, `#${pr.number} merged: no bypass`);
      return;
    }
    // Told already (a redelivery): one bypass run per merge commit.
    if ((await ownCheckRuns(run.gh, where, mergeSha, self.appId)).some(isBypassRun)) return;
    const by = pr.merged_by?.login ?? p.sender?.login;
    const record: BypassRecord = { v: 1, kind: "merged-not-passing", sha: mergeSha, branch: pr.base.ref, pr: pr.number, agents: finding.agents, shown: finding.shown, ...(by ? { by } : {}) };
    await postBypass(run.gh, where, record, policy.check_name, policy.bypasses);
    recordBypass(run.log, audit, record, "bypass", run.audit);
    await notifyBypasses(run.gh, where, [record], policy.bypasses);
  });

  // A success someone else posts on the bypass context would hide the bypass from CI and dashboards:
  // while agentgate's bypass run says failure, its failing status is posted again (1 read, 1 write).
  app.on("status", async (context) => {
    const p = context.payload as unknown as { sha: string; context: string; state: string; sender: { login: string }; repository: { default_branch: string } };
    if (p.state !== "success" || !p.context.toLowerCase().endsWith("/bypass")) return;
    const self = await whoAmI();
    if (p.sender.login.toLowerCase() === self.botLogin.toLowerCase()) return;
    const where = repoOf(context.payload);
    const run = gateRun(context, whoAmI);
    const checkName = await checkNameOf(run.gh, where, p.repository.default_branch);
    if (p.context !== bypassContext(checkName)) return;
    const failing = (await ownCheckRuns(run.gh, where, p.sha, self.appId)).find((r) => isBypassRun(r) && r.status === "completed" && r.conclusion === "failure");
    const decoded = failing ? decodeBypass(failing.output.text) : undefined;
    if (decoded?.kind !== "record") return;
    await postBypassStatus(run.gh, where, decoded.record, checkName);
    run.log.warn({ repo: `${where.owner}/${where.repo}`, sha: p.sha, context: p.context, forger: p.sender.login }, "a forged success on the bypass context was answered");
  });

  app.on("check_run.requested_action", async (context) => {
    const p = context.payload as unknown as ActionPayload;
    if (p.requested_action?.identifier !== ACCEPT_ACTION || p.check_run.name !== BYPASS_CHECK_NAME) return;
    const where = repoOf(context.payload);
    const run = gateRun(context, whoAmI);
    const self = await run.self();
    // GitHub sends an app the actions of its own runs only; a run of another app is not ours to answer.
    if (p.check_run.app?.id !== self.appId) return;
    const defaultBranch = p.repository.default_branch ?? "main";
    const loaded = await bypassPolicy(run.gh, where, undefined, defaultBranch);
    const policy = "policy" in loaded ? loaded.policy : null;
    const detector = detectorFor(policy ?? defaultPolicy());
    const sender = { login: p.sender?.login ?? "", type: p.sender?.type ?? "User" };
    const outcome = await acceptBypass(
      run.gh,
      where,
      { checkRunId: p.check_run.id, sender, checkName: policy?.check_name ?? "agentgate", now: new Date().toISOString(), defaultBranch },
      policy,
      "problem" in loaded ? loaded.problem : undefined,
      detector,
      self.appId,
    );
    const audit = { delivery: context.id, repo: `${where.owner}/${where.repo}` };
    if (outcome.kind === "accepted") recordBypass(run.log, audit, outcome.record, "bypass-accepted", run.audit);
    else run.log.warn({ repo: audit.repo, checkRun: p.check_run.id, sender: sender.login, outcome: outcome.kind, why: outcome.kind === "refused" ? refusalText(outcome.why) : ignoredPressText(outcome.why), code: outcome.why.code }, "a bypass was not accepted");
  });
}
