/**
 * Facts about a change in a local git repository, shaped as GitHub would show the pull request:
 * the commits of `base..head` (oldest first), and the three-dot diff `base...head` per file with the
 * patch in GitHub's form (hunks only, no header).
 */
import { execFile } from "node:child_process";
import { basename } from "node:path";
import { signalsWithoutPullRequest, unreviewedFacts } from "../facts/rest.js";
import type { CommitFacts, FileFacts, FileStatus, PullRequestFacts } from "../facts/types.js";
import { UserError, firstLine } from "./errors.js";

export interface GitRunner {
  (args: readonly string[]): Promise<string>;
}

/** Runs git in `cwd`; a failure throws with git's own first line of stderr. */
export function gitIn(cwd: string): GitRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile("git", ["-c", "core.quotePath=false", ...args], { cwd, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
        if (err) {
          const line = stderr.split("\n").find((l) => l.trim()) ?? err.message;
          reject(new Error(line.replace(/^(fatal|error): /, "")));
        } else resolve(stdout);
      });
    });
}

export async function ensureRepository(git: GitRunner, cwd: string): Promise<string> {
  try {
    return (await git(["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw new UserError(`not a git repository: ${cwd} (run it inside one, or give --pr/--commits/--files)`);
  }
}

export async function resolveCommit(git: GitRunner, ref: string): Promise<string> {
  // rev-parse has no reliable --end-of-options before git 2.43: refuse option-like refs instead.
  if (ref.startsWith("-")) throw new UserError(`unknown ref "${ref}"`);
  try {
    return (await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw new UserError(`unknown ref "${ref}": no such branch, tag or commit`);
  }
}

async function succeeds(git: GitRunner, args: readonly string[]): Promise<string | null> {
  try {
    return (await git(args)).trim();
  } catch {
    return null;
  }
}

/** origin's HEAD if known, else the first of main/master (local, then origin's) that exists. */
export async function defaultBranch(git: GitRunner): Promise<string> {
  const originHead = await succeeds(git, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
  if (originHead) return originHead.replace(/^refs\/remotes\//, "");
  for (const candidate of ["main", "master", "origin/main", "origin/master", "trunk", "develop"]) {
    if (await succeeds(git, ["rev-parse", "--verify", "--quiet", `${candidate}^{commit}`])) return candidate;
  }
  throw new UserError("cannot tell the default branch (no origin/HEAD, main or master): pass --base REF");
}

/** `owner/name` from the origin remote's URL when it looks like a GitHub remote; else the folder name. */
export async function repositoryName(git: GitRunner, top: string): Promise<{ owner: string; name: string }> {
  const url = await succeeds(git, ["remote", "get-url", "origin"]);
  const m = url ? /[:/]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url) : null;
  if (m) return { owner: m[1]!, name: m[2]! };
  return { owner: "local", name: basename(top) };
}

const FIELD = "\x1f";

/** The commits of `base..head`, oldest first; at most `limit` (the caller marks the rest as unread). */
export async function readCommits(git: GitRunner, baseSha: string, headSha: string, limit: number): Promise<{ commits: CommitFacts[]; total: number }> {
  const total = Number((await git(["rev-list", "--count", `${baseSha}..${headSha}`])).trim());
  const format = ["%H", "%P", "%an", "%ae", "%cn", "%ce", "%B"].join("%x1f");
  const out = await git(["log", "-z", "--reverse", "--topo-order", `--max-count=${limit}`, `--format=${format}`, `${baseSha}..${headSha}`]);
  // --max-count applies before --reverse: with more than `limit`, these are the newest ones.
  const commits = out
    .split("\0")
    .filter((record) => record.trim() !== "")
    .map((record): CommitFacts => {
      const [sha, parents, an, ae, cn, ce, ...message] = record.replace(/^\n/, "").split(FIELD);
      return {
        sha: sha!,
        message: message.join(FIELD).replace(/\n+$/, ""),
        author: { name: an ?? "", email: ae ?? "" },
        committer: { name: cn ?? "", email: ce ?? "" },
        parents: parents ? parents.split(" ").filter(Boolean) : [],
      };
    });
  return { commits, total };
}

const STATUS: Record<string, FileStatus> = { A: "added", D: "removed", M: "modified", R: "renamed", C: "copied", T: "changed" };

interface ChangedPath {
  status: FileStatus;
  filename: string;
  previousFilename?: string;
}

/** `git diff --name-status -z`: `S\0path\0` or, for renames and copies, `R100\0old\0new\0`. */
export function parseNameStatus(out: string): ChangedPath[] {
  const parts = out.split("\0");
  const changed: ChangedPath[] = [];
  for (let i = 0; i < parts.length; ) {
    const code = parts[i++];
    if (!code) continue;
    const status = STATUS[code[0]!] ?? "modified";
    if (code[0] === "R" || code[0] === "C") {
      const previousFilename = parts[i++]!;
      changed.push({ status, previousFilename, filename: parts[i++]! });
    } else {
      changed.push({ status, filename: parts[i++]! });
    }
  }
  return changed;
}

/** GitHub's `patch` is the hunks only: drop git's `diff --git`, index, mode and ---/+++ lines. */
export function stripDiffHeader(diff: string): string | undefined {
  const start = diff.search(/^@@ /m);
  if (start < 0) return undefined; // binary, mode-only or empty
  return diff.slice(start).replace(/\n$/, "");
}

function countLines(patch: string | undefined): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const line of patch?.split("\n") ?? []) {
    if (line.startsWith("+")) additions++;
    else if (line.startsWith("-")) deletions++;
  }
  return { additions, deletions };
}

/** Runs `tasks` with at most `width` at a time, results in order. */
async function inBatches<T, R>(items: readonly T[], width: number, task: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/**
 * A pathspec for exactly one repository path. Plain pathspecs are relative to the current directory
 * (run from a subdirectory, every diff came back empty) and are globs (a file named `*.tf` would
 * also pull in the other files' hunks).
 */
function exactPath(path: string): string {
  return `:(top,literal)${path}`;
}

/** The files of the three-dot diff `mergeBase..head`, with GitHub-style patches. */
export async function readFiles(git: GitRunner, mergeBase: string, headSha: string): Promise<FileFacts[]> {
  const range = [mergeBase, headSha];
  const changed = parseNameStatus(await git(["diff", "--no-color", "--find-renames", "--name-status", "-z", ...range]));
  return inBatches(changed, 4, async (c) => {
    const paths = c.previousFilename ? [c.previousFilename, c.filename] : [c.filename];
    const diff = await git(["diff", "--no-color", "--no-ext-diff", "-U3", "--find-renames", ...range, "--", ...paths.map(exactPath)]);
    const patch = stripDiffHeader(diff);
    return {
      filename: c.filename,
      ...(c.previousFilename ? { previousFilename: c.previousFilename } : {}),
      status: c.status,
      ...(patch !== undefined ? { patch } : {}),
      ...countLines(patch),
    };
  });
}

/**
 * The text of a file at a commit, or null when no file is there. A file that is there but cannot be
 * read (a partial clone offline, a corrupt object) throws: read as "absent", the repository's
 * policy would silently become the defaults.
 */
export async function showFile(git: GitRunner, sha: string, path: string): Promise<string | null> {
  // ls-tree reads only trees: `<mode> <type> <object>\t<path>`, nothing when the path is absent.
  const entry = await git(["ls-tree", "-z", sha, "--", exactPath(path)]);
  if (!/^\d+ blob /.test(entry)) return null;
  try {
    return await git(["cat-file", "blob", `${sha}:${path}`]);
  } catch (e) {
    throw new UserError(`cannot read ${path} at ${sha.slice(0, 12)}: ${firstLine(e)}`);
  }
}

export interface GitChange {
  top: string;
  /** The name the user gave (or the default branch), the merge base and the head. */
  baseRef: string;
  mergeBase: string;
  headRef: string;
  headSha: string;
}

/** Resolves --base/--head as GitHub would compare a pull request: from the merge base. */
export async function resolveChange(git: GitRunner, cwd: string, base: string | undefined, head: string): Promise<GitChange> {
  const top = await ensureRepository(git, cwd);
  const headSha = await resolveCommit(git, head);
  const baseRef = base ?? (await defaultBranch(git));
  const baseSha = await resolveCommit(git, baseRef);
  const mergeBase = await succeeds(git, ["merge-base", baseSha, headSha]);
  if (!mergeBase) throw new UserError(`"${baseRef}" and "${head}" have no common history`);
  const symbolic = await succeeds(git, ["rev-parse", "--symbolic-full-name", head]);
  const headRef = symbolic?.startsWith("refs/heads/") ? symbolic.slice("refs/heads/".length) : head;
  return { top, baseRef, mergeBase, headRef, headSha };
}

/** Everything the core needs about a local change. No reviews: a local change has none. */
export async function gitFacts(git: GitRunner, change: GitChange, limits: { max_commits: number; max_files: number }): Promise<PullRequestFacts> {
  const [repo, branch, { commits, total }, files] = await Promise.all([
    repositoryName(git, change.top),
    defaultBranch(git).catch(() => change.baseRef),
    readCommits(git, change.mergeBase, change.headSha, limits.max_commits),
    readFiles(git, change.mergeBase, change.headSha),
  ]);
  const incomplete: string[] = [];
  if (total > commits.length) incomplete.push(`the change has ${total} commits; agentgate reads at most ${limits.max_commits}`);
  if (files.length > limits.max_files) incomplete.push(`the change touches ${files.length} files; agentgate reads at most ${limits.max_files}`);
  const signals = signalsWithoutPullRequest({
    repo: { ...repo, defaultBranch: branch },
    headSha: change.headSha,
    headRef: change.headRef,
    baseRef: change.baseRef,
    baseSha: change.mergeBase,
    changedFiles: files.length,
    commitCount: total,
  });
  return unreviewedFacts(signals, { commits, files, incomplete });
}
