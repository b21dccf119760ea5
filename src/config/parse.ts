/**
 * Parse one `.agentgate.yml` text into a Policy, or into every problem it has, each pinned to the
 * file, line, column and key where it is, so that a user can fix them all in one go.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type ErrorCode, type Node } from "yaml";
import { globWarning, pathGlobsOf } from "./lint.js";
import { patternProblem } from "./pattern.js";
import { closestKey } from "./suggest.js";
import { z } from "zod";

export { closestKey };
import { policySchema, type Policy } from "./schema.js";

export interface PolicyProblem {
  /** invalid: the file is wrong (the gate fails); unreadable: it could not be read (the gate errors). */
  kind: "invalid" | "unreadable";
  file: string;
  line?: number;
  column?: number;
  /** Dotted path of the key, with list indexes: `approvals.required`, `paths[1].teams[0]`. */
  key?: string;
  message: string;
}

/** Something in a valid file that is probably not what was meant: shown, never changes a decision. */
export type PolicyWarning = Omit<PolicyProblem, "kind">;

export type ParseResult =
  /** `input` is the file as written (before defaults): what `_extends` merges. */
  | { ok: true; policy: Policy; input: Record<string, unknown>; warnings: PolicyWarning[] }
  | { ok: false; problems: PolicyProblem[] };

/** GitHub's contents API serves files up to 1 MB; a policy is a few hundred bytes. */
export const MAX_POLICY_BYTES = 512 * 1024;

export function formatProblem(p: PolicyProblem | PolicyWarning): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(":");
  return `${where}: ${p.key ? `${p.key}: ` : ""}${p.message}`;
}

/** `file:line:column: warning: key: message`, as compilers print warnings. */
export function formatWarning(w: PolicyWarning): string {
  const where = [w.file, w.line, w.line !== undefined ? w.column : undefined].filter((x) => x !== undefined).join(":");
  return `${where}: warning: ${w.key ? `${w.key}: ` : ""}${w.message}`;
}

type PathSegment = string | number;

export function keyPathToString(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

interface Position {
  line: number;
  column: number;
}

interface Located {
  /** The deepest node on the path that exists. */
  node: Node | null;
  /** Where to point: the key of the last mapping entry reached (same line as the user's `key:`), or the item. */
  offset: number | undefined;
  /** Whether the whole path was found. */
  complete: boolean;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Follow a zod issue path through the YAML tree, remembering the last position on the way. */
function locate(doc: Document, path: readonly PathSegment[]): Located {
  let node = (doc.contents as Node | null) ?? null;
  let offset = node?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) return { node, offset, complete: false };
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) return { node, offset, complete: false };
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return { node, offset, complete: false };
    }
  }
  return { node, offset, complete: true };
}

/** The key path of the mapping key that contains `offset` (for YAML errors, which carry only offsets). */
function keyPathAt(doc: Document, offset: number): string | undefined {
  const path: PathSegment[] = [];
  let found: PathSegment[] | undefined;
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const k = keyText(pair.key);
        const keyRange = (pair.key as Node | null)?.range;
        const valueRange = (pair.value as Node | null)?.range;
        const start = keyRange?.[0];
        const end = valueRange?.[2] ?? keyRange?.[2];
        if (k === undefined || start === undefined || end === undefined) continue;
        if (offset >= start && offset <= end) {
          path.push(k);
          found = [...path];
          visit(pair.value);
          path.pop();
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const r = (item as Node | null)?.range;
        if (r && offset >= r[0] && offset <= r[2]) {
          path.push(i);
          found = [...path];
          visit(item);
          path.pop();
        }
      });
    }
  };
  visit(doc.contents);
  return found ? safeKeyPath(found) || undefined : undefined;
}

function positionOf(lines: LineCounter, offset: number | undefined): Position | undefined {
  if (offset === undefined) return undefined;
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: JsonSchema | boolean };
let inputJsonSchema: JsonSchema | undefined;

/** The keys allowed in the object at `path` (read from the JSON Schema form of the zod schema). */
function knownKeysAt(path: readonly PathSegment[]): string[] {
  inputJsonSchema ??= policyJsonSchema() as JsonSchema;
  let node: JsonSchema | undefined = inputJsonSchema;
  for (const seg of path) {
    if (!node) return [];
    if (typeof seg === "number") node = node.items;
    else node = node.properties?.[seg] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
  }
  return Object.keys(node?.properties ?? {});
}

/** A rule id as `infra.rules` keys are written: short, says nothing secret. */
const RULE_ID_KEY = /^[A-Z0-9]{1,12}-[0-9]{1,4}$/;

