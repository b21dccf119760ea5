/**
 * A line scanner for HCL (Terraform/OpenTofu), not a parser. Hunks cut through blocks, so a real
 * HCL parser (all of them want a whole, valid file, and the wasm ones are async) cannot read them;
 * this follows the reference algorithm instead: top-level headers, brace depth outside strings,
 * comments and heredocs, and `terraform fmt` indentation as a tie-breaker.
 */

export type HclBlockKind =
  | "resource"
  | "data"
  | "module"
  | "provider"
  | "variable"
  | "output"
  | "moved"
  | "removed"
  | "import"
  | "locals"
  | "terraform"
  | "check";

export interface HclBlock {
  kind: HclBlockKind;
  /** Resource/data type, e.g. `aws_s3_bucket`. */
  type?: string;
  name?: string;
  /** `aws_s3_bucket.logs`, `data.x.y`, `module.vpc`, `provider.aws`, or the kind. */
  address: string;
  /** Distinguishes two blocks with the same address (e.g. several `moved` blocks). */
  id: number;
}

export interface HclLineInfo {
  /** The top-level block the line is in (for its opening line: that block). */
  top?: HclBlock;
  /** Names of nested blocks the line is inside, outermost first (e.g. `["lifecycle"]`). */
  path: string[];
  /** Inside a heredoc: text, not HCL. */
  inHeredoc: boolean;
  /** Only a comment, or blank. */
  isComment: boolean;
}

const LABEL = `"?([\\w.-]+)"?`;
const TWO_LABELS = new RegExp(`^\\s*(resource|data)\\s+${LABEL}\\s+${LABEL}\\s*\\{`);
const ONE_LABEL = new RegExp(`^\\s*(module|provider|variable|output)\\s+${LABEL}\\s*\\{`);
const NO_LABEL = /^\s*(moved|removed|import|locals|terraform|check)\s*\{/;

let nextId = 1;

/** Parse a block header line (not commented out), e.g. `resource "aws_s3_bucket" "logs" {`. */
export function parseHeader(text: string): HclBlock | undefined {
  const two = TWO_LABELS.exec(text);
  if (two) {
    const kind = two[1] as "resource" | "data";
    const type = two[2]!;
    const name = two[3]!;
    return { kind, type, name, address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`, id: nextId++ };
  }
  const one = ONE_LABEL.exec(text);
  if (one) {
    const kind = one[1] as HclBlockKind;
    const name = one[2]!;
    return { kind, name, address: `${kind}.${name}`, id: nextId++ };
  }
  const none = NO_LABEL.exec(text);
  if (none) return { kind: none[1] as HclBlockKind, address: none[1]!, id: nextId++ };
  return undefined;
}

/** The code part of a line: strings blanked, comments removed (so braces and `#` inside strings do not count). */
export function codeOf(text: string): string {
  // Most lines have no string and no comment: return them as they are.
  if (!/["#/]/.test(text)) return text;
  let out = "";
  let inString = false;
  let codeStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') {
        inString = false;
        out += '"';
        codeStart = i + 1;
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      out += `${text.slice(codeStart, i)}"`;
      continue;
    }
    if (c === "#" || (c === "/" && text[i + 1] === "/")) return out + text.slice(codeStart, i);
  }
  return inString ? out : out + text.slice(codeStart);
}

/** The line without a trailing comment (strings kept). */
export function stripComment(text: string): string {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "#" || (c === "/" && text[i + 1] === "/")) return text.slice(0, i);
  }
  return text;
}

export function isCommentLine(text: string): boolean {
  const t = text.trim();
  return t === "" || t.startsWith("#") || t.startsWith("//") || t.startsWith("/*") || t.startsWith("*");
}

const HEREDOC = /<<-?\s*"?([A-Za-z_][\w]*)"?\s*$/;
const NESTED_OPEN = /^\s*"?([\w-]+)"?(?:\s+"[^"]*")*\s*=?\s*[{[]?\s*\{/;

/** Scan a sequence of lines (a whole file, or one side of a hunk seeded with its heading). */
export function scanHcl(lines: readonly string[], seed?: HclBlock): HclLineInfo[] {
  let top: HclBlock | undefined = seed;
  let stack: string[] = seed ? [seed.address] : [];
  let heredoc: string | undefined;
  let blockComment = false;
  const infos: HclLineInfo[] = [];
  // Lines of the same nesting share one (never mutated) path array: thousands of lines, few distinct paths.
  let path: string[] | undefined;
  const currentPath = (): string[] => (path ??= stack.slice(1));
  for (const text of lines) {
    if (heredoc !== undefined) {
      infos.push({ top, path: currentPath(), inHeredoc: true, isComment: false });
      if (text.trim() === heredoc) heredoc = undefined;
      continue;
    }
    if (blockComment) {
      infos.push({ top, path: currentPath(), inHeredoc: false, isComment: true });
      if (text.includes("*/")) blockComment = false;
      continue;
    }
    if (isCommentLine(text)) {
      infos.push({ top, path: currentPath(), inHeredoc: false, isComment: true });
      if (text.trim().startsWith("/*") && !text.includes("*/")) blockComment = true;
      continue;
    }
    const header = /^\S/.test(text) || stack.length === 0 ? parseHeader(text) : undefined;
    let code = codeOf(text);
    if (header) {
      top = header;
      stack = [header.address];
      path = undefined;
      code = code.slice(code.indexOf("{") + 1);
    }
    infos.push({ top, path: currentPath(), inHeredoc: false, isComment: false });
    if (!code.includes("{") && !code.includes("}") && !text.includes("<<")) continue;
    const opener = code.includes("{") ? NESTED_OPEN.exec(code) : null;
    let named = false;
    for (const c of code) {
      if (c === "{") {
        stack.push(!named && opener ? opener[1]! : "{");
        named = true;
        path = undefined;
      } else if (c === "}") {
        // `terraform fmt` puts the closing brace of a top-level block in column 0 and no other.
        if (/^\}/.test(text)) {
          stack = [];
          top = undefined;
        } else if (stack.length > 1) stack.pop();
        path = undefined;
      }
    }
    const h = HEREDOC.exec(code.replace(/"[^"]*"/g, '""')) ?? HEREDOC.exec(text);
    if (h) heredoc = h[1];
  }
  return infos;
}

/** `key = value` or `"key": value` on one line (comment removed). */
export function parseAttribute(text: string): { key: string; value: string } | undefined {
  const code = stripComment(text);
  const m = /^\s*"?([\w-]+)"?\s*(?:=|:)\s*(.*?)\s*,?\s*$/.exec(code);
  if (!m || m[2] === undefined || m[2] === "" || m[2].startsWith("=")) return undefined;
  return { key: m[1]!, value: m[2] };
}

/** A literal: number, bool, or a quoted string without interpolation. */
export function isLiteral(value: string): boolean {
  return /^(-?\d+(\.\d+)?|true|false|"[^"$]*")$/.test(value.trim());
}

/** `aws_iam_role.this[0]` / `module.x["a"]` -> `aws_iam_role.this` / `module.x`. */
export function stripIndex(address: string): string {
  return address.replace(/\[[^\]]*\]/g, "").trim();
}
