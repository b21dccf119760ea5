/**
 * How GitHub links the emails of a pull request's commits to accounts, read from its GraphQL API.
 *
 * Why GraphQL `Commit.authors`: it is GitHub's own linking of the git author and every
 * `Co-authored-by` trailer (what puts co-authors' avatars on a commit), made against each account's
 * verified emails, private ones included. REST links only a commit's author and committer, and the
 * alternatives (user search `in:email`) see public emails only, one search per email under a
 * 30-a-minute limit. One query covers 100 commits with all their authors and committers, and it is
 * only sent when REST left a person unlinked (see gatherFacts), so most evaluations pay nothing.
 */
import type { PullRequestReads } from "./reads.js";

/** Validated against GitHub's schema in test/facts/graphql.test.ts. */
export const COMMIT_ACTORS_QUERY = `query AgentgateCommitActors($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      commits(first: 100, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          commit {
            oid
            authors(first: 50) {
              totalCount
              nodes {
                name
                email
                user {
                  login
                }
              }
            }
            committer {
              name
              email
              user {
                login
              }
            }
          }
        }
      }
    }
  }
}`;

/** A pull request lists at most 250 commits: three pages of 100. */
const MAX_PAGES = 3;

export class GraphqlShapeError extends Error {
  override name = "GraphqlShapeError";
}

interface Actor {
  name?: unknown;
  email?: unknown;
  user?: { login?: unknown } | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Lower-case email -> login (or null: GitHub links it to no user) from one page's commits. */
export function linksFromPage(page: unknown, into: Record<string, string | null> = {}): Record<string, string | null> {
  const nodes = isObject(page) && Array.isArray(page.nodes) ? page.nodes : undefined;
  if (!nodes) throw new GraphqlShapeError("GraphQL: `commits.nodes` is missing");
  const add = (a: unknown) => {
    if (!isObject(a)) return;
    const actor = a as Actor;
    if (typeof actor.email !== "string" || !actor.email.trim()) return;
    const email = actor.email.trim().toLowerCase();
    const login = isObject(actor.user) && typeof actor.user.login === "string" && actor.user.login ? actor.user.login : null;
    // One email links to one account; a link seen anywhere wins over a null elsewhere.
    if (login || !(email in into)) into[email] = login ?? into[email] ?? null;
  };
  for (const n of nodes) {
    const commit = isObject(n) ? n.commit : undefined;
    if (!isObject(commit)) throw new GraphqlShapeError("GraphQL: a commit node has no `commit`");
    const authors = isObject(commit.authors) && Array.isArray(commit.authors.nodes) ? commit.authors.nodes : undefined;
    if (!authors) throw new GraphqlShapeError("GraphQL: `commit.authors.nodes` is missing");
    authors.forEach(add);
    add(commit.committer);
  }
  return into;
}

/**
 * GitHub's links for every author, co-author and committer email of the PR's commits. Throws when
 * GitHub fails or answers something else than the query asks for; an email it did not list stays
 * unresolved (the core then holds approvals up).
 */
export async function linkCommitEmails(
  gh: Pick<PullRequestReads, "graphql">,
  ref: { owner: string; repo: string; number: number },
): Promise<Record<string, string | null>> {
  const links: Record<string, string | null> = {};
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data: unknown = await gh.graphql(COMMIT_ACTORS_QUERY, { owner: ref.owner, repo: ref.repo, number: ref.number, after });
    const commits = isObject(data) && isObject(data.repository) && isObject(data.repository.pullRequest) ? data.repository.pullRequest.commits : undefined;
    if (!isObject(commits)) throw new GraphqlShapeError(`GraphQL: pull request #${ref.number} has no \`commits\``);
    linksFromPage(commits, links);
    const info = commits.pageInfo;
    if (!isObject(info) || info.hasNextPage !== true || typeof info.endCursor !== "string") break;
    after = info.endCursor;
  }
  return links;
}
