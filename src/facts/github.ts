/**
 * The only module that reads GitHub for a decision. It returns a plain PullRequestFacts value.
 *
 * Costs (REST requests) for a PR with c commits, f files and r distinct human reviewers:
 * 1 (PR) + ⌈c/100⌉ + ⌈f/100⌉ + ⌈reviews/100⌉ + r permissions (cached) + team checks (cached)
 * + 1 compare per distinct earlier SHA that was approved + 1 per file whose full text a rule needs
 * (at most MAX_CONTEXT_READS, see context.ts).
 */
import type { Octokit } from "@octokit/rest";
import { LRUCache } from "lru-cache";
import type { Policy } from "../config/schema.js";
import type { PolicyFile, PolicyReader } from "../config/load.js";
import { commitFromRest, fileFromRest, pullRequestSignalsFromRest, reviewFromRest, type RestCommit, type RestFile, type RestPullRequest, type RestReview } from "./rest.js";
import { checked, commitAnswer, compareAnswer, contentAnswer, fileAnswer, membershipAnswer, permissionAnswer, pullRequestAnswer, reviewAnswer } from "./answers.js";
import { readWholeList } from "./pages.js";
import type { FileFacts, Permission, PullRequestFacts, ReviewFacts, ReviewerFacts } from "./types.js";
import { fillContext } from "./context.js";
import { latestDecisiveReviews } from "../policy/approvals.js";

/** GitHub lists at most this many files and commits on a pull request. */
export const GITHUB_MAX_FILES = 3000;
export const GITHUB_MAX_COMMITS = 250;

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

/**
 * Short-lived caches: who may approve changes rarely. A cached answer is never the reason for a
 * success: reviewers whose facts came from here are marked `fromCache`, and the gate reads them
 * afresh before it publishes a success (see readAndDecide). Otherwise a stale answer lasts at most
 * FACT_CACHE_TTL_MS, and only well-formed answers are kept.
 */
export const FACT_CACHE_TTL_MS = 60_000;
const permissionCache = new LRUCache<string, Permission>({ max: 10_000, ttl: FACT_CACHE_TTL_MS });
const membershipCache = new LRUCache<string, boolean>({ max: 10_000, ttl: FACT_CACHE_TTL_MS });

/** Reads that may be answered from the caches above; `fresh` bypasses them (and refills them). */
export interface ReadOptions {
  fresh?: boolean;
  /**
   * A review the webhook is about. Submitted reviews cannot be deleted, so a reviews list without
   * it was cut short (the tail of a single page, which no page structure shows): not whole.
   */
  expectReviewId?: number;
}

/**
 * Policies read from a repository's default branch (the org's `.github` defaults, `_extends` bases)
 * change rarely, so a minute-old copy (or a minute-old "none") is kept: for a repository without its
 * own policy that saves two requests a webhook. A push that changes a policy file forgets that
 * repository's copies (in this process). The policy on the PR's base branch is always read fresh.
 */
const defaultBranchPolicies = new LRUCache<string, { file: PolicyFile | null }>({ max: 1_000, ttl: 60_000 });

/** A push changed a policy on this repository's default branch: read its files afresh. */
export function forgetDefaultBranchPolicies(owner: string, repo: string): void {
  const prefix = `${owner}/${repo}:`.toLowerCase();
  for (const key of [...defaultBranchPolicies.keys()]) if (key.startsWith(prefix)) defaultBranchPolicies.delete(key);
}

export function clearFactCaches(): void {
  permissionCache.clear();
  membershipCache.clear();
  defaultBranchPolicies.clear();
}

function status(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** Reads policy files through the contents API; null for 404, throws for anything else. */
export function githubPolicyReader(gh: Octokit): PolicyReader {
  return {
    async read(owner, repo, path, ref): Promise<PolicyFile | null> {
      if (ref === undefined) {
        const key = `${owner}/${repo}:${path}`.toLowerCase();
        const cached = defaultBranchPolicies.get(key);
        if (cached) return cached.file;
        const file = await readRepoFile(gh, owner, repo, path);
        defaultBranchPolicies.set(key, { file });
        return file;
      }
      return readRepoFile(gh, owner, repo, path, ref);
    },
  };
}

/** A file's text and blob sha at a ref (the default branch without one); null when it does not exist. */
export async function readRepoFile(gh: Octokit, owner: string, repo: string, path: string, ref?: string): Promise<PolicyFile | null> {
  try {
    const { data: raw } = await gh.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}) });
    const data = checked<typeof raw>(contentAnswer, raw, `the contents of ${path}`);
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) {
      throw new Error(`${owner}/${repo}:${path} is not a file`);
    }
    return { text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
  } catch (e) {
    if (status(e) === 404) return null;
    throw e;
  }
}

/** Teams (`org/slug`) named anywhere in the policy: the only memberships worth reading. */
export function teamsNamedIn(policy: Policy): string[] {
  const teams = new Set<string>();
  for (const rule of policy.paths) for (const t of rule.teams ?? []) teams.add(t);
  for (const t of policy.infra.teams) teams.add(t);
  for (const settings of Object.values(policy.infra.rules)) for (const t of settings.teams ?? []) teams.add(t);
  return [...teams];
}

