/**
 * The open pull requests one account reviewed: the only ones a change of that account's permission
 * or team membership can turn (a demoted approver stops counting, a promoted one starts). One search
 * request per 100 PRs, instead of judging every open PR of the repository or the organization.
 */
import type { Octokit } from "@octokit/rest";
import { z } from "zod";
import { checked } from "./answers.js";

export interface ReviewedPullRequest {
  owner: string;
  repo: string;
  number: number;
}

/** Where to look: one repository, or every repository of an organization the installation sees. */
export type SearchScope = { owner: string; repo: string } | { org: string };

/** GitHub's search answers at most 1000 results; beyond that it cannot say them all. */
export const SEARCH_RESULTS_MAX = 1000;
const PER_PAGE = 100;

const searchAnswer = z.object({
  total_count: z.number().int().nonnegative(),
  incomplete_results: z.boolean(),
  /** Semantic or hybrid results are similar, not exact: only lexical ones say who reviewed. */
  search_type: z.string().optional(),
  items: z.array(
    z.object({
      number: z.number().int().positive(),
      repository_url: z.string().regex(/\/repos\/[^/]+\/[^/]+$/),
      pull_request: z.object({}).passthrough(),
    }),
  ),
});
type SearchAnswer = z.infer<typeof searchAnswer>;

/** A login as GitHub spells them: nothing that could widen the query. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

export function reviewedByQuery(login: string, scope: SearchScope): string {
  if (!LOGIN.test(login)) throw new Error("the account's login cannot be searched for");
  const where = "org" in scope ? `org:${scope.org}` : `repo:${scope.owner}/${scope.repo}`;
  return `is:pr is:open reviewed-by:${login} ${where}`;
}

/**
 * Every open PR `login` reviewed in `scope`. Throws when GitHub cannot give them all (an incomplete
 * or malformed answer, more than the search can list): the delivery then fails and is caught up,
 * rather than leave a success GitHub would no longer grant.
 */
export async function openPullRequestsReviewedBy(gh: Octokit, login: string, scope: SearchScope): Promise<ReviewedPullRequest[]> {
  const q = reviewedByQuery(login, scope);
  const found = new Map<string, ReviewedPullRequest>();
  for (let page = 1; ; page++) {
    const { data: raw } = await gh.rest.search.issuesAndPullRequests({ q, per_page: PER_PAGE, page });
    const data = checked<SearchAnswer>(searchAnswer, raw, `the search for PRs @${login} reviewed`);
    if (data.search_type !== undefined && data.search_type !== "lexical") throw new Error(`GitHub's search for PRs @${login} reviewed was not exact (${data.search_type.slice(0, 20)})`);
    if (data.incomplete_results) throw new Error(`GitHub's search for PRs @${login} reviewed timed out before it was complete`);
    if (data.total_count > SEARCH_RESULTS_MAX) throw new Error(`@${login} reviewed more open PRs than GitHub's search can list (${data.total_count})`);
    for (const item of data.items) {
      const [owner, repo] = item.repository_url.split("/").slice(-2) as [string, string];
      found.set(`${owner}/${repo}#${item.number}`.toLowerCase(), { owner, repo, number: item.number });
    }
    if (data.items.length < PER_PAGE || page * PER_PAGE >= data.total_count) break;
  }
  return [...found.values()];
}
