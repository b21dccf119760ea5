import { describe, expect, it } from "@jest/globals";
import { createRequire } from "node:module";
import {
  commitFromRest,
  fileFromRest,
  pullRequestSignalsFromRest,
  RestShapeError,
  reviewFromRest,
  type RestCommit,
  type RestFile,
  type RestPullRequest,
  type RestReview,
} from "../../src/facts/rest.js";

// Real payload shapes: GitHub's own OpenAPI examples and recorded webhook payloads.
const require = createRequire(import.meta.url);
const openapi = require("@octokit/openapi/generated/api.github.com.json") as {
  components: { examples: Record<string, { value: unknown }> };
};
const example = <T>(name: string): T => structuredClone(openapi.components.examples[name]!.value) as T;
const webhooks = require("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: { action?: string; pull_request?: unknown }[];
}[];
const webhookPullRequests = webhooks.find((w) => w.name === "pull_request")!.examples.map((e) => e.pull_request as RestPullRequest);

describe("commitFromRest", () => {
  it("reads the list-pull-request-commits item GitHub documents", () => {
    const [item] = example<RestCommit[]>("commit-items");
    const commit = commitFromRest(item!);
    expect(commit).toMatchObject({
      sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
      message: "Fix all the bugs",
      author: { name: "Monalisa Octocat", email: "support@github.com", login: "octocat", type: "User" },
    });
    expect(commit.parents).toEqual([expect.stringMatching(/^[0-9a-f]{40}$/)]);
  });

  it("keeps the git identity when GitHub could not link the email to an account", () => {
    const [item] = example<RestCommit[]>("commit-items");
    const unlinked = { ...item!, author: null, committer: null };
    expect(commitFromRest(unlinked).author).toEqual({ name: "Monalisa Octocat", email: "support@github.com", login: null, type: null });
    expect(commitFromRest({ ...item!, author: {} } as unknown as RestCommit).author.login).toBeNull();
  });

  it("refuses a commit without sha or message, naming the field", () => {
    expect(() => commitFromRest({} as RestCommit)).toThrow(new RestShapeError("commit: `sha` is missing or not a string"));
    expect(() => commitFromRest({ sha: "abc", commit: {} } as unknown as RestCommit)).toThrow(/`commit.message` is missing/);
  });
});

describe("fileFromRest", () => {
  it("reads the list-pull-request-files item GitHub documents", () => {
    const [item] = example<RestFile[]>("diff-entry-items");
    expect(fileFromRest(item!)).toEqual({
      filename: "file1.txt",
      status: "added",
      patch: item!.patch,
      sha: item!.sha,
      additions: 103,
      deletions: 21,
    });
  });

  it("keeps a rename's old name and notes a missing patch (binary or too large) as absent", () => {
    const renamed = { filename: "b.tf", previous_filename: "a.tf", status: "renamed", additions: 0, deletions: 0 } as RestFile;
    const file = fileFromRest(renamed);
    expect(file).toMatchObject({ filename: "b.tf", previousFilename: "a.tf", status: "renamed" });
    expect("patch" in file).toBe(false);
  });

  it("still checks a file whose status it does not know", () => {
    expect(fileFromRest({ filename: "x", status: "teleported" } as unknown as RestFile).status).toBe("modified");
  });
});

describe("reviewFromRest", () => {
  it("reads the list-reviews item GitHub documents", () => {
    const [item] = example<RestReview[]>("pull-request-review-items");
    expect(reviewFromRest(item!)).toEqual({
      id: 80,
      user: { login: "octocat", type: "User" },
      state: "APPROVED",
      commitId: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
      submittedAt: "2019-11-17T17:43:43Z",
    });
  });

  it("a deleted reviewer becomes the ghost account, and an unknown state is never an approval", () => {
    const [item] = example<RestReview[]>("pull-request-review-items");
    const review = reviewFromRest({ ...item!, user: null, state: "SUPER_APPROVED", commit_id: null } as unknown as RestReview);
    expect(review).toMatchObject({ user: { login: "ghost" }, state: "COMMENTED", commitId: null });
  });
});

describe("pullRequestSignalsFromRest", () => {
  it("reads the pull request GitHub documents for pulls.get", () => {
    const pr = example<RestPullRequest>("pull-request");
    expect(pullRequestSignalsFromRest(pr)).toEqual({
      repo: { owner: "octocat", name: "Hello-World", defaultBranch: "master" },
      number: 1347,
      title: "Amazing new feature",
      body: pr.body,
      draft: false,
      state: "open",
      author: { login: "octocat", type: "User" },
      headSha: pr.head.sha,
      headRef: "new-topic",
      baseRef: "master",
      baseSha: pr.base.sha,
      labels: ["bug"],
      assignees: [
        { login: "octocat", type: "User" },
        { login: "hubot", type: "User" },
      ],
      changedFiles: 5,
      commitCount: 3,
    });
  });

  it("reads every recorded pull_request webhook payload", () => {
    expect(webhookPullRequests.length).toBeGreaterThan(10);
    for (const pr of webhookPullRequests) {
      const signals = pullRequestSignalsFromRest(pr);
      expect(signals.number).toBe(pr.number);
      expect(signals.headSha).toMatch(/^[0-9a-f]{40}$/);
      expect(typeof signals.body).toBe("string");
    }
  });

  it("turns GitHub's nulls into plain values", () => {
    const pr = { ...example<RestPullRequest>("pull-request"), body: null, user: null, draft: undefined } as unknown as RestPullRequest;
    expect(pullRequestSignalsFromRest(pr)).toMatchObject({ body: "", author: { login: "ghost" }, draft: false });
  });

  it("a merged pull request is closed", () => {
    const pr = { ...example<RestPullRequest>("pull-request"), state: "closed", merged: true } as RestPullRequest;
    expect(pullRequestSignalsFromRest(pr).state).toBe("closed");
  });

  it("refuses something that is not a pull request, naming what is missing", () => {
    expect(() => pullRequestSignalsFromRest([] as unknown as RestPullRequest)).toThrow(/`number` is missing/);
    const { head: _head, ...noHead } = example<RestPullRequest>("pull-request");
    expect(() => pullRequestSignalsFromRest(noHead as RestPullRequest)).toThrow("pull request: `head.sha` is missing or not a string");
  });
});
