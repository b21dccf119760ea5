/**
 * What the app sends is what GitHub accepts: every request agentgate makes during a busy story is a
 * documented REST operation (or its one GraphQL query, validated in test/facts/graphql.test.ts),
 * and every body it writes (statuses, check runs with annotations) is valid against GitHub's own
 * OpenAPI description.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { RequestLogEntry } from "../../devtools/simulator/index.js";
import { checkRequestBody, OpenApiChecker } from "../simulator/schemas.js";
import { copilot, copilotPullRequest, headOf, people, REPO, seedRepo, startStack, type Stack } from "./harness.js";

let stack: Stack;
let checker: OpenApiChecker;
const requests: RequestLogEntry[] = [];
const writes: { method: string; path: string; body: unknown }[] = [];

beforeAll(async () => {
  checker = new OpenApiChecker();
  stack = await startStack();
  const { sim } = stack;
  sim.on("request", (e: RequestLogEntry) => requests.push(e));
  sim.on("write", (w: { method: string; path: string; body: unknown }) => writes.push(w));

  seedRepo(sim, {
    ".agentgate.yml": "paths:\n  - name: terraform\n    paths: ['infra/**']\n    teams: [acme/platform]\n",
    "infra/db.tf": 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n  deletion_protection = true\n}\n',
  });
  // The PR's body says "Fixes #1": an issue, whose assignees are read.
  sim.createIssue(REPO, { title: "Harden the database", author: people.requester.login, assignees: [people.requester.login] });
  const { number, branch } = await copilotPullRequest(sim, {
    "infra/db.tf": 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n  deletion_protection = false\n}\n',
    "infra/main.tf": null,
  });
  await sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await sim.submitReview(REPO, number, { reviewer: people.requester.login, event: "APPROVE" });
  // A co-author REST cannot link: GitHub's GraphQL is asked.
  await sim.push(REPO, branch, { files: { "README.md": "# app\n\nmore\n" }, message: "docs\n\nCo-authored-by: Dana <dana@home.example>", author: copilot.commitIdentity });
  sim.commit(REPO, { branch: "main", files: { "NOTES.md": "n\n" }, message: "notes", author: people.maintainerA });
  await sim.updatePullRequestBranch(REPO, number);
  await sim.submitReview(REPO, number, { reviewer: people.platform.login, event: "REQUEST_CHANGES" });
  await sim.postStatus(REPO, headOf(sim, number), { state: "success", context: "agentgate" }, people.requester.login);
  const run = sim.checkRuns(REPO, headOf(sim, number)).at(-1)!;
  await sim.rerequestCheckRun(REPO, run.id, people.maintainerA.login);
  await sim.enqueueMergeGroup(REPO, [number]);
  await sim.push(REPO, "main", { files: { ".agentgate.yml": "approvals:\n  required: 3\n" }, message: "policy", author: people.maintainerA });
  sim.addRepo({ owner: "acme", name: ".github", files: { "README.md": "org\n" } });
  await sim.push("acme/.github", "main", { files: { ".agentgate.yml": "approvals:\n  required: 2\n" }, message: "org defaults", author: people.maintainerA });
  sim.addRepo({ owner: "acme", name: "website", files: { "index.html": "hi\n" }, installed: false });
  await sim.installApp("acme/website", people.maintainerA.login);
  // The deploy gate: a merge past the gate, whose deployment is rejected; a human-only one approved (and recorded).
  await sim.mergePullRequest(REPO, number, { by: people.maintainerA.login });
  await sim.requestDeployment(REPO, { environment: "production", ref: "main", sender: people.maintainerA.login });
  await sim.requestDeployment("acme/website", { environment: "production", ref: "main", sender: people.maintainerA.login });
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

describe("requests agentgate makes", () => {
  it("are all documented GitHub REST operations", () => {
    expect(requests.length).toBeGreaterThan(50);
    const isGraphql = (r: RequestLogEntry) => r.method === "POST" && r.path === "/api/graphql";
    expect(requests.filter(isGraphql).length).toBeGreaterThan(0);
    const undocumented = requests.filter((r) => !isGraphql(r) && !checker.operationFor(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
    expect(requests.map((r) => `${r.method} ${checker.operationFor(r.method, r.path)?.template}`)).toContain("GET /repos/{owner}/{repo}/issues/{issue_number}");
    // The org defaults' push and the installation listed what they re-judge.
    const paths = requests.map((r) => r.path);
    expect(paths).toContain("/installation/repositories?per_page=100");
    expect(paths).toContain("/repos/acme/website/pulls?state=open&per_page=100");
  });

  it("write bodies GitHub's REST description accepts", () => {
    const kinds = new Set(writes.map((w) => `${w.method} ${checker.operationFor(w.method, w.path)?.template}`));
    // The story exercised every kind of write the app makes.
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        "POST /repos/{owner}/{repo}/statuses/{sha}",
        "POST /repos/{owner}/{repo}/check-runs",
        "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
        "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
      ]),
    );
    const errors = writes
      .filter((w) => !w.path.startsWith("/app/"))
      .flatMap((w) => checkRequestBody(checker, w.method, w.path, w.body));
    expect(errors).toEqual([]);
  });

  it("include the deploy gate's answers, one rejection and one approval", () => {
    const { sim } = stack;
    expect(sim.deploymentAnswers(REPO).map((a) => a.state)).toEqual(["rejected"]);
    expect(sim.deploymentAnswers("acme/website").map((a) => a.state)).toEqual(["approved"]);
  });

  it("are never refused: the only 4xx are the 404s that answer a question (no such file, not a member), and protection's 403", () => {
    const answers404 = (r: RequestLogEntry) => r.status === 404 && (r.path.includes("/contents/") || r.path.includes("/memberships/"));
    // The enforcement doctor asks for classic protection, which needs Administration: read that
    // agentgate does not ask for by default: the 403 is the answer the check run reports (with how
    // to grant it), asked at most once per branch every 10 minutes.
    const protection403 = (r: RequestLogEntry) => r.status === 403 && /\/branches\/[^/]+\/protection$/.test(r.path);
    const refused = requests.filter((r) => r.status >= 400 && !answers404(r) && !protection403(r));
    expect(refused.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([]);
    const asked = requests.filter(protection403).map((r) => r.path);
    expect(asked.length).toBe(new Set(asked).size);
  });
});
