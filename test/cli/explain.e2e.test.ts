import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { agentgateAsync, installationToken } from "./helpers.js";

const REPO = "acme/app";
const AGENT = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };

let sim: GitHubSimulator;
let token: string;
let number: number;

beforeAll(async () => {
  sim = await GitHubSimulator.start({ webhookSecret: "unused" });
  sim.addOrg("acme");
  sim.addUser({ login: "maria", name: "Maria", email: "maria@acme.example" });
  sim.addUser({ login: "rita", name: "Rita", email: "rita@acme.example" });
  sim.addUser({ login: "Copilot", type: "Bot" });
  sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n", ".agentgate.yml": "approvals:\n  required: 1\n" } });
  sim.setPermission(REPO, "maria", "maintain");
  sim.setPermission(REPO, "rita", "read");
  sim.createBranch(REPO, "copilot/fix", "main");
  sim.commit(REPO, { branch: "copilot/fix", files: { "src/a.ts": "export const a = 1;\n" }, message: "Add a", author: AGENT });
  ({ number } = await sim.openPullRequest(REPO, { head: "copilot/fix", title: "Add a", author: "Copilot" }));
  token = await installationToken(sim, REPO);
});

afterAll(async () => {
  await sim?.stop();
});

describe("agentgate explain against the local GitHub simulator", () => {
  it("shows the decision with the approvals it would count and ignore, and publishes nothing", async () => {
    await sim.submitReview(REPO, number, { reviewer: "rita", event: "APPROVE" });
    const writesBefore = sim.requests.filter((r: { method: string }) => r.method !== "GET").length;
    const r = await agentgateAsync(["explain", `${REPO}#${number}`, "--api-url", sim.url, "--format", "json"], { env: { GITHUB_TOKEN: token } });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, kind: "explain", state: "pending", agentAuthored: true, agents: ["copilot"] });
    expect(out.change).toMatchObject({ repo: REPO, number });
    expect(out.requirement).toMatchObject({ approvals: 1, blocked: false });
    expect(out.approvals.counted).toEqual([]);
    expect(out.approvals.ignored).toEqual([expect.objectContaining({ login: "rita", reason: "permission" })]);
    expect(r.code).toBe(1);
    expect(sim.requests.filter((q: { method: string }) => q.method !== "GET").length).toBe(writesBefore);
  });

  it("success once an eligible maintainer approved (exit 0), in text", async () => {
    await sim.submitReview(REPO, number, { reviewer: "maria", event: "APPROVE" });
    const r = await agentgateAsync(["explain", `${REPO}#${number}`, "--api-url", sim.url], { env: { GH_TOKEN: token } });
    expect(r.stdout).toMatch(/^state: success/m);
    expect(r.stdout).toMatch(/approvals counted \(1\):\n {2}maria on [0-9a-f]{7}/);
    expect(r.stdout).toMatch(/approvals ignored \(1\):\n {2}rita: permission: /);
    expect(r.code).toBe(0);
  });

  it("an unknown pull request, a bad token and a bad argument are one line and exit 2", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["explain", `${REPO}#999`, "--api-url", sim.url], { GITHUB_TOKEN: token }, /acme\/app#999 not found, or the token cannot see it \(404\)/],
      [["explain", `${REPO}#${number}`, "--api-url", sim.url], { GITHUB_TOKEN: "wrong" }, /GitHub refused the token \(401\)/],
      [["explain", "acme/app"], {}, /"acme\/app" is not a pull request: write OWNER\/REPO#NUMBER/],
      [["explain", `${REPO}#1`, "--api-url", "http://127.0.0.1:9"], { GITHUB_TOKEN: "x" }, /cannot reach http:\/\/127\.0\.0\.1:9/],
    ];
    for (const [args, env, message] of cases) {
      const r = await agentgateAsync(args, { env });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("note:"))).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
