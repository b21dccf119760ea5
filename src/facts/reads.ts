/**
 * The reads a pull request's facts are gathered from, one plain method per fact. The facts module
 * (facts/github.ts, facts/memory.ts) decides what to read, what to keep and what may stand in for
 * a read; this is only how each read reaches GitHub. The real one is src/github/reads.ts (Octokit,
 * every answer schema-checked); tests hand the reader an in-memory one (test/helpers/fake-reads.ts).
 *
 * Each method throws when GitHub fails or answers malformed. A `null` is GitHub saying "not there"
 * where that is an answer (a 404 for a permission, a gone commit for a compare), never a failure.
 */
import type { RestCommit, RestFile, RestIssueEvent, RestPullRequest, RestReview } from "./rest.js";
import type { OwnCheckRun } from "./check-runs.js";

export interface Where {
  owner: string;
  repo: string;
}

export interface PullRequestRef extends Where {
  number: number;
}

export type { OwnCheckRun } from "./check-runs.js";

/** What compare lists for `base...head`: the commits of its first page with their count, and the files. */
export interface Compared {
  /** Every commit of `base..head`, also those past the first page. */
  totalCommits: number;
  /** Oldest first, at most a page (100). */
  commits: RestCommit[];
  /** At most 300 (GitHub's limit), whatever the page. */
  files: RestFile[];
}

/** What the contents API says is at a path. */
export type RepoContent =
  | { kind: "file"; sha: string; size: number; encoding: string; content: string }
  | { kind: "dir"; entries: { type: string; name: string; path: string; sha: string }[] }
  | { kind: "other" };

export interface PullRequestReads {
  pullRequest(ref: PullRequestRef): Promise<RestPullRequest>;
  /** Whole lists (or, with `stopAfter`, as soon as more than that many are in). */
  commits(ref: PullRequestRef, stopAfter?: number): Promise<RestCommit[]>;
  files(ref: PullRequestRef, stopAfter?: number): Promise<RestFile[]>;
  /** Whole, and shown whole by the list itself (nothing counts reviews; see pages.ts). */
  reviews(ref: PullRequestRef): Promise<RestReview[]>;
  issueEvents(ref: PullRequestRef): Promise<RestIssueEvent[]>;
  /** null: not a collaborator. */
  permission(where: Where, login: string): Promise<{ role_name?: string; permission: string } | null>;
  /** null: no membership at all (a pending invitation is one, with its state). */
  teamMembership(org: string, slug: string, login: string): Promise<{ state: string } | null>;
  /** `base...head` as compare lists it (one page); null when a commit is gone. */
  compare(where: Where, basehead: string): Promise<Compared | null>;
  /** An issue (its assignees as GitHub lists them); null when there is none to read (missing, issues disabled). */
  issue(where: Where, number: number): Promise<{ assignees: unknown } | null>;
  /** null: nothing at that path. Without `ref`, the default branch. */
  content(where: Where, path: string, ref?: string): Promise<RepoContent | null>;
  /** A blob's content (the contents API sends none above 1 MB). */
  blob(where: Where, sha: string): Promise<{ encoding: string; content: string }>;
  /** The commit a branch points at; undefined when there is no such branch. */
  branchTip(where: Where, branch: string): Promise<string | undefined>;
  /** agentgate's own latest check runs on a commit, of every name. */
  ownCheckRuns(where: Where, sha: string, appId: number): Promise<OwnCheckRun[]>;
  /** One GraphQL query (the commit authors GitHub links, facts/graphql.ts). */
  graphql(query: string, variables: Record<string, unknown>): Promise<unknown>;
}
