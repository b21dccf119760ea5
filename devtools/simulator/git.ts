/**
 * A tiny in-memory git: commits are full snapshots (path -> text), identified by the sha1 of their
 * content the way git does it, so the same change rebased onto another base gets a new sha.
 */
import { createHash } from "node:crypto";
import { structuredPatch } from "diff";

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export interface SimCommit {
  sha: string;
  treeSha: string;
  tree: ReadonlyMap<string, string>;
  parents: string[];
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
}

export type FileStatus = "added" | "removed" | "modified" | "renamed";

export interface FileChange {
  filename: string;
  previousFilename?: string;
  status: FileStatus;
  /** Blob sha of the new content (of the old content for a removed file). */
  sha: string;
  additions: number;
  deletions: number;
  changes: number;
  /** Absent for binary files and for diffs above the size limit, as on GitHub. */
  patch?: string;
}

function sha1(text: string | Buffer): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The real git blob id, so `sha` of contents and files matches what git would say. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
}

export function treeSha(tree: ReadonlyMap<string, string>): string {
  const lines = [...tree.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, content]) => `100644 ${path}\0${blobSha(content)}`);
  return sha1(`tree\0${lines.join("\n")}`);
}

function gitTimestamp(iso: string): string {
  return `${Math.floor(Date.parse(iso) / 1000)} +0000`;
}

/** The sha of a commit object: tree, parents, identities with dates, and the message. */
export function commitSha(c: Omit<SimCommit, "sha" | "tree">): string {
  const body = [
    `tree ${c.treeSha}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${c.author.name} <${c.author.email}> ${gitTimestamp(c.author.date)}`,
    `committer ${c.committer.name} <${c.committer.email}> ${gitTimestamp(c.committer.date)}`,
    "",
    c.message,
  ].join("\n");
  return sha1(`commit ${Buffer.byteLength(body)}\0${body}`);
}

export function isBinary(content: string): boolean {
  return content.includes("\0");
}

/** git writes a hunk range of one line without its count ("-3" rather than "-3,1"). */
function range(start: number, lines: number): string {
  return lines === 1 ? `${start}` : `${start},${lines}`;
}

/** git prints at most this many bytes of the function line after a hunk header. */
const FUNCTION_CONTEXT_MAX = 80;

/**
 * The "function" git names after `@@` (its default rule, no diff driver): the nearest line above the
 * hunk in the old file that starts with a letter, `_` or `$`, without trailing blanks.
 * `before` is the 0-based index of the hunk's first old line; the search starts just above it.
 */
export function functionContext(oldLines: readonly string[], before: number): string {
  for (let i = Math.min(before, oldLines.length) - 1; i >= 0; i--) {
    const line = oldLines[i] as string;
    if (/^[A-Za-z_$]/.test(line)) {
      return Buffer.from(line, "utf8").subarray(0, FUNCTION_CONTEXT_MAX).toString("utf8").replace(/\s+$/, "");
    }
  }
  return "";
}

/** GitHub's `patch` field: the hunks of a unified diff with 3 lines of context, no file headers. */
export function unifiedPatch(before: string, after: string): { patch: string; additions: number; deletions: number } {
  const structured = structuredPatch("a", "b", before, after, undefined, undefined, { context: 3 });
  const oldLines = before.split("\n");
  let additions = 0;
  let deletions = 0;
  const hunks = structured.hunks.map((h) => {
    // An empty side starts "before line 1", which unified diff writes as 0.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    for (const l of h.lines) {
      if (l.startsWith("+")) additions++;
      else if (l.startsWith("-")) deletions++;
    }
    // A pure insertion after line N starts at index N; any other hunk at its first line's index.
    const fn = functionContext(oldLines, h.oldLines === 0 ? oldStart : oldStart - 1);
    return [`@@ -${range(oldStart, h.oldLines)} +${range(newStart, h.newLines)} @@${fn ? ` ${fn}` : ""}`, ...h.lines].join("\n");
  });
  return { patch: hunks.join("\n"), additions, deletions };
}

function change(
  filename: string,
  status: FileStatus,
  before: string,
  after: string,
  maxPatchBytes: number,
  previousFilename?: string,
): FileChange {
  const sha = blobSha(status === "removed" ? before : after);
  const base = { filename, status, sha, ...(previousFilename ? { previousFilename } : {}) };
  if (isBinary(before) || isBinary(after)) return { ...base, additions: 0, deletions: 0, changes: 0 };
  const { patch, additions, deletions } = unifiedPatch(before, after);
  const withCounts = { ...base, additions, deletions, changes: additions + deletions };
  // A pure rename has no hunks, and GitHub then sends no patch at all.
  if (patch === "" || Buffer.byteLength(patch) > maxPatchBytes) return withCounts;
  return { ...withCounts, patch };
}

/**
 * The changes from one snapshot to another, sorted by path. A deleted path whose exact content
 * shows up under a new path is reported as one rename (as git does for identical content).
 */
