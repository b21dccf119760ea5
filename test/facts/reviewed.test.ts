import { describe, expect, it } from "@jest/globals";
import type { Octokit } from "@octokit/rest";
import { openPullRequestsReviewedBy, reviewedByQuery } from "../../src/facts/reviewed.js";

const item = (repo: string, number: number) => ({ number, repository_url: `https://api.example.test/repos/${repo}`, pull_request: { url: "x" } });

/** GitHub's search, answering pages of `items` (100 a page) with the given extra fields. */
function search(items: ReturnType<typeof item>[], extra: Record<string, unknown> = {}): Octokit {
  return {
    rest: {
      search: {
        issuesAndPullRequests: async ({ page = 1, per_page = 100 }: { page?: number; per_page?: number }) => ({
          data: { total_count: items.length, incomplete_results: false, search_type: "lexical", items: items.slice((page - 1) * per_page, page * per_page), ...extra },
        }),
      },
    },
  } as unknown as Octokit;
}

describe("the open PRs someone reviewed", () => {
  it("asks for exactly one reviewer in one repository or organization", () => {
    expect(reviewedByQuery("maria", { owner: "acme", repo: "app" })).toBe("is:pr is:open reviewed-by:maria repo:acme/app");
    expect(reviewedByQuery("renovate[bot]", { org: "acme" })).toBe("is:pr is:open reviewed-by:renovate[bot] org:acme");
  });

  it("refuses a login that would widen the query", () => {
    for (const login of ["maria org:other", "maria\nrepo:x/y", "", "-x"]) expect(() => reviewedByQuery(login, { org: "acme" })).toThrow(/cannot be searched/);
  });

  it("reads every page, once each PR", async () => {
    const items = Array.from({ length: 230 }, (_, i) => item(i % 2 ? "acme/app" : "acme/api", i + 1));
    const found = await openPullRequestsReviewedBy(search(items), "maria", { org: "acme" });
    expect(found).toHaveLength(230);
    expect(found[1]).toEqual({ owner: "acme", repo: "app", number: 2 });
  });

  it("fails rather than answer for part of the PRs", async () => {
    await expect(openPullRequestsReviewedBy(search([item("acme/app", 1)], { incomplete_results: true }), "maria", { org: "acme" })).rejects.toThrow(/timed out/);
    await expect(openPullRequestsReviewedBy(search([item("acme/app", 1)], { search_type: "semantic" }), "maria", { org: "acme" })).rejects.toThrow(/not exact/);
    await expect(openPullRequestsReviewedBy(search([item("acme/app", 1)], { total_count: 1001 }), "maria", { org: "acme" })).rejects.toThrow(/more open PRs/);
    await expect(openPullRequestsReviewedBy(search([{ number: 1 } as never]), "maria", { org: "acme" })).rejects.toThrow(/malformed/);
  });
});
