import { describe, expect, it } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { ConditionalCache, useConditionalRequests } from "../../src/github/conditional.js";

/** A GitHub that answers 304 when the client sends the ETag it gave, and counts what it was asked. */
function fakeGitHub() {
  const asked: { url: string; ifNoneMatch: string | null }[] = [];
  let body = { id: 1, name: "app" };
  const etagOf = () => `W/"${JSON.stringify(body).length}-${body.name}"`;
  const fetch = async (url: string, init: { headers: Record<string, string> }) => {
    const ifNoneMatch = init.headers["if-none-match"] ?? null;
    asked.push({ url, ifNoneMatch });
    if (ifNoneMatch === etagOf()) return new Response(null, { status: 304, headers: { etag: etagOf() } });
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", etag: etagOf() } });
  };
  return { asked, fetch, change: (name: string) => (body = { ...body, name }) };
}

describe("conditional requests", () => {
  it("asks again with the ETag and answers a 304 from the copy GitHub just confirmed", async () => {
    const github = fakeGitHub();
    const cache = new ConditionalCache();
    const gh = new Octokit({ request: { fetch: github.fetch } });
    useConditionalRequests(gh as never, cache, "42");
    const first = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    const second = await gh.rest.repos.get({ owner: "acme", repo: "app" });
    expect(second.data).toEqual(first.data);
    expect(github.asked.map((a) => a.ifNoneMatch)).toEqual([null, first.headers.etag]);
    expect(cache.stats.notModified).toBe(1);
  });

  it("returns the new answer when it changed, and keeps installations apart", async () => {
    const github = fakeGitHub();
    const cache = new ConditionalCache();
    const one = new Octokit({ request: { fetch: github.fetch } });
    const two = new Octokit({ request: { fetch: github.fetch } });
    useConditionalRequests(one as never, cache, "1");
    useConditionalRequests(two as never, cache, "2");
    await one.rest.repos.get({ owner: "acme", repo: "app" });
    github.change("renamed");
    expect((await one.rest.repos.get({ owner: "acme", repo: "app" })).data).toMatchObject({ name: "renamed" });
    await two.rest.repos.get({ owner: "acme", repo: "app" });
    // The other installation never sent the first installation's ETag.
    expect(github.asked[2]!.ifNoneMatch).toBeNull();
  });

  it("keeps apart the answers of other pages, parameters and media types", async () => {
    // Each URL and accept header has its own body and ETag; a copy answering for another would show.
    const fetch = async (url: string, init: { headers: Record<string, string> }) => {
      const body = JSON.stringify({ url, accept: init.headers.accept });
      const etag = `"${Buffer.from(body).toString("base64")}"`;
      if (init.headers["if-none-match"] === etag) return new Response(null, { status: 304, headers: { etag } });
      return new Response(body, { status: 200, headers: { "content-type": "application/json", etag } });
    };
    const cache = new ConditionalCache();
    const gh = new Octokit({ request: { fetch } });
    useConditionalRequests(gh as never, cache, "1");
    const asks = [
      () => gh.rest.pulls.list({ owner: "acme", repo: "app", per_page: 100, page: 1 }),
      () => gh.rest.pulls.list({ owner: "acme", repo: "app", per_page: 100, page: 2 }),
      () => gh.rest.pulls.list({ owner: "acme", repo: "app", per_page: 100, page: 2, state: "closed" }),
      () => gh.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1 }),
      () => gh.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1, mediaType: { format: "diff" } }),
      () => gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "acme", repo: "app", pull_number: 1, headers: { accept: "application/vnd.github.raw+json" } }),
    ];
    const first = [];
    for (const ask of asks) first.push((await ask()).data as unknown);
    expect(new Set(first.map((d) => JSON.stringify(d))).size).toBe(asks.length);
    for (const [i, ask] of asks.entries()) expect((await ask()).data).toEqual(first[i]);
    expect(cache.stats.notModified).toBe(asks.length);
  });

  it("never sends writes conditionally, and keeps nothing beyond its bounds", async () => {
    const github = fakeGitHub();
    const cache = new ConditionalCache({ maxEntries: 2 });
    const gh = new Octokit({ request: { fetch: github.fetch } });
    useConditionalRequests(gh as never, cache, "1");
    for (const repo of ["a", "b", "c", "d"]) await gh.rest.repos.get({ owner: "acme", repo });
    expect(cache.size).toBe(2);
    await gh.request("POST /repos/{owner}/{repo}/statuses/{sha}", { owner: "acme", repo: "a", sha: "f".repeat(40), state: "success" });
    expect(github.asked.at(-1)!.ifNoneMatch).toBeNull();
  });

  it("answers a 304 with the body GitHub sent, whatever the last caller did to its copy", async () => {
    // Octokit's paginate unwraps a namespaced list ({ total_count, repositories }) in place.
    const body = JSON.stringify({ total_count: 1, repositories: [{ id: 1, name: "app" }] });
    const fetch = async (url: string, init: { headers: Record<string, string> }) => {
      const res =
        init.headers["if-none-match"] === '"1"'
          ? new Response(null, { status: 304, headers: { etag: '"1"' } })
          : new Response(body, { status: 200, headers: { "content-type": "application/json", etag: '"1"' } });
      return Object.defineProperty(res, "url", { value: url });
    };
    const cache = new ConditionalCache();
    const gh = new Octokit({ request: { fetch } });
    useConditionalRequests(gh as never, cache, "1");
    const first = await gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    const second = await gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    expect(cache.stats.notModified).toBe(1);
    expect(second.map((r) => r.name)).toEqual(["app"]);
    expect(second).toEqual(first);
  });

  it("answers a 304 of a binary body with its bytes, and each caller's change stays its own", async () => {
    const fetch = async (_url: string, init: { headers: Record<string, string> }) =>
      init.headers["if-none-match"] === '"b"'
        ? new Response(null, { status: 304, headers: { etag: '"b"' } })
        : new Response(new Uint8Array([7, 8, 9]), { status: 200, headers: { "content-type": "application/octet-stream", etag: '"b"' } });
    const cache = new ConditionalCache();
    const gh = new Octokit({ request: { fetch } });
    useConditionalRequests(gh as never, cache, "1");
    const first = await gh.request("GET /repos/acme/app/contents/blob.bin");
    new Uint8Array(first.data as ArrayBuffer).fill(0);
    const second = await gh.request("GET /repos/acme/app/contents/blob.bin");
    expect(cache.stats.notModified).toBe(1);
    expect([...new Uint8Array(second.data as ArrayBuffer)]).toEqual([7, 8, 9]);
  });
});
