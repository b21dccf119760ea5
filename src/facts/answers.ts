/**
 * What a GitHub answer must look like before a decision may rest on it. GitHub (or anything between
 * it and us) can answer 200 with a body that is cut, empty or of another shape; read leniently, such
 * a body turns into "no permission", "no reviews" or "no head", and a gate that reads "none" where a
 * maintainer requested changes passes. So each answer the decision depends on is checked for the
 * fields it uses, and a malformed one throws (the gate publishes an error) and is never cached.
 *
 * The schemas check only; callers keep GitHub's original object (unknown fields stay available).
 * Error messages name the answer and the field paths, never the values (they may quote file text).
 */
import { z } from "zod";

export class MalformedAnswerError extends Error {
  override name = "MalformedAnswerError";
}

const sha = z.string().regex(/^[0-9a-f]{40}$/i);
const count = z.number().int().nonnegative();
const name = z.string().min(1);

/** A GitHub account as lists show it; null for a deleted user. */
const account = z.object({ login: name, type: z.string() }).nullable();
/** A commit's linked account: null (not linked), `{}` on some endpoints, or an account. */
const linkedAccount = z.union([z.null(), z.object({ login: name, type: z.string().optional() }), z.object({}).strict()]);
const gitIdentity = z.object({ name: z.string().optional(), email: z.string().optional() }).nullable();

export const pullRequestAnswer = z.object({
  number: z.number().int().positive(),
  state: z.enum(["open", "closed"]),
  draft: z.boolean().optional(),
  title: z.string(),
  body: z.string().nullable(),
  user: account,
  labels: z.array(z.object({ name: z.string() })),
  head: z.object({ sha, ref: name }),
  base: z.object({
    sha,
    ref: name,
    repo: z.object({ name, owner: z.object({ login: name }), default_branch: name.optional() }),
  }),
  // The completeness checks compare what was listed with these: without them nothing can be checked.
  changed_files: count,
  commits: count,
});

/** A PR as GitHub's lists give it (pulls.list, a commit's PRs): without the counts pulls.get adds. */
export const listedPullRequestAnswer = pullRequestAnswer.omit({ changed_files: true, commits: true });

export const commitAnswer = z.object({
  sha,
  commit: z.object({ message: z.string(), author: gitIdentity, committer: gitIdentity }),
  author: linkedAccount,
  committer: linkedAccount,
  parents: z.array(z.object({ sha })),
});

export const fileAnswer = z.object({
  filename: name,
  status: z.string(),
  additions: count,
  deletions: count,
  patch: z.string().optional(),
  previous_filename: z.string().optional(),
});

const REVIEW_STATES = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"] as const;

export const reviewAnswer = z.object({
  id: z.number().int().positive(),
  user: account,
  // An unknown state could be a change request we cannot read: it is not read as a comment.
  state: z.string().refine((s) => (REVIEW_STATES as readonly string[]).includes(s.toUpperCase())),
  commit_id: sha.nullable(),
  submitted_at: z.string().nullable().optional(),
});

/** `permission` is GitHub's folded level; `role_name` may also be a custom role's name. */
export const permissionAnswer = z.object({
  permission: z.enum(["admin", "write", "read", "none", "maintain", "triage"]),
  role_name: z.string().optional(),
});

export const membershipAnswer = z.object({ state: z.enum(["active", "pending"]) });

/** The contents API: a file (its text base64), or a directory/symlink/submodule that is not one. */
export const contentAnswer = z.union([
  z.array(z.unknown()),
  z.object({ type: z.literal("file"), sha, content: z.string(), encoding: z.string().optional() }),
  z.object({ type: z.enum(["dir", "symlink", "submodule"]) }),
]);

export const compareAnswer = z.object({
  total_commits: z.number().int().nonnegative(),
  commits: z.array(commitAnswer),
  files: z.array(fileAnswer).optional(),
});

export const appAnswer = z.object({ id: z.number().int().positive(), slug: name });

/** Checks `data` against `schema`; throws a MalformedAnswerError naming the answer and the fields. */
export function checked<T>(schema: z.ZodType, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return data as T;
  const fields = [...new Set(result.error.issues.map((i) => (i.path.length ? i.path.join(".") : "(the body)")))].slice(0, 5);
  throw new MalformedAnswerError(`GitHub's answer to ${what} is malformed (${fields.join(", ")})`);
}