async function permissionOf(gh: Octokit, ref: PullRequestRef, login: string, opts: ReadOptions = {}): Promise<{ permission: Permission; cached: boolean }> {
  const key = `${ref.owner}/${ref.repo}:${login}`.toLowerCase();
  const cached = opts.fresh ? undefined : permissionCache.get(key);
  if (cached) return { permission: cached, cached: true };
  try {
    const { data: raw } = await gh.rest.repos.getCollaboratorPermissionLevel({ owner: ref.owner, repo: ref.repo, username: login });
    // A malformed answer throws before it is cached: read as "none", it would silence a change request.
    const data = checked<typeof raw>(permissionAnswer, raw, `the permission of @${login}`);
    const permission = normalizePermission(data.role_name, data.permission);
    permissionCache.set(key, permission);
    return { permission, cached: false };
  } catch (e) {
    // 404: the user is not a collaborator (or does not exist any more).
    if (status(e) === 404) return { permission: "none", cached: false };
    throw e;
  }
}

/** `role_name` is exact (maintain, triage); `permission` folds them into write/read. */
export function normalizePermission(roleName: string | undefined, permission: string): Permission {
  const known: Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];
  if (roleName && (known as string[]).includes(roleName)) return roleName as Permission;
  return (known as string[]).includes(permission) ? (permission as Permission) : "none";
}

async function isActiveMember(gh: Octokit, team: string, login: string, opts: ReadOptions = {}): Promise<{ active: boolean; cached: boolean }> {
  const key = `${team}:${login}`.toLowerCase();
  const cached = opts.fresh ? undefined : membershipCache.get(key);
  if (cached !== undefined) return { active: cached, cached: true };
  const [org, slug] = team.split("/") as [string, string];
  let active = false;
  try {
    const { data: raw } = await gh.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
    const data = checked<typeof raw>(membershipAnswer, raw, `the membership of @${login} in ${team}`);
    // A pending invitation answers 200 too: only an accepted membership counts.
    active = data.state === "active";
  } catch (e) {
    if (status(e) !== 404) throw e;
  }
  membershipCache.set(key, active);
  return { active, cached: false };
}

/** What GitHub says about one reviewer: permission and the policy's teams they actively belong to. */
async function reviewerFacts(gh: Octokit, ref: PullRequestRef, teams: readonly string[], login: string, opts: ReadOptions): Promise<ReviewerFacts> {
  const { permission, cached } = await permissionOf(gh, ref, login, opts);
  let fromCache = cached;
  const activeTeams: string[] = [];
  for (const team of teams) {
    const m = await isActiveMember(gh, team, login, opts);
    fromCache ||= m.cached;
    if (m.active) activeTeams.push(team);
  }
  return { login, permission, activeTeams, ...(fromCache ? { fromCache: true } : {}) };
}

/**
 * The same facts with every reviewer whose permission or teams came from the cache read afresh.
 * The gate calls this before publishing a success (a demoted reviewer must not count for a minute).
 */
export async function withFreshReviewers(gh: Octokit, ref: PullRequestRef, policy: Policy, facts: PullRequestFacts): Promise<PullRequestFacts> {
  const teams = teamsNamedIn(policy);
  const reviewers = { ...facts.reviewers };
  for (const [key, r] of Object.entries(facts.reviewers)) {
    if (r.fromCache) reviewers[key] = await reviewerFacts(gh, ref, teams, r.login, { fresh: true });
  }
  return { ...facts, reviewers };
}

/** pulls.get, checked: a malformed PR is never read as one (its head SHA least of all). */
export async function readPullRequest(gh: Octokit, ref: PullRequestRef): Promise<RestPullRequest> {
  const { data } = await gh.rest.pulls.get({ owner: ref.owner, repo: ref.repo, pull_number: ref.number });
  return checked<RestPullRequest>(pullRequestAnswer, data, `pulls.get #${ref.number}`);
}

/**
 * A PR's diff without the hunks' line numbers, which move when the base moves under an unchanged
 * change. Context lines stay: the same added line in another place is another change.
 */
export function normalizedDiff(files: readonly Pick<FileFacts, "filename" | "status" | "patch" | "previousFilename">[]): string {
  return files
    .map((f) => {
      const body = (f.patch ?? "<no patch>")
        .split("\n")
        .map((l) => (l.startsWith("@@") ? "@@" : l))
        .join("\n");
      return `${f.previousFilename ?? ""}>${f.filename}:${f.status}\n${body}`;
    })
    .sort()
    .join("\n\0");
}

/** GitHub's compare lists at most 300 files; above that equality cannot be shown, so it is not assumed. */
const COMPARE_FILE_LIMIT = 300;

