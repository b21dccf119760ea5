/**
 * Accepting a bypass: someone pressed "Accept bypass" on an `agentgate bypass` run, and GitHub sent
 * `check_run.requested_action`. agentgate reads the run again (the payload is only a pointer), the
 * policy from the default branch, and who the sender is; it accepts only a human the policy names
 * (`bypasses.accept_by`, by login or active team membership), with write permission now, who did not
 * push, merge, write or steer what it accepts. Anything it cannot read refuses.
 *
 * Costs (REST requests): 1 (the run) + the policy (cached a minute) + 1 (the commit: its author and
 * committer) + 1 (agentgate's runs on it) [+ 2 for a merge: the PR, agentgate's runs on its head, for
 * the steering humans] + 1 per team named until one has the sender + 1 (the permission) + 1 per policy
 * path (its last change) + 1 per such change (is it an unaccepted bypass?) + 1 write (the run) + 1
 * write (the status).
 */
import type { AcceptRefusal, IgnoredPress } from "./record.js";
import { forgetOwnCheckRuns } from "../facts/memory.js";
import type { Octokit } from "@octokit/rest";
import { POLICY_PATHS, type Policy } from "../config/schema.js";
import { detectAgents, type Detector } from "../detect/detect.js";
import { isAgentAccount } from "../deploy/judge.js";
import { reasonOf } from "../facts/deployment.js";
import { ownCheckRuns } from "../facts/memory.js";
import { commitFromRest, type RestCommit } from "../facts/rest.js";
import { decodeMemory } from "../memory/record.js";
import { bypassSummary, bypassTitle } from "../report/bypass.js";
import { actionsFor, postBypassStatus } from "./publish.js";
import { acceptedOn, BYPASS_CHECK_NAME, decodeBypass, encodeBypass, isBypassRun, type BypassRecord } from "./record.js";

interface Where {
  owner: string;
  repo: string;
}

export interface AcceptanceFacts {
  sender: { login: string; type: string };
  /** Logins that pushed, merged, authored, committed or steered what the bypass brought (any case). */
  involved: readonly string[];
  /** The sender's active teams among those the policy names (`org/slug`). */
  teams: readonly string[];
  permission: string;
}

const lower = (s: string) => s.toLowerCase();

/** Why the sender may not accept (undefined: they may). Pure. */
export function acceptanceRefusal(facts: AcceptanceFacts, policy: Pick<Policy, "bypasses">, detector: Detector): AcceptRefusal | undefined {
  const login = facts.sender.login;
  const acceptBy = policy.bypasses.accept_by;
  if (!acceptBy.length) return { code: "nobody-named" };
  if (facts.sender.type !== "User" || isAgentAccount(facts.sender, detector)) return { code: "not-human", login };
  const named = acceptBy.some((a) => !a.startsWith("@") && lower(a) === lower(login));
  const inTeam = acceptBy.some((a) => a.startsWith("@") && facts.teams.map(lower).includes(lower(a.slice(1))));
  if (!named && !inTeam) return { code: "not-named", login };
  if (facts.involved.map(lower).includes(lower(login))) return { code: "involved", login };
  if (!["admin", "maintain", "write"].includes(facts.permission)) return { code: "no-write", login, permission: facts.permission };
  return undefined;
}

/** The teams bypasses.accept_by names (`org/slug`). */
export function acceptTeams(policy: Pick<Policy, "bypasses">): string[] {
  return policy.bypasses.accept_by.filter((a) => a.startsWith("@")).map((a) => a.slice(1));
}

export type AcceptOutcome =
  | { kind: "ignored"; why: IgnoredPress }
  | { kind: "accepted"; record: BypassRecord }
  | { kind: "refused"; record: BypassRecord; why: AcceptRefusal };

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** Everyone who pushed, merged, wrote or steered what the bypass brought. Throws when GitHub fails. */
async function involvedIn(gh: Octokit, where: Where, r: BypassRecord, detector: Detector, appId: number): Promise<string[]> {
  const out: string[] = r.by ? [r.by] : [];
  const { data } = await gh.rest.repos.getCommit({ ...where, ref: r.sha });
  const commit = commitFromRest(data as unknown as RestCommit);
  for (const id of [commit.author, commit.committer]) if (id.login) out.push(id.login);
  const steeringOf = (d: ReturnType<typeof detectAgents>) => d.steeringHumans.flatMap((h) => (h.login ? [h.login] : []));
  out.push(...steeringOf(detectAgents({ commits: [commit] }, detector)));
  const memoryShas = [r.sha];
  if (r.kind === "merged-not-passing" && r.pr !== undefined) {
    const { data: pull } = await gh.rest.pulls.get({ ...where, pull_number: r.pr });
    if (pull.user?.login) out.push(pull.user.login);
    if (pull.merged_by?.login) out.push(pull.merged_by.login);
    for (const a of pull.assignees ?? []) out.push(a.login);
    memoryShas.push(pull.head.sha);
  }
  // agentgate's memory names the steering humans it saw (requesters, co-authors).
  for (const sha of memoryShas) {
    for (const run of await ownCheckRuns(gh, where, sha, appId)) {
      if (isBypassRun(run)) continue;
      const d = decodeMemory(run.output.text);
      if (d.kind === "record") out.push(...d.record.steering.flatMap((h) => (h.login ? [h.login] : [])));
    }
  }
  return [...new Set(out)];
}

