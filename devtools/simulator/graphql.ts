/**
 * The simulator's GraphQL endpoint (`POST /api/graphql`, or `/graphql`). It answers the one query the
 * app sends (facts/graphql.ts, recognised by its operation name) from the simulator's model, shaped
 * as GitHub's schema says (checked by test/simulator/conformance.test.ts). Any other query is
 * answered as GitHub answers a query it cannot run: 200 with `errors`.
 */
import type { SimCommit } from "./git.js";
import { ok, type ApiRequest, type ApiResponse } from "./http.js";
import type { SimRepo } from "./model.js";
import { PULL_COMMITS_LIMIT, type SimState } from "./state.js";

const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString("base64");
function indexOf(cursor: unknown): number {
  if (typeof cursor !== "string") return 0;
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return m ? Number(m[1]) + 1 : 0;
}

function graphqlError(message: string, extra: Record<string, unknown> = {}): ApiResponse {
  return ok({ errors: [{ message, ...extra }] });
}

/** GitHub's GitActor: `user` is the User (never a Bot) whose verified email or noreply address it is. */
function gitActor(state: SimState, who: { name: string; email: string }) {
  const user = state.userForEmail(who.email);
  return { name: who.name, email: who.email, user: user && user.type === "User" ? { login: user.login } : null };
}

/** `Commit.authors`: the git author first, then each `Co-authored-by` trailer, one per email. */
function authorsOf(c: SimCommit): { name: string; email: string }[] {
  const out = [{ name: c.author.name, email: c.author.email }];
  for (const m of c.message.matchAll(/^co-authored-by:[ \t]*([^<\n]*?)[ \t]*<([^>\n]+)>[ \t]*$/gim)) {
    const email = (m[2] as string).trim();
    if (!out.some((a) => a.email.toLowerCase() === email.toLowerCase())) out.push({ name: (m[1] as string).trim(), email });
  }
  return out;
}

function commitActors(state: SimState, repo: SimRepo, number: number, vars: Record<string, unknown>): ApiResponse {
  const pull = repo.pulls.get(number);
  if (!pull) {
    return ok({
      data: { repository: { pullRequest: null } },
      errors: [{ type: "NOT_FOUND", path: ["repository", "pullRequest"], message: `Could not resolve to a PullRequest with the number of ${number}.` }],
    });
  }
  const all = state.pullCommits(repo, pull).slice(0, PULL_COMMITS_LIMIT);
  const start = indexOf(vars.after);
  const page = all.slice(start, start + 100);
  const end = start + page.length - 1;
  return ok({
    data: {
      repository: {
        pullRequest: {
          commits: {
            totalCount: all.length,
            pageInfo: { hasNextPage: start + page.length < all.length, endCursor: page.length ? cursorOf(end) : null },
            nodes: page.map((c) => {
              const authors = authorsOf(c);
              const shown = authors.slice(0, 50);
              return {
                commit: {
                  oid: c.sha,
                  authors: { totalCount: authors.length, nodes: shown.map((a) => gitActor(state, a)) },
                  committer: gitActor(state, c.committer),
                },
              };
            }),
          },
        },
      },
    },
  });
}

export function graphql(state: SimState, req: ApiRequest): ApiResponse {
  const body = (req.body ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof body.query !== "string") return graphqlError("A query attribute must be specified and must be a string.");
  const vars = (typeof body.variables === "object" && body.variables !== null ? body.variables : {}) as Record<string, unknown>;
  const operation = /\bquery\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(body.query)?.[1];
  if (operation !== "AgentgateCommitActors") {
    return graphqlError(`the simulator answers only the query AgentgateCommitActors, not ${operation ?? "an anonymous query"}`);
  }
  const owner = String(vars.owner ?? "");
  const name = String(vars.repo ?? "");
  const repo = state.repo(`${owner}/${name}`);
  // A repository the installation cannot see does not exist for it, as on GitHub.
  if (!repo || (req.credential.kind === "installation" && req.credential.installationId !== repo.installationId)) {
    return ok({
      data: { repository: null },
      errors: [{ type: "NOT_FOUND", path: ["repository"], message: `Could not resolve to a Repository with the name '${owner}/${name}'.` }],
    });
  }
  return commitActors(state, repo, Number(vars.number), vars);
}
