/**
 * Pure mappers from GitHub REST JSON to facts. The App (facts/github.ts) and the CLI (saved API
 * JSON) both use them, so a pull request looks the same to the core whichever way it was read.
 *
 * The inputs are typed with Octokit's REST types, but they may come from a file a user saved, so
 * the fields a decision depends on are also checked at run time: a wrong shape throws a
 * RestShapeError naming the field, never a TypeError deep in the core.
 */
import type { RestEndpointMethodTypes } from "@octokit/rest";
import type { AccountFacts, CommitFacts, DismissalFacts, FileFacts, FileStatus, GitIdentity, PullRequestFacts, ReviewFacts, ReviewState } from "./types.js";

export type RestCommit = RestEndpointMethodTypes["pulls"]["listCommits"]["response"]["data"][number];
export type RestFile = RestEndpointMethodTypes["pulls"]["listFiles"]["response"]["data"][number];
export type RestReview = RestEndpointMethodTypes["pulls"]["listReviews"]["response"]["data"][number];
export type RestIssueEvent = RestEndpointMethodTypes["issues"]["listEvents"]["response"]["data"][number];
/** `pulls.get`, or the `pull_request` of a webhook payload (the same shape). */
export type RestPullRequest = RestEndpointMethodTypes["pulls"]["get"]["response"]["data"];

export type PullRequestSignals = Omit<
  PullRequestFacts,
  "commits" | "files" | "reviews" | "reviewers" | "baseChangedAt" | "dismissals" | "diffUnchangedSince" | "incomplete" | "closingIssues" | "linkedEmails"
>;

export class RestShapeError extends Error {
  override name = "RestShapeError";
}

/** GitHub's placeholder account for deleted users: it has no permission anywhere, so it never counts. */
export const DELETED_USER = "ghost";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function field(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split(".")) v = isObject(v) ? v[key] : undefined;
  return v;
}

function requiredString(obj: unknown, path: string, what: string): string {
  const v = field(obj, path);
  if (typeof v !== "string" || v === "") throw new RestShapeError(`${what}: \`${path}\` is missing or not a string`);
  return v;
}

function optionalString(obj: unknown, path: string): string | undefined {
  const v = field(obj, path);
  return typeof v === "string" ? v : undefined;
}