/**
 * Who may accept is read from the policy on the default branch, which a bypass can change too: a
 * policy file last changed by a commit whose bypass is not accepted names no one (1 request per
 * policy path, + 1 per such commit).
 */
async function policyChangedByBypass(gh: Octokit, where: Where, defaultBranch: string, appId: number): Promise<string | undefined> {
  for (const path of POLICY_PATHS) {
    const { data } = await gh.rest.repos.listCommits({ ...where, sha: defaultBranch, path, per_page: 1 });
    const last = Array.isArray(data) ? data[0]?.sha : undefined;
    if (!last) continue;
    const runs = await ownCheckRuns(gh, where, last, appId);
    if (runs.some(isBypassRun) && !acceptedOn(runs, { sha: last })) return last;
  }
  return undefined;
}

async function teamsOf(gh: Octokit, login: string, teams: readonly string[]): Promise<string[]> {
  for (const team of teams) {
    const [org, slug] = team.split("/") as [string, string];
    try {
      const { data } = await gh.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
      // A pending invitation answers 200 too: only an accepted membership counts.
      if (data.state === "active") return [team];
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }
  return [];
}

async function permissionOf(gh: Octokit, where: Where, login: string): Promise<string> {
  try {
    const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...where, username: login });
    return (data as { role_name?: string }).role_name ?? data.permission ?? "none";
  } catch (e) {
    if (statusOf(e) === 404) return "none";
    throw e;
  }
}

/**
 * Judge a press of "Accept bypass" and answer on the run: success with `accepted` filled in, or
 * the refusal in its summary (the run stays failure). Never accepts in doubt.
 */
export async function acceptBypass(
  gh: Octokit,
  where: Where,
  press: { checkRunId: number; sender: { login: string; type: string }; checkName: string; now: string; defaultBranch: string },
  policy: Policy | null,
  policyProblem: string | undefined,
  detector: Detector,
  appId: number,
): Promise<AcceptOutcome> {
  // The payload is a pointer: what the run says is read from GitHub, and only from our own run.
  const { data: run } = await gh.rest.checks.get({ ...where, check_run_id: press.checkRunId });
  if (run.app?.id !== appId || run.name !== BYPASS_CHECK_NAME) return { kind: "ignored", why: { code: "not-bypass-run" } };
  const decoded = decodeBypass(run.output?.text);
  if (decoded.kind !== "record") return { kind: "ignored", why: { code: "no-record" } };
  const record = decoded.record;
  if (record.accepted) return { kind: "ignored", why: { code: "accepted-already", by: record.accepted.by } };
  let why: AcceptRefusal | undefined;
  if (!policy) why = { code: "policy-unusable", ...(policyProblem ? { problem: policyProblem } : {}) };
  else {
    try {
      const involved = await involvedIn(gh, where, record, detector, appId);
      const teams = await teamsOf(gh, press.sender.login, acceptTeams(policy));
      const permission = await permissionOf(gh, where, press.sender.login);
      why = acceptanceRefusal({ sender: press.sender, involved, teams, permission }, policy, detector);
      const tainted = why ? undefined : await policyChangedByBypass(gh, where, press.defaultBranch, appId);
      if (tainted) why = { code: "policy-tainted", branch: press.defaultBranch, sha: tainted };
    } catch (e) {
      why = { code: "read-failed", login: press.sender.login, cause: reasonOf(e) };
    }
  }
  const bypasses = policy?.bypasses ?? { branches: [], notify: "none" as const, accept_by: [] };
  if (why) {
    await gh.rest.checks.update({
      ...where,
      check_run_id: press.checkRunId,
      output: { title: bypassTitle(record), summary: bypassSummary(record, bypasses, { by: press.sender.login, at: press.now, why }), text: encodeBypass(record) },
    });
    return { kind: "refused", record, why };
  }
  const accepted: BypassRecord = { ...record, accepted: { by: press.sender.login, at: press.now } };
  await gh.rest.checks.update({
    ...where,
    check_run_id: press.checkRunId,
    status: "completed",
    conclusion: "success",
    output: { title: bypassTitle(accepted), summary: bypassSummary(accepted, bypasses), text: encodeBypass(accepted) },
    actions: actionsFor(accepted, bypasses),
  });
  forgetOwnCheckRuns(gh, where, record.sha);
  await postBypassStatus(gh, where, accepted, press.checkName);
  return { kind: "accepted", record: accepted };
}

export type { AcceptRefusal, IgnoredPress };
