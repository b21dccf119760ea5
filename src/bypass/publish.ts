/**
 * Telling of a bypass: agentgate's `agentgate bypass` check run on the commit (failing, the record in
 * its text, an "Accept bypass" button when the policy names who may press it), a failing
 * `<check_name>/bypass` commit status for CI and dashboards, and the configured notification.
 *
 * Costs (REST writes): 1 check run + 1 status per bypassing commit, + 1 comment or issue per
 * delivery (bypasses.notify). The wording is src/report/bypass.ts's.
 */
import { forgetOwnCheckRuns } from "../facts/memory.js";
import type { Octokit } from "@octokit/rest";
import type { BypassesPolicy } from "../config/schema.js";
import type { UnmarkedBypass } from "../deploy/judge.js";
import { ACCEPT_BUTTON, bypassSummary, bypassTitle, notificationBody, notificationTitle, statusDescription, uncheckedDescription } from "../report/bypass.js";
import type { Unchecked } from "./find.js";
import { ACCEPT_ACTION, BYPASS_CHECK_NAME, encodeBypass, type BypassRecord } from "./record.js";

interface Where {
  owner: string;
  repo: string;
}

export function bypassContext(checkName: string): string {
  return `${checkName}/bypass`.slice(0, 255);
}

/** The "Accept bypass" button: only when someone may press it, and only while not accepted. */
export function actionsFor(r: BypassRecord, policy: Pick<BypassesPolicy, "accept_by">) {
  if (r.accepted || !policy.accept_by.length) return [];
  return [{ ...ACCEPT_BUTTON, identifier: ACCEPT_ACTION }];
}

/** The check run and the failing status on the commit. */
export async function postBypass(gh: Octokit, where: Where, r: BypassRecord, checkName: string, policy: BypassesPolicy): Promise<number> {
  const { data } = await gh.rest.checks.create({
    ...where,
    name: BYPASS_CHECK_NAME,
    head_sha: r.sha,
    status: "completed",
    conclusion: "failure",
    external_id: `bypass:${r.kind}:${r.pr ?? r.sha}`,
    output: { title: bypassTitle(r), summary: bypassSummary(r, policy), text: encodeBypass(r) },
    actions: actionsFor(r, policy),
  });
  forgetOwnCheckRuns(gh, where, r.sha); // a write the gate's copy of this commit's runs does not follow
  await postBypassStatus(gh, where, r, checkName);
  return data.id;
}

export async function postBypassStatus(gh: Octokit, where: Where, r: BypassRecord, checkName: string): Promise<void> {
  await gh.rest.repos.createCommitStatus({
    ...where,
    sha: r.sha,
    context: bypassContext(checkName),
    state: r.accepted ? "success" : "failure",
    description: statusDescription(r),
  });
}

/** A failing status where agentgate could not check (fail closed): no run, nothing to accept. */
export async function postUnchecked(gh: Octokit, where: Where, sha: string, checkName: string, reason: Unchecked): Promise<void> {
  await gh.rest.repos.createCommitStatus({
    ...where,
    sha,
    context: bypassContext(checkName),
    state: "failure",
    description: uncheckedDescription(reason),
  });
}

/**
 * The notification of one delivery's bypasses: `comment` on the merged PR (a direct push has no PR:
 * the check run and status are all), `issue` (one per delivery), `none`.
 */
export async function notifyBypasses(gh: Octokit, where: Where, records: readonly BypassRecord[], policy: BypassesPolicy): Promise<"comment" | "issue" | undefined> {
  if (!records.length || policy.notify === "none") return undefined;
  const body = notificationBody(records, policy, BYPASS_CHECK_NAME);
  if (policy.notify === "comment") {
    const pr = records.find((r) => r.pr !== undefined)?.pr;
    if (pr === undefined) return undefined;
    await gh.rest.issues.createComment({ ...where, issue_number: pr, body });
    return "comment";
  }
  await gh.rest.issues.create({ ...where, title: notificationTitle(records), body });
  return "issue";
}

/** The deploy gate marks at most this many bypasses per answer (the rest on the next deployment). */
export const DEPLOY_MARKS_MAX = 10;

/**
 * Bypasses the deploy gate rejected that have no bypass run (the push or merge webhook was missed,
 * or a push hid them: e.g. human-looking commits of an agent PR under a human commit): marked now,
 * so that each rejection has a run a named person can accept. Writes 2 per bypass (+ notification).
 */
export async function markUnmarked(
  gh: Octokit,
  where: Where,
  j: { unmarked?: readonly UnmarkedBypass[]; marking?: { checkName: string; bypasses: BypassesPolicy } },
  branch: string,
): Promise<BypassRecord[]> {
  if (!j.unmarked?.length || !j.marking) return [];
  const records: BypassRecord[] = j.unmarked.slice(0, DEPLOY_MARKS_MAX).map((u) =>
    u.kind === "direct-push"
      ? { v: 1, kind: "direct-push", sha: u.sha, branch, agents: u.agents }
      : { v: 1, kind: "merged-not-passing", sha: u.sha, branch, pr: u.pr, shown: u.shown, agents: u.agents },
  );
  for (const r of records) await postBypass(gh, where, r, j.marking.checkName, j.marking.bypasses);
  await notifyBypasses(gh, where, records, j.marking.bypasses);
  return records;
}
