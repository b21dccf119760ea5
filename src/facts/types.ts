/**
 * The plain facts about one pull request that a decision is made from.
 * Gathered once per evaluation by facts/github.ts (or by the CLI from git or
 * saved API JSON); nothing in the core reads GitHub itself.
 */

/** A git identity as written in a commit, plus the GitHub login GitHub linked to it, if any. */
export interface GitIdentity {
  name: string;
  email: string;
  /** The GitHub account GitHub matched to this identity (REST `commit.author.login`), if any. */
  login?: string | null;
  /** The GitHub account type (`User` / `Bot`) of `login`, if known. */
  type?: string | null;
}

export interface CommitFacts {
  sha: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  parents: string[];
}

export type FileStatus =
  | "added"
  | "removed"
  | "modified"
  | "renamed"
  | "copied"
  | "changed"
  | "unchanged";

export interface FileFacts {
  filename: string;
  /** Set for renames: the name before. Path rules match both names. */
  previousFilename?: string;
  status: FileStatus;
  /** GitHub's `patch` text (hunks only). Absent when GitHub omitted it (binary or too large). */
  patch?: string;
  additions: number;
  deletions: number;
  /** The file's text at the base SHA, when a rule asked for it (see rules' contextNeeded). */
  baseContent?: string;
  /** The file's text at the head SHA, when a rule asked for it. */
  headContent?: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface ReviewFacts {
  id: number;
  user: { login: string; type: string };
  state: ReviewState;
  /** The head SHA the review was submitted on; may be null for very old reviews. */
  commitId: string | null;
  submittedAt: string | null;
}

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface ReviewerFacts {
  login: string;
  /** Repository permission of the reviewer. */
  permission: Permission;
  /** `org/slug` of each team (among the teams the policy names) the reviewer is an ACTIVE member of. */
  activeTeams: string[];
  /**
   * Set when the permission or a membership was answered from agentgate's short cache, not read
   * during this evaluation. A success never rests on it: the gate reads such reviewers afresh first.
   */
  fromCache?: boolean;
}

export interface PullRequestFacts {
  repo: { owner: string; name: string; defaultBranch: string };
  number: number;
  title: string;
  body: string;
  draft: boolean;
  state: "open" | "closed";
  author: { login: string; type: string };
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  labels: string[];
  /** GitHub's own counts, compared with what was read to detect truncation. */
  changedFiles: number;
  commitCount: number;
  commits: CommitFacts[];
  files: FileFacts[];
  /** Chronological, as GitHub lists them. */
  reviews: ReviewFacts[];
  /** Keyed by lower-case login. Every reviewer of `reviews` that is not a bot. */
  reviewers: Record<string, ReviewerFacts>;
  /**
   * For each earlier SHA that an approval was given on: true when the PR's diff
   * at that SHA equals the diff at the head (a rebase or a base update with identical changes).
   */
  diffUnchangedSince: Record<string, boolean>;
  /** Why the facts are not whole (truncated lists, unreadable parts). Non-empty => never success. */
  incomplete: string[];
}