export function diffTrees(
  base: ReadonlyMap<string, string>,
  head: ReadonlyMap<string, string>,
  maxPatchBytes: number,
): FileChange[] {
  const removed = [...base.keys()].filter((p) => !head.has(p));
  const added = [...head.keys()].filter((p) => !base.has(p));
  const out: FileChange[] = [];
  const renamedFrom = new Set<string>();
  for (const path of added) {
    const content = head.get(path) as string;
    const source = removed.find((r) => !renamedFrom.has(r) && base.get(r) === content);
    if (source !== undefined) {
      renamedFrom.add(source);
      out.push(change(path, "renamed", content, content, maxPatchBytes, source));
    } else {
      out.push(change(path, "added", "", content, maxPatchBytes));
    }
  }
  for (const path of removed) {
    if (!renamedFrom.has(path)) out.push(change(path, "removed", base.get(path) as string, "", maxPatchBytes));
  }
  for (const [path, content] of head) {
    const old = base.get(path);
    if (old !== undefined && old !== content) out.push(change(path, "modified", old, content, maxPatchBytes));
  }
  return out.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
}

export interface CommitInput {
  branch: string;
  files: Record<string, string | null>;
  message: string;
  author: { name: string; email: string; date?: string };
  committer?: { name: string; email: string; date?: string };
  parents?: string[];
}

export class GitStore {
  readonly commits = new Map<string, SimCommit>();
  readonly branches = new Map<string, string>();

  /** Store a commit made of a full snapshot; returns its sha. */
  store(c: Omit<SimCommit, "sha" | "treeSha">): SimCommit {
    const withTree = { ...c, treeSha: treeSha(c.tree) };
    const commit: SimCommit = { ...withTree, sha: commitSha(withTree) };
    this.commits.set(commit.sha, commit);
    return commit;
  }

  get(sha: string): SimCommit | undefined {
    return this.commits.get(sha);
  }

  /** A branch name, `refs/heads/<name>`, a full sha or an abbreviation of at least 7 hex digits. */
  resolve(ref: string): SimCommit | undefined {
    const name = ref.replace(/^refs\/heads\//, "");
    const branchHead = this.branches.get(name);
    if (branchHead) return this.commits.get(branchHead);
    if (/^[0-9a-f]{40}$/i.test(ref)) return this.commits.get(ref.toLowerCase());
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const matches = [...this.commits.keys()].filter((s) => s.startsWith(ref.toLowerCase()));
      return matches.length === 1 ? this.commits.get(matches[0] as string) : undefined;
    }
    return undefined;
  }

  /** Apply file edits on top of a branch (or explicit parents) and advance the branch. */
  commit(input: CommitInput, now: string): SimCommit {
    const parents = input.parents ?? (this.branches.has(input.branch) ? [this.branches.get(input.branch) as string] : []);
    for (const p of parents) if (!this.commits.has(p)) throw new Error(`unknown parent commit ${p}`);
    const tree = new Map(parents.length ? this.commits.get(parents[0] as string)?.tree : []);
    for (const [path, content] of Object.entries(input.files)) {
      if (content === null) tree.delete(path);
      else tree.set(path, content);
    }
    const date = input.author.date ?? now;
    const committer = input.committer ?? input.author;
    const commit = this.store({
      tree,
      parents,
      message: input.message,
      author: { name: input.author.name, email: input.author.email, date },
      committer: { name: committer.name, email: committer.email, date: input.committer?.date ?? date },
    });
    this.branches.set(input.branch, commit.sha);
    return commit;
  }

  /** Every commit reachable from `sha`, itself included. */
  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const todo = [sha];
    while (todo.length) {
      const next = todo.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      todo.push(...(this.commits.get(next)?.parents ?? []));
    }
    return seen;
  }

  /** The nearest common ancestor (breadth first from `head`), or undefined for unrelated histories. */
  mergeBase(base: string, head: string): string | undefined {
    const fromBase = this.ancestors(base);
    const queue = [head];
    const seen = new Set<string>();
    while (queue.length) {
      const next = queue.shift() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      if (fromBase.has(next)) return next;
      queue.push(...(this.commits.get(next)?.parents ?? []));
    }
    return undefined;
  }

  /** Commits reachable from `head` but not from `base`, oldest first (as GitHub lists them). */
  commitsBetween(base: string, head: string): SimCommit[] {
    const exclude = this.ancestors(base);
    const out: SimCommit[] = [];
    const visit = (sha: string, seen: Set<string>) => {
      if (seen.has(sha) || exclude.has(sha)) return;
      seen.add(sha);
      const c = this.commits.get(sha);
      if (!c) return;
      for (const p of c.parents) visit(p, seen);
      out.push(c); // after its parents: a topological, oldest-first order
    };
    visit(head, new Set());
    return out;
  }
}