function count(obj: unknown, path: string): number {
  const v = field(obj, path);
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** A git identity from `commit.author` plus the account GitHub linked to it (null when it could not). */
function identity(git: unknown, account: unknown): GitIdentity {
  return {
    name: optionalString(git, "name") ?? "",
    email: optionalString(git, "email") ?? "",
    // An unlinked email gives `author: null`; some endpoints send `{}` instead.
    login: optionalString(account, "login") ?? null,
    type: optionalString(account, "type") ?? null,
  };
}

export function commitFromRest(c: RestCommit): CommitFacts {
  const what = "commit";
  const sha = requiredString(c, "sha", what);
  if (!isObject(c.commit)) throw new RestShapeError(`commit ${sha}: \`commit\` is missing`);
  const message = field(c, "commit.message");
  if (typeof message !== "string") throw new RestShapeError(`commit ${sha}: \`commit.message\` is missing`);
  const parents = Array.isArray(c.parents) ? c.parents.map((p) => optionalString(p, "sha")).filter((s): s is string => !!s) : [];
  return {
    sha,
    message,
    author: identity(c.commit.author, c.author),
    committer: identity(c.commit.committer, c.committer),
    parents,
  };
}

const FILE_STATUSES: readonly FileStatus[] = ["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"];

export function fileFromRest(f: RestFile): FileFacts {
  const filename = requiredString(f, "filename", "file");
  const status = f.status as string;
  // An unknown status is read as `modified`: the file is still checked, never skipped.
  const known = (FILE_STATUSES as readonly string[]).includes(status) ? (status as FileStatus) : "modified";
  const previous = optionalString(f, "previous_filename");
  const patch = optionalString(f, "patch");
  const sha = optionalString(f, "sha");
  return {
    filename,
    ...(previous ? { previousFilename: previous } : {}),
    status: known,
    ...(patch !== undefined ? { patch } : {}),
    ...(sha ? { sha } : {}),
    additions: count(f, "additions"),
    deletions: count(f, "deletions"),
  };
}

const REVIEW_STATES: readonly ReviewState[] = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"];

export function reviewFromRest(r: RestReview): ReviewFacts {
  const id = field(r, "id");
  if (typeof id !== "number") throw new RestShapeError("review: `id` is missing or not a number");
  const state = String(r.state ?? "").toUpperCase();
  return {
    id,
    // A deleted reviewer comes as `user: null`.
    user: { login: optionalString(r.user, "login") ?? DELETED_USER, type: optionalString(r.user, "type") ?? "User" },
    // An unknown state is never an approval.
    state: (REVIEW_STATES as readonly string[]).includes(state) ? (state as ReviewState) : "COMMENTED",
    commitId: optionalString(r, "commit_id") ?? null,
    submittedAt: optionalString(r, "submitted_at") ?? null,
  };
}

/** `assignees` of a pull request or an issue: accounts with a login; anything else is skipped. */
export function assigneesFromRest(list: unknown): AccountFacts[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((a) => ({ login: optionalString(a, "login") ?? "", type: optionalString(a, "type") ?? "User" }))
    .filter((a) => a.login !== "");
}

const DISMISSED_STATES: Record<string, DismissalFacts["dismissedState"]> = {
  approved: "APPROVED",
  changes_requested: "CHANGES_REQUESTED",
  commented: "COMMENTED",
};

/**
 * Events after which the PR's change may be another than an earlier review saw: a retarget (by a
 * person, or by GitHub when a base branch was merged and deleted) and a force-push of the base branch,
 * which can move the merge base back.
 */
const BASE_CHANGES = new Set(["base_ref_changed", "automatic_base_change_succeeded", "base_ref_force_pushed"]);

/**
 * The issue events a decision depends on: base changes (an approval before one did not see this
 * base) and review dismissals (who lifted which review). Others are skipped. An event of those kinds
 * without its time or review id throws: its order or its review cannot be told.
 */
export function pullRequestEventsFromRest(events: readonly RestIssueEvent[]): Pick<PullRequestFacts, "baseChangedAt" | "dismissals"> {
  const baseChangedAt: string[] = [];
  const dismissals: DismissalFacts[] = [];
  for (const e of events) {
    const kind = field(e, "event");
    if (typeof kind === "string" && BASE_CHANGES.has(kind)) {
      baseChangedAt.push(requiredString(e, "created_at", "base_ref_changed event"));
    } else if (kind === "review_dismissed") {
      const reviewId = field(e, "dismissed_review.review_id");
      if (typeof reviewId !== "number") throw new RestShapeError("review_dismissed event: `dismissed_review.review_id` is missing or not a number");
      const login = optionalString(e, "actor.login");
      const state = optionalString(e, "dismissed_review.state")?.toLowerCase() ?? "";
      dismissals.push({
        reviewId,
        by: login ? { login, type: optionalString(e, "actor.type") ?? "User" } : null,
        at: optionalString(e, "created_at") ?? null,
        dismissedState: DISMISSED_STATES[state] ?? null,
      });
    }
  }
  return { baseChangedAt, dismissals };
}

export function pullRequestSignalsFromRest(pr: RestPullRequest): PullRequestSignals {
  const what = "pull request";
  const number = field(pr, "number");
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1) {
    throw new RestShapeError("pull request: `number` is missing or not a positive integer");
  }
  const labels = Array.isArray(pr.labels) ? pr.labels.map((l) => optionalString(l, "name")).filter((n): n is string => !!n) : [];
  return {
    repo: {
      owner: requiredString(pr, "base.repo.owner.login", what),
      name: requiredString(pr, "base.repo.name", what),
      defaultBranch: optionalString(pr, "base.repo.default_branch") ?? requiredString(pr, "base.ref", what),
    },
    number,
    title: optionalString(pr, "title") ?? "",
    body: optionalString(pr, "body") ?? "",
    draft: pr.draft === true,
    state: pr.state === "open" ? "open" : "closed",
    author: { login: optionalString(pr, "user.login") ?? DELETED_USER, type: optionalString(pr, "user.type") ?? "User" },
    headSha: requiredString(pr, "head.sha", what),
    headRef: requiredString(pr, "head.ref", what),
    baseRef: requiredString(pr, "base.ref", what),
    baseSha: requiredString(pr, "base.sha", what),
    labels,
    // The person an agent PR is assigned to set the agent to work: a steering human.
    assignees: assigneesFromRest(pr.assignees),
    // Absent from some list endpoints; 0 then, and the caller compares with what it read.
    changedFiles: count(pr, "changed_files"),
    commitCount: count(pr, "commits"),
  };
}

/**
 * The facts of a change read without GitHub (a local git range, saved API JSON): no reviews, so
 * nothing is approved and no earlier SHA's diff is known.
 */
export function unreviewedFacts(
  signals: PullRequestSignals,
  read: { commits: CommitFacts[]; files: FileFacts[]; incomplete: string[] },
): PullRequestFacts {
  return { ...signals, ...read, reviews: [], reviewers: {}, baseChangedAt: [], dismissals: [], diffUnchangedSince: {} };
}

/**
 * The signals of a change that has no pull request (a local git range, saved commits alone): no
 * author, title, body or labels; detection then rests on the commits (and the branch, if known).
 */
export function signalsWithoutPullRequest(change: {
  repo: PullRequestSignals["repo"];
  headSha: string;
  headRef?: string;
  baseRef?: string;
  baseSha: string;
  changedFiles?: number;
  commitCount?: number;
}): PullRequestSignals {
  return {
    repo: change.repo,
    number: 0,
    title: "",
    body: "",
    draft: false,
    state: "open",
    // There is no pull request author; GitHub would show the pusher. The commits carry the identities.
    author: { login: "", type: "User" },
    headSha: change.headSha,
    headRef: change.headRef ?? "",
    baseRef: change.baseRef ?? "",
    baseSha: change.baseSha,
    labels: [],
    assignees: [],
    changedFiles: change.changedFiles ?? 0,
    commitCount: change.commitCount ?? 0,
  };
}
