import { describe, expect, it } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { appAnswer, checked, membershipAnswer, permissionAnswer, pullRequestAnswer, reviewAnswer } from "../../src/facts/answers.js";
import { readWholeList } from "../../src/facts/pages.js";

const SHA = "a".repeat(40);

describe("GitHub answers are checked before a decision rests on them", () => {
  it("rejects a permission answer without a known permission, and names the field, not the value", () => {
    expect(() => checked(permissionAnswer, { role_name: "admin" }, "the permission of @maria")).toThrow(
      "GitHub's answer to the permission of @maria is malformed (permission)",
    );
    expect(() => checked(permissionAnswer, { permission: "superuser" }, "p")).toThrow("malformed (permission)");
    expect(() => checked(permissionAnswer, "<html>", "p")).toThrow("malformed ((the body))");
    // A custom role keeps its name in role_name; the folded permission is what is checked.
    expect(checked(permissionAnswer, { permission: "write", role_name: "security-reviewer" }, "p")).toEqual({ permission: "write", role_name: "security-reviewer" });
  });

  it("rejects a membership without an active or pending state", () => {
    expect(() => checked(membershipAnswer, {}, "m")).toThrow("malformed (state)");
    expect(() => checked(membershipAnswer, { state: "maybe" }, "m")).toThrow("malformed (state)");
    expect(checked(membershipAnswer, { state: "pending", role: "member" }, "m")).toMatchObject({ state: "pending" });
  });

  it("rejects a pull request without a head SHA or the counts the completeness checks use", () => {
    const pr = {
      number: 7, state: "open", title: "t", body: null, user: { login: "Copilot", type: "Bot" }, labels: [],
      head: { sha: SHA, ref: "copilot/x" }, base: { sha: SHA, ref: "main", repo: { name: "app", owner: { login: "acme" } } },
      changed_files: 1, commits: 2,
    };
    expect(checked(pullRequestAnswer, pr, "pulls.get")).toBe(pr); // the original object, unknown fields kept
    expect(() => checked(pullRequestAnswer, { ...pr, head: { ref: "x", sha: 5 } }, "pulls.get")).toThrow("malformed (head.sha)");
    expect(() => checked(pullRequestAnswer, { ...pr, changed_files: undefined }, "pulls.get")).toThrow("malformed (changed_files)");
  });

  it("rejects a review whose state could hide a change request", () => {
    const review = { id: 1, user: { login: "maria", type: "User" }, state: "CHANGES_REQUESTED", commit_id: SHA };
    expect(checked(reviewAnswer, review, "r")).toBe(review);
    expect(() => checked(reviewAnswer, { ...review, state: undefined }, "r")).toThrow("malformed (state)");
    expect(() => checked(reviewAnswer, { ...review, state: "BLOCKED" }, "r")).toThrow("malformed (state)");
  });

  it("rejects an app identity without a numeric id and a slug", () => {
    expect(() => checked(appAnswer, { id: "1", slug: "agentgate" }, "app")).toThrow("malformed (id)");
    expect(() => checked(appAnswer, null, "app")).toThrow("malformed");
    expect(checked(appAnswer, { id: 1, slug: "agentgate", name: "x" }, "app")).toMatchObject({ id: 1 });
  });
});

/** An Octokit whose fetch answers the reviews list from `pages` (an array per page, or a raw body). */
function listing(pages: { body: unknown; next?: boolean }[]) {
  const asked: string[] = [];
  const fetch = async (url: string) => {
    asked.push(url);
    const page = Number(new URL(url).searchParams.get("page") ?? "1");
    const p = pages[page - 1] ?? { body: [] };
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (p.next) headers.link = `<https://api.github.com/repos/acme/app/pulls/1/reviews?per_page=2&page=${page + 1}>; rel="next"`;
    return new Response(JSON.stringify(p.body), { status: 200, headers });
  };
  return { gh: new Octokit({ request: { fetch } }), asked };
}

const review = (id: number, state = "APPROVED") => ({ id, user: { login: `u${id}`, type: "User" }, state, commit_id: SHA });
const read = (gh: Octokit) =>
  readWholeList<{ id: number }>(gh, "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", { owner: "acme", repo: "app", pull_number: 1 }, {
    what: "the reviews of #1", item: reviewAnswer, perPage: 2, idOf: (r) => r.id, confirmEnd: true,
  });

describe("a paginated list is read whole or not at all", () => {
  it("reads every page", async () => {
    const { gh } = listing([{ body: [review(1), review(2)], next: true }, { body: [review(3)] }]);
    expect((await read(gh)).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it("refuses a short page that has a next link", async () => {
    const { gh } = listing([{ body: [review(1)], next: true }, { body: [review(3)] }]);
    await expect(read(gh)).rejects.toThrow("short page (page 1: 1 of 2)");
  });

  it("asks for the page after a full last page, and reads on if GitHub lost the link", async () => {
    const { gh, asked } = listing([{ body: [review(1), review(2)] }, { body: [review(3, "CHANGES_REQUESTED")] }]);
    expect((await read(gh)).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(asked).toHaveLength(2);
  });

  it("refuses a page that is not a list (null, an object, text) and an item listed twice", async () => {
    await expect(read(listing([{ body: null }]).gh)).rejects.toThrow("is not a list (page 1)");
    await expect(read(listing([{ body: { reviews: [] } }]).gh)).rejects.toThrow("is not a list");
    await expect(read(listing([{ body: [review(1), review(2)], next: true }, { body: [review(2)] }]).gh)).rejects.toThrow("an item twice");
    await expect(read(listing([{ body: [review(1), { id: 2 }] }]).gh)).rejects.toThrow("item 2) is malformed");
  });
});
