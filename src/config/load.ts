/**
 * Find and load the policy that governs a pull request: the repository's own file on the base
 * branch, else the organization's defaults, else the built-in defaults; following `_extends`.
 *
 * Fail closed: a file that cannot be read is an `unreadable` problem (the gate publishes `error`),
 * never a silent fall-back to the defaults; a wrong file is an `invalid` problem (the gate fails).
 */
import { LRUCache } from "lru-cache";
import { defaultPolicy, POLICY_PATHS, policySchema, type Policy } from "./schema.js";
import { keyPathToString, parsePolicy, type ParseResult, type PolicyProblem, type PolicyWarning } from "./parse.js";

export interface PolicyFile {
  text: string;
  /** The blob sha: the cache key. Without it the file is parsed every time. */
  sha?: string;
}

export interface PolicyReader {
  /** null = the file does not exist (404); a throw = it could not be read (API error). */
  read(owner: string, repo: string, path: string, ref?: string): Promise<PolicyFile | null>;
}

export interface LoadedPolicy {
  /** null when the policy is invalid or unreadable (see `problems`). */
  policy: Policy | null;
  problems: PolicyProblem[];
  /** The files the policy came from, the governing file first, then its `_extends` bases in order,
   *  e.g. `acme/app@main:.agentgate.yml`. Empty when the built-in defaults apply. */
  sources: string[];
  /** Paths of the repository under review that the policy was read from (the governing file and
   *  its `_extends` bases there): protected like the policy file. Absent = none. */
  extendsPaths?: string[];
  /** Each file read for the policy, in `sources` order, with the blob SHA GitHub named for it (null:
   *  the reader named none). What an audit needs to tell exactly which policy judged. Absent = none. */
  files?: PolicyFileRef[];
  /** Probable mistakes of a valid policy's files (in chain order): shown, never change a decision. Absent = none. */
  warnings?: PolicyWarning[];
}

export interface PolicyFileRef {
  /** As in `sources`: `owner/repo@ref:path`, or `owner/repo:path` on the default branch. */
  source: string;
  /** `owner/repo` the file is in. */
  repository?: string;
  /** The file's path there. */
  path?: string;
  /** The file's git blob SHA (the contents API's `sha`). */
  sha: string | null;
}

export interface LoadTarget {
  owner: string;
  repo: string;
  /** The PR's BASE branch or sha: never the head, so that an agent cannot loosen its own gate. */
  ref: string;
}

/** The organization's defaults live in this repository, as GitHub's community files do. */
export const ORG_DEFAULTS_REPO = ".github";
/** How many `_extends` hops are followed before giving up. */
export const MAX_EXTENDS_DEPTH = 5;

/** Lists that a child adds to its base instead of replacing (dotted key paths). */
const CONCATENATED_LISTS = new Set([
  "paths",
  "agents.logins",
  "agents.emails",
  "agents.trailers",
  "agents.branches",
  "agents.labels",
  "agents.markers",
  "agents.disable",
  "agents.never",
  "infra.allow",
]);

interface Located {
  owner: string;
  repo: string;
  path: string;
  /** undefined = the repository's default branch. */
  ref?: string;
}

export function sourceLabel(at: Located): string {
  return `${at.owner}/${at.repo}${at.ref ? `@${at.ref}` : ""}:${at.path}`;
}

// Parsed files by blob sha and label (the label is in every problem, so it is part of the key).
const parsedCache = new LRUCache<string, ParseResult>({ max: 1000 });
// Whole merged policies by their chain of blobs: the same object comes back, so per-policy
// caches downstream (compiled detectors) are reused too. Treat a loaded policy as immutable.
const mergedCache = new LRUCache<string, Policy>({ max: 500 });

export function clearPolicyCache(): void {
  parsedCache.clear();
  mergedCache.clear();
}

