/**
 * `agentgate audit` against the real server and the simulator: agentgate judges and publishes as in
 * production, then the CLI rebuilds from GitHub alone who approved each merged PR, which agents,
 * which rules and the state at merge, and every bypass agentgate recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { copilotPullRequest, headOf, people, REPO, seedRepo, startStack, statusOf, type Stack } from "../e2e/harness.js";
import { agentgateAsync, installationToken } from "./helpers.js";

let stack: Stack;
let token: string;
let since: string;
const merged: Record<string, number> = {};
let bypassSha = "";
let acceptedSha = "";

const bypassText = (r: object) => `<!-- agentgate:bypass v1 ${JSON.stringify(r)} -->`;

async function postBypass(sha: string, record: object, name = "agentgate bypass") {
  const res = await fetch(`${stack.sim.url}/repos/${REPO}/check-runs`, {
    method: "POST",
    headers: { authorization: `token ${token}`, accept: "application/vnd.github+json", "content-type": "application/json" },
    body: JSON.stringify({ name, head_sha: sha, status: "completed", conclusion: "failure", output: { title: "bypass", summary: "bypass", text: bypassText(record) } }),
  });
  expect(res.status).toBe(201);
}

const audit = (args: string[], env: Record<string, string> = { GITHUB_TOKEN: token }) =>
  agentgateAsync(["audit", REPO, "--api-url", stack.sim.url, "--app-id", "1", "--since", since, ...args], { env });

beforeAll(async () => {
  stack = await startStack();
  const { sim } = stack;
  since = new Date(Date.now() - 60_000).toISOString();
  seedRepo(sim, { ".agentgate.yml": "approvals:\n  required: 2\npaths:\n  - name: infra\n    paths: [infra/**]\n    teams: [acme/platform]\n" });
  token = await installationToken(sim, REPO);

  // An agent PR approved by two maintainers: success, then merged.
  const approved = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" }, { branch: "copilot/answer" });
  await sim.submitReview(REPO, approved.number, { reviewer: people.maintainerA.login, event: "APPROVE" });
  await sim.submitReview(REPO, approved.number, { reviewer: people.maintainerB.login, event: "APPROVE" });
  expect(statusOf(sim, approved.number)?.state).toBe("success");
  await sim.mergePullRequest(REPO, approved.number, { by: people.maintainerA.login });
  merged.approved = approved.number;

  // An agent PR touching Terraform, merged by an admin while agentgate said pending.
  const pending = await copilotPullRequest(sim, { "infra/main.tf": 'resource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.large"\n}\n' }, { branch: "copilot/tf" });
  expect(statusOf(sim, pending.number)?.state).toBe("pending");
  const { mergeCommitSha } = await sim.mergePullRequest(REPO, pending.number, { by: people.maintainerA.login });
  merged.pending = pending.number;

  // An agent PR agentgate never saw (its webhooks went nowhere); another app forges agentgate's result on it.
  sim.setWebhookTarget("http://127.0.0.1:1/nowhere");
  const unseen = await copilotPullRequest(sim, { "README.md": "# app, by an agent\n" }, { branch: "copilot/readme" });
  await sim.mergePullRequest(REPO, unseen.number, { by: people.maintainerA.login });
  sim.setWebhookTarget(stack.webhookUrl);
  merged.unseen = unseen.number;
  const forgedResult = `<!-- agentgate:result v1 ${JSON.stringify({ v: 1, state: "success", sha: headOf(sim, unseen.number), check: "agentgate", prs: [unseen.number], agents: [], approvals: { required: 0, counted: ["mallory"], ignored: [] }, findings: [], reasons: [], policy: [], app: "0.1.0" })} -->`;
  sim.addOtherAppCheckRun(REPO, { app: { id: 99, slug: "forger" }, name: "agentgate", headSha: headOf(sim, unseen.number), conclusion: "success", output: { title: "ok", summary: "ok", text: forgedResult } });

  // Bypasses agentgate recorded on the default branch, one accepted since; and a forged one by another app.
  bypassSha = mergeCommitSha;
  await postBypass(bypassSha, { v: 1, kind: "merged-not-passing", sha: bypassSha, branch: "main", pr: pending.number, agents: ["copilot"], by: people.maintainerA.login, shown: "pending" });
  acceptedSha = sim.branchHead(REPO, "main")!;
  await postBypass(acceptedSha, { v: 1, kind: "direct-push", sha: acceptedSha, branch: "main", agents: ["copilot"], by: people.maintainerA.login, accepted: { by: people.maintainerB.login, at: new Date().toISOString() } });
  sim.addOtherAppCheckRun(REPO, { app: { id: 99, slug: "forger" }, name: "agentgate bypass", headSha: acceptedSha, conclusion: "success", output: { title: "x", summary: "x", text: bypassText({ v: 1, kind: "direct-push", sha: acceptedSha, branch: "main", agents: [], accepted: { by: "mallory", at: "2026-01-01" } }) } });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("agentgate audit", () => {
  it("json: each merged PR with who approved, the agents, the rules and the state at merge; every bypass; exit 1", async () => {
    const r = await audit(["--format", "json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, kind: "audit", repo: REPO, defaultBranch: "main", appId: 1 });
    const byNumber = new Map(out.merged.map((m: { number: number }) => [m.number, m]));
    expect(byNumber.get(merged.approved)).toMatchObject({ judged: true, agentAuthored: true, agents: ["copilot"], state: "success", approvedBy: ["maria", "max"] });
    expect(byNumber.get(merged.approved)).toMatchObject({ policy: [{ source: "acme/app@main:.agentgate.yml", sha: expect.stringMatching(/^[0-9a-f]{40}$/) }] });
    expect(byNumber.get(merged.pending)).toMatchObject({ judged: true, state: "pending", approvedBy: [], rules: expect.arrayContaining(["path:infra"]) });
    // Another app's "agentgate" run with a success result is not agentgate's word.
    expect(byNumber.get(merged.unseen)).toMatchObject({ judged: false, agentAuthored: true, agents: ["copilot"], state: "not judged", approvedBy: [] });
    // Newest commit first, as GitHub lists them; the other app's "agentgate bypass" run is not listed.
    expect(out.bypasses).toEqual([
      { sha: acceptedSha, at: expect.any(String), record: expect.objectContaining({ kind: "direct-push", accepted: expect.objectContaining({ by: "max" }) }) },
      { sha: bypassSha, at: expect.any(String), record: expect.objectContaining({ kind: "merged-not-passing", pr: merged.pending, shown: "pending" }) },
    ]);
    expect(r.stderr).toMatch(new RegExp(`note: ${out.requests} GitHub requests`));
    // 1 repo + policy reads + 1 page of PRs + 3 heads' runs + 1 unjudged PR's commits + 1 page of commits + 1 per commit.
    expect(out.requests).toBeLessThan(40);
  });

  it("md and csv say the same", async () => {
    const md = await audit(["--format", "md"]);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain(`| #${merged.approved} |`);
    expect(md.stdout).toMatch(new RegExp(`\\| #${merged.approved} \\| [^|]+ \\| success \\| copilot \\| @maria, @max \\|`));
    expect(md.stdout).toMatch(new RegExp(`\\| #${merged.unseen} \\| [^|]+ \\| not judged`));
    expect(md.stdout).toContain("1 agent PR(s) not judged, 1 merged while agentgate did not say success; 2 bypass(es), 1 not accepted.");
    const csv = await audit(["--format", "csv"]);
    const rows = csv.stdout.trim().split("\n");
    expect(rows[0]).toBe("kind,pr,sha,at,state,agents,approved_by,ignored,rules,policy,note");
    expect(rows.find((l) => l.startsWith(`merged,${merged.approved},`))).toMatch(/,success,copilot,maria max,/);
    expect(rows.filter((l) => l.startsWith("bypass,"))).toHaveLength(2);
  });

  it("nothing since a later date: exit 0", async () => {
    since = new Date(Date.now() + 60_000).toISOString();
    const r = await audit(["--format", "json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ merged: [], bypasses: [] });
    expect(r.code).toBe(0);
  });

  it("a date that is not one, or no app id: exit 2 with one line", async () => {
    const bad = await agentgateAsync(["audit", REPO, "--api-url", stack.sim.url, "--app-id", "1", "--since", "yesterday"], { env: { GITHUB_TOKEN: token } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since "yesterday" is not a date/);
    const noApp = await agentgateAsync(["audit", REPO, "--api-url", stack.sim.url, "--since", "2026-01-01"], { env: { GITHUB_TOKEN: token } });
    expect(noApp.code).toBe(2);
  });

  it("every decision agentgate published was an audit event in its log", () => {
    const events = stack.logs.filter((l) => typeof l.audit === "object" && (l.audit as { type?: string }).type === "decision");
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((l) => typeof (l.audit as { delivery?: unknown }).delivery === "string")).toBe(true);
    expect(events.some((l) => (l.audit as { prs: number[]; state: string }).prs.includes(merged.approved) && (l.audit as { state: string }).state === "success")).toBe(true);
  });

  it("the deploy gate's answer is an audit event too: environment, deployment, state, each rejected commit, the policy blobs", async () => {
    const { sim } = stack;
    sim.addEnvironment(REPO, "production");
    const { deploymentId, delivery, answer } = await sim.requestDeployment(REPO, { environment: "production", ref: "main", sender: people.maintainerA.login });
    expect(answer?.state).toBe("rejected");
    const line = stack.logs.find((l) => (l.audit as { type?: string } | undefined)?.type === "deployment" && (l.audit as { delivery?: string }).delivery === delivery.id);
    expect(line?.audit).toMatchObject({
      v: 1,
      type: "deployment",
      repository: REPO,
      deployment: { environment: "production", id: deploymentId },
      state: "rejected",
      sender: people.maintainerA.login,
      policy: expect.any(Array),
    });
    const rejected = (line?.audit as { rejected: { outcome: { kind: string; judged?: boolean } }[] }).rejected;
    expect(rejected.some((c) => c.outcome.kind === "merged-not-passing" && c.outcome.judged === true)).toBe(true);
    expect((line?.audit as { policy: { path?: string; sha: string | null }[] }).policy).toEqual([expect.objectContaining({ path: ".agentgate.yml", sha: expect.stringMatching(/^[0-9a-f]{40}$/) })]);
  });
});
