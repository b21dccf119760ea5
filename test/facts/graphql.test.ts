/**
 * The GraphQL query agentgate sends is valid against GitHub's published schema, and its answer is
 * read the way GitHub means it (an unlinked email is `user: null`).
 */
import { describe, expect, it } from "@jest/globals";
import { schema as github } from "@octokit/graphql-schema";
import { buildSchema, parse, validate } from "graphql";
import { COMMIT_ACTORS_QUERY, GraphqlShapeError, linkCommitEmails, linksFromPage } from "../../src/facts/graphql.js";

// The published SDL defines two EnterpriseOwnerInfo fields twice; that does not touch this query.
const schema = buildSchema(github.idl, { assumeValidSDL: true });

describe("the commit actors query", () => {
  it("validates against GitHub's GraphQL schema", () => {
    expect(validate(schema, parse(COMMIT_ACTORS_QUERY)).map((e) => e.message)).toEqual([]);
  });

  it("the check can fail: a field GitHub does not have is refused", () => {
    const wrong = COMMIT_ACTORS_QUERY.replace("oid", "oid coAuthorsLinked");
    expect(validate(schema, parse(wrong)).map((e) => e.message).join("\n")).toMatch(/coAuthorsLinked/);
  });
});

const actor = (email: string, login: string | null) => ({ name: "X", email, user: login ? { login } : null });

describe("reading GitHub's links", () => {
  it("maps each email to its account, or to null when GitHub links it to none", () => {
    const links = linksFromPage({
      nodes: [
        { commit: { oid: "a", authors: { totalCount: 2, nodes: [actor("Bot@x.example", null), actor("Eve@Corp.example", "eve")] }, committer: actor("web@x.example", null) } },
      ],
    });
    expect(links).toEqual({ "bot@x.example": null, "eve@corp.example": "eve", "web@x.example": null });
  });

  it("refuses an answer without the commits' authors", () => {
    expect(() => linksFromPage({ nodes: [{ commit: { oid: "a" } }] })).toThrow(GraphqlShapeError);
  });

  it("pages through more than 100 commits with the cursor", async () => {
    const calls: unknown[] = [];
    const gh = {
      graphql: async (_q: string, vars: Record<string, unknown>) => {
        calls.push(vars.after);
        const last = vars.after === "c1";
        return {
          repository: {
            pullRequest: {
              commits: {
                totalCount: 150,
                pageInfo: { hasNextPage: !last, endCursor: last ? null : "c1" },
                nodes: [{ commit: { oid: "a", authors: { totalCount: 1, nodes: [actor(last ? "two@x.example" : "one@x.example", "u")] }, committer: null } }],
              },
            },
          },
        };
      },
    } as unknown as Parameters<typeof linkCommitEmails>[0];
    expect(await linkCommitEmails(gh, { owner: "acme", repo: "app", number: 1 })).toEqual({ "one@x.example": "u", "two@x.example": "u" });
    expect(calls).toEqual([null, "c1"]);
  });
});
