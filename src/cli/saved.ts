/**
 * Facts from GitHub API JSON saved by any client (`gh api`, curl, a browser): a pull request object,
 * the list-pull-request-commits array and the list-pull-request-files array. Any of them may be
 * missing; what is missing is said, never guessed.
 */
import { readFile } from "node:fs/promises";
import { commitFromRest, fileFromRest, pullRequestSignalsFromRest, RestShapeError, signalsWithoutPullRequest, unreviewedFacts, type PullRequestSignals } from "../facts/rest.js";
import type { RestCommit, RestFile, RestPullRequest } from "../facts/rest.js";
import type { PullRequestFacts } from "../facts/types.js";
import { UserError, firstLine } from "./errors.js";

/**
 * Splits text into its top-level JSON values: `gh api --paginate` prints one array per page,
 * back to back (`[...][...]`), which is not one JSON document.
 */
export function splitJsonValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (/\s/.test(ch) && depth === 0) continue;
    if (start < 0) start = i;
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
    if (depth === 0 && (ch === "}" || ch === "]")) {
      values.push(text.slice(start, i + 1));
      start = -1;
    }
  }
  if (start >= 0) values.push(text.slice(start));
  return values;
}

/** Parses saved JSON; several arrays back to back (paginated output) are joined into one. */
export function parseSavedJson(text: string, label: string): unknown {
  const parts = splitJsonValues(text);
  if (parts.length === 0) throw new UserError(`${label}: empty, expected JSON`);
  let values: unknown[];
  try {
    values = parts.map((p) => JSON.parse(p) as unknown);
  } catch (e) {
    throw new UserError(`${label}: not valid JSON (${firstLine(e)})`);
  }
  if (values.length === 1) return values[0];
  if (values.every(Array.isArray)) return (values as unknown[][]).flat();
  throw new UserError(`${label}: holds ${values.length} JSON values; expected one (or paginated arrays)`);
}

export interface SavedInputs {
  pr?: string;
  commits?: string;
  files?: string;
}

export type ReadText = (path: string) => Promise<string>;

/** Reads a file, or stdin for `-`. */
export const readTextOrStdin: ReadText = async (path) => {
  if (path !== "-") {
    try {
      return await readFile(path, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${firstLine(e)})`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

function listOf(value: unknown, label: string, what: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new UserError(`${label}: expected the ${what} array, got ${value === null ? "null" : typeof value === "object" ? "an object" : typeof value}`);
  }
  return value;
}

function mapped<T, R>(items: readonly T[], label: string, map: (t: T) => R): R[] {
  return items.map((item, i) => {
    try {
      return map(item);
    } catch (e) {
      if (e instanceof RestShapeError) throw new UserError(`${label}: item ${i}: ${e.message}`);
      throw e;
    }
  });
}

export interface SavedFacts {
  facts: PullRequestFacts;
  /** What could not be known from the inputs given, for the user (not failures). */
  notes: string[];
}

export async function savedFacts(inputs: SavedInputs, read: ReadText = readTextOrStdin): Promise<SavedFacts> {
  const stdinUsers = Object.entries(inputs).filter(([, v]) => v === "-");
  if (stdinUsers.length > 1) throw new UserError("only one of --pr, --commits and --files can read stdin (-)");
  const load = async (path: string | undefined) => (path === undefined ? undefined : parseSavedJson(await read(path), path));
  const [prJson, commitsJson, filesJson] = [await load(inputs.pr), await load(inputs.commits), await load(inputs.files)];

  const commits = commitsJson === undefined ? [] : mapped(listOf(commitsJson, inputs.commits!, "list-pull-request-commits") as RestCommit[], inputs.commits!, commitFromRest);
  const files = filesJson === undefined ? [] : mapped(listOf(filesJson, inputs.files!, "list-pull-request-files") as RestFile[], inputs.files!, fileFromRest);
  let signals: PullRequestSignals;
  if (prJson === undefined) {
    // Only what the commits say.
    signals = signalsWithoutPullRequest({
      repo: { owner: "local", name: "saved", defaultBranch: "" },
      headSha: commits.at(-1)?.sha ?? "",
      baseSha: commits[0]?.parents[0] ?? "",
    });
  }
  else {
    if (typeof prJson !== "object" || prJson === null || Array.isArray(prJson)) {
      throw new UserError(`${inputs.pr}: expected a pull request object`);
    }
    signals = mapped([prJson as RestPullRequest], inputs.pr!, pullRequestSignalsFromRest)[0]!;
  }

  const notes: string[] = [];
  if (commitsJson === undefined) notes.push("no --commits: commits are not checked for agent evidence");
  if (filesJson === undefined) notes.push("no --files: the diff is not checked against the rules");
  if (prJson === undefined) notes.push("no --pr: the pull request's author, branch, labels, title and body are not checked");
  // Saved lists can be partial (one page of a paginated list); then the PR's own counts say so.
  const incomplete: string[] = [];
  if (prJson !== undefined && commitsJson !== undefined && commits.length < signals.commitCount) {
    incomplete.push(`${inputs.commits} lists ${commits.length} of the ${signals.commitCount} commits (save with --paginate)`);
  }
  if (prJson !== undefined && filesJson !== undefined && files.length < signals.changedFiles) {
    incomplete.push(`${inputs.files} lists ${files.length} of the ${signals.changedFiles} changed files (save with --paginate)`);
  }
  return {
    facts: unreviewedFacts(
      {
        ...signals,
        changedFiles: Math.max(signals.changedFiles, files.length),
        commitCount: Math.max(signals.commitCount, commits.length),
      },
      { commits, files, incomplete },
    ),
    notes,
  };
}
