/**
 * Telling of a bypass: agentgate's `agentgate bypass` check run on the commit (failing, the record in
 * its text, an "Accept bypass" button when the policy names who may press it), a failing
 * `<check_name>/bypass` commit status for CI and dashboards, and the configured notification.
 *
 * Costs (REST writes): 1 check run + 1 status per bypassing commit, + 1 comment or issue per
 * delivery (bypasses.notify). Wording is here; nothing quotes a commit message or file contents.
 */
import { forgetOwnCheckRuns } from "../facts/memory.js";
import type { Octokit } from "@octokit/rest";
import type { BypassesPolicy } from "../config/schema.js";
import type { UnmarkedBypass } from "../deploy/judge.js";
import { ACCEPT_ACTION, BYPASS_CHECK_NAME, encodeBypass, type BypassRecord } from "./record.js";

interface Where {
  owner: string;
  repo: string;
}

const short = (sha: string) => sha.slice(0, 7);
const STATUS_DESCRIPTION_MAX = 140;

export function bypassContext(checkName: string): string {
  return `${checkName}/bypass`.slice(0, 255);
}

/** What happened, in one line: which commit, which agents, how it arrived. */
export function bypassHeadline(r: BypassRecord): string {
  const agents = r.agents.length ? ` (${r.agents.join(", ")})` : "";
  if (r.kind === "direct-push") return `${short(r.sha)}${agents} was pushed straight to ${r.branch}${r.by ? ` by @${r.by}` : ""}, past the gate`;
  return `#${r.pr}${agents} was merged into ${r.branch}${r.by ? ` by @${r.by}` : ""} while agentgate said ${r.shown ?? "nothing"}`;
}

export function bypassTitle(r: BypassRecord): string {
  if (r.accepted) return `Bypass accepted by @${r.accepted.by}`.slice(0, 255);
  return (r.kind === "direct-push" ? `Bypass: pushed straight to ${r.branch}` : `Bypass: #${r.pr} merged while agentgate said ${r.shown ?? "nothing"}`).slice(0, 255);
}

/** The run's summary: what happened, what the deploy gate does, and the way back. */
export function bypassSummary(r: BypassRecord, policy: Pick<BypassesPolicy, "accept_by">, note?: string): string {
  const lines = [`**${bypassHeadline(r)}.**`, ""];
  if (r.kind === "merged-not-passing") lines.push(`Merge commit: ${short(r.sha)}. The pull request's head had not met the policy when it was merged.`, "");
  if (r.accepted) {
    lines.push(`Accepted by @${r.accepted.by} at ${r.accepted.at} after the bypass: the deploy gate treats what it brought as passed.`);
  } else {
    lines.push("The deploy gate rejects every deployment that brings it until the bypass is accepted.");
    lines.push(
      policy.accept_by.length
        ? `People the policy names (bypasses.accept_by: ${policy.accept_by.join(", ")}) may accept it with **Accept bypass** above; not the one who pushed, merged, wrote or steered it.`
        : "The policy names nobody who may accept it (bypasses.accept_by): a reverting pull request removes the change, but the commit stays in the deployed range and keeps being rejected until someone the policy names accepts it.",
    );
  }
  if (note) lines.push("", note);
  return lines.join("\n").slice(0, 60_000);
}

export function statusDescription(r: BypassRecord): string {
  const s = r.accepted ? `bypass accepted by @${r.accepted.by}` : `bypass: ${bypassHeadline(r)}`;
  return s.length <= STATUS_DESCRIPTION_MAX ? s : `${s.slice(0, STATUS_DESCRIPTION_MAX - 1)}…`;
}

/** The "Accept bypass" button: only when someone may press it, and only while not accepted. */
export function actionsFor(r: BypassRecord, policy: Pick<BypassesPolicy, "accept_by">) {
  if (r.accepted || !policy.accept_by.length) return [];
  return [{ label: "Accept bypass", description: "Let the deploy gate pass this commit", identifier: ACCEPT_ACTION }];
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
  forgetOwnCheckRuns(where, r.sha); // a write the gate's copy of this commit's runs does not follow
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
export async function postUnchecked(gh: Octokit, where: Where, sha: string, checkName: string, reason: string): Promise<void> {
  const d = `bypass unchecked: ${reason}`;
  await gh.rest.repos.createCommitStatus({
    ...where,
    sha,
    context: bypassContext(checkName),
    state: "failure",
    description: d.length <= STATUS_DESCRIPTION_MAX ? d : `${d.slice(0, STATUS_DESCRIPTION_MAX - 1)}…`,
  });
}

/**
 * The notification of one delivery's bypasses: `comment` on the merged PR (a direct push has no PR:
 * the check run and status are all), `issue` (one per delivery), `none`.
 */
export async function notifyBypasses(gh: Octokit, where: Where, records: readonly BypassRecord[], policy: BypassesPolicy): Promise<"comment" | "issue" | undefined> {
  if (!records.length || policy.notify === "none") return undefined;
  const lines = records.slice(0, 20).map((r) => `- ${bypassHeadline(r)}.`);
  if (records.length > 20) lines.push(`- …and ${records.length - 20} more (see the \`${BYPASS_CHECK_NAME}\` check runs).`);
  const body = [
    "**agentgate: bypass**",
    "",
    ...lines,
    "",
    `The deploy gate rejects what they brought until the bypass is accepted on the \`${BYPASS_CHECK_NAME}\` check run${policy.accept_by.length ? ` by someone bypasses.accept_by names (${policy.accept_by.join(", ")})` : " (bypasses.accept_by names nobody yet)"}.`,
  ].join("\n");
  if (policy.notify === "comment") {
    const pr = records.find((r) => r.pr !== undefined)?.pr;
    if (pr === undefined) return undefined;
    await gh.rest.issues.createComment({ ...where, issue_number: pr, body });
    return "comment";
  }
  const first = records[0]!;
  const title = `agentgate: bypass on ${first.branch} (${first.pr !== undefined ? `#${first.pr}` : short(first.sha)}${records.length > 1 ? ` and ${records.length - 1} more` : ""})`;
  await gh.rest.issues.create({ ...where, title: title.slice(0, 255), body });
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
