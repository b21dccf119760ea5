/** What a client of the simulator notices about merges, deployments and the protection rule's callback. */
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { Client, startReceiver, type Receiver } from "./helpers.js";

const REPO = "acme/app";
const agent = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };

let sim: GitHubSimulator;
let receiver: Receiver;
let client: Client;

beforeEach(async () => {
  receiver = await startReceiver();
  sim = await GitHubSimulator.start({ webhookSecret: "s", webhookUrl: receiver.url });
  client = new Client(sim);
  sim.addOrg("acme");
  sim.addUser({ login: "maria", name: "Maria", email: "maria@acme.example" });
  sim.addUser({ login: "Copilot", type: "Bot" });
  sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n" } });
});

afterEach(async () => {
  await sim.stop();
  await receiver.stop();
});

describe("merging a pull request", () => {
  it("moves the base, keeps the PR's commits and files, and lists the PR for its commits and merge commit", async () => {
    sim.createBranch(REPO, "copilot/x", "main");
    const commit = sim.commit(REPO, { branch: "copilot/x", files: { "a.ts": "a\n" }, message: "a", author: agent });
    const { number } = await sim.openPullRequest(REPO, { head: "copilot/x", title: "A", author: "Copilot" });
    const { mergeCommitSha, deliveries } = await sim.mergePullRequest(REPO, number, { by: "maria" });

    expect(deliveries.map((d) => (d.action ? `${d.event}.${d.action}` : d.event))).toEqual(["push", "pull_request.closed"]);
    expect(sim.branchHead(REPO, "main")).toBe(mergeCommitSha);
    expect(sim.pullRequest(REPO, number)).toMatchObject({ state: "closed", merged: true, merge_commit_sha: mergeCommitSha, merged_by: { login: "maria" }, commits: 1, changed_files: 1 });
    expect((await client.call("GET", `/repos/${REPO}/pulls/${number}/commits`)).body).toMatchObject([{ sha: commit }]);
    for (const sha of [commit, mergeCommitSha]) {
      expect((await client.call("GET", `/repos/${REPO}/commits/${sha}/pulls`)).body).toMatchObject([{ number, merged_at: expect.any(String) }]);
    }
    const history = (await client.call("GET", `/repos/${REPO}/commits?sha=main`)).body as { sha: string }[];
    expect(history[0]?.sha).toBe(mergeCommitSha);
    expect(history.map((c) => c.sha)).toContain(commit);
  });
});

describe("a deployment waiting on the protection rule", () => {
  it("sends its callback URL, takes one decision, and shows it as the deployment's statuses", async () => {
    const earlier = sim.addDeployment(REPO, { environment: "production", creator: "maria" });
    const { runId, deploymentId, answer } = await sim.requestDeployment(REPO, { environment: "production", sender: "maria" });
    expect(answer).toBeUndefined(); // the receiver does not answer
    const payload = receiver.received.at(-1)?.payload as { deployment_callback_url: string; environment: string; deployment: { id: number } };
    expect(payload).toMatchObject({ environment: "production", deployment: { id: deploymentId } });
    const callback = new URL(payload.deployment_callback_url).pathname;
    expect(callback).toBe(`/repos/${REPO}/actions/runs/${runId}/deployment_protection_rule`);

    expect((await client.call("POST", callback, { environment_name: "staging", state: "approved" })).status).toBe(422);
    expect((await client.call("POST", callback, { environment_name: "production" })).status).toBe(422);
    expect((await client.call("POST", callback, { environment_name: "production", comment: "looking" })).status).toBe(204);
    expect((await client.call("POST", callback, { environment_name: "production", state: "rejected", comment: "no" })).status).toBe(204);
    expect((await client.call("POST", callback, { environment_name: "production", state: "approved" })).status).toBe(422);
    expect(sim.deploymentAnswers(REPO).map((a) => a.state ?? "report")).toEqual(["report", "rejected"]);

    const list = (await client.call("GET", `/repos/${REPO}/deployments?environment=production`)).body as { id: number }[];
    expect(list.map((d) => d.id)).toEqual([deploymentId, earlier]);
    const statuses = (await client.call("GET", `/repos/${REPO}/deployments/${deploymentId}/statuses`)).body as { state: string }[];
    expect(statuses.map((s) => s.state)).toEqual(["failure"]);
  });
});
