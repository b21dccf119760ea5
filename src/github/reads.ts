/**
 * The real PullRequestReads (src/facts/reads.ts): each fact read through Octokit, every answer
 * checked against its schema before it is returned, GitHub's "not there" answers turned into null.
 */
import type { Octokit } from "@octokit/rest";
import { checked, commitAnswer, compareAnswer, contentAnswer, fileAnswer, membershipAnswer, permissionAnswer, pullRequestAnswer, reviewAnswer } from "../facts/answers.js";
import { readWholeList } from "../facts/pages.js";
import { ownCheckRuns } from "../facts/memory.js";
import type { PullRequestReads, PullRequestRef, RepoContent } from "../facts/reads.js";
import type { RestCommit, RestFile, RestPullRequest, RestReview } from "../facts/rest.js";

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** `fn`'s answer, or null when GitHub answers one of `absent` (404 and the like). */
async function unlessAbsent<T>(absent: readonly number[], fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    if (absent.includes(statusOf(e) ?? 0)) return null;
    throw e;
  }
}

const COMMIT_SHA = /^[0-9a-f]{40}$/i;
const pullParams = (ref: PullRequestRef) => ({ owner: ref.owner, repo: ref.repo, pull_number: ref.number });
const limit = (stopAfter: number | undefined) => (stopAfter === undefined ? {} : { stopAfter });

const made = new WeakMap<object, PullRequestReads>();

/** The reads of one Octokit (one installation's client): made once per client. */
export function octokitReads(gh: Octokit): PullRequestReads {
  const known = made.get(gh);
  if (known) return known;
  const reads: PullRequestReads = {
    async pullRequest(ref) {
      const { data } = await gh.rest.pulls.get(pullParams(ref));
      // A malformed PR is never read as one (its head SHA least of all).
      return checked<RestPullRequest>(pullRequestAnswer, data, `pulls.get #${ref.number}`);
    },
    commits: (ref, stopAfter) =>
      readWholeList<RestCommit>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits", pullParams(ref), {
        what: `the commits of #${ref.number}`,
        item: commitAnswer,
        perPage: 100,
        ...limit(stopAfter),
      }),
    files: (ref, stopAfter) =>
      readWholeList<RestFile>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", pullParams(ref), {
        what: `the files of #${ref.number}`,
        item: fileAnswer,
        perPage: 100,
        ...limit(stopAfter),
      }),
    reviews: (ref) =>
      readWholeList<RestReview>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", pullParams(ref), {
        what: `the reviews of #${ref.number}`,
        item: reviewAnswer,
        perPage: 100,
        idOf: (r) => r.id,
        confirmEnd: true,
      }),
    issueEvents: (ref) => gh.paginate(gh.rest.issues.listEvents, { owner: ref.owner, repo: ref.repo, issue_number: ref.number, per_page: 100 }),
    permission: (where, login) =>
      unlessAbsent([404], async () => {
        const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ ...where, username: login });
        return checked<{ role_name?: string; permission: string }>(permissionAnswer, data, `the permission of @${login}`);
      }),
    teamMembership: (org, slug, login) =>
      unlessAbsent([404], async () => {
        const { data } = await gh.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
        return checked<{ state: string }>(membershipAnswer, data, `the membership of @${login} in ${org}/${slug}`);
      }),
    // A commit gone (force push and gc) answers 404 or 422.
    compare: (where, basehead) =>
      unlessAbsent([404, 422], async () => {
        // Owner and repository only: a PR's ref would add its number to the URL (and to the copy's key).
        const { data } = await gh.rest.repos.compareCommitsWithBasehead({ owner: where.owner, repo: where.repo, basehead, per_page: 100 });
        const answer = checked<typeof data>(compareAnswer, data, `compare ${basehead.slice(0, 60)}`);
        return { totalCommits: answer.total_commits, commits: answer.commits as RestCommit[], files: (answer.files ?? []) as RestFile[] };
      }),
    issue: (where, number) =>
      unlessAbsent([404, 410], async () => {
        const { data } = await gh.rest.issues.get({ ...where, issue_number: number });
        return { assignees: data.assignees };
      }),
    content: (where, path, ref) =>
      unlessAbsent([404], async (): Promise<RepoContent> => {
        const { data: raw } = await gh.rest.repos.getContent({ ...where, path, ...(ref ? { ref } : {}) });
        if (Array.isArray(raw)) {
          const entries = (raw as { type?: unknown; name?: unknown; path?: unknown; sha?: unknown }[]).filter(
            (e): e is { type: string; name: string; path: string; sha: string } =>
              typeof e.type === "string" && typeof e.name === "string" && typeof e.path === "string" && typeof e.sha === "string",
          );
          return { kind: "dir", entries };
        }
        const data = checked<typeof raw>(contentAnswer, raw, `the contents of ${path}`);
        if (Array.isArray(data) || data.type !== "file" || !("content" in data) || typeof data.sha !== "string" || typeof data.size !== "number") {
          return { kind: "other" };
        }
        return { kind: "file", sha: data.sha, size: data.size, encoding: String(data.encoding), content: data.content };
      }),
    async blob(where, sha) {
      const { data } = await gh.rest.git.getBlob({ ...where, file_sha: sha });
      return { encoding: String(data.encoding), content: typeof data.content === "string" ? data.content : "" };
    },
    async branchTip(where, branch) {
      const got = await unlessAbsent([404], () => gh.rest.git.getRef({ ...where, ref: `heads/${branch}` }));
      if (!got) return undefined;
      const sha = (got.data as { object?: { sha?: unknown } } | undefined)?.object?.sha;
      if (typeof sha !== "string" || !COMMIT_SHA.test(sha)) throw new Error(`GitHub named no commit for branch ${branch}`);
      return sha.toLowerCase();
    },
    ownCheckRuns: (where, sha, appId) => ownCheckRuns(gh, where, sha, appId),
    graphql: (query, variables) => gh.graphql(query, variables),
  };
  made.set(gh, reads);
  return reads;
}