/**
 * The dotted key path, as far as it consists of keys the schema knows (and list indexes, and valid
 * rule ids under `infra.rules`): a key the schema does not know is file content, and is cut off.
 */
export function safeKeyPath(path: readonly PathSegment[]): string {
  inputJsonSchema ??= policyJsonSchema() as JsonSchema;
  let node: JsonSchema | undefined = inputJsonSchema;
  const kept: PathSegment[] = [];
  for (const seg of path) {
    if (!node) break;
    if (typeof seg === "number") {
      if (!node.items) break;
      node = node.items;
    } else if (node.properties && Object.hasOwn(node.properties, seg)) {
      node = node.properties[seg];
    } else if (typeof node.additionalProperties === "object" && RULE_ID_KEY.test(seg)) {
      node = node.additionalProperties;
    } else {
      break;
    }
    kept.push(seg);
  }
  return keyPathToString(kept);
}

/** The JSON Schema that editors validate `.agentgate.yml` with (the input form: defaults are optional).
 *  Draft-07: the draft every YAML editor plugin understands. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policySchema, { io: "input", target: "draft-07" }) as Record<string, unknown>;
}

/** What a value is, never what it says: a value may be a secret of a file the policy pointed at. */
function describeValue(node: Node | null): string {
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "null";
    if (typeof v === "string") return "a string";
    if (typeof v === "number" || typeof v === "bigint") return "a number";
    if (typeof v === "boolean") return "a boolean";
    return "a scalar";
  }
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  return "nothing";
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const bound = small ? "at least" : "at most";
  switch (issue.origin) {
    case "array":
      return small && limit === 1 ? "must not be empty" : `must have ${bound} ${limit} items`;
    case "string":
      return small && limit === 1 ? "must not be empty" : `must be ${bound} ${limit} characters long`;
    default:
      return `must be ${bound} ${limit}`;
  }
}

/** One zod issue → one or more problems (an unrecognized_keys issue names several keys). */
function problemsOfIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): PolicyProblem[] {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  const at = locate(doc, path);
  const base = (key: string, offset: number | undefined, message: string): PolicyProblem => ({
    kind: "invalid",
    file,
    ...positionOf(lines, offset),
    ...(key ? { key } : {}),
    message,
  });

  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(path);
      return issue.keys.map((k) => {
        const keyAt = locate(doc, [...path, k]);
        const hint = closestKey(k, known);
        // The key is named only when it is a near miss of a known key (then it says nothing new);
        // otherwise line and column point at it.
        const named = hint !== undefined && k.length <= 64;
        const allowed = known.length ? ` (allowed: ${known.join(", ")})` : "";
        const message = named ? `unknown key "${k}" (did you mean "${hint}"?)` : `unknown key${allowed}`;
        const parent = safeKeyPath(path);
        return base(named ? keyPathToString([...path, k]) : parent, keyAt.offset, message);
      });
    }
    case "invalid_value":
      return [
        base(
          safeKeyPath(path),
          at.offset,
          `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${at.complete ? `, not ${describeValue(at.node)}` : ""}`,
        ),
      ];
    case "invalid_type": {
      const message = at.complete
        ? `expected ${issue.expected}, got ${describeValue(at.node)}`
        : `is required (${issue.expected})`;
      return [base(safeKeyPath(path), at.offset, message)];
    }
    case "invalid_key": {
      const first = issue.issues[0];
      const inner = first?.message ?? issue.message;
      // A refinement's message says what is wrong with the key already (an unknown rule id).
      return [base(safeKeyPath(path), at.offset, first?.code === "custom" ? inner : `invalid key: ${inner}`)];
    }
    case "custom": {
      let message = issue.message;
      // The schema only says the regex is invalid; RE2 says why (without repeating the pattern).
      if (message === "not a valid regular expression" && isScalar(at.node)) {
        message = patternProblem(String(at.node.value)) ?? message;
      }
      return [base(safeKeyPath(path), at.offset, message)];
    }
    case "too_small":
    case "too_big":
      return [base(safeKeyPath(path), at.offset, sizeMessage(issue))];
    default:
      return [base(safeKeyPath(path), at.offset, issue.message)];
  }
}

/** The warnings of a valid file, each at the glob it is about. */
function warningsOf(input: Record<string, unknown>, doc: Document, lines: LineCounter, file: string): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  for (const { path, glob, kind } of pathGlobsOf(input)) {
    const message = globWarning(glob, kind);
    if (!message) continue;
    const key = safeKeyPath(path);
    out.push({ file, ...positionOf(lines, locate(doc, path).offset), ...(key ? { key } : {}), message });
  }
  return out.sort((a, b) => byPosition({ kind: "invalid", ...a }, { kind: "invalid", ...b }));
}