function parseCached(file: PolicyFile, label: string): ParseResult {
  if (!file.sha) return parsePolicy(file.text, label);
  const key = `${file.sha}\0${label}`;
  let result = parsedCache.get(key);
  if (!result) {
    result = parsePolicy(file.text, label);
    parsedCache.set(key, result);
  }
  return result;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Base path rules, with any the child redefines (same `name`) replaced in place, then the child's new ones. */
function mergePathRules(base: unknown[], child: unknown[]): unknown[] {
  const nameOf = (r: unknown) => (isPlainObject(r) && typeof r.name === "string" ? r.name : undefined);
  const childByName = new Map(child.map((r) => [nameOf(r), r] as const).filter(([n]) => n !== undefined));
  const merged = base.map((r) => {
    const n = nameOf(r);
    return n !== undefined && childByName.has(n) ? childByName.get(n) : r;
  });
  const replaced = new Set(base.map(nameOf).filter((n) => n !== undefined && childByName.has(n)));
  return [...merged, ...child.filter((r) => !replaced.has(nameOf(r)))];
}

/**
 * The merge rule of `_extends` (on the files as written, before defaults): mappings merge key by key,
 * the child's scalars and lists win, except the lists in CONCATENATED_LISTS, which are base + child
 * (path rules of the same name: the child's replaces the base's).
 */
export function mergePolicyInputs(base: Record<string, unknown>, child: Record<string, unknown>, at: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(child)) {
    const path = keyPathToString([...at, key]);
    const old = out[key];
    if (Array.isArray(old) && Array.isArray(value) && CONCATENATED_LISTS.has(path)) {
      out[key] = path === "paths" ? mergePathRules(old, value) : [...old, ...value];
    } else if (isPlainObject(old) && isPlainObject(value)) {
      out[key] = mergePolicyInputs(old, value, [...at, key]);
    } else {
      out[key] = value;
    }
  }
  delete out._extends;
  return out;
}

/** `repo`, `owner/repo` or `owner/repo:path`, relative to the file that names it. */
export function parseExtends(spec: string, from: { owner: string }): { owner: string; repo: string; path?: string } | null {
  const m = /^(?:([A-Za-z0-9_.-]+)\/)?([A-Za-z0-9_.-]+)(?::(.+))?$/.exec(spec.trim());
  if (!m) return null;
  const [, owner, repo, path] = m;
  return { owner: owner ?? from.owner, repo: repo!, ...(path ? { path: path.replace(/^\/+/, "") } : {}) };
}

class Unreadable extends Error {
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    super(`${label}: ${reason}`);
  }
}

function reasonOf(e: unknown): string {
  const status = typeof e === "object" && e !== null && "status" in e ? ` (HTTP ${String((e as { status: unknown }).status)})` : "";
  const message = e instanceof Error ? e.message : String(e);
  return `could not read the policy: ${message.split("\n")[0]}${status}`;
}

interface Found {
  at: Located;
  file: PolicyFile;
}

async function readOne(reader: PolicyReader, at: Located): Promise<PolicyFile | null> {
  try {
    return await reader.read(at.owner, at.repo, at.path, at.ref);
  } catch (e) {
    throw new Unreadable(sourceLabel(at), reasonOf(e));
  }
}

/** The first of the policy paths that exists in a repository at a ref. */
async function findIn(reader: PolicyReader, owner: string, repo: string, ref: string | undefined, paths: readonly string[]): Promise<Found | null> {
  for (const path of paths) {
    const at: Located = { owner, repo, path, ...(ref ? { ref } : {}) };
    const file = await readOne(reader, at);
    if (file) return { at, file };
  }
  return null;
}

/** Where the governing file is: the repository at the base ref, else the organization's `.github` repository. */
async function findGoverning(reader: PolicyReader, where: LoadTarget): Promise<Found | null> {
  const own = await findIn(reader, where.owner, where.repo, where.ref, POLICY_PATHS);
  if (own || where.repo === ORG_DEFAULTS_REPO) return own;
  return findIn(reader, where.owner, ORG_DEFAULTS_REPO, undefined, POLICY_PATHS);
}

interface Chain {
  /** The governing file first. */
  files: { found: Found; input: Record<string, unknown> }[];
  problems: PolicyProblem[];
  warnings: PolicyWarning[];
  /** Every file read, valid or not. */
  labels: string[];
  /** Where each of `labels` is. */
  located: Located[];
  /** Each of `labels` with its blob SHA. */
  refs: PolicyFileRef[];
}

/** `_extends` may name only the repository under review and its owner's `.github` repository:
 *  anything else the App can read (a private repository of the organization) is not read at all. */
function mayExtend(target: { owner: string; repo: string }, where: LoadTarget): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return same(target.owner, where.owner) && (same(target.repo, where.repo) || same(target.repo, ORG_DEFAULTS_REPO));
}

