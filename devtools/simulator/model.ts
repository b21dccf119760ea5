/** The simulator's state: plain records, mutated only by the GitHubSimulator and its REST routes. */
import type { GitStore } from "./git.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read";

export interface SimUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
  name?: string;
  email?: string;
  /** Apps' bots live under github.com/apps/<slug>, not github.com/<login>. */
  htmlUrl?: string;
}

export interface ReviewState {
  id: number;
  login: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  body: string;
  commitId: string;
  submittedAt: string;
}

/** What GitHub's issue events list records for a pull request (only the kinds agentgate reads). */
export interface IssueEventState {
  id: number;
  event: "base_ref_changed" | "review_dismissed";
  actor: string;
  createdAt: string;
  /** review_dismissed: the review, the state it had before, and the message. */
  dismissedReview?: { reviewId: number; state: "approved" | "changes_requested" | "commented"; message: string; commitId: string };
}

export interface PullState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  author: string;
  headRef: string;
  /** The head branch's tip when the PR was last updated (kept if the branch is deleted). */
  headSha: string;
  baseRef: string;
  baseSha: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  reviews: ReviewState[];
  /** Logins, in the order assigned. */
  assignees: string[];
  /** Oldest first. */
  events: IssueEventState[];
  /** Set by `mergePullRequest`: when, the merge commit, who merged, and the PR's commits then. */
  mergedAt?: string;
  mergeCommitSha?: string;
  mergedBy?: string;
  commitsAtMerge?: string[];
}

/** An issue (not a pull request). Issues and pull requests share one sequence of numbers. */
export interface IssueState {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  author: string;
  assignees: string[];
  createdAt: string;
  updatedAt: string;
}

export interface StatusState {
  id: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  /** The app that created the run: only it may update it, and tamper checks key on it. */
  appId: number;
  suiteId: number;
  /** The requested-action buttons GitHub shows on the run (at most 3). */
  actions?: { label: string; description: string; identifier: string }[];
}

export interface CheckSuiteState {
  id: number;
  headSha: string;
  headBranch: string | null;
  appId: number;
  createdAt: string;
}

export interface LabelState {
  id: number;
  name: string;
  color: string;
}

export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
  /** The app's installation that can see this repository; 0 while the app is not installed on it. */
  installationId: number;
  git: GitStore;
  /** Keyed by lower-case login. */
  permissions: Map<string, Permission>;
  pulls: Map<number, PullState>;
  issues: Map<number, IssueState>;
  statuses: StatusState[];
  checkRuns: CheckRunState[];
  checkSuites: CheckSuiteState[];
  labels: Map<string, LabelState>;
  nextNumber: number;
}

export interface SimTeam {
  id: number;
  org: string;
  slug: string;
  /** Keyed by lower-case login. */
  members: Map<string, "active" | "pending">;
}

export interface SimInstallation {
  id: number;
  account: string;
  createdAt: string;
}

export interface RequestLogEntry {
  method: string;
  /** Path without the `/api/v3` prefix, with the query string. */
  path: string;
  status: number;
  /** The credential used: an installation token, "jwt", or null. */
  token: string | null;
  at: string;
}

export interface Delivery {
  id: string;
  event: string;
  action?: string;
  /** The app's HTTP answer; 0 when it could not be reached. */
  status: number;
  body: string;
  /** API requests the simulator served while the app handled this delivery. */
  requests: RequestLogEntry[];
  /** The exact JSON sent, for redelivery. */
  payload: string;
  /** The webhook URL it was posted to (with several replicas, which one). */
  target?: string;
}
