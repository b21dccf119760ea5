/**
 * GitHub's own example webhook payloads (@octokit/webhooks-examples), signed and delivered over HTTP
 * to the real Probot server, for every event the app handles. The simulator holds a repository with
 * the examples' name, so the app's reads after the webhook are answered; where an example points at
 * something the simulator cannot know (a commit SHA, the app id), only that field is changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createRequire } from "node:module";
import type { SimRepo } from "../../devtools/simulator/index.js";
import { copilot, people, startStack, type Stack } from "./harness.js";

interface Example {
  name: string;
  actions: string[];
  examples: Record<string, any>[];
}
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as Example[];
const examplesOf = (event: string, actions?: string[]) =>
  (examples.find((e) => e.name === event)?.examples ?? []).filter((x) => !actions || actions.includes(x.action));

const REPO = "Codertocat/Hello-World";
let stack: Stack;
let repo: SimRepo;
let agentPr: number;
let agentHead: string;

/** A deep copy pointing at the simulator's installation, as GitHub would send it to this App. */
function forThisApp(example: Record<string, any>): Record<string, any> {
  const payload = structuredClone(example);
  payload.installation = { id: repo.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  return payload;
}

/** Some examples name another repository (github/hello-world, octo-org/octo-repo): use the common one. */
const repositoryOfTheExamples = () => structuredClone(examplesOf("pull_request", ["opened"])[0]!.repository);

const reads = (d: { requests: { method: string; path: string }[] }) => d.requests.map((r) => `${r.method} ${r.path}`);

beforeAll(async () => {
  stack = await startStack();
  const { sim } = stack;
  sim.addOrg("Codertocat");
  for (const p of Object.values(people)) sim.addUser({ login: p.login, name: p.name, email: p.email });
  sim.addUser({ login: "Copilot", type: "Bot" });
  repo = sim.addRepo({ owner: "Codertocat", name: "Hello-World", defaultBranch: "master", files: { "README.md": "# Hello\n" } });
  sim.setPermission(REPO, people.maintainerA.login, "write");
  // Pull request #2, as in the examples, written by Copilot's coding agent.
  for (const [n, branch] of [
    [1, "docs"],
    [2, "copilot/greeting"],
  ] as const) {
    sim.createBranch(REPO, branch, "master");
    sim.commit(REPO, { branch, files: { [`file${n}.txt`]: `${n}\n` }, message: "Initial plan", author: copilot.commitIdentity });
    const { number } = await sim.openPullRequest(REPO, { head: branch, title: `PR ${n}`, author: copilot.login });
    expect(number).toBe(n);
  }
  agentPr = 2;
  agentHead = sim.pullRequest(REPO, agentPr).head.sha;
});
afterAll(async () => {
  await stack.stop();
});

describe("GitHub's example payloads", () => {
  // assigned/unassigned: an agent PR's assignees steered the agent, so who may approve changes.
  const handled = ["opened", "reopened", "synchronize", "edited", "ready_for_review", "labeled", "unlabeled", "assigned", "unassigned"];

  it.each(examplesOf("pull_request", handled).map((p, i): [string, Record<string, any>] => [`${p.action} #${i}`, p]))(
    "pull_request %s: evaluates the PR it names from fresh facts",
    async (_label, example) => {
      const delivery = await stack.sim.deliver("pull_request", forThisApp(example));
      expect(delivery.status).toBe(200);
      expect(reads(delivery)).toContain(`GET /repos/${REPO}/pulls/${example.number}`);
      expect(stack.sim.latestStatus(REPO, agentHead, "agentgate")).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    },
  );

  it("pull_request actions the gate does not need (closed) cost nothing", async () => {
    for (const example of examplesOf("pull_request", ["closed"])) {
      const delivery = await stack.sim.deliver("pull_request", forThisApp(example));
      expect(delivery.status).toBe(200);
      expect(delivery.requests).toEqual([]);
    }
  });

  it.each(examplesOf("pull_request_review").map((p, i): [string, Record<string, any>] => [`${p.action} #${i}`, p]))(
    "pull_request_review %s: re-evaluates the PR, unless it is a comment (which changes no decision)",
    async (_label, example) => {
      const delivery = await stack.sim.deliver("pull_request_review", forThisApp(example));
      expect(delivery.status).toBe(200);
      if (example.action !== "dismissed" && String(example.review?.state).toLowerCase() === "commented") {
        expect(delivery.requests).toEqual([]);
      } else {
        expect(reads(delivery)).toContain(`GET /repos/${REPO}/pulls/${example.pull_request.number}/reviews?per_page=100`);
      }
    },
  );

  it("push: only a change of the policy re-evaluates the open PRs into its branch", async () => {
    const [plain] = examplesOf("push").filter((p) => p.ref === "refs/heads/master" && p.commits.length);
    expect(plain).toBeDefined();
    // The pushed commit must be one the simulator has: the bypass check reads agentgate's runs there.
    const onTip = (p: Record<string, any>): Record<string, any> => ({ ...p, after: stack.sim.branchHead(REPO, "master")! });
    const untouched = await stack.sim.deliver("push", onTip(forThisApp(plain!)));
    expect(untouched.status).toBe(200);
    // A push to the default branch is checked for bypasses (reads only); the open PRs are not judged again.
    expect(untouched.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(reads(untouched).some((r) => r.includes("/pulls"))).toBe(false);

    const policyPush = onTip(forThisApp(plain!));
    policyPush.commits[0].modified = [".agentgate.yml"];
    const delivery = await stack.sim.deliver("push", policyPush);
    expect(delivery.status).toBe(200);
    expect(reads(delivery)).toContain(`GET /repos/${REPO}/pulls?state=open&base=master&per_page=100`);
    // The agent's PR is judged again: its change is read (one compare of its base and head).
    const agentHead = stack.sim.pullRequest(REPO, agentPr).head.sha;
    expect(reads(delivery)).toContain(`GET /repos/${REPO}/compare/master...${agentHead}?per_page=100`);
  });

  it("status: another context is ignored; a forged one on agentgate's context is overwritten", async () => {
    const [example] = examplesOf("status");
    const foreign = forThisApp(example!);
    foreign.sha = agentHead; // GitHub names a commit it has: agentgate reads its own check runs there
    const other = await stack.sim.deliver("status", foreign);
    expect(other.status).toBe(200);
    expect(other.requests.filter((r) => r.method !== "GET")).toEqual([]);

    const forged = forThisApp(example!);
    forged.context = "agentgate";
    forged.sha = agentHead; // a commit the simulator knows
    const delivery = await stack.sim.deliver("status", forged);
    expect(delivery.status).toBe(200);
    expect(stack.sim.latestStatus(REPO, agentHead, "agentgate")?.description).toBe(
      `forged status by @${example!.sender.login} overwritten · re-run the check`,
    );
  });

  it("check_run rerequested: another app's run is ignored; ours is created anew", async () => {
    const [example] = examplesOf("check_run", ["rerequested"]);
    const foreign = await stack.sim.deliver("check_run", forThisApp(example!));
    expect(foreign.status).toBe(200);
    expect(foreign.requests.filter((r) => r.method !== "GET")).toEqual([]);

    const ours = forThisApp(example!);
    ours.repository = repositoryOfTheExamples();
    ours.check_run.app.id = 1;
    ours.check_run.head_sha = agentHead;
    ours.check_run.external_id = String(agentPr);
    const before = stack.sim.checkRuns(REPO, agentHead).length;
    const delivery = await stack.sim.deliver("check_run", ours);
    expect(delivery.status).toBe(200);
    expect(stack.sim.checkRuns(REPO, agentHead).length).toBe(before + 1);
  });

  it("check_suite rerequested: finds the PRs of the head commit and answers them", async () => {
    const [example] = examplesOf("check_suite", ["rerequested"]);
    const payload = forThisApp(example!);
    payload.check_suite.head_sha = agentHead;
    payload.check_suite.pull_requests = [];
    const before = stack.sim.checkRuns(REPO, agentHead).length;
    const delivery = await stack.sim.deliver("check_suite", payload);
    expect(delivery.status).toBe(200);
    expect(reads(delivery)).toContain(`GET /repos/${REPO}/commits/${agentHead}/pulls?per_page=100`);
    expect(stack.sim.checkRuns(REPO, agentHead).length).toBe(before + 1);
  });

  it.each([
    ["installation", "created", "repositories"],
    ["installation_repositories", "added", "repositories_added"],
  ] as const)("%s %s: judges the pull requests already open in the repositories it names", async (event, action, list) => {
    const examplesHere = examplesOf(event, [action]);
    expect(examplesHere.length).toBeGreaterThan(0);
    for (const example of examplesHere) {
      const payload = structuredClone(example);
      payload.installation.id = repo.installationId;
      // The examples name Codertocat/Hello-World or Codertocat/Space; the simulator holds the first.
      payload[list] = payload[list].map((r: Record<string, unknown>) => ({ ...r, name: "Hello-World", full_name: REPO }));
      const delivery = await stack.sim.deliver(event, payload);
      expect(delivery.status).toBe(200);
      expect(reads(delivery)).toContain(`GET /repos/${REPO}/pulls?state=open&per_page=100`);
      expect(stack.sim.latestStatus(REPO, agentHead, "agentgate")).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });
    }
  });

  it("merge_group checks_requested: answers on the group's head commit", async () => {
    const [example] = examplesOf("merge_group", ["checks_requested"]);
    const payload = forThisApp(example!);
    payload.repository = repositoryOfTheExamples();
    payload.merge_group.head_ref = `refs/heads/gh-readonly-queue/master/pr-${agentPr}-${agentHead}`;
    payload.merge_group.head_commit.message = `Merge pull request #${agentPr} from Codertocat/copilot/greeting`;
    // The group's PRs are read from GitHub (base...head and the PRs of those commits): a group whose
    // head is the PR's own head, on the current base.
    const groupSha = agentHead;
    payload.merge_group.base_sha = stack.sim.branchHead(REPO, "master")!;
    payload.merge_group.head_sha = groupSha;
    const delivery = await stack.sim.deliver("merge_group", payload);
    expect(delivery.status).toBe(200);
    expect(stack.sim.latestStatus(REPO, groupSha, "agentgate")).toMatchObject({ state: "pending" });
  });
});
