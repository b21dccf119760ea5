/**
 * Which pull requests a merge group's commit contains, read from GitHub (never from commit messages
 * or branch names the agent could shape). The group's commits are `base_sha...head_sha`; each PR whose
 * head is among them brings its changes, and every other commit must be one of the queue's own merge
 * commits. A commit that belongs to no PR found leaves the group undetermined: the caller publishes
 * an error, never success.
 *
 * Cost: ⌈commits/100⌉ compare pages + one "PRs of this commit" read per PR head and per queue merge
 * commit (commits under a PR head found already need none).
 */
import type { Octokit } from "@octokit/rest";
import type { RepoRef } from "../publish.js";

/** More commits than this in one group is not judged (it would cost one request per PR). */
export const MERGE_GROUP_MAX_COMMITS = 1000;

export interface GroupCommit {
  sha: string;
  parents: readonly string[];
}

export interface GroupMember {
  number: number;
  headSha: string;
}

export interface MergeGroupContents {
  members: GroupMember[];
  /** Why the group's pull requests could not be determined completely; empty when they could. */
  problems: string[];
}

/** The PRs GitHub associates with a commit, reduced to what membership needs. */
export type PullsOfCommit = (sha: string) => Promise<readonly { number: number; head: { sha: string } }[]>;

/**
 * Walks the group's commits newest first. A PR whose head is in the group covers every group commit
 * its head reaches (those are its own commits: the rest is the base). What is left uncovered must be
 * a merge commit (the queue merges each PR onto the one ahead of it); any other commit is unaccounted.
 */
export async function membersOfGroup(commits: readonly GroupCommit[], pullsOf: PullsOfCommit): Promise<MergeGroupContents> {
  const inGroup = new Map(commits.map((c) => [c.sha, c]));
  const covered = new Set<string>();
  const cover = (sha: string) => {
    const stack = [sha];
    while (stack.length) {
      const s = stack.pop() as string;
      const c = inGroup.get(s);
      if (!c || covered.has(s)) continue;
      covered.add(s);
      stack.push(...c.parents);
    }
  };
  const members = new Map<number, string>();
  const problems: string[] = [];
  for (const c of [...commits].reverse()) {
    if (covered.has(c.sha)) continue;
    for (const p of await pullsOf(c.sha)) {
      // A PR whose head is elsewhere (moved on, or stacked above the group) does not describe these commits.
      if (!inGroup.has(p.head.sha)) continue;
      members.set(p.number, p.head.sha);
      cover(p.head.sha);
    }
    if (covered.has(c.sha)) continue;
    if (c.parents.length > 1) continue; // the queue's merge commit: its content is its parents'
    problems.push(`commit ${c.sha.slice(0, 7)} of the merge group belongs to no pull request agentgate could find`);
  }
  // Found newest first; the queue's order (the PR ahead first) reads better.
  return { members: [...members].map(([number, headSha]) => ({ number, headSha })).reverse(), problems };
}

/** The commits of `base...head`, all pages; throws when GitHub lists fewer than it counts. */
export async function groupCommits(gh: Octokit, where: RepoRef, baseSha: string, headSha: string): Promise<GroupCommit[]> {
  const out: GroupCommit[] = [];
  for (let page = 1; ; page++) {
    const { data } = await gh.rest.repos.compareCommitsWithBasehead({ ...where, basehead: `${baseSha}...${headSha}`, per_page: 100, page });
    if (data.total_commits > MERGE_GROUP_MAX_COMMITS) {
      throw new Error(`the merge group has ${data.total_commits} commits, more than the ${MERGE_GROUP_MAX_COMMITS} agentgate judges`);
    }
    out.push(...data.commits.map((c) => ({ sha: c.sha, parents: c.parents.map((p) => p.sha) })));
    if (out.length >= data.total_commits || data.commits.length === 0) {
      if (out.length < data.total_commits) throw new Error(`GitHub listed ${out.length} of the merge group's ${data.total_commits} commits`);
      return out;
    }
  }
}

/** The pull requests whose changes the merge group's commit contains, from GitHub. */
export async function mergeGroupContents(gh: Octokit, where: RepoRef, baseSha: string, headSha: string): Promise<MergeGroupContents> {
  const commits = await groupCommits(gh, where, baseSha, headSha);
  if (!commits.length) return { members: [], problems: ["the merge group's commit adds nothing to its base"] };
  return membersOfGroup(commits, async (sha) => {
    const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ ...where, commit_sha: sha, per_page: 100 });
    return data;
  });
}
