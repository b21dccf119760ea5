/**
 * agentgate's memory: what it once judged agent-written, kept where only agentgate can write.
 *
 * Why here: detection judges a PR's current state, which the agent (or the human who wants the PR
 * merged) can rewrite: edit the body marker away, force-push the commits without their trailers,
 * reopen the same commits in a twin PR. So every check run agentgate publishes carries a small
 * record in `output.text`: the PRs it judged agent-written, the agents and the evidence (marker id
 * and where it matched, never the matched text or any file content), the steering humans, and the
 * SHAs of every commit of those PRs. Only this App can create or update its check runs (GitHub
 * answers 403 to anyone else, and reports the creating app as `app.id`), unlike labels, comments or
 * commit statuses, which anyone with write access can post. A record is read from agentgate's own
 * runs only, merged into later judgments, and carried forward into every new run, so it survives
 * further pushes and re-runs.
 *
 * Why `output.text` and not the summary: the summary quotes attacker-chosen text (branch names,
 * trailers) and is truncated to fit; `text` holds the record alone, so a record is recognised only
 * when it is the whole text (nothing quoted can forge one), and the summary's size never cuts it.
 *
 * The record is bounded (see LIMITS; a full record is well under GitHub's 65535-character limit) and
 * monotonic: merging only adds. It never makes anything human; it can only make a PR agent-written.
 */
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { deepFreeze } from "../frozen.js";
import { markerSource } from "../config/schema.js";
import { MEMORY_VERSION, type MemoryRecord } from "./types.js";
import { decodeResultLine, looksLikeResultLine, type ResultRecord } from "./result.js";

// The record's shape lives in ./types.ts, which the decision and the facts types import without a circle.
export { MEMORY_VERSION, type MemoryRecord, type RememberedEvidence } from "./types.js";

/** Upper bounds of a record, so that it always fits a check run's `text` (65535 characters). */
export const LIMITS = {
  prs: 50,
  agents: 20,
  evidence: 30,
  /** GitHub lists at most 250 commits of a pull request. */
  commits: 250,
  /** An agent can name many co-authors; the erased requester must not be pushed out. */
  steering: 50,
  unread: 10,
  /** Agent and marker ids, logins. */
  id: 100,
  /** Emails, names, steering sources. */
  text: 120,
} as const;

/** Encoded records never exceed this (checked by a test with every list full and every string at its limit). */
export const MEMORY_TEXT_MAX = 60_000;

const PREFIX = "<!-- agentgate:memory v";
const SUFFIX = " -->";

const sha = z.string().regex(/^[0-9a-f]{40}$/);
const id = z.string().min(1).max(LIMITS.id);
const text = z.string().max(LIMITS.text);
const evidenceSource = z.enum([...markerSource.options, "remembered"]);

const recordSchema = z.strictObject({
  v: z.literal(MEMORY_VERSION),
  prs: z.array(z.number().int().positive().max(2 ** 31)).max(LIMITS.prs),
  agents: z.array(id).max(LIMITS.agents),
  evidence: z
    .array(
      z.strictObject({
        pr: z.number().int().positive().max(2 ** 31),
        on: sha,
        agent: id,
        kind: z.enum(["agent", "suggestion", "automation"]),
        source: evidenceSource,
        marker: id,
        commit: sha.optional(),
      }),
    )
    .max(LIMITS.evidence),
  commits: z.array(sha).max(LIMITS.commits),
  steering: z
    .array(
      z.strictObject({
        login: id.optional(),
        email: text.optional(),
        name: text.optional(),
        source: text,
      }),
    )
    .max(LIMITS.steering),
  unread: z.array(sha).max(LIMITS.unread),
});

export function emptyRecord(): MemoryRecord {
  return { v: MEMORY_VERSION, prs: [], agents: [], evidence: [], commits: [], steering: [], unread: [] };
}

/** A record that remembers nothing is not written. */
export function isEmpty(r: MemoryRecord): boolean {
  return !r.prs.length && !r.agents.length && !r.evidence.length && !r.commits.length && !r.steering.length && !r.unread.length;
}

