/**
 * End-to-end helpers: people, a seeded repository and agent pull requests on the simulator.
 * The stack itself (simulator + real Probot server over HTTP) is devtools/demo/stack.ts.
 */
import { afterEach, beforeEach } from "@jest/globals";
import type { GitHubSimulator } from "../../devtools/simulator/index.js";
import { startStack as start, type Stack } from "../../devtools/demo/stack.js";

export type { Stack };
export const SECRET = "e2e-webhook-secret";
export const REPO = "acme/app";

export const startStack = (): Promise<Stack> => start({ webhookSecret: SECRET });

/**
 * A new stack for each test of the calling file, stopped after it. Call once at the top of a file:
 * `const stack = stackPerTest();`, then `stack.sim` inside a test is that test's simulator.
 */
export function stackPerTest(): Stack {
  let current: Stack | undefined;
  beforeEach(async () => {
    current = await startStack();
  });
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  const now = (): Stack => {
    if (!current) throw new Error("the stack exists only inside a test");
    return current;
  };
  return {
    get sim() {
      return now().sim;
    },
    get logs() {
      return now().logs;
    },
    get webhookUrl() {
      return now().webhookUrl;
    },
    restartApp: () => now().restartApp(),
    stop: () => now().stop(),
  };
}

/** An agent's change to the Terraform the seeded repository holds: resizes the web instance. */
export const TF_CHANGE = {
  "infra/main.tf": 'resource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.medium"\n}\n',
};

export const people = {
  /** The developer who asked the agent for the change. */
  requester: { login: "dana", name: "Dana Developer", email: "dana@acme.example" },
  maintainerA: { login: "maria", name: "Maria Maintainer", email: "maria@acme.example" },
  maintainerB: { login: "max", name: "Max Maintainer", email: "max@acme.example" },
  platform: { login: "pat", name: "Pat Platform", email: "pat@acme.example" },
  reader: { login: "rita", name: "Rita Reader", email: "rita@acme.example" },
};

export const copilot = {
  login: "Copilot",
  commitIdentity: { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" },
};

/**
 * A repository with maintainers, a reader, a platform team and (optionally) a policy. With
 * `installed: false` the app cannot see it until `sim.installApp`.
 */
export function seedRepo(sim: GitHubSimulator, files: Record<string, string> = {}, opts: { installed?: boolean } = {}) {
  sim.addOrg("acme");
  for (const p of Object.values(people)) sim.addUser({ login: p.login, name: p.name, email: p.email });
  sim.addUser({ login: "Copilot", type: "Bot" });
  sim.addUser({ login: "renovate[bot]", type: "Bot" });
  sim.addRepo({
    owner: "acme",
    name: "app",
    files: {
      "README.md": "# app\n",
      "src/app.ts": "export const answer = 41;\n",
      "infra/main.tf": 'resource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.small"\n}\n',
      ...files,
    },
    ...(opts.installed === false ? { installed: false } : {}),
  });
  sim.setPermission(REPO, people.requester.login, "write");
  sim.setPermission(REPO, people.maintainerA.login, "maintain");
  sim.setPermission(REPO, people.maintainerB.login, "write");
  sim.setPermission(REPO, people.platform.login, "write");
  sim.setPermission(REPO, people.reader.login, "read");
  sim.addTeam("acme", "platform", [{ login: people.platform.login }, { login: people.maintainerB.login, state: "pending" }]);
}

/** Copilot's coding agent opens a PR on a `copilot/` branch, co-authored by the requester. */
export async function copilotPullRequest(
  sim: GitHubSimulator,
  files: Record<string, string | null>,
  opts: { branch?: string; title?: string } = {},
) {
  const branch = opts.branch ?? "copilot/tune-instance";
  sim.createBranch(REPO, branch, "main");
  sim.commit(REPO, {
    branch,
    files: {},
    message: "Initial plan",
    author: copilot.commitIdentity,
  });
  sim.commit(REPO, {
    branch,
    files,
    message: `Change ${Object.keys(files).join(", ")}\n\nCo-authored-by: ${people.requester.name} <1001+${people.requester.login}@users.noreply.github.com>`,
    author: copilot.commitIdentity,
  });
  const { number } = await sim.openPullRequest(REPO, {
    head: branch,
    title: opts.title ?? "Tune the web instance",
    body: "Fixes #1",
    author: copilot.login,
  });
  return { number, branch };
}

export function headOf(sim: GitHubSimulator, number: number): string {
  return sim.pullRequest(REPO, number).head.sha;
}

export function statusOf(sim: GitHubSimulator, number: number, context = "agentgate") {
  return sim.latestStatus(REPO, headOf(sim, number), context);
}

export function checkRunOf(sim: GitHubSimulator, sha: string, name = "agentgate") {
  const runs = sim.checkRuns(REPO, sha).filter((r) => r.name === name);
  return runs[runs.length - 1];
}
