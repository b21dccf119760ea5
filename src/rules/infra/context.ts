/** Look-back context for a diff line: from the file's content when fetched, else from its hunk. */
import { usableContent, type DiffLine, type Hunk, type ParsedFile } from "./diff.js";

/** Lines before `line` on its own side, nearest first (the hunk heading last, when reading the hunk). */
export function linesBefore(pf: ParsedFile, hunk: Hunk, line: DiffLine): string[] {
  const removed = line.kind === "-";
  const content = usableContent(removed ? pf.file.baseContent : pf.file.headContent);
  const n = removed ? line.oldLine : line.newLine;
  if (content && n !== undefined && n - 1 <= content.length) return content.slice(0, n - 1).reverse();
  const skip = removed ? "+" : "-";
  const i = hunk.lines.indexOf(line);
  const before = hunk.lines.slice(0, Math.max(i, 0)).filter((l) => l.kind !== skip).map((l) => l.text).reverse();
  if (hunk.heading) before.push(hunk.heading);
  return before;
}

export function indentOf(text: string): number {
  return /^[ \t]*/.exec(text)![0].length;
}

/** YAML keys enclosing a line, nearest first, judged by indentation (`- key:` items included). */
export function yamlAncestors(before: readonly string[], text: string): string[] {
  const keys: string[] = [];
  let limit = indentOf(text);
  const isItem = /^\s*-\s/.test(text);
  for (const prev of before) {
    const t = prev.trim();
    if (t === "" || t.startsWith("#")) continue;
    if (t === "---") break;
    const ind = indentOf(prev);
    // A compact sequence (`verbs:` then `- x` at the same indent) belongs to that key.
    const sameIndentParent = isItem && keys.length === 0 && ind === limit && /^[\w.\-/"']+\s*:\s*$/.test(t);
    if (ind < limit || sameIndentParent) {
      const m = /^(?:-\s+)?["']?([\w.\-/]+)["']?\s*:/.exec(t);
      if (m) keys.push(m[1]!);
      limit = ind;
      if (ind === 0) break;
    }
  }
  return keys;
}

/** The `kind:` of the YAML document a line is in, if visible before it. */
export function yamlKindBefore(before: readonly string[], text: string): string | undefined {
  const own = /^kind:\s*["']?(\w+)/.exec(text);
  if (own) return own[1];
  for (const prev of before) {
    if (prev.trim() === "---") return undefined;
    const m = /^kind:\s*["']?(\w+)/.exec(prev);
    if (m) return m[1];
  }
  return undefined;
}

/** Normalized text of removed lines of the given files, to recognise an added line that only moved. */
export function removedTwins(files: readonly ParsedFile[]): Set<string> {
  const set = new Set<string>();
  for (const f of files) for (const h of f.hunks) for (const l of h.lines) if (l.kind === "-") set.add(normalizeLine(l.text));
  return set;
}

export function normalizeLine(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}
