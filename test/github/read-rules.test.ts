/**
 * readAndDecide's rules on what may stand in for a read, against in-memory reads (no HTTP): a
 * copy (a cached permission, a PR as a list gave it, lists started before the PR was read) can
 * save a request, and is never the reason for a success. Each rule has a case where GitHub changes
 * under the copy, and a control where it does not.
 */
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "@jest/globals";
import { readAndDecide, type ReadSource } from "../../src/github/evaluate.js";
import { policyReaderOn } from "../../src/facts/github.js";
import { cachesOutsideAnApp } from "../../src/runtime/caches.js";
import { AGENT_COMMITTER, FakeReads, type FakePull } from "../helpers/fake-reads.js";

const H1 = "1".repeat(40);
const H2 = "2".repeat(40);
const REF = { owner: "acme", repo: "app", number: 7 };

function agentPull(headSha: string, files: FakePull["files"] = [{ filename: "src/app.ts", patch: "@@ -1 +1 @@\n-a\n+b" }]): FakePull {
  return {
    number: REF.number,
    headSha,
    baseRef: "main",
    author: { login: "Copilot", type: "Bot" },
    commits: [{ sha: headSha, message: "Change the answer", author: AGENT_COMMITTER }],
    files,
    reviews: [
      { id: 1, login: "maria", state: "APPROVED", commitId: headSha },
      { id: 2, login: "max", state: "APPROVED", commitId: headSha },
    ],
  };
}

let gh: FakeReads;
const source = (): ReadSource => ({ reads: gh, policyReader: () => policyReaderOn(gh) });

beforeEach(() => {
  cachesOutsideAnApp().clear();
  gh = new FakeReads();
  gh.permissions.set("maria", "write");
  gh.permissions.set("max", "write");
  gh.pulls.set(REF.number, agentPull(H1));
});

describe("a cached permission", () => {
  it("does not let a reviewer demoted within its minute count", async () => {
    expect((await readAndDecide(source(), REF)).decision.state).toBe("success");
    gh.permissions.set("max", "read");
    const { decision } = await readAndDecide(source(), REF);
    expect(decision.state).toBe("pending");
    expect(decision.headline).toMatch(/1\/2 approvals/);
  });

  it("control: an unchanged permission still passes, read again before the success", async () => {
    await readAndDecide(source(), REF);
    const before = gh.count("permission");
    expect((await readAndDecide(source(), REF)).decision.state).toBe("success");
    expect(gh.count("permission") - before).toBe(2);
  });
});

describe("a PR as a list gave it", () => {
  it("is read whole before a success: a list naming a lenient base does not pass a PR into main", async () => {
    gh.repoFiles.set(`.agentgate.yml@${"3".repeat(40)}`, "approvals:\n  required: 0\n");
    gh.tips.set("lax", "3".repeat(40));
    gh.pulls.get(REF.number)!.reviews = [];
    const listed = { ...(gh.listed(REF.number) as Record<string, unknown>), base: { sha: "3".repeat(40), ref: "lax", repo: { name: "app", owner: { login: "acme" } } } };
    const { decision, baseRef } = await readAndDecide(source(), REF, {}, { listed });
    expect(baseRef).toBe("main");
    expect(decision.state).toBe("pending");
    expect(gh.count("pullRequest")).toBe(1);
  });

  it("control: a list copy that says what pulls.get says passes, after one pulls.get", async () => {
    const { decision } = await readAndDecide(source(), REF, {}, { listed: gh.listed(REF.number) });
    expect(decision.state).toBe("success");
    expect(gh.count("pullRequest")).toBe(1);
  });

  it("control: below a success it saves pulls.get", async () => {
    gh.pulls.get(REF.number)!.reviews = [];
    const { decision } = await readAndDecide(source(), REF, {}, { listed: gh.listed(REF.number) });
    expect(decision.state).toBe("pending");
    expect(gh.count("pullRequest")).toBe(0);
  });
});

