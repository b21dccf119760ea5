/**
 * An in-memory PullRequestReads (src/facts/reads.ts): one repository holding pull requests with
 * their commits, files and reviews, who may write, and agentgate's check runs. It answers from
 * what it holds now and counts each read, so tests can change GitHub between two evaluations (or
 * in the middle of one: `onPullRequestRead`) and see what readAndDecide made of it.
 */
import type { Compared, OwnCheckRun, PullRequestReads, PullRequestRef, RepoContent, Where } from "../../src/facts/reads.js";
import type { RestCommit, RestFile, RestIssueEvent, RestPullRequest, RestReview } from "../../src/facts/rest.js";

export const AGENT_COMMITTER = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };

export interface FakePull {
  number: number;
  headSha: string;
  baseRef: string;
  author: { login: string; type: "User" | "Bot" };
  title?: string;
  commits: { sha: string; message: string; author: { name: string; email: string } }[];
  files: { filename: string; patch: string; additions?: number }[];
  reviews: { id: number; login: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED"; commitId: string }[];
}

export class FakeReads implements PullRequestReads {
  readonly pulls = new Map<number, FakePull>();
  /** login → permission (absent: not a collaborator). */
  readonly permissions = new Map<string, string>();
  /** `path@ref` (ref: a branch or SHA) → text. */
  readonly repoFiles = new Map<string, string>();
  readonly tips = new Map<string, string>([["main", "b".repeat(40)]]);
  readonly runs = new Map<string, OwnCheckRun[]>();
  /** Reads per method, for the cost of a rule. */
  readonly calls = new Map<string, number>();
  /** Runs when pulls.get is answered, before it answers: GitHub changing between two reads. */
  onPullRequestRead?: () => void;

  constructor(readonly where: Where = { owner: "acme", repo: "app" }) {}

  count(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  private called(method: string) {
    this.calls.set(method, this.count(method) + 1);
  }

  private pull(ref: PullRequestRef): FakePull {
    const p = this.pulls.get(ref.number);
    if (!p) throw Object.assign(new Error("Not Found"), { status: 404 });
    return p;
  }

  /** The PR as pulls.get gives it; `listed()` as a list gives it (no counts). */
  restPull(p: FakePull): RestPullRequest {
    return {
      number: p.number,
      state: "open",
      draft: false,
      title: p.title ?? "Change things",
      body: "",
      user: { login: p.author.login, type: p.author.type },
      labels: [],
      assignees: [],
      head: { sha: p.headSha, ref: `agent/${p.number}` },
      base: { sha: this.tips.get(p.baseRef) ?? "b".repeat(40), ref: p.baseRef, repo: { name: this.where.repo, owner: { login: this.where.owner }, default_branch: "main" } },
      changed_files: p.files.length,
      commits: p.commits.length,
    } as unknown as RestPullRequest;
  }

  listed(number: number): unknown {
    const { changed_files: _f, commits: _c, ...rest } = this.restPull(this.pull({ ...this.where, number })) as unknown as Record<string, unknown>;
    return rest;
  }

  async pullRequest(ref: PullRequestRef) {
    this.called("pullRequest");
    this.onPullRequestRead?.();
    return this.restPull(this.pull(ref));
  }

  restCommits(p: FakePull): RestCommit[] {
    return p.commits.map(
      (c) => ({ sha: c.sha, commit: { message: c.message, author: c.author, committer: c.author }, author: null, committer: null, parents: [] }) as unknown as RestCommit,
    );
  }

  restFiles(p: FakePull): RestFile[] {
    return p.files.map(
      (f) => ({ filename: f.filename, status: "modified", patch: f.patch, additions: f.additions ?? 1, deletions: 0, changes: 1, sha: "f".repeat(40) }) as unknown as RestFile,
    );
  }

  async commits(ref: PullRequestRef) {
    this.called("commits");
    return this.restCommits(this.pull(ref));
  }

  async files(ref: PullRequestRef) {
    this.called("files");
    return this.restFiles(this.pull(ref));
  }

  async reviews(ref: PullRequestRef) {
    this.called("reviews");
    return this.pull(ref).reviews.map(
      (r) => ({ id: r.id, user: { login: r.login, type: "User" }, state: r.state, commit_id: r.commitId, submitted_at: "2026-12-01T00:00:00Z" }) as unknown as RestReview,
    );
  }

  async issueEvents(): Promise<RestIssueEvent[]> {
    this.called("issueEvents");
    return [];
  }

  async permission(_where: Where, login: string) {
    this.called("permission");
    const permission = this.permissions.get(login);
    return permission ? { permission, role_name: permission } : null;
  }

  async teamMembership() {
    this.called("teamMembership");
    return null;
  }

  /**
   * `base...head` of a PR's base branch and head: its commits and files, as the PR's own lists give
   * them, or what `compareAnswers` holds for that basehead (a compare GitHub answers otherwise, as a
   * tag shadowing the base branch would make it). Any other basehead: a gone commit.
   */
  readonly compareAnswers = new Map<string, Compared | null>();

  async compare(_where: Where, basehead: string): Promise<Compared | null> {
    this.called("compare");
    if (this.compareAnswers.has(basehead)) return this.compareAnswers.get(basehead) ?? null;
    const pull = [...this.pulls.values()].find((p) => `${p.baseRef}...${p.headSha}` === basehead);
    if (!pull) return null;
    const [commits, files] = [this.restCommits(pull), this.restFiles(pull)];
    return { totalCommits: commits.length, commits, files };
  }

  async issue() {
    this.called("issue");
    return null;
  }

  async content(_where: Where, path: string, ref?: string): Promise<RepoContent | null> {
    this.called("content");
    const text = this.repoFiles.get(`${path}@${ref ?? "main"}`);
    if (text === undefined) return null;
    const content = Buffer.from(text).toString("base64");
    return { kind: "file", sha: "c".repeat(40), size: Buffer.byteLength(text), encoding: "base64", content };
  }

  async blob(): Promise<{ encoding: string; content: string }> {
    throw new Error("no blobs here");
  }

  async branchTip(_where: Where, branch: string) {
    this.called("branchTip");
    return this.tips.get(branch);
  }

  async ownCheckRuns(_where: Where, sha: string) {
    this.called("ownCheckRuns");
    return this.runs.get(sha) ?? [];
  }

  async graphql(): Promise<unknown> {
    throw new Error("no GraphQL here");
  }
}
