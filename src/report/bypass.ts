/**
 * The sentences of bypasses (src/bypass/): the `agentgate bypass` run's title and summary, the
 * `<check_name>/bypass` status, the notification, why a commit could not be checked and why a
 * press of "Accept bypass" was refused. The data comes from the record (src/bypass/record.ts) and
 * the outcomes. Pure; nothing quotes a commit message or file contents.
 */
import type { AcceptRefusal, IgnoredPress } from "../bypass/record.js";
import type { Unchecked } from "../bypass/find.js";
import type { BypassRecord } from "../bypass/record.js";
import type { BypassesPolicy } from "../config/schema.js";
import { outcomeText } from "./deploy.js";

const short = (sha: string) => sha.slice(0, 7);
export const STATUS_DESCRIPTION_MAX = 140;

const fit = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

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

/** The run's summary: what happened, what the deploy gate does, and the way back; `refused`: a press that was refused. */
export function bypassSummary(r: BypassRecord, policy: Pick<BypassesPolicy, "accept_by">, refused?: RefusedPress): string {
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
  if (refused) lines.push("", `**Not accepted:** @${refused.by} pressed Accept bypass at ${refused.at}: ${refusalText(refused.why)}.`);
  return lines.join("\n").slice(0, 60_000);
}

export interface RefusedPress {
  by: string;
  at: string;
  why: AcceptRefusal;
}

export function statusDescription(r: BypassRecord): string {
  return fit(r.accepted ? `bypass accepted by @${r.accepted.by}` : `bypass: ${bypassHeadline(r)}`, STATUS_DESCRIPTION_MAX);
}

/** The "Accept bypass" button's words. */
export const ACCEPT_BUTTON = { label: "Accept bypass", description: "Let the deploy gate pass this commit" } as const;

/** Why a commit (or a push, or a merge) could not be checked for bypasses. */
export function uncheckedText(u: Unchecked): string {
  switch (u.code) {
    case "policy-unusable":
      return `the policy cannot be used: ${u.problem}`;
    case "push-too-long":
      return `too many commits to check: GitHub lists only ${u.listed} of a push`;
    case "too-many-suspects":
      return `too many commits to check: ${u.suspects} may be agent-written, agentgate reads at most ${u.max}`;
    case "route-unread":
      return outcomeText(u.outcome);
    case "not-marked":
      return `${u.left} more agent commits pushed straight are not marked yet (at most ${u.max} a delivery): redeliver the push`;
    case "verdict-unread":
      return `could not read agentgate's verdict on #${u.pr}'s head: ${u.cause}`;
    case "commits-unread":
      return `could not read #${u.pr}'s commits: ${u.cause}`;
  }
}

/** The failing status's description where agentgate could not check. */
export function uncheckedDescription(u: Unchecked): string {
  return fit(`bypass unchecked: ${uncheckedText(u)}`, STATUS_DESCRIPTION_MAX);
}

/** Why a press of "Accept bypass" did not accept. */
export function refusalText(r: AcceptRefusal): string {
  switch (r.code) {
    case "nobody-named":
      return "the policy names nobody who may accept a bypass (bypasses.accept_by)";
    case "not-human":
      return `@${r.login} is not a human account`;
    case "not-named":
      return `@${r.login} is not among those bypasses.accept_by names`;
    case "involved":
      return `@${r.login} pushed, merged, wrote or steered what the bypass brought, and may not accept it`;
    case "no-write":
      return `@${r.login} has no write permission on the repository (${r.permission})`;
    case "policy-unusable":
      return `the policy on the default branch cannot be used${r.problem ? `: ${r.problem}` : ""}`;
    case "policy-tainted":
      return `the policy on ${r.branch} was last changed by ${short(r.sha)}, itself a bypass not accepted: its bypasses.accept_by cannot be trusted (change the policy through a pull request)`;
    case "read-failed":
      return `agentgate could not check who @${r.login} is: ${r.cause}`;
  }
}

/** Why a press was not even judged (for the log). */
export function ignoredPressText(i: IgnoredPress): string {
  switch (i.code) {
    case "not-bypass-run":
      return "not an agentgate bypass run";
    case "no-record":
      return "the bypass run holds no readable record";
    case "accepted-already":
      return `accepted already by @${i.by}`;
  }
}

/** The notification of one delivery's bypasses (a comment or an issue body), and the issue's title. */
export function notificationBody(records: readonly BypassRecord[], policy: Pick<BypassesPolicy, "accept_by">, runName: string): string {
  const lines = records.slice(0, 20).map((r) => `- ${bypassHeadline(r)}.`);
  if (records.length > 20) lines.push(`- …and ${records.length - 20} more (see the \`${runName}\` check runs).`);
  return [
    "**agentgate: bypass**",
    "",
    ...lines,
    "",
    `The deploy gate rejects what they brought until the bypass is accepted on the \`${runName}\` check run${policy.accept_by.length ? ` by someone bypasses.accept_by names (${policy.accept_by.join(", ")})` : " (bypasses.accept_by names nobody yet)"}.`,
  ].join("\n");
}

export function notificationTitle(records: readonly BypassRecord[]): string {
  const first = records[0]!;
  return `agentgate: bypass on ${first.branch} (${first.pr !== undefined ? `#${first.pr}` : short(first.sha)}${records.length > 1 ? ` and ${records.length - 1} more` : ""})`.slice(0, 255);
}