describe("the change compared beside the PR read", () => {
  const workflowChange = [
    { filename: "src/app.ts", patch: "@@ -1 +1 @@\n-a\n+b" },
    { filename: ".github/workflows/ci.yml", patch: "@@ -1 +1 @@\n-run: test\n+run: deploy" },
  ];

  it("are not used when the PR read names another head: a push between the reads is judged on its own files", async () => {
    await readAndDecide(source(), REF, {}, { headShaHint: H1, baseRefHint: "main" }); // the PR's size is known from now on
    gh.onPullRequestRead = () => {
      gh.onPullRequestRead = undefined;
      gh.pulls.set(REF.number, agentPull(H2, workflowChange));
    };
    const { decision, headSha } = await readAndDecide(source(), REF, {}, { headShaHint: H1, baseRefHint: "main" });
    expect(headSha).toBe(H2);
    expect(decision.state).toBe("failure");
    expect(decision.findings.some((f) => f.file === ".github/workflows/ci.yml")).toBe(true);
  });

  it("control: for the base and head the PR read names, it stands in for the PR's lists", async () => {
    await readAndDecide(source(), REF, {}, { headShaHint: H1, baseRefHint: "main" });
    const lists = () => gh.count("files") + gh.count("commits");
    const [listsBefore, comparesBefore] = [lists(), gh.count("compare")];
    const { decision } = await readAndDecide(source(), REF, {}, { headShaHint: H1, baseRefHint: "main" });
    expect(decision.state).toBe("success");
    expect(lists() - listsBefore).toBe(0);
    expect(gh.count("compare") - comparesBefore).toBe(1);
  });
});

describe("a compare that shows less than the PR", () => {
  // A tag named like the base branch moves the merge base a compare of `main...head` starts from:
  // the commit that touched the workflow (and the workflow with it) drops out of the answer.
  const C1 = "c".repeat(40);
  const shadowed = () => {
    const pull = agentPull(H1, [
      { filename: "src/app.ts", patch: "@@ -1 +1 @@\n-a\n+b" },
      { filename: ".github/workflows/ci.yml", patch: "@@ -1 +1 @@\n-run: test\n+run: deploy" },
    ]);
    pull.commits = [{ sha: C1, message: "Deploy from CI", author: AGENT_COMMITTER }, ...pull.commits];
    gh.pulls.set(REF.number, pull);
    const [, last] = gh.restCommits(pull);
    const [app] = gh.restFiles(pull);
    gh.compareAnswers.set(`main...${H1}`, { totalCommits: 1, commits: [last!], files: [app!] });
  };
  const workflowFound = (findings: { file?: string }[]) => findings.some((f) => f.file === ".github/workflows/ci.yml");

  it("is not taken for the change: the PR's counts disagree, so its own lists are read", async () => {
    shadowed();
    const { decision } = await readAndDecide(source(), REF);
    expect(decision.state).toBe("failure");
    expect(workflowFound(decision.findings)).toBe(true);
  });

  it("is not taken for a PR a list gave (no counts to check): the success it leads to reads the PR whole", async () => {
    shadowed();
    const { decision } = await readAndDecide(source(), REF, {}, { listed: gh.listed(REF.number) });
    expect(decision.state).toBe("failure");
    expect(workflowFound(decision.findings)).toBe(true);
  });

  it("control: a compare that agrees with the PR stands in for both lists", async () => {
    gh.pulls.set(REF.number, agentPull(H1));
    const { decision } = await readAndDecide(source(), REF);
    expect(decision.state).toBe("success");
    expect(gh.count("files") + gh.count("commits")).toBe(0);
  });
});

describe("a copy of a default-branch policy that replicas share", () => {
  const strict = "approvals:\n  required: 3\n";
  const lenient = "approvals:\n  required: 0\n";
  const blobSha = (text: string) => createHash("sha1").update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest("hex");
  const sharing = (copy: unknown) => ({
    get: async () => ({ generation: "1", copy: copy as never }),
    set: async () => undefined,
    forget: async () => undefined,
  });

  it("is read again from GitHub when it is not a file as read (its blob sha is not its text's)", async () => {
    gh.repoFiles.set(".agentgate.yml@main", strict);
    const file = await policyReaderOn(gh, sharing({ file: { text: lenient, sha: "a".repeat(40) } })).read("acme", "app", ".agentgate.yml", undefined);
    expect(file?.text).toBe(strict);
  });

  it("control: a well-formed copy stands in for the read", async () => {
    gh.repoFiles.set(".agentgate.yml@main", strict);
    const file = await policyReaderOn(gh, sharing({ file: { text: strict, sha: blobSha(strict) } })).read("acme", "app", ".agentgate.yml", undefined);
    expect(file?.text).toBe(strict);
    expect(gh.count("content")).toBe(0);
  });
});
