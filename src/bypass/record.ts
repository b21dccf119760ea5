/**
 * The bypass record: what agentgate's `agentgate bypass` check run says happened, kept alone in its
 * `output.text` (as memory records are: a record is recognised only when it is the whole text).
 *
 * A bypass is an agent-written commit that reached a protected branch past the gate: pushed straight
 * (`direct-push`), or merged in a pull request while agentgate did not say success
 * (`merged-not-passing`). `accepted` is filled in when a person the policy names accepted it.
 *
 * Only this App can write its check runs, and readers take runs by app id, so a record read from one
 * of agentgate's own runs is agentgate's. The parser never throws and never guesses: text that is
 * not exactly one valid record is `garbled`. The audit CLI parses with `decodeBypass` too.
 */
import { z } from "zod";

export const BYPASS_VERSION = 1;

/** The check run's name: a constant, so that the deploy gate and the audit find it whatever the policy. */
export const BYPASS_CHECK_NAME = "agentgate bypass";

/** The requested action's identifier on a bypass run (GitHub: at most 20 characters). */
export const ACCEPT_ACTION = "accept-bypass";

/** A check run's `text` may hold 65535 characters; a full record stays far below. */
export const BYPASS_TEXT_MAX = 8_000;

export const BYPASS_LIMITS = { agents: 20, id: 100, branch: 255, shown: 40, at: 40 } as const;

export type BypassKind = "direct-push" | "merged-not-passing";

export interface BypassRecord {
  v: typeof BYPASS_VERSION;
  kind: BypassKind;
  /** The commit the run is on: the pushed commit, or the merge commit. */
  sha: string;
  branch: string;
  /** The merged pull request (merged-not-passing). */
  pr?: number;
  agents: string[];
  /** Who pushed or merged (a login). */
  by?: string;
  /** What agentgate said when the PR was merged: pending, failure, error, none. */
  shown?: string;
  accepted?: { by: string; at: string };
}

const PREFIX = `<!-- agentgate:bypass v${BYPASS_VERSION} `;
const SUFFIX = " -->";

const id = z.string().min(1).max(BYPASS_LIMITS.id);
const schema = z.strictObject({
  v: z.literal(BYPASS_VERSION),
  kind: z.enum(["direct-push", "merged-not-passing"]),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  branch: z.string().min(1).max(BYPASS_LIMITS.branch),
  pr: z.number().int().positive().max(2 ** 31).optional(),
  agents: z.array(id).max(BYPASS_LIMITS.agents),
  by: id.optional(),
  shown: z.string().min(1).max(BYPASS_LIMITS.shown).optional(),
  accepted: z.strictObject({ by: id, at: z.string().min(1).max(BYPASS_LIMITS.at) }).optional(),
});

const cut = (s: string, max: number) => s.slice(0, max);

/** Strings cut to their limits, agents deduplicated and cut: what encoding writes. */
export function boundedBypass(r: BypassRecord): BypassRecord {
  const agents = [...new Set(r.agents.map((a) => cut(a, BYPASS_LIMITS.id)).filter(Boolean))].slice(0, BYPASS_LIMITS.agents);
  return {
    v: BYPASS_VERSION,
    kind: r.kind,
    sha: r.sha.toLowerCase(),
    branch: cut(r.branch, BYPASS_LIMITS.branch),
    ...(r.pr !== undefined ? { pr: r.pr } : {}),
    agents,
    ...(r.by ? { by: cut(r.by, BYPASS_LIMITS.id) } : {}),
    ...(r.shown ? { shown: cut(r.shown, BYPASS_LIMITS.shown) } : {}),
    ...(r.accepted ? { accepted: { by: cut(r.accepted.by, BYPASS_LIMITS.id), at: cut(r.accepted.at, BYPASS_LIMITS.at) } } : {}),
  };
}

/** JSON inside an HTML comment; `<`, `>` and `&` escaped so that no value can end the comment. */
export function encodeBypass(r: BypassRecord): string {
  const json = JSON.stringify(boundedBypass(r)).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const out = `${PREFIX}${json}${SUFFIX}`;
  if (out.length > BYPASS_TEXT_MAX) throw new Error(`agentgate's bypass record is ${out.length} characters, over ${BYPASS_TEXT_MAX}`);
  return out;
}

export type DecodedBypass = { kind: "none" } | { kind: "record"; record: BypassRecord } | { kind: "garbled" };

/** A bypass run's `output.text` back to a record. Never throws. */
export function decodeBypass(text: string | null | undefined): DecodedBypass {
  if (typeof text !== "string" || !text.trim()) return { kind: "none" };
  const t = text.trim();
  if (t.length > BYPASS_TEXT_MAX || !t.startsWith(PREFIX) || !t.endsWith(SUFFIX)) return { kind: "garbled" };
  let json: unknown;
  try {
    json = JSON.parse(t.slice(PREFIX.length, t.length - SUFFIX.length));
  } catch {
    return { kind: "garbled" };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { kind: "record", record: parsed.data as BypassRecord } : { kind: "garbled" };
}

/** One of agentgate's own runs (read by app id) is a bypass run: its name alone says so. */
export function isBypassRun(run: { name: string }): boolean {
  return run.name === BYPASS_CHECK_NAME;
}

/**
 * Whether agentgate's own bypass runs on a commit say a named person accepted the bypass of `sha`
 * (for a merge: of pull request `pr`). Only a completed, successful run whose record says accepted
 * counts; anything else (garbled, pending, failure) does not clear anything.
 */
export function acceptedOn(
  runs: readonly { name: string; status: string; conclusion: string | null; output: { text: string | null } }[],
  match: { sha?: string; pr?: number },
): { by: string; at: string } | undefined {
  for (const r of runs) {
    if (!isBypassRun(r) || r.status !== "completed" || r.conclusion !== "success") continue;
    const d = decodeBypass(r.output.text);
    if (d.kind !== "record" || !d.record.accepted) continue;
    if (match.sha && d.record.sha !== match.sha.toLowerCase()) continue;
    if (match.pr !== undefined && d.record.pr !== match.pr) continue;
    return d.record.accepted;
  }
  return undefined;
}

/**
 * Why a press of "Accept bypass" does not accept, as data (src/report/bypass.ts words it):
 * `policy-tainted`: the policy's last change on `branch` is the bypass `sha`, not accepted;
 * `read-failed`: GitHub failed while checking who `login` is (`cause`: status or first line).
 */
export type AcceptRefusal =
  | { code: "nobody-named" }
  | { code: "not-human"; login: string }
  | { code: "not-named"; login: string }
  | { code: "involved"; login: string }
  | { code: "no-write"; login: string; permission: string }
  | { code: "policy-unusable"; problem?: string }
  | { code: "policy-tainted"; branch: string; sha: string }
  | { code: "read-failed"; login: string; cause: string };

/** A press that is not judged at all: not our bypass run, no readable record, or accepted already. */
export type IgnoredPress = { code: "not-bypass-run" } | { code: "no-record" } | { code: "accepted-already"; by: string };
