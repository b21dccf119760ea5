import { describe, expect, it } from "@jest/globals";
import { checkNamesOf, forgeryAnswer, isStatusCapError, oneAtATime, type Evaluation, type RepositoryQueues, type OurCheckRun } from "../src/gate.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const queues: RepositoryQueues = new Map();

describe("one delivery at a time per repository", () => {
  it("lets an earlier evaluation finish publishing before a later one starts", async () => {
    const log: string[] = [];
    const slow = oneAtATime(queues, "acme/app", async () => {
      log.push("A reads");
      await tick(30);
      log.push("A publishes");
    });
    const fast = oneAtATime(queues, "acme/app", async () => {
      log.push("B reads");
      log.push("B publishes");
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(["A reads", "A publishes", "B reads", "B publishes"]);
  });

  it("does not hold other repositories back, and survives a failure", async () => {
    const log: string[] = [];
    const failing = oneAtATime(queues, "acme/one", async () => {
      await tick(30);
      throw new Error("GitHub is down");
    });
    const other = oneAtATime(queues, "acme/two", async () => void log.push("two"));
    const after = oneAtATime(queues, "acme/one", async () => void log.push("one again"));
    await expect(failing).rejects.toThrow("GitHub is down");
    await Promise.all([other, after]);
    expect(log).toEqual(["two", "one again"]);
  });
});

describe("answering a status someone else posted", () => {
  const run = (name: string, conclusion: string | null, title = "2/2 approvals · agent: copilot"): OurCheckRun => ({
    id: 1,
    name,
    status: conclusion ? "completed" : "in_progress",
    conclusion,
    output: { title, summary: "" },
  });

  it("leaves contexts that are not agentgate's alone", () => {
    expect(forgeryAnswer("ci/build", "dana", "success", [run("agentgate", null)], ["agentgate"]).kind).toBe("ignore");
  });

  it("answers a forged success with failure on any name a policy or check run uses, in any case", () => {
    for (const [context, runs] of [
      ["agentgate", [run("agentgate", null)]],
      ["agentgate-release", [run("agentgate-release", "failure")]],
      ["AgentGate", [run("agentgate", "success")]],
      ["agentgate", []],
    ] as const) {
      expect(forgeryAnswer(context, "dana", "success", runs, ["agentgate"])).toMatchObject({ kind: "answer", state: "failure" });
    }
  });

  it("restores a success the check run holds, and spends no status on a forgery that passes nothing", () => {
    expect(forgeryAnswer("agentgate", "dana", "failure", [run("agentgate", "success")], [])).toMatchObject({
      kind: "answer",
      state: "success",
      description: "2/2 approvals · agent: copilot",
    });
    expect(forgeryAnswer("agentgate", "dana", "pending", [run("agentgate", null)], []).kind).toBe("ignore");
  });

  it("recognizes GitHub's refusal once a context holds 1000 statuses", () => {
    const refused = Object.assign(new Error("Validation Failed"), {
      status: 422,
      response: { data: { errors: [{ resource: "Status", code: "custom", message: "This SHA and context has reached the maximum number of statuses." }] } },
    });
    expect(isStatusCapError(refused)).toBe(true);
    expect(isStatusCapError(Object.assign(new Error("Validation Failed"), { status: 422 }))).toBe(false);
  });
});

describe("twins on one head", () => {
  it("publish under every check name their policies use", () => {
    const ev = (checkName: string) => ({ decision: { checkName } }) as unknown as Evaluation;
    expect(checkNamesOf([ev("agentgate"), ev("agentgate-release"), ev("agentgate")])).toEqual(["agentgate", "agentgate-release"]);
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
      queues,
      "acme/stuck",
      async () => {
        await new Promise<void>((r) => (release = r)); // e.g. a regular expression or a slow sweep
        await gh.request("POST /repos/{owner}/{repo}/statuses/{sha}", { owner: "acme", repo: "app", sha: "a".repeat(40), state: "success" });
      },
      50,
    );
    const next = oneAtATime(queues, "acme/stuck", async () => "next ran", 1_000);
    await expect(stuck).rejects.toBeInstanceOf(TurnExpiredError);
    await expect(next).resolves.toBe("next ran");
    release();
    await tick(20);
    expect(sent).toEqual([]); // the stale "success" was never sent
  });

  it("times a request out when GitHub never answers", async () => {
    const { Octokit } = await import("@octokit/rest");
    const { guardRequests } = await import("../src/deadlines.js");
    const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const gh = new Octokit({ log: quiet, request: { fetch: () => new Promise<Response>(() => undefined) } });
    guardRequests(gh, { requestTimeoutMs: 50, turnLimitMs: 1_000 });
    await expect(gh.rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1 })).rejects.toThrow(
      "GitHub did not answer GET /repos/acme/app/pulls/1 within 0.05 s",
    );
  });
});
