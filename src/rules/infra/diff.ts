/**
 * GitHub `patch` text (hunks only, no `---`/`+++` header) parsed into numbered lines.
 * jsdiff's `parsePatch` does the parsing; it drops the text after the second `@@` (git's
 * "function context"), which the rules use as a fallback block name, so that is read here.
 */
import { parsePatch } from "diff";
import type { FileFacts } from "../../facts/types.js";

export type LineKind = "+" | "-" | " ";

export interface DiffLine {
  kind: LineKind;
  /** The line without its `+`/`-`/` ` prefix. */
  text: string;
  /** Line number in the base version (context and removed lines). */
  oldLine?: number;
  /** Line number in the head version (context and added lines). */
  newLine?: number;
}

export interface Hunk {
  /** Git's function-context heading after the second `@@` (a line of the *old* file), or "". */
  heading: string;
  lines: DiffLine[];
}

/** Patches above this size are not parsed: GitHub never sends them, so it is generated or hostile input. */
export const MAX_PATCH_CHARS = 4_000_000;

export class UnreadablePatchError extends Error {}

const HUNK_HEADING = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/;

/** The heading of every line that starts with `@@`, found by searching instead of splitting the whole patch again. */
function headingsOf(patch: string): string[] {
  const headings: string[] = [];
  const nextHunkLine = (from: number) => {
    const i = patch.indexOf("\n@@", from);
    return i < 0 ? -1 : i + 1;
  };
  let start = patch.startsWith("@@") ? 0 : nextHunkLine(0);
  while (start >= 0) {
    const end = patch.indexOf("\n", start);
    const m = HUNK_HEADING.exec(end < 0 ? patch.slice(start) : patch.slice(start, end));
    headings.push(m ? (m[1] ?? "") : "");
    start = end < 0 ? -1 : nextHunkLine(end);
  }
  return headings;
}

function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Parse one file's patch. Throws UnreadablePatchError when it is not a valid unified diff. */
export function parseHunks(patch: string): Hunk[] {
  if (patch.length > MAX_PATCH_CHARS) throw new UnreadablePatchError(`patch is ${patch.length} characters; too large to read`);
  if (patch.includes("\u0000")) throw new UnreadablePatchError("patch contains binary data");
  // A trailing newline would read as an (invalid) empty diff line.
  const text = withoutTrailingNewlines(patch.includes("\r\n") ? patch.replace(/\r\n/g, "\n") : patch);
  if (text === "") return [];
  if (!text.startsWith("@@")) throw new UnreadablePatchError("patch does not start with a hunk header");
  let parsed;
  try {
    parsed = parsePatch(text);
  } catch (e) {
    throw new UnreadablePatchError(`malformed diff: ${(e as Error).message}`);
  }
  // A `---`/`+++`/`diff ` line between hunks starts a second file: its hunks would go unread.
  if (parsed.length !== 1) throw new UnreadablePatchError("patch holds more than one file");
  const headings = headingsOf(text);
  const hunks: Hunk[] = [];
  for (const [i, h] of parsed[0]!.hunks.entries()) {
    if (!Number.isInteger(h.oldStart) || !Number.isInteger(h.newStart)) {
      throw new UnreadablePatchError("malformed hunk header");
    }
    // jsdiff already moved a zero-length side's start, and such a side numbers no line.
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const kind = raw[0];
      const body = raw.slice(1);
      if (kind === "+") lines.push({ kind, text: body, newLine: newLine++ });
      else if (kind === "-") lines.push({ kind, text: body, oldLine: oldLine++ });
      else if (kind === " ") lines.push({ kind, text: body, oldLine: oldLine++, newLine: newLine++ });
      // "\ No newline at end of file" carries no content.
    }
    hunks.push({ heading: headings[i] ?? "", lines });
  }
  return hunks;
}

/** The line number a finding points at: head line for added/context lines, base line for removed ones. */
export function lineNumberOf(line: DiffLine): number | undefined {
  return line.kind === "-" ? line.oldLine : line.newLine;
}

/** The lines of one side of a hunk: `new` = context + added, `old` = context + removed. */
export function sideOf(hunk: Hunk, side: "old" | "new"): DiffLine[] {
  const skip = side === "new" ? "-" : "+";
  return hunk.lines.filter((l) => l.kind !== skip);
}

export function directoryOf(filename: string): string {
  const i = filename.lastIndexOf("/");
  return i < 0 ? "" : filename.slice(0, i);
}

export function baseNameOf(filename: string): string {
  return filename.slice(filename.lastIndexOf("/") + 1);
}

/** The evidence shown for a line: trimmed and kept short. */
export function evidenceOf(text: string): string {
  const t = text.trim();
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
}

/** A file of the PR with its parsed hunks. */
export interface ParsedFile {
  file: FileFacts;
  hunks: Hunk[];
}

/** Content above this size is ignored (rules fall back to the hunks). */
export const MAX_CONTENT_CHARS = 5_000_000;

/** The last few contents split: rules look back into the same file once per changed line. */
const recentlySplit = new Map<string, readonly string[] | null>();
const RECENT_CAP = 8;

/** A file's lines, or undefined when it is absent, too large or binary. Shared: never mutate it. */
export function usableContent(text: string | undefined): readonly string[] | undefined {
  if (text === undefined || text.length > MAX_CONTENT_CHARS) return undefined;
  let lines = recentlySplit.get(text);
  if (lines === undefined) {
    lines = text.includes("\u0000") ? null : text.replace(/\r\n/g, "\n").split("\n");
    if (recentlySplit.size >= RECENT_CAP) recentlySplit.delete(recentlySplit.keys().next().value!);
    recentlySplit.set(text, lines);
  }
  return lines ?? undefined;
}
