/**
 * Policy mistakes the schema's types cannot see: globs written for another tool (CODEOWNERS,
 * .gitignore) and rule ids that are not in the catalog. A mistake that makes a glob match nothing
 * is an error (the rule it belongs to silently does nothing); one whose glob matches, but likely
 * not what was meant, is a warning (it is shown, and never changes a decision).
 *
 * No message quotes what the user wrote: it says what is wrong and shows a fixed example.
 */
import { INFRA_RULE_IDS } from "../rules/infra/catalog.js";
import { closestKey } from "./suggest.js";

/** Where the rule catalog is documented. */
export const RULE_CATALOG_DOC = "docs/rules.md";

export type GlobKind = "path" | "branch";

/** Why `glob` can never match a file path (or a branch name), or undefined. */
export function globError(glob: string, kind: GlobKind): string | undefined {
  const example = kind === "branch" ? "`ai/**`" : "`infra/**`";
  const relative = kind === "branch" ? "branch names are matched without refs/heads/ and never start with /" : "paths are relative to the repository root";
  if (glob.startsWith("/")) return `a leading / matches nothing: ${relative}; write ${example}`;
  if (glob.length > 1 && glob.endsWith("/")) {
    return kind === "branch"
      ? `a trailing / matches nothing (a branch name never ends with /); write ${example}`
      : `a trailing / matches nothing (files are matched, not folders); write ${example} for everything under a folder`;
  }
  if (/(^|\/)\.(\/|$)/.test(glob)) return `a ./ segment matches nothing: ${relative}; write ${example}`;
  return undefined;
}

/** Why `glob` probably does not mean what it looks like, or undefined (only for globs without an error). */
export function globWarning(glob: string, kind: GlobKind): string | undefined {
  if (glob.startsWith("!") && kind === "branch") return "a leading ! negates: every branch that does not match it counts as an agent's";
  // Path globs are compiled with nonegate: a leading ! is a literal character, not a CODEOWNERS/.gitignore exception.
  if (glob.startsWith("!")) return "a leading ! is not a negation here: it matches names that start with !; list what to match instead";
  if (glob.includes("\\")) return "a \\ escapes the next character in a glob, it is not a folder separator: write `/`";
  return undefined;
}

export function isKnownRuleId(id: string): boolean {
  return INFRA_RULE_IDS.has(id);
}

/** The message for a rule id that is not in the catalog, with the nearest id when it is a near miss. */
export function unknownRuleMessage(id: unknown): string {
  const near = typeof id === "string" ? closestKey(id, [...INFRA_RULE_IDS]) : undefined;
  return `unknown rule id${near ? ` (did you mean ${near}?)` : ""}; the rule catalog is agentgate's ${RULE_CATALOG_DOC}`;
}

type Segment = string | number;
export interface GlobAt {
  path: Segment[];
  glob: string;
  kind: GlobKind;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Every glob of a policy as written (before defaults), with its key path. */
export function pathGlobsOf(input: Record<string, unknown>): GlobAt[] {
  const out: GlobAt[] = [];
  const add = (path: Segment[], globs: unknown, kind: GlobKind = "path") =>
    list(globs).forEach((g, i) => {
      if (typeof g === "string") out.push({ path: [...path, i], glob: g, kind });
    });
  list(input.paths).forEach((r, i) => add(["paths", i, "paths"], obj(r).paths));
  const infra = obj(input.infra);
  for (const [id, settings] of Object.entries(obj(infra.rules))) {
    list(obj(settings).scopes).forEach((s, i) => add(["infra", "rules", id, "scopes", i, "paths"], obj(s).paths));
  }
  list(infra.allow).forEach((a, i) => add(["infra", "allow", i, "paths"], obj(a).paths));
  add(["infra", "non_deployed_paths"], infra.non_deployed_paths);
  add(["infra", "docs_paths"], infra.docs_paths);
  add(["agents", "branches"], obj(input.agents).branches, "branch");
  return out;
}
