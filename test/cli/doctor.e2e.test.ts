import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { agentgateAsync, installationToken } from "./helpers.js";

const REPO = "acme/app";
const APP_ID = "1"; // the simulator's App

let sim: GitHubSimulator;
let token: string;

const doctor = (args: string[], env: Record<string, string> = { GITHUB_TOKEN: token }) =>
  agentgateAsync(["doctor", REPO, "--api-url", sim.url, "--app-id", APP_ID, ...args], { env });

const GOOD = [
  {
    name: "main",
    rules: [
      { type: "required_status_checks", parameters: { required_status_checks: [{ context: "agentgate", integration_id: 1 }], strict_required_status_checks_policy: false } },
      { type: "pull_request", parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } },
      { type: "non_fast_forward" },
      { type: "deletion" },
    ],
  },
];

beforeAll(async () => {
  sim = await GitHubSimulator.start({ webhookSecret: "unused" });
  sim.addOrg("acme");
  sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n", ".agentgate.yml": "approvals:\n  required: 1\n" } });
  sim.createBranch(REPO, "release", "main");
  token = await installationToken(sim, REPO);
});

afterAll(async () => {
  await sim?.stop();
});

describe("agentgate doctor against the local GitHub simulator", () => {
  it("without Administration: read, says classic protection is unknown and how to grant it (exit 2), never 'enforced'", async () => {
    sim.setBranchRules(REPO, "main", GOOD);
    const r = await doctor([]);
    expect(r.stdout).toMatch(/^acme\/app main: check `agentgate` \(app id 1\): unknown/);
    expect(r.stdout).toMatch(/protection-unreadable: Classic branch protection is not readable with this access \(403\).*Administration: read/);
    expect(r.stdout).toMatch(/bypass-unreadable/);
    expect(r.code).toBe(2);
  });

  it("all good: required, pinned to the App, no bypass, pull requests required, no force push → exit 0", async () => {
    sim.grantAdministration();
    sim.setBranchRules(REPO, "main", GOOD);
    const r = await doctor(["--format", "json"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      kind: "doctor",
      repo: REPO,
      branch: "main",
      checkName: "agentgate",
      appId: 1,
      verdict: "enforced",
      enforced: true,
      findings: [],
    });
    expect(r.code).toBe(0);
  });

  it("a branch where the gate is advisory: exit 1, each reason with its code", async () => {
    sim.grantAdministration();
    sim.setBranchRules(REPO, "release", [
      {
        name: "release",
        bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }],
        rules: [{ type: "required_status_checks", parameters: { required_status_checks: [{ context: "agentgate" }], strict_required_status_checks_policy: false } }],
      },
    ]);
    sim.setBranchProtection(REPO, "release", { allowForcePushes: true, enforceAdmins: false });
    const r = await doctor(["--branch", "release", "--format", "json"]);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ branch: "release", verdict: "not-enforced", enforced: false });
    expect(out.findings.map((f: { code: string }) => f.code)).toEqual(["check-not-pinned", "bypass-actors", "pull-request-not-required", "force-push-allowed"]);
    expect(out.findings[1].message).toMatch(/can be bypassed by RepositoryRole 5 \(always\)/);
    expect(r.code).toBe(1);
    const text = await doctor(["--branch", "release"]);
    expect(text.stdout).toMatch(/advisory: GitHub does not enforce it/);
    expect(text.code).toBe(1);
  });

  it("--installation sweeps every repository the App's token sees, on its default branch (exit 1 when any is advisory)", async () => {
    sim.grantAdministration();
    sim.setBranchRules(REPO, "main", GOOD);
    sim.addRepo({ owner: "acme", name: "site", files: { "README.md": "# site\n" } });
    const r = await agentgateAsync(["doctor", "--installation", "--api-url", sim.url, "--app-id", APP_ID, "--format", "json"], { env: { GITHUB_TOKEN: token } });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, kind: "doctor-sweep", appId: 1 });
    expect(out.repositories.map((x: { repo: string; verdict: string }) => [x.repo, x.verdict])).toEqual([
      ["acme/app", "enforced"],
      ["acme/site", "not-enforced"],
    ]);
    expect(out.repositories[1].findings.map((f: { code: string }) => f.code)).toEqual(["check-not-required", "pull-request-not-required", "force-push-allowed", "deletion-allowed"]);
    expect(r.code).toBe(1);
    const text = await agentgateAsync(["doctor", "--installation", "--api-url", sim.url, "--app-id", APP_ID], { env: { GITHUB_TOKEN: token } });
    expect(text.stdout).toMatch(/^2 repositories: 1 not enforced/m);
  });

  it("a repository it cannot see, a bad argument and no app id are one line and exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["doctor", "acme/nope", "--api-url", sim.url, "--app-id", "1"], /acme\/nope not found, or the token cannot see it \(404\)/],
      [["doctor", "acme", "--app-id", "1"], /"acme" is not a repository: write OWNER\/REPO/],
      [["doctor", REPO, "--api-url", sim.url], /give --app-id ID \(or APP_ID\)/],
      [["doctor", REPO, "--installation", "--app-id", "1"], /give OWNER\/REPO \[--branch B\], or --installation alone/],
    ];
    for (const [args, message] of cases) {
      const r = await agentgateAsync(args, { env: { GITHUB_TOKEN: token } });
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
  });
});