async function followExtends(reader: PolicyReader, first: Found, where: LoadTarget): Promise<Chain> {
  const files: Chain["files"] = [];
  const labels: string[] = [];
  const located: Located[] = [];
  const seen = new Set<string>();
  const warnings: PolicyWarning[] = [];
  const refs: PolicyFileRef[] = [];
  const fail = (problems: PolicyProblem[]): Chain => ({ files, problems, warnings, labels, located, refs });
  let current: Found | null = first;
  while (current) {
    const label = sourceLabel(current.at);
    labels.push(label);
    located.push(current.at);
    refs.push({ source: label, repository: `${current.at.owner}/${current.at.repo}`, path: current.at.path, sha: current.file.sha ?? null });
    const parsed = parseCached(current.file, label);
    if (!parsed.ok) return fail(parsed.problems);
    files.push({ found: current, input: parsed.input });
    warnings.push(...parsed.warnings);
    seen.add(`${current.at.owner}/${current.at.repo}:${current.at.path}`.toLowerCase());

    const spec = parsed.input._extends;
    if (typeof spec !== "string") break;
    const problem = (message: string): PolicyProblem => ({ kind: "invalid", file: label, key: "_extends", message });
    const target = parseExtends(spec, current.at);
    // The value is not quoted: a base's text must never reach the check run.
    if (!target) return fail([problem("is not repo, owner/repo or owner/repo:path")]);
    if (!mayExtend(target, where)) {
      return fail([problem(`may name only this repository (${where.owner}/${where.repo}) or ${where.owner}/${ORG_DEFAULTS_REPO}; other repositories are not read`)]);
    }
    if (files.length > MAX_EXTENDS_DEPTH) {
      return fail([problem(`more than ${MAX_EXTENDS_DEPTH} levels of _extends`)]);
    }
    // A base is read from its repository's default branch: it is shared, not part of this change.
    const next: Found | null = target.path
      ? await readOne(reader, { ...target, path: target.path }).then((file) =>
          file ? { at: { owner: target.owner, repo: target.repo, path: target.path! }, file } : null,
        )
      : await findIn(reader, target.owner, target.repo, undefined, POLICY_PATHS);
    if (!next) {
      const wanted = target.path ?? POLICY_PATHS.join(" or ");
      return fail([problem(`${target.owner}/${target.repo} has no ${wanted} on its default branch`)]);
    }
    const nextKey = `${next.at.owner}/${next.at.repo}:${next.at.path}`.toLowerCase();
    if (seen.has(nextKey)) {
      const cycle = [...files.map((f) => sourceLabel(f.found.at)), sourceLabel(next.at)].join(" → ");
      return fail([problem(`_extends makes a cycle: ${cycle}`)]);
    }
    current = next;
  }
  return { files, problems: [], warnings, labels, located, refs };
}

/** The chain's files that live in the repository under review (any branch): what an agent's PR could edit. */
function pathsInRepository(located: readonly Located[], where: LoadTarget): string[] {
  const here = `${where.owner}/${where.repo}`.toLowerCase();
  return [...new Set(located.filter((l) => `${l.owner}/${l.repo}`.toLowerCase() === here).map((l) => l.path))];
}

/** Merge a chain (governing file first) and apply the defaults; the same chain gives the same object. */
function policyOfChain(chain: Chain["files"]): { policy: Policy } | { problem: PolicyProblem } {
  const shas = chain.map((c) => c.found.file.sha);
  const key = shas.every(Boolean) ? chain.map((c) => `${sourceLabel(c.found.at)}#${c.found.file.sha}`).join("\n") : undefined;
  const cached = key ? mergedCache.get(key) : undefined;
  if (cached) return { policy: cached };

  let merged: Record<string, unknown> = {};
  for (const { input } of [...chain].reverse()) merged = mergePolicyInputs(merged, input);
  const parsed = policySchema.safeParse(merged);
  if (!parsed.success) {
    // Each file is valid alone; only the combination can fail here (rare): name the governing file.
    const issue = parsed.error.issues[0]!;
    return {
      problem: {
        kind: "invalid",
        file: sourceLabel(chain[0]!.found.at),
        key: keyPathToString(issue.path.filter((s) => typeof s !== "symbol") as (string | number)[]),
        message: `after merging _extends: ${issue.message}`,
      },
    };
  }
  if (key) mergedCache.set(key, parsed.data);
  return { policy: parsed.data };
}

export async function loadPolicy(reader: PolicyReader, where: LoadTarget): Promise<LoadedPolicy> {
  try {
    const governing = await findGoverning(reader, where);
    if (!governing) return { policy: defaultPolicy(), problems: [], sources: [] };
    const chain = await followExtends(reader, governing, where);
    const sources = chain.labels;
    const extendsPaths = pathsInRepository(chain.located, where);
    const files = chain.refs;
    if (chain.problems.length) return { policy: null, problems: chain.problems, sources, extendsPaths, files };
    const result = policyOfChain(chain.files);
    if ("problem" in result) return { policy: null, problems: [result.problem], sources, extendsPaths, files };
    return { policy: result.policy, problems: [], sources, extendsPaths, files, ...(chain.warnings.length ? { warnings: chain.warnings } : {}) };
  } catch (e) {
    if (e instanceof Unreadable) {
      return { policy: null, problems: [{ kind: "unreadable", file: e.label, message: e.reason }], sources: [] };
    }
    return { policy: null, problems: [{ kind: "unreadable", file: `${where.owner}/${where.repo}@${where.ref}`, message: reasonOf(e) }], sources: [] };
  }
}
