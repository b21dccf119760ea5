/**
 * `agentgate audit` where agentgate wrote its status alone (`publish: status`): a human PR it passed
 * has no check run, so its verdict is its bot's status on the head. Nobody else's status is its word.
 */
import { afterAll, beforeAll, describe, expect } from "@jest/globals";
import { attack, control } from "../adversarial/suite.js";
import { copilotPullRequest, headOf, people, REPO, seedRepo, startStack, statusOf, type Stack } from "../e2e/harness.js";
import { agentgateAsync, installationToken } from "./helpers.js";

let stack: Stack;
let token: string;
let since: string;
const merged: Record<string, number> = {};

const audit = (args: string[]) => agentgateAsync(["audit", REPO, "--api-url", stack.sim.url, "--app-id", "1", "--since", since, "--format", "json", ...args], { env: { GITHUB_TOKEN: token } });
const entry = (out: { merged: { number: number }[] }, n: number) => out.merged.find((m) => m.number === n);

beforeAll(async () => {
  stack = await startStack();
  const { sim } = stack;
  since = new Date(Date.now() - 60_000).toISOString();
  seedRepo(sim, { ".agentgate.yml": "publish: status\n" });
  token = await installationToken(sim, REPO);

  // Dana's own PR: agentgate passes it on its status alone, no check run.
  sim.createBranch(REPO, "docs", "main");
  sim.commit(REPO, { branch: "docs", files: { "README.md": "# app, documented\n" }, message: "Document the app", author: { name: people.requester.name, email: people.requester.email } });
  const human = await sim.openPullRequest(REPO, { head: "docs", title: "Document the app", author: people.requester.login });
  expect(statusOf(sim, human.number)).toMatchObject({ state: "success", creator: { login: sim.appBot.login } });
  expect(sim.checkRuns(REPO, headOf(sim, human.number))).toEqual([]);
  await sim.mergePullRequest(REPO, human.number, { by: people.maintainerA.login });
  merged.human = human.number;

  // An agent PR agentgate never saw; Dana posts a success on agentgate's context herself, and merges.
  sim.setWebhookTarget("http://127.0.0.1:1/nowhere");
  const unseen = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" }, { branch: "copilot/unseen" });
  await sim.postStatus(REPO, headOf(sim, unseen.number), { state: "success", context: "agentgate", description: "2/2 approvals" }, people.requester.login);
  await sim.mergePullRequest(REPO, unseen.number, { by: people.maintainerA.login });
  sim.setWebhookTarget(stack.webhookUrl);
  merged.unseen = unseen.number;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("[c16] agentgate audit under publish: status", () => {
  control("c16", "with the App's slug, a human PR agentgate passed on its status alone is judged: success", async () => {
    const r = await audit(["--app-slug", "agentgate"]);
    const out = JSON.parse(r.stdout);
    expect(entry(out, merged.human)).toMatchObject({ judged: true, agentAuthored: false, state: "success", note: expect.stringContaining("status alone") });
  }, 60_000);

  attack("c16", "a success status someone else posted on an agent PR agentgate never saw does not make it judged", async () => {
    const r = await audit(["--app-slug", "agentgate"]);
    const out = JSON.parse(r.stdout);
    expect(entry(out, merged.unseen)).toMatchObject({ judged: false, agentAuthored: true, state: "not judged" });
    expect(r.code).toBe(1);
  }, 60_000);

  control("c16", "without the slug the human PR is not judged, and the note says how to read the statuses", async () => {
    const r = await audit([]);
    const out = JSON.parse(r.stdout);
    expect(entry(out, merged.human)).toMatchObject({ judged: false, state: "not judged", note: expect.stringContaining("--app-slug") });
  }, 60_000);

  control("c16", "a slug that is not one is refused with one line, exit 2", async () => {
    const r = await audit(["--app-slug", "agent gate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--app-slug "agent gate" is not a GitHub App slug/);
  }, 60_000);
});
