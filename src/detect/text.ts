/**
 * Small parsers for commit text: normalized messages, trailer lines and `Name <email>` identities.
 * Pure and tolerant: bad input gives empty results, never an exception.
 */
import type { GitIdentity } from "../facts/types.js";

/** GitHub's web-flow committer: on every web merge, squash and accepted suggestion. No AI signal. */
export const WEB_FLOW_EMAIL = "noreply@github.com";

/**
 * One line of the message, newline-normalized. CRLF and lone CR become LF; invisible characters
 * that break anchors are dropped. A one-line message holding literal `\n` sequences is what a tool
 * writes when it passes the message through a shell without interpreting escapes: read them as
 * line breaks, otherwise a trailer hides inside one long subject.
 */
export function normalizeText(text: string | null | undefined): string {
  if (!text) return "";
  let out = text.replace(/\r\n?/g, "\n").replace(/\uFEFF|\u200B|\u200C|\u200D|\u2060/g, "");
  if (!out.includes("\n") && out.includes("\\n")) out = out.replace(/(?:\\r)?\\n/g, "\n");
  return out;
}

export function subjectOf(normalized: string): string {
  const end = normalized.indexOf("\n");
  return end === -1 ? normalized : normalized.slice(0, end);
}

export interface TrailerLine {
  /** Lower-case key, e.g. `co-authored-by`. */
  key: string;
  value: string;
  /** The line as written, trimmed, without stray bullet or quote characters in front. */
  line: string;
}

// Squash bodies repeat trailers inside bullet lists, quotes and indented blocks: tolerate those prefixes.
// The value is trimmed in code, not with a lazy `.*?\s*$`: that backtracks quadratically on a long
// line full of inner spaces (seconds for 100 KB, hours for a 100 MB commit message). The value may be
// empty here: a wrapped trailer (`Amp-Thread:` then the URL on the next line) puts it on the next line.
const TRAILER_LINE = /^[\s>*+•·-]*([A-Za-z][A-Za-z0-9_-]{0,39})[ \t]*:[ \t]*([\s\S]*)$/;
// A line that only holds a URL (`https://…`): what a wrapped trailer value looks like.
const URL_ONLY = /^[ \t]*[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/\S+[ \t]*$/;
const STARTS_WITH_BLANK = /^[ \t]/;

// The start of a `Key:` line, as TRAILER_LINE reads it.
const KEY_START = /^[\s>*+•·-]*[A-Za-z][A-Za-z0-9_-]{0,39}[ \t]*:/;

const isIndentedText = (line: string): boolean => STARTS_WITH_BLANK.test(line) && line.trim() !== "";

/** Git allows a trailer value to continue on lines that start with whitespace. */
function isContinuation(line: string): boolean {
  if (!isIndentedText(line)) return false;
  // An indented `Key: value` is a trailer of its own (squash bodies indent them), unless it is a URL.
  return URL_ONLY.test(line) || !KEY_START.test(line);
}

/**
 * Every `Key: value` line of a message, wherever it is. Git puts trailers in the last paragraph,
 * but GitHub's squash merges keep each squashed commit's trailers in the body, and tools append
 * text after them, so all lines count. A value continues on the following lines that start with
 * whitespace (git's folding, unfolded with one space); a trailer with nothing after the colon takes
 * its value from the next line when that line is a lone URL (a wrapped `Amp-Thread:` or
 * `Claude-Session:`). The subject is skipped: `fix: ...` is a conventional-commit prefix, not a trailer.
 */
export function trailerLines(normalized: string): TrailerLine[] {
  const out: TrailerLine[] = [];
  const lines = normalized.split("\n");
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.includes(":")) continue;
    const m = TRAILER_LINE.exec(raw);
    if (!m) continue;
    const key = m[1]!;
    let value = m[2]!.trim();
    if (value === "" && i + 1 < lines.length && URL_ONLY.test(lines[i + 1]!)) {
      value = lines[++i]!.trim();
    }
    // An empty trailer takes any indented next line, even one that looks like `Key:` (`Claude:model`).
    while (i + 1 < lines.length && (isContinuation(lines[i + 1]!) || (value === "" && isIndentedText(lines[i + 1]!)))) {
      value = value === "" ? lines[++i]!.trim() : `${value} ${lines[++i]!.trim()}`;
    }
    if (value === "") continue;
    out.push({ key: key.toLowerCase(), value, line: `${key}: ${value}` });
  }
  return out;
}

export interface ParsedIdentity {
  name: string;
  email: string;
}

/**
 * `Name <email>` as written in a co-author trailer, tolerating what agents get wrong: missing angle
 * brackets (`OpenHands-GPT-5 openhands@all-hands.dev`), a missing `>`, an empty or absent email.
 */
export function parseIdentity(value: string): ParsedIdentity {
  const text = value.trim();
  const lt = text.indexOf("<");
  if (lt >= 0) {
    const name = text.slice(0, lt).trim();
    const email = text.slice(lt + 1).replace(/>.*$/, "").trim();
    return { name, email };
  }
  const parts = text.split(/\s+/);
  const last = parts[parts.length - 1] ?? "";
  if (last.includes("@")) return { name: parts.slice(0, -1).join(" "), email: last };
  return { name: text, email: "" };
}

/** The text identity patterns are matched against: `Name <email>`, `<>` when there is no email. */
export function identityText(who: ParsedIdentity | GitIdentity): string {
  return `${(who.name ?? "").trim()} <${(who.email ?? "").trim()}>`;
}

const NOREPLY = /^(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com$/i;

/** The login inside a GitHub noreply address (`<id>+<login>@users.noreply.github.com`), if any. */
export function noreplyLogin(email: string | null | undefined): string | undefined {
  const m = NOREPLY.exec((email ?? "").trim());
  return m ? m[2] : undefined;
}

export function isWebFlow(who: ParsedIdentity | GitIdentity): boolean {
  return (who.email ?? "").trim().toLowerCase() === WEB_FLOW_EMAIL;
}

/** The line of `text` that contains position `index`, trimmed and capped for display. */
export function lineAt(text: string, index: number, max = 200): string {
  const start = text.lastIndexOf("\n", index - 1) + 1;
  const endAt = text.indexOf("\n", index);
  const line = text.slice(start, endAt === -1 ? text.length : endAt).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
