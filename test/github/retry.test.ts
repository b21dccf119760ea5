import { describe, expect, it } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { guardRequests, withinTurn } from "../../src/deadlines.js";
import { retryFailed } from "../../src/github/retry.js";

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const RetryingOctokit = Octokit.plugin(retryFailed as never);

/** A GitHub answering each request with the next of `answers` (the last one from then on); counts the asks. */
function scripted(answers: (number | "hang" | { graphql: string })[]) {
  const asked: string[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    asked.push(`${init.method} ${new URL(url).pathname}`);
    const answer = answers[Math.min(asked.length - 1, answers.length - 1)]!;
    if (answer === "hang") return new Promise<Response>(() => undefined);
    const json = { "content-type": "application/json" };
    if (typeof answer === "object") return new Response(JSON.stringify({ errors: [{ message: answer.graphql }] }), { status: 200, headers: json });
    if (answer === 304) return new Response(null, { status: 304 });
    return new Response(JSON.stringify(answer === 200 ? { number: 1, data: { viewer: { login: "a" } } } : { message: "no" }), { status: answer, headers: json });
  };
  return { asked, fetch };
}

function client(github: ReturnType<typeof scripted>, retries?: { retries?: number; retryBaseMs?: number }) {
  return new RetryingOctokit({ log: quiet, request: { fetch: github.fetch }, retryFailed: { retryBaseMs: 1, ...retries } } as never) as unknown as Octokit;
}

const getPull = (gh: Octokit) => gh.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1 });

describe("retries of what failed on GitHub's side", () => {
  it("asks again after a 502 and answers with the attempt that worked", async () => {
    const github = scripted([502, 503, 200]);
    await expect(getPull(client(github))).resolves.toMatchObject({ status: 200, data: { number: 1 } });
    expect(github.asked).toHaveLength(3);
  });

  it("gives up after three retries with GitHub's error", async () => {
    const github = scripted([502]);
    await expect(getPull(client(github))).rejects.toMatchObject({ status: 502 });
    expect(github.asked).toHaveLength(4);
  });

  it("waits 1, 4 and 9 times the base between the attempts", async () => {
    const github = scripted([500]);
    const started = Date.now();
    await expect(getPull(client(github, { retryBaseMs: 20 }))).rejects.toMatchObject({ status: 500 });
    expect(Date.now() - started).toBeGreaterThanOrEqual((1 + 4 + 9) * 20 - 5);
  });

  it("retries a 429 but not the answers that would not change", async () => {
    const limited = scripted([429, 200]);
    await expect(getPull(client(limited))).resolves.toMatchObject({ status: 200 });
    expect(limited.asked).toHaveLength(2);
    for (const status of [400, 401, 403, 404, 410, 422, 451]) {
      const github = scripted([status, 200]);
      await expect(getPull(client(github))).rejects.toMatchObject({ status });
      expect(github.asked).toHaveLength(1);
    }
  });

  it("does not retry a 304: it is an answer", async () => {
    const github = scripted([304, 200]);
    await expect(getPull(client(github))).rejects.toMatchObject({ status: 304 });
    expect(github.asked).toHaveLength(1);
  });

  it("retries a timed-out attempt, each attempt with its own timeout", async () => {
    const github = scripted(["hang", 200]);
    const gh = client(github);
    guardRequests(gh, { requestTimeoutMs: 30, turnLimitMs: 5_000 });
    await expect(getPull(gh)).resolves.toMatchObject({ status: 200 });
    expect(github.asked).toHaveLength(2);
  });

  it("does not retry a request its delivery's turn fenced off: it fails at once", async () => {
    const github = scripted(["hang"]);
    // Retries would wait 2, 8 and 18 s here; a fenced request must not hold anything that long.
    const gh = client(github, { retryBaseMs: 2_000 });
    guardRequests(gh, { requestTimeoutMs: 10_000, turnLimitMs: 5_000 });
    let failed: { message?: string; at: number } | undefined;
    const started = Date.now();
    await withinTurn(async () => {
      await getPull(gh).catch((e: { message?: string }) => (failed = { message: e.message, at: Date.now() - started }));
    }, 50).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(failed?.message).toMatch(/turn is over/);
    expect(failed!.at).toBeLessThan(1_000);
    expect(github.asked).toHaveLength(1);
  });

  it("asks GraphQL again when GitHub's answer is its internal hiccup, and passes other errors on", async () => {
    const hiccup = scripted([{ graphql: "Something went wrong while executing your query. Please try again." }, 200]);
    await expect(client(hiccup).graphql("{ viewer { login } }")).resolves.toEqual({ viewer: { login: "a" } });
    expect(hiccup.asked).toEqual(["POST /graphql", "POST /graphql"]);

    const refused = scripted([{ graphql: "Field 'nope' doesn't exist on type 'Query'" }, 200]);
    await expect(client(refused).graphql("{ nope }")).rejects.toThrow(/doesn't exist/);
    expect(refused.asked).toHaveLength(1);
  });

  it("asks only once when told to make no retries", async () => {
    const github = scripted([502, 200]);
    await expect(getPull(client(github, { retries: 0 }))).rejects.toMatchObject({ status: 502 });
    expect(github.asked).toHaveLength(1);
  });
});
