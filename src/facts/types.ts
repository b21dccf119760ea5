/**
 * The plain facts about one pull request that a decision is made from.
 * Gathered once per evaluation by facts/github.ts (or by the CLI from git or
 * saved API JSON); nothing in the core reads GitHub itself.
 */
import type { RememberedFacts } from "../memory/types.js";

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
  /**
   * The blob sha GitHub lists for the file (`sha`). For a file listed without a patch it is the only
   * trace of what changed, so a carried approval compares it.
   */
  sha?: string;
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

/** A `review_dismissed` issue event: who dismissed which review, and what the review had said. */
export interface DismissalFacts {
  reviewId: number;
  /** The account that dismissed it; null when GitHub names none (a deleted account). */
  by: { login: string; type: string } | null;
  at: string | null;
  /** The review's state before it was dismissed; null when GitHub's answer names none we know. */
  dismissedState: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | null;
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

/** A GitHub account as a REST answer names it (assignees). */
export interface AccountFacts {
  login: string;
  type: string;
}

/** An issue the pull request's body says it closes (`Fixes #12`), as read from GitHub. */
export interface ClosingIssueFacts {
  number: number;
  assignees: AccountFacts[];
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
  /** Who the pull request is assigned to (pulls.get `assignees`); absent when not known. */
  assignees?: AccountFacts[];
  /** GitHub's own counts, compared with what was read to detect truncation. */
  changedFiles: number;
  commitCount: number;
  commits: CommitFacts[];
  files: FileFacts[];
  /** Chronological, as GitHub lists them. */
  reviews: ReviewFacts[];
  /**
   * Keyed by lower-case login. Every reviewer of `reviews` that is not a bot, and every human who
   * dismissed a review that is some reviewer's latest word.
   */
  reviewers: Record<string, ReviewerFacts>;
  /**
   * When the PR's base branch was changed (`base_ref_changed`, `automatic_base_change_succeeded`) or
   * force-pushed (`base_ref_force_pushed`), as GitHub's issue events list them.
   * Read only when some review could count; empty otherwise.
   */
  baseChangedAt: string[];
  /** The PR's `review_dismissed` issue events. Read only when some latest review was dismissed. */
  dismissals: DismissalFacts[];
  /**
   * For each earlier SHA that an approval was given on: true when the PR's whole change at that SHA
   * (see changeFingerprint) equals the change at the head (a rebase or a base update that left it as it was).
   */
  diffUnchangedSince: Record<string, boolean>;
  /** SHAs of diffUnchangedSince answered from this process's copy of an earlier head's change, not a compare: never the reason for a success. */
  diffUnchangedFromCache?: string[];
  /**
   * Issues of this repository the body says the pull request closes (at most 5 read), with their
   * assignees: the people who set the agent to work. Absent when not read (the CLI).
   */
  closingIssues?: ClosingIssueFacts[];
  /**
   * How GitHub links the emails of the PR's commits (authors, committers, co-author trailers) to
   * accounts, from its GraphQL API: lower-case email -> login, or null when GitHub links it to no
   * user. Only asked when REST left an identity unlinked; an email missing here is not resolved.
   */
  linkedEmails?: Record<string, string | null>;
  /** Why the facts are not whole (truncated lists, unreadable parts). Non-empty => never success. */
  incomplete: string[];
  /** Directories of local actions (`uses: ./dir`) that the base branch's workflows run: protected
   *  paths. Absent when not read (the CLI, or `protect_defaults: false`). */
  localActionDirs?: string[];
  /**
   * What agentgate's own check runs remember about this PR and its commits (facts/memory.ts). Absent
   * when not read (the CLI, which has no App identity): detection then judges the current state only.
   */
  memory?: RememberedFacts;
}