/** In file order; problems without a line (about the whole file) last. */
function byPosition(a: PolicyProblem, b: PolicyProblem): number {
  const line = (p: PolicyProblem) => p.line ?? Number.MAX_SAFE_INTEGER;
  return line(a) - line(b) || (a.column ?? 0) - (b.column ?? 0);
}

/**
 * The YAML library's messages quote the text (a tag, a directive, an alias): ours say what is wrong
 * and the position says where, so that no message carries a file's contents.
 */
const YAML_ERRORS: Partial<Record<ErrorCode, string>> = {
  ALIAS_PROPS: "an alias cannot have an anchor or a tag",
  BAD_ALIAS: "malformed alias",
  BAD_DIRECTIVE: "unknown or malformed % directive",
  BAD_DQ_ESCAPE: "bad escape in a double-quoted string",
  BAD_INDENT: "bad indentation",
  BAD_PROP_ORDER: "anchor and tag in the wrong order",
  BAD_SCALAR_START: "a plain value cannot start with this character (quote it)",
  BLOCK_AS_IMPLICIT_KEY: "a block value cannot be a key",
  BLOCK_IN_FLOW: "a block value inside [ ] or { }",
  DUPLICATE_KEY: "duplicate key: the key is written twice in the same mapping",
  IMPOSSIBLE: "YAML syntax error",
  KEY_OVER_1024_CHARS: "a key longer than 1024 characters",
  MISSING_CHAR: "a closing quote or bracket is missing",
  MULTILINE_IMPLICIT_KEY: "a key must be on one line",
  MULTIPLE_ANCHORS: "more than one anchor on a value",
  MULTIPLE_DOCS: "more than one YAML document in the file",
  MULTIPLE_TAGS: "more than one tag on a value",
  NON_STRING_KEY: "a key that is not a string",
  RESOURCE_EXHAUSTION: "the document is too complex (resource limit)",
  TAB_AS_INDENT: "tabs are not allowed as indentation",
  TAG_RESOLVE_FAILED: "unknown YAML tag (!...)",
  UNEXPECTED_TOKEN: "unexpected token",
  BAD_COLLECTION_TYPE: "wrong collection type for its tag",
};

/** One syntax error tends to cause more; past this many, the rest are counted, not listed. */
const MAX_SYNTAX_PROBLEMS = 10;

/** After a syntax error a "key" can be a whole paragraph: only name keys a user would recognize. */
function readableKey(key: string | undefined): string | undefined {
  return key !== undefined && key.length <= 100 && !key.includes("\n") ? key : undefined;
}

export function parsePolicy(text: string, file: string): ParseResult {
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_BYTES) {
    return { ok: false, problems: [{ kind: "invalid", file, message: `the file is larger than ${MAX_POLICY_BYTES} bytes` }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: PolicyProblem[] = [];
  const yamlErrors = [...doc.errors, ...doc.warnings];
  for (const e of yamlErrors.slice(0, MAX_SYNTAX_PROBLEMS)) {
    const key = readableKey(keyPathAt(doc, e.pos[0]));
    problems.push({
      kind: "invalid",
      file,
      ...positionOf(lines, e.pos[0]),
      ...(key ? { key } : {}),
      message: YAML_ERRORS[e.code] ?? "YAML syntax error",
    });
  }
  if (yamlErrors.length > MAX_SYNTAX_PROBLEMS) {
    problems.push({ kind: "invalid", file, message: `and ${yamlErrors.length - MAX_SYNTAX_PROBLEMS} more YAML errors (is this a YAML file?)` });
  }
  // After a syntax error the tree is a guess: schema errors from it would only confuse.
  const structural = yamlErrors.some((e) => e.code !== "DUPLICATE_KEY");
  if (structural) return { ok: false, problems: problems.sort(byPosition) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // e.g. an alias bomb ("billion laughs"), an alias to no anchor. The library's message names the alias.
    void e;
    problems.push({ kind: "invalid", file, message: "YAML aliases could not be resolved (an unknown alias, or too many)" });
    return { ok: false, problems };
  }
  // An empty file (or one with only comments) means "the defaults".
  const input = raw === null || raw === undefined ? {} : raw;
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...problemsOfIssue(issue, doc, lines, file));
  }
  if (problems.length) return { ok: false, problems: problems.sort(byPosition) };
  if (!parsed.success) throw new Error("unreachable");
  const written = input as Record<string, unknown>;
  return { ok: true, policy: parsed.data, input: written, warnings: warningsOf(written, doc, lines, file) };
}
