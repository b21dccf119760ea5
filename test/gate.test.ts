import { describe, expect, it } from "@jest/globals";
import { oneAtATime } from "../src/gate.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("one delivery at a time per repository", () => {
  it("lets an earlier evaluation finish publishing before a later one starts", async () => {
    const log: string[] = [];
    const slow = oneAtATime("acme/app", async () => {
      log.push("A reads");
      await tick(30);
      log.push("A publishes");
    });
    const fast = oneAtATime("acme/app", async () => {
      log.push("B reads");
      log.push("B publishes");
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(["A reads", "A publishes", "B reads", "B publishes"]);
  });

  it("does not hold other repositories back, and survives a failure", async () => {
    const log: string[] = [];
    const failing = oneAtATime("acme/one", async () => {
      await tick(30);
      throw new Error("GitHub is down");
    });
    const other = oneAtATime("acme/two", async () => void log.push("two"));
    const after = oneAtATime("acme/one", async () => void log.push("one again"));
    await expect(failing).rejects.toThrow("GitHub is down");
    await Promise.all([other, after]);
    expect(log).toEqual(["two", "one again"]);
  });
});

describe("a delivery's turn is bounded", () => {
  it("lets the next delivery go ahead when one overruns its turn, and fences the one that overran", async () => {
    const { Octokit } = await import("@octokit/rest");
    const { guardRequests, TurnExpiredError } = await import("../src/deadlines.js");
    const sent: string[] = [];
    const gh = new Octokit({
      request: {
        fetch: async (url: string) => {
          sent.push(url);
          return new Response("{}", { status: 201, headers: { "content-type": "application/json" } });
        },
      },
    });
    guardRequests(gh);
    let release: () => void = () => undefined;
    const stuck = oneAtATime(
      "acme/stuck",
      async () => {
        await new Promise<void>((r) => (release = r)); // e.g. a regular expression or a slow sweep
        await gh.request("POST /repos/{owner}/{repo}/statuses/{sha}", { owner: "acme", repo: "app", sha: "a".repeat(40), state: "success" });
      },
      50,
    );
    const next = oneAtATime("acme/stuck", async () => "next ran", 1_000);
    await expect(stuck).rejects.toBeInstanceOf(TurnExpiredError);
    await expect(next).resolves.toBe("next ran");
    release();
    await tick(20);
    expect(sent).toEqual([]); // the stale "success" was never sent
  });

  it("times a request out when GitHub never answers", async () => {
    const { Octokit } = await import("@octokit/rest");
    const { configureDeadlines, deadlines, guardRequests } = await import("../src/deadlines.js");
    const before = deadlines.requestTimeoutMs;
    configureDeadlines({ requestTimeoutMs: 50 });
    try {
      const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
      const gh = new Octokit({ log: quiet, request: { fetch: () => new Promise<Response>(() => undefined) } });
      guardRequests(gh);
      await expect(gh.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1 })).rejects.toThrow(
        "GitHub did not answer GET /repos/acme/app/pulls/1 within 0.05 s",
      );
    } finally {
      configureDeadlines({ requestTimeoutMs: before });
    }
  });
});
