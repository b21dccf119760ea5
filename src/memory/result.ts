/**
 * The result record: what agentgate decided on a head, as data, kept on its own check run so an
 * audit can rebuild it from GitHub alone (`agentgate audit`) after the App is gone.
 *
 * The check run's `output.text` is one of (src/memory/record.ts decodes it):
 *   - the memory record alone (texts written before the result record existed),
 *   - the result record alone (nothing to remember),
 *   - exactly two lines: the memory record, then the result record.
 * Each line is a whole-line marker `<!-- agentgate:<kind> v1 {json} -->` whose JSON has `<`, `>` and
 * `&` escaped (no value can end the comment) and no raw line break (JSON escapes them), so no value
 * (a file name, a login) can start a line of its own. Anything else is not agentgate's text.
 *
 * Bounded: an encoded result never exceeds RESULT_TEXT_MAX, so memory + newline + result stays under
 * GitHub's 65535 characters. When the lists do not fit they are cut and `cut` says so.
 */
import { z } from "zod";
import { GATE_STATES, type Decision, type GateState, type ReasonCode } from "../policy/types.js";

export const RESULT_VERSION = 1;
/** Within GitHub's 65535 characters of `output.text` beside the memory record's MEMORY_TEXT_MAX and a
 *  newline (a test checks the sum; record.ts imports this module, so the bound is not imported back). */
export const RESULT_TEXT_MAX = 5_000;

const PREFIX = "<!-- agentgate:result v";
const SUFFIX = " -->";

export interface ResultRecord {
  v: typeof RESULT_VERSION;
  state: GateState;
  sha: string;
  check: string;
  /** The pull requests this result is for (several PRs can share a head). */
  prs: number[];
  agents: string[];
  approvals: { required: number; counted: string[]; ignored: { login: string; reason: string }[] };
  findings: { rule: string; severity: string; file: string; line?: number }[];
  /** The decision's reason codes, each once, in order. */
  reasons: ReasonCode[];
  /** The policy files with their blob SHAs; [] = the built-in defaults. */
  policy: { source: string; sha: string | null }[];
  /** agentgate's version (package.json). */
  app: string;
  /** Some list was cut to fit. */
  cut?: true;
}

const sha = z.string().regex(/^[0-9a-f]{40}$/);
const short = z.string().max(200);

const resultSchema = z.strictObject({
  v: z.literal(RESULT_VERSION),
  state: z.enum(GATE_STATES),
  sha: z.union([sha, z.literal("")]),
  check: short,
  prs: z.array(z.number().int().positive().max(2 ** 31)).max(100),
  agents: z.array(short).max(50),
  approvals: z.strictObject({
    required: z.number().int().min(0).max(1000),
    counted: z.array(short).max(100),
    ignored: z.array(z.strictObject({ login: short, reason: short })).max(100),
  }),
  findings: z.array(z.strictObject({ rule: short, severity: short, file: z.string().max(400), line: z.number().int().min(0).optional() })).max(200),
  reasons: z.array(short).max(50),
  policy: z.array(z.strictObject({ source: z.string().max(400), sha: sha.nullable() })).max(10),
  app: z.string().max(50),
  cut: z.literal(true).optional(),
});

const cutTo = (s: string, n: number) => s.slice(0, n);

/** The result of a decision as the check run keeps it: ids, logins, rules and places; no text that matched, no file content. */
export function resultRecordOf(d: Decision, prs: readonly number[], appVersion: string): ResultRecord {
  return {
    v: RESULT_VERSION,
    state: d.state,
    sha: /^[0-9a-f]{40}$/.test(d.headSha) ? d.headSha : "",
    check: cutTo(d.checkName, 200),
    prs: [...new Set(prs.filter((n) => Number.isSafeInteger(n) && n > 0 && n <= 2 ** 31))].slice(0, 100),
    agents: d.detection.agents.map((a) => cutTo(a, 200)).slice(0, 50),
    approvals: {
      required: Math.max(0, Math.min(1000, d.requirement.approvals)),
      counted: d.approvals.counted.map((a) => cutTo(a.login, 200)).slice(0, 100),
      ignored: d.approvals.ignored.map((i) => ({ login: cutTo(i.login, 200), reason: i.reason })).slice(0, 100),
    },
    findings: d.findings
      .map((f) => ({ rule: cutTo(f.rule, 200), severity: f.severity, file: cutTo(f.file, 400), ...(f.line !== undefined && f.line >= 0 ? { line: f.line } : {}) }))
      .slice(0, 200),
    reasons: [...new Set((d.reasons ?? []).map((r) => r.code))],
    policy: (d.policyFiles ?? []).map((p) => ({ source: cutTo(p.source, 400), sha: p.sha && /^[0-9a-f]{40}$/.test(p.sha) ? p.sha : null })).slice(0, 10),
    app: cutTo(appVersion, 50),
  };
}

function escape(json: string): string {
  return json.replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const line = (r: ResultRecord) => `${PREFIX}${RESULT_VERSION} ${escape(JSON.stringify(r))}${SUFFIX}`;

/** One line, at most RESULT_TEXT_MAX characters: the longest lists are halved until it fits. */
export function encodeResult(r: ResultRecord): string {
  let rec: ResultRecord = { ...r, approvals: { ...r.approvals } };
  let out = line(rec);
  while (out.length > RESULT_TEXT_MAX) {
    const lists: [string, number][] = [
      ["findings", rec.findings.length],
      ["ignored", rec.approvals.ignored.length],
      ["counted", rec.approvals.counted.length],
      ["agents", rec.agents.length],
      ["policy", rec.policy.length],
      ["prs", rec.prs.length],
    ];
    const [longest, n] = lists.sort((a, b) => b[1] - a[1])[0]!;
    if (n === 0) throw new Error(`agentgate's result record is ${out.length} characters, over ${RESULT_TEXT_MAX}`);
    const half = Math.floor(n / 2);
    if (longest === "findings") rec = { ...rec, findings: rec.findings.slice(0, half) };
    else if (longest === "ignored") rec = { ...rec, approvals: { ...rec.approvals, ignored: rec.approvals.ignored.slice(0, half) } };
    else if (longest === "counted") rec = { ...rec, approvals: { ...rec.approvals, counted: rec.approvals.counted.slice(0, half) } };
    else if (longest === "agents") rec = { ...rec, agents: rec.agents.slice(0, half) };
    else if (longest === "policy") rec = { ...rec, policy: rec.policy.slice(0, half) };
    else rec = { ...rec, prs: rec.prs.slice(0, half) };
    rec.cut = true;
    out = line(rec);
  }
  return out;
}

/** Whether a line is shaped as a result line (a whole-line marker); says nothing of its JSON. */
export function looksLikeResultLine(l: string): boolean {
  return l.startsWith(`${PREFIX}${RESULT_VERSION} `) && l.endsWith(SUFFIX);
}

/** A whole line back to a result record; null when it is not exactly one. Never throws. */
export function decodeResultLine(l: string): ResultRecord | null {
  if (l.length > RESULT_TEXT_MAX || !looksLikeResultLine(l)) return null;
  let json: unknown;
  try {
    json = JSON.parse(l.slice(`${PREFIX}${RESULT_VERSION} `.length, l.length - SUFFIX.length));
  } catch {
    return null;
  }
  const parsed = resultSchema.safeParse(json);
  return parsed.success ? (parsed.data as ResultRecord) : null;
}