function distinctBy<T>(items: readonly T[], key: (t: T) => string, max: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

/** In UTF-16 units, as the decoder's bounds count. */
const cut = (s: string, max: number) => s.slice(0, max);

/** Strings cut to their limits, lists deduplicated and cut (the earliest entries are kept). */
export function bounded(r: MemoryRecord): MemoryRecord {
  const steering = r.steering.map((h) => ({
    ...(h.login ? { login: cut(h.login, LIMITS.id) } : {}),
    ...(h.email ? { email: cut(h.email, LIMITS.text) } : {}),
    ...(h.name ? { name: cut(h.name, LIMITS.text) } : {}),
    source: cut(h.source, LIMITS.text),
  }));
  return {
    v: MEMORY_VERSION,
    prs: distinctBy(r.prs, String, LIMITS.prs),
    agents: distinctBy(
      r.agents.map((a) => cut(a, LIMITS.id)),
      (a) => a,
      LIMITS.agents,
    ),
    evidence: distinctBy(
      r.evidence.map((e) => ({ ...e, agent: cut(e.agent, LIMITS.id), marker: cut(e.marker, LIMITS.id) })),
      (e) => [e.pr, e.on, e.agent, e.source, e.marker, e.commit ?? ""].join("\0"),
      LIMITS.evidence,
    ),
    commits: distinctBy(r.commits, (c) => c, LIMITS.commits),
    steering: distinctBy(steering, (h) => (h.login ? `@${h.login}` : `${h.email ?? ""}\0${h.name ?? ""}`).toLowerCase(), LIMITS.steering),
    unread: distinctBy(r.unread, (s) => s, LIMITS.unread),
  };
}

/** Everything either record remembers (a's entries first). Only adds, so memory never shrinks but by its bounds. */
export function mergeRecords(...records: readonly (MemoryRecord | null | undefined)[]): MemoryRecord {
  const all = records.filter((r): r is MemoryRecord => !!r);
  return bounded({
    v: MEMORY_VERSION,
    prs: all.flatMap((r) => r.prs),
    agents: all.flatMap((r) => r.agents),
    evidence: all.flatMap((r) => r.evidence),
    commits: all.flatMap((r) => r.commits),
    steering: all.flatMap((r) => r.steering),
    unread: all.flatMap((r) => r.unread),
  });
}

/** JSON inside an HTML comment: `<`, `>` and `&` escaped, so no value can end the comment. */
export function encodeMemory(r: MemoryRecord): string {
  const json = JSON.stringify(bounded(r)).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const out = `${PREFIX}${MEMORY_VERSION} ${json}${SUFFIX}`;
  // Bounded by construction; this guards the construction.
  if (out.length > MEMORY_TEXT_MAX) throw new Error(`agentgate's memory record is ${out.length} characters, over ${MEMORY_TEXT_MAX}`);
  return out;
}

export type Decoded =
  /** No text at all (a run of an older agentgate, which wrote none, or nothing to remember). */
  | { kind: "none" }
  | { kind: "record"; record: MemoryRecord }
  /** Text that is not agentgate's: truncated, edited, or from a newer agentgate. */
  | { kind: "garbled" };

/** What agentgate's check run text holds: its memory line and its result line (see src/memory/result.ts). */
export type CheckText =
  | { kind: "none" }
  | { kind: "parts"; memory: MemoryRecord | null; result: ResultRecord | null }
  | { kind: "garbled" };

/**
 * An agentgate check run's `output.text` split into its records. agentgate writes exactly: the memory
 * line alone (older texts), the result line alone, or the memory line then the result line. Any other
 * text, or a line that is not exactly its record, is `garbled`. Never throws.
 */
export function decodeCheckText(text: string | null | undefined): CheckText {
  if (typeof text !== "string") return { kind: "none" };
  const known = decodedTexts.get(text);
  if (known) return known;
  const decoded = deepFreeze(decodeCheckTextNow(text));
  decodedTexts.set(text, decoded);
  return decoded;
}

/**
 * Texts decoded before, and what they decoded to (frozen: every caller gets the same object). A
 * delivery decodes the runs it reads, mostly the same texts as the delivery before; a pure memo,
 * bounded in entries and in characters.
 */
const decodedTexts = new LRUCache<string, CheckText>({ max: 2_000, maxSize: 16 * 1024 * 1024, sizeCalculation: (_v, text) => Math.max(1, text.length) });

function decodeCheckTextNow(text: string): CheckText {
  if (!text.trim()) return { kind: "none" };
  const t = text.trim();
  if (t.length > 65_535) return { kind: "garbled" };
  const lines = t.split("\n");
  if (lines.length > 2) return { kind: "garbled" };
  if (lines.length === 2) {
    const memory = decodeMemoryLine(lines[0]!);
    const result = decodeResultLine(lines[1]!);
    return memory && result ? { kind: "parts", memory, result } : { kind: "garbled" };
  }
  const only = lines[0]!;
  if (looksLikeResultLine(only)) {
    const result = decodeResultLine(only);
    return result ? { kind: "parts", memory: null, result } : { kind: "garbled" };
  }
  const memory = decodeMemoryLine(only);
  return memory ? { kind: "parts", memory, result: null } : { kind: "garbled" };
}

/** A whole line back to a memory record; null when it is not exactly one. */
function decodeMemoryLine(l: string): MemoryRecord | null {
  const head = `${PREFIX}${MEMORY_VERSION} `;
  if (l.length > 65_535 || !l.startsWith(head) || !l.endsWith(SUFFIX)) return null;
  let json: unknown;
  try {
    json = JSON.parse(l.slice(head.length, l.length - SUFFIX.length));
  } catch {
    return null;
  }
  const parsed = recordSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * An agentgate check run's `output.text` back to its memory record. Any text that is not agentgate's
 * (see decodeCheckText) is `garbled` (the caller counts it as agent-written, never as human); a text
 * with a result and no memory remembers nothing. Never throws.
 */
export function decodeMemory(text: string | null | undefined): Decoded {
  const t = decodeCheckText(text);
  if (t.kind !== "parts") return t;
  return t.memory ? { kind: "record", record: t.memory } : { kind: "none" };
}

/** The check run's text: the memory line (when there is one to keep) and the result line (when given). */
export function composeCheckText(memoryLine: string | null, resultLine: string | null): string | null {
  if (memoryLine && resultLine) return `${memoryLine}\n${resultLine}`;
  return memoryLine ?? resultLine;
}