async function diffUnchangedSince(
  gh: Octokit,
  ref: PullRequestRef,
  baseRef: string,
  shas: readonly string[],
  headFiles: readonly FileFacts[],
): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  const headDiff = normalizedDiff(headFiles);
  for (const sha of shas) {
    try {
      const { data } = await gh.rest.repos.compareCommitsWithBasehead({
        owner: ref.owner,
        repo: ref.repo,
        basehead: `${baseRef}...${sha}`,
        per_page: 100,
      });
      const files = (checked<typeof data>(compareAnswer, data, `compare ${baseRef}...${sha.slice(0, 7)}`).files ?? []).map(fileFromRest);
      result[sha] = files.length < COMPARE_FILE_LIMIT && normalizedDiff(files) === headDiff;
    } catch (e) {
      // The old commit may be gone (force push and gc): then the approval cannot be carried.
      if (status(e) === 404 || status(e) === 422) result[sha] = false;
      else throw e;
    }
  }
  return result;
}

/**
 * Gather every fact about one pull request, fresh. Truncation or unreadable parts are recorded in
 * `incomplete` (the core then refuses to pass); API errors after Octokit's retries are thrown.
 */
export async function gatherFacts(
  gh: Octokit,
  ref: PullRequestRef,
  policy: Policy,
  /** The PR as just read with pulls.get, to save a request; never a webhook's possibly stale copy. */
  freshPullRequest?: RestPullRequest,
  opts: ReadOptions = {},
): Promise<PullRequestFacts> {
  const { owner, repo, number } = ref;
  const pr = freshPullRequest ?? (await readPullRequest(gh, ref));
  const signals = pullRequestSignalsFromRest(pr);
  const incomplete: string[] = [];

  const maxFiles = Math.min(policy.limits.max_files, GITHUB_MAX_FILES);
  const maxCommits = Math.min(policy.limits.max_commits, GITHUB_MAX_COMMITS);
  if (signals.changedFiles > maxFiles) {
    incomplete.push(`the pull request changes ${signals.changedFiles} files; agentgate reads at most ${maxFiles}`);
  }
  if (signals.commitCount > maxCommits) {
    incomplete.push(`the pull request has ${signals.commitCount} commits; agentgate reads at most ${maxCommits}`);
  }

  const params = { owner, repo, pull_number: number };
  const [restCommits, restFiles, restReviews] = await Promise.all([
    readWholeList<RestCommit>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", params, {
      what: `the commits of #${number}`,
      item: commitAnswer,
      perPage: 100,
    }),
    signals.changedFiles > maxFiles
      ? Promise.resolve([])
      : readWholeList<RestFile>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", params, {
          what: `the files of #${number}`,
          item: fileAnswer,
          perPage: 100,
        }),
    // Nothing counts reviews: the list itself must show it is whole (see pages.ts).
    readWholeList<RestReview>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", params, {
      what: `the reviews of #${number}`,
      item: reviewAnswer,
      perPage: 100,
      idOf: (r) => r.id,
      confirmEnd: true,
    }),
  ]);
  const commits = restCommits.map(commitFromRest);
  const files = restFiles.map(fileFromRest);
  const reviews: ReviewFacts[] = restReviews.map(reviewFromRest);
  if (opts.expectReviewId !== undefined && !reviews.some((r) => r.id === opts.expectReviewId)) {
    incomplete.push(`GitHub's list of reviews lacks review ${opts.expectReviewId}, which this event is about; the list may be cut short`);
  }

  if (signals.changedFiles <= maxFiles && files.length < signals.changedFiles) {
    incomplete.push(`GitHub listed ${files.length} of the ${signals.changedFiles} changed files`);
  }
  if (signals.commitCount <= maxCommits && commits.length < signals.commitCount) {
    incomplete.push(`GitHub listed ${commits.length} of the ${signals.commitCount} commits`);
  }

  // Reviewers whose latest decisive review matters: humans only (bots are ignored without a lookup).
  const humans = [...latestDecisiveReviews(reviews).values()]
    .filter((r) => r.user.type !== "Bot" && r.state !== "DISMISSED")
    .map((r) => r.user.login);
  const teams = teamsNamedIn(policy);
  const reviewers: Record<string, ReviewerFacts> = {};
  for (const login of humans) reviewers[login.toLowerCase()] = await reviewerFacts(gh, ref, teams, login, opts);

  const staleShas = [
    ...new Set(
      reviews
        .filter((r) => r.state === "APPROVED" && r.commitId && r.commitId !== signals.headSha)
        .map((r) => r.commitId as string),
    ),
  ];
  const unchanged =
    policy.approvals.keep_on_identical_diff && staleShas.length && !incomplete.length
      ? await diffUnchangedSince(gh, ref, signals.baseRef, staleShas, files)
      : {};

  await fillContext(files, policy.infra, async (path, side) => {
    const got = await readRepoFile(gh, owner, repo, path, side === "base" ? signals.baseSha : signals.headSha);
    return got?.text ?? null;
  });

  return {
    ...signals,
    commits,
    files,
    reviews,
    reviewers,
    diffUnchangedSince: unchanged,
    incomplete,
  };
}
