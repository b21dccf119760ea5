/**
 * Terraform's JSON syntax (`*.tf.json`): which resources and module calls a change removes. A JSON
 * hunk shows keys and braces, not blocks, so the addresses are read from the whole file on each side
 * (an added or deleted file carries its whole text in the patch; a modified one needs both contents).
 */
import { directoryOf, sideOf, type DiffLine, type ParsedFile } from "./diff.js";

export function isTfJson(filename: string): boolean {
  return /\.tf\.json$/i.test(filename);
}

export interface TfJsonSide {
  /** `aws_db_instance.main`, `module.vpc` → the line its name is declared on (1-based). */
  addresses: Map<string, number>;
  moved: { from?: string; to?: string }[];
  removed: { from?: string; destroy?: boolean }[];
}

export interface TfJsonChange {
  file: string;
  /** The directory on each side (a rename can move the file). */
  baseDir: string;
  dir: string;
  base: TfJsonSide;
  head: TfJsonSide;
}

/** A block may be written once (an object) or repeated (an array of objects). */
function objects(v: unknown): Record<string, unknown>[] {
  const all = Array.isArray(v) ? v : [v];
  return all.filter((o): o is Record<string, unknown> => typeof o === "object" && o !== null && !Array.isArray(o));
}

function lineOf(lines: readonly string[], after: number, name: string): number {
  const quoted = `"${name}"`;
  for (let i = Math.max(after, 0); i < lines.length; i++) if (lines[i]!.includes(quoted)) return i + 1;
  return Math.max(after, 0) + 1;
}

/** The addresses, moved and removed blocks of one side's text; throws on text that is not JSON. */
export function readTfJson(text: string): TfJsonSide {
  const side: TfJsonSide = { addresses: new Map(), moved: [], removed: [] };
  if (text.trim() === "") return side;
  const lines = text.split("\n");
  const root = objects(JSON.parse(text));
  for (const top of root) {
    for (const byType of objects(top.resource)) {
      for (const [type, byName] of Object.entries(byType)) {
        const typeLine = lineOf(lines, 0, type);
        for (const named of objects(byName)) for (const name of Object.keys(named)) side.addresses.set(`${type}.${name}`, lineOf(lines, typeLine - 1, name));
      }
    }
    for (const calls of objects(top.module)) for (const name of Object.keys(calls)) side.addresses.set(`module.${name}`, lineOf(lines, 0, name));
    const text = (v: unknown) => (typeof v === "string" ? v.replace(/\[[^\]]*\]/g, "") : undefined);
    for (const m of objects(top.moved)) side.moved.push({ from: text(m.from), to: text(m.to) });
    for (const r of objects(top.removed)) {
      const lifecycle = objects(r.lifecycle)[0];
      side.removed.push({ from: text(r.from), destroy: lifecycle?.destroy === false ? false : true });
    }
  }
  return side;
}

/** The whole text of one side when the patch holds it (an added or a deleted file). */
function sideFromPatch(pf: ParsedFile, side: "old" | "new"): string | undefined {
  const status = pf.file.status;
  if ((side === "old" && status === "added") || (side === "new" && status === "removed")) return "";
  if ((side === "old" && status !== "removed") || (side === "new" && status !== "added")) return undefined;
  return pf.hunks.flatMap((h) => sideOf(h, side).map((l) => l.text)).join("\n");
}

/**
 * Each `.tf.json` file's two sides. A file whose sides cannot both be read (a modified file without
 * its contents, or text that is not JSON) is a problem, reported by the caller: fail closed.
 */
export function tfJsonChanges(files: readonly ParsedFile[]): { changes: TfJsonChange[]; problems: { file: string; why: string }[] } {
  const changes: TfJsonChange[] = [];
  const problems: { file: string; why: string }[] = [];
  for (const pf of files) {
    const file = pf.file.filename;
    if (!isTfJson(file)) continue;
    const baseDir = directoryOf(pf.file.previousFilename ?? file);
    // Only a change with removed lines, or a move to another directory, can remove an address.
    const mayRemove = baseDir !== directoryOf(file) || pf.hunks.some((h) => h.lines.some((l) => l.kind === "-"));
    const baseText = mayRemove ? (pf.file.baseContent ?? sideFromPatch(pf, "old")) : "";
    // A rename with no patch did not change the text.
    const headText = pf.file.headContent ?? sideFromPatch(pf, "new") ?? (pf.file.status === "renamed" && !pf.file.patch ? baseText : undefined);
    // Nothing removed and the new text unknown: its additions go unseen, which can only make HCL removals stricter.
    if (!mayRemove && headText === undefined) continue;
    if (baseText === undefined || headText === undefined) {
      problems.push({ file, why: "the whole file at both commits is needed to tell which resources it removes, and was not read" });
      continue;
    }
    try {
      changes.push({ file, baseDir, dir: directoryOf(file), base: readTfJson(baseText), head: readTfJson(headText) });
    } catch {
      // JSON.parse's message quotes the text around the error: never into the check run.
      problems.push({ file, why: "it is not valid JSON" });
    }
  }
  return { changes, problems };
}

/** A diff line to point a finding at: the name's line in the base version. */
export function removedLine(name: string, oldLine: number): DiffLine {
  return { kind: "-", text: `"${name}": {`, oldLine };
}
