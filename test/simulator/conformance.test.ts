/**
 * The simulator must not drift from GitHub: a realistic scenario drives every endpoint and every
 * webhook, and each JSON answer is checked against GitHub's OpenAPI description, each payload against
 * GitHub's webhook schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { schema as githubGraphql } from "@octokit/graphql-schema";
import { buildSchema, execute, parse } from "graphql";
import { COMMIT_ACTORS_QUERY } from "../../src/facts/graphql.js";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { Client, fakeJwt, startReceiver, type Answer, type Receiver } from "./helpers.js";
import { OpenApiChecker, WebhookChecker } from "./schemas.js";

const REPO = "acme/app";
const copilot = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
const maria = { login: "maria", name: "Maria Maintainer", email: "maria@acme.example" };

let sim: GitHubSimulator;
let receiver: Receiver;
let client: Client;
let openapi: OpenApiChecker;
let webhooks: WebhookChecker;

async function scenario() {
  sim.addOrg("acme");
  sim.addUser(maria);
  sim.addUser({ login: "max", email: "max@acme.example" });
  sim.addUser({ login: "dana", email: "dana@acme.example" });
  sim.addUser({ login: "Copilot", type: "Bot" });
  sim.addRepo({
    owner: "acme",
    name: "app",
    files: {
      "README.md": "# app\n",
      "src/a.ts": "export const a = 1;\n",
      "docs/old.md": "moved text\n",
      "logo.png": "\0PNG",
      // Over the contents API's 1 MB: answered without content, read through git blobs.
      "data/big.json": `{"x": "${"y".repeat(1024 * 1024)}"}\n`,
    },
  });
  sim.setPermission(REPO, "maria", "maintain");
  sim.setPermission(REPO, "max", "write");
  sim.addTeam("acme", "platform", [{ login: "maria" }, { login: "max", state: "pending" }]);

  sim.linkEmail("maria", "maria.m@home.example");
  const issue = sim.createIssue(REPO, { title: "Make it faster", author: "dana", assignees: ["dana"] });

  sim.createBranch(REPO, "copilot/fix", "main");
  sim.commit(REPO, { branch: "copilot/fix", files: {}, message: "Initial plan", author: copilot });
  sim.commit(REPO, {
    branch: "copilot/fix",
    files: { "src/a.ts": "export const a = 2;\n", "docs/old.md": null, "docs/new.md": "moved text\n", "logo.png": "\0PNG2", "src/b.ts": "b\n" },
    message:
      "Change things\n\nCo-authored-by: dana <1003+dana@users.noreply.github.com>\nCo-authored-by: Maria <maria.m@home.example>\nCo-authored-by: Nobody <nobody@nowhere.example>\nCo-authored-by: Max <max@users.noreply.github.com>",
    author: copilot,
  });
  const { number } = await sim.openPullRequest(REPO, { head: "copilot/fix", title: "Fix", body: `Fixes #${issue}`, author: "Copilot", labels: ["agent"] });
  await sim.assign(REPO, number, ["max"], "maria");
  const beforeMore = sim.branchHead(REPO, "copilot/fix") as string;
  await sim.push(REPO, "copilot/fix", { files: { "src/c.ts": "c\n" }, message: "More", author: copilot });
  // A force-push back to a commit the branch had, and forward again: pushes that list no commits.
  const more = sim.branchHead(REPO, "copilot/fix") as string;
  await sim.resetBranch(REPO, "copilot/fix", beforeMore, "maria");
  await sim.resetBranch(REPO, "copilot/fix", more, "maria");
  await sim.addLabel(REPO, number, "infra", "maria");
  await sim.removeLabel(REPO, number, "infra", "maria");
  await sim.editPullRequest(REPO, number, { title: "Fix it", body: "Fixes #2" }, "maria");
  sim.createBranch(REPO, "release", "main");
  await sim.editPullRequest(REPO, number, { base: "release" }, "maria");
  await sim.editPullRequest(REPO, number, { base: "main" }, "maria");
  const { reviewId } = await sim.submitReview(REPO, number, { reviewer: "maria", event: "REQUEST_CHANGES", body: "no" });
  await sim.dismissReview(REPO, number, reviewId, "max");
  await sim.submitReview(REPO, number, { reviewer: "maria", event: "APPROVE" });
  await sim.submitReview(REPO, number, { reviewer: "max", event: "COMMENT", body: "hm" });
  const head = sim.pullRequest(REPO, number).head.sha;
  await sim.postStatus(REPO, head, { state: "success", context: "ci", description: "ok" }, "max");

  sim.createBranch(REPO, "draft", "main");
  sim.commit(REPO, { branch: "draft", files: { "d.txt": "d\n" }, message: "d", author: maria });
  const draft = await sim.openPullRequest(REPO, { head: "draft", title: "Draft", author: "maria", draft: true });
  await sim.readyForReview(REPO, draft.number);
  await sim.closePullRequest(REPO, draft.number, "maria");
  await sim.reopenPullRequest(REPO, draft.number, "maria");

  // The app's side: every endpoint it uses.
  const jwt = { auth: `Bearer ${fakeJwt(1)}` };
  await client.call("GET", "/app", undefined, jwt);
  const installs = await client.call("GET", "/app/installations", undefined, jwt);
  await client.call("GET", `/repos/${REPO}/installation`, undefined, jwt);
  const installationId = (installs.body as { id: number }[])[0]?.id as number;
  await client.call("POST", `/app/installations/${installationId}/access_tokens`, undefined, jwt);
  await client.call("GET", `/repos/${REPO}`);
  await client.call("GET", "/installation/repositories?per_page=100");
  await client.call("GET", `/repos/${REPO}/pulls?state=open&per_page=1`);
  await client.call("GET", `/repos/${REPO}/pulls?state=all&head=acme:copilot/fix&base=main`);
  await client.call("GET", `/repos/${REPO}/pulls/${number}`);
  await client.call("GET", `/repos/${REPO}/pulls/${number}/commits?per_page=100`);
  await client.call("GET", `/repos/${REPO}/pulls/${number}/files?per_page=100`);
  await client.call("GET", `/repos/${REPO}/pulls/${number}/reviews`);
  await client.call("GET", `/repos/${REPO}/issues/${issue}`);
  await client.call("GET", `/repos/${REPO}/issues/${number}`);
  await client.call("GET", `/repos/${REPO}/issues/999`);
  await client.call("POST", "/graphql", { query: COMMIT_ACTORS_QUERY, variables: { owner: "acme", repo: "app", number, after: null } }, { prefix: "/api" });
  await client.call("GET", `/repos/${REPO}/issues/${number}/events?per_page=100`);
  await client.call("GET", `/repos/${REPO}/contents/src/a.ts?ref=copilot/fix`);
  await client.call("GET", `/repos/${REPO}/contents/src`);
  await client.call("GET", `/repos/${REPO}/contents/.agentgate.yml`);
  const big = await client.call("GET", `/repos/${REPO}/contents/data/big.json`);
  await client.call("GET", `/repos/${REPO}/git/blobs/${(big.body as { sha: string }).sha}`);
  await client.call("GET", `/repos/${REPO}/git/blobs/${"0".repeat(40)}`);
  await client.call("GET", `/repos/${REPO}/git/ref/heads%2Fmain`);
  await client.call("GET", `/repos/${REPO}/git/ref/heads%2Fno-such-branch`);
  await client.call("GET", `/repos/${REPO}/collaborators/maria/permission`);
  await client.call("GET", `/repos/${REPO}/collaborators/dana/permission`);
  await client.call("GET", `/repos/${REPO}/collaborators/nobody/permission`);
  await client.call("GET", `/orgs/acme/teams/platform/memberships/maria`);
  await client.call("GET", `/orgs/acme/teams/platform/memberships/max`);
  await client.call("GET", `/orgs/acme/teams/platform/memberships/dana`);
  await client.call("POST", `/repos/${REPO}/statuses/${head}`, { state: "pending", context: "agentgate", description: "0/2 approvals" });
  await client.call("POST", `/repos/${REPO}/statuses/${head}`, { state: "pending", context: "agentgate", description: "x".repeat(141) });
  await client.call("GET", `/repos/${REPO}/commits/${head}/statuses?per_page=100`);
  await client.call("GET", `/repos/${REPO}/commits/${head}/status`);
  const created = await client.call("POST", `/repos/${REPO}/check-runs`, {
    name: "agentgate",
    head_sha: head,
    status: "in_progress",
    external_id: String(number),
    output: { title: "0/2", summary: "waiting", annotations: [{ path: "src/a.ts", start_line: 1, end_line: 1, annotation_level: "warning", message: "m" }] },
  });
  const runId = (created.body as { id: number }).id;
  await client.call("PATCH", `/repos/${REPO}/check-runs/${runId}`, { conclusion: "success", output: { title: "2/2", summary: "done" } });
  await client.call("GET", `/repos/${REPO}/check-runs/${runId}`);
  await client.call("GET", `/repos/${REPO}/commits/${head}/check-runs?check_name=agentgate&filter=latest`);
  await client.call("GET", `/repos/${REPO}/compare/main...${head}`);
  await client.call("GET", `/repos/${REPO}/commits/${head}/pulls`);
  await client.call("GET", `/repos/${REPO}/nope`);

  // The enforcement doctor's reads: rules, a ruleset (bypass actors shown only with Administration:
  // read), classic protection (403 without it, 404 on an unprotected branch).
  const [rulesetId] = sim.setBranchRules(REPO, "main", [
    {
      name: "main",
      bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "pull_request" }],
      rules: [
        { type: "required_status_checks", parameters: { required_status_checks: [{ context: "agentgate", integration_id: 1 }, { context: "ci" }], strict_required_status_checks_policy: true } },
        { type: "pull_request", parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } },
        { type: "non_fast_forward" },
        { type: "deletion" },
      ],
    },
    { name: "org", source_type: "Organization", rules: [{ type: "merge_queue", parameters: { check_response_timeout_minutes: 60, grouping_strategy: "ALLGREEN", max_entries_to_build: 5, max_entries_to_merge: 5, merge_method: "SQUASH", min_entries_to_merge: 1, min_entries_to_merge_wait_minutes: 5 } }] },
  ]);
  sim.setBranchProtection(REPO, "main", { requiredChecks: [{ context: "agentgate", appId: 1 }, { context: "ci" }], enforceAdmins: true, requirePullRequest: true });
  await client.call("GET", `/repos/${REPO}/rules/branches/main?per_page=100`);
  await client.call("GET", `/repos/${REPO}/rules/branches/no-rules`);
  await client.call("GET", `/repos/${REPO}/rulesets/${rulesetId}`);
  await client.call("GET", `/repos/${REPO}/branches/main/protection`);
  sim.grantAdministration();
  await client.call("GET", `/repos/${REPO}/rulesets/${rulesetId}`);
  await client.call("GET", `/repos/${REPO}/rulesets/999999`);
  await client.call("GET", `/repos/${REPO}/branches/main/protection`);
  await client.call("GET", `/repos/${REPO}/branches/release/protection`);

  await sim.rerequestCheckRun(REPO, runId, "maria");
  const deliveries = await client.call("GET", "/app/hook/deliveries?per_page=2", undefined, { auth: `Bearer ${fakeJwt(1)}` });
  await client.call("POST", `/app/hook/deliveries/${(deliveries.body as { id: number }[])[0]!.id}/attempts`, undefined, { auth: `Bearer ${fakeJwt(1)}` });
  await sim.settleRedeliveries();
  await sim.rerequestCheckSuite(REPO, head, "maria");
  await sim.enqueueMergeGroup(REPO, [number]);
  await sim.closePullRequest(REPO, draft.number, "maria");

  // The deploy gate's side: a merge, deployments and their statuses, the protection rule's callback.
  const merged = await sim.mergePullRequest(REPO, number, { by: "maria" });
  await client.call("GET", `/repos/${REPO}/pulls/${number}`);
  await client.call("GET", `/repos/${REPO}/commits/${merged.mergeCommitSha}/pulls`);
  await client.call("GET", `/repos/${REPO}/commits/${head}/pulls`);
  const shipped = sim.addDeployment(REPO, { environment: "production", ref: "main", creator: "maria" });
  const requested = await sim.requestDeployment(REPO, { environment: "production", ref: "main", sender: "maria" });
  await client.call("GET", `/repos/${REPO}/deployments?environment=production&per_page=30`);
  await client.call("GET", `/repos/${REPO}/deployments/${shipped}/statuses?per_page=100`);
  await client.call("GET", `/repos/${REPO}/commits?sha=main&per_page=100`);
  await client.call("POST", `/repos/${REPO}/actions/runs/${requested.runId}/deployment_protection_rule`, { environment_name: "production", state: "approved", comment: "ok" });
  await client.call("GET", `/repos/${REPO}/deployments/${requested.deploymentId}/statuses`);
  await client.call("POST", `/repos/${REPO}/actions/runs/999/deployment_protection_rule`, { environment_name: "production", state: "approved" });

  // Who may approve changes: a collaborator's permission, a team's members, the organization's members,
  // a team's access; and the search for the open PRs someone reviewed.
  await client.call("GET", `/search/issues?q=${encodeURIComponent("is:pr is:open reviewed-by:maria repo:acme/app")}&per_page=100&page=1`);
  await client.call("GET", `/search/issues?q=${encodeURIComponent("is:pr is:open reviewed-by:maria org:acme")}&per_page=100`);
  await client.call("GET", `/search/issues?q=${encodeURIComponent("is:issue label:bug")}`);
  sim.addUser({ login: "temp", email: "temp@example.com" });
  await sim.changePermission(REPO, "temp", "write", "maria");
  await sim.changePermission(REPO, "temp", "triage", "maria");
  await sim.changePermission(REPO, "temp", "none", "maria");
  await sim.changeTeamMembership("acme", "platform", "temp", "added", "maria");
  await sim.setTeamAccess(REPO, "acme", "platform", "write", "maria");
  await sim.setTeamAccess(REPO, "acme", "platform", null, "maria");
  await sim.changeTeamMembership("acme", "platform", "temp", "removed", "maria");
  await sim.removeFromOrganization("acme", "temp", "maria");
  // Bypasses: a run with the "Accept bypass" button, a press of it, one commit, a comment, an issue.
  const bypass = await client.call("POST", `/repos/${REPO}/check-runs`, {
    name: "agentgate bypass",
    head_sha: merged.mergeCommitSha,
    conclusion: "failure",
    output: { title: "Bypass", summary: "merged while pending", text: "<!-- record -->" },
    actions: [{ label: "Accept bypass", description: "Let the deploy gate pass this commit", identifier: "accept-bypass" }],
  });
  const bypassId = (bypass.body as { id: number }).id;
  await sim.requestCheckRunAction(REPO, bypassId, "accept-bypass", "max");
  await client.call("PATCH", `/repos/${REPO}/check-runs/${bypassId}`, { conclusion: "success", actions: [] });
  await client.call("POST", `/repos/${REPO}/check-runs`, { name: "x", head_sha: head, output: { title: "t", summary: "s" }, actions: [{ label: "a label longer than twenty", description: "d", identifier: "i" }] });
  await client.call("GET", `/repos/${REPO}/commits/${merged.mergeCommitSha}`);
  await client.call("GET", `/repos/${REPO}/commits/${"0".repeat(40)}`);
  await client.call("POST", `/repos/${REPO}/issues/${number}/comments`, { body: "agentgate: bypass" });
  await client.call("POST", `/repos/${REPO}/issues/999/comments`, { body: "nowhere" });
  await client.call("POST", `/repos/${REPO}/issues`, { title: "agentgate: bypass on main", body: "what happened" });

  // Installing the app: on a repository of an account it is installed on, and on a new account.
  sim.addRepo({ owner: "acme", name: "later", files: { "README.md": "later\n" }, installed: false });
  await sim.installApp("acme/later", "maria");
  sim.addUser({ login: "solo", email: "solo@example.com" });
  sim.addRepo({ owner: "solo", name: "tools", files: { "README.md": "tools\n" }, installed: false });
  await sim.installApp("solo/tools", "solo");
}

beforeAll(async () => {
  openapi = new OpenApiChecker();
  webhooks = new WebhookChecker();
  receiver = await startReceiver();
  sim = await GitHubSimulator.start({ webhookSecret: "conformance", webhookUrl: receiver.url });
  client = new Client(sim);
  await scenario();
});

afterAll(async () => {
  await sim.stop();
  await receiver.stop();
});

describe("REST answers match GitHub's OpenAPI description", () => {
  it("covers every endpoint the app uses", () => {
    const templates = new Set(client.answers.map((a) => `${a.method} ${openapi.operationFor(a.method, a.path)?.template}`));
    for (const t of [
      "GET /app",
      "GET /app/installations",
      "GET /app/hook/deliveries",
      "POST /app/hook/deliveries/{delivery_id}/attempts",
      "POST /app/installations/{installation_id}/access_tokens",
      "GET /repos/{owner}/{repo}/installation",
      "GET /installation/repositories",
      "GET /repos/{owner}/{repo}",
      "GET /repos/{owner}/{repo}/pulls",
      "GET /repos/{owner}/{repo}/pulls/{pull_number}",
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      "GET /repos/{owner}/{repo}/issues/{issue_number}",
      "GET /repos/{owner}/{repo}/issues/{issue_number}/events",
      "GET /repos/{owner}/{repo}/contents/{path}",
      "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
      "GET /repos/{owner}/{repo}/git/ref/{ref}",
      "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
      "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
      "POST /repos/{owner}/{repo}/statuses/{sha}",
      "GET /repos/{owner}/{repo}/commits/{ref}/statuses",
      "GET /repos/{owner}/{repo}/commits/{ref}/status",
      "POST /repos/{owner}/{repo}/check-runs",
      "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
      "GET /repos/{owner}/{repo}/check-runs/{check_run_id}",
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
      "GET /repos/{owner}/{repo}/deployments",
      "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
      "GET /repos/{owner}/{repo}/commits",
      "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule",
      "GET /search/issues",
      "GET /repos/{owner}/{repo}/rules/branches/{branch}",
      "GET /repos/{owner}/{repo}/rulesets/{ruleset_id}",
      "GET /repos/{owner}/{repo}/branches/{branch}/protection",
    ]) {
      expect(templates).toContain(t);
    }
    expect([...templates].some((t) => t.startsWith("GET /repos/{owner}/{repo}/compare/"))).toBe(true);
  });

  it("validates every successful answer, and every error answer GitHub documents", () => {
    const problems: string[] = [];
    const checked: Answer[] = [];
    for (const a of client.answers) {
      if (a.path.endsWith("/nope")) continue; // an unknown route: no operation to check against
      if (a.path === "/graphql") continue; // GraphQL: checked against GitHub's GraphQL schema below
      const op = openapi.operationFor(a.method, a.path);
      const documented = op?.responses[String(a.status)] !== undefined;
      if (a.status < 300 || documented) {
        problems.push(...openapi.check(a.method, a.path, a.status, a.body));
        checked.push(a);
      }
    }
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThan(25);
  });

  it("answers JSON with GitHub's headers", () => {
    for (const a of client.answers) {
      expect(a.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(a.headers.get("x-github-request-id")).toBeTruthy();
      expect(a.headers.get("x-ratelimit-limit")).toBe("5000");
      expect(Number(a.headers.get("x-ratelimit-remaining"))).toBeLessThan(5000);
    }
    expect(client.answers.filter((a) => a.method === "GET" && a.status === 200).every((a) => /^W\/"/.test(a.headers.get("etag") ?? ""))).toBe(true);
  });

  it("answers an unknown route with a JSON 404", () => {
    const miss = client.answers.find((a) => a.path.endsWith("/nope"));
    expect(miss?.status).toBe(404);
    expect(miss?.body).toMatchObject({ message: "Not Found" });
  });

  it("can fail: a deliberately wrong answer does not validate", () => {
    const pr = client.answers.find((a) => a.method === "GET" && /\/pulls\/\d+$/.test(a.path));
    const broken = { ...(pr?.body as Record<string, unknown>), number: "one", head: { ...(pr?.body as { head: object }).head, sha: null } };
    delete (broken as Record<string, unknown>).user;
    const errors = openapi.check("GET", pr?.path as string, 200, broken);
    expect(errors.join("\n")).toMatch(/\/number must be integer/);
    expect(errors.join("\n")).toMatch(/user/);
    expect(openapi.check("GET", "/repos/a/b/pulls/1", 200, { ...(pr?.body as object), state: null })).not.toEqual([]);
  });
});

describe("GraphQL answers match GitHub's GraphQL schema", () => {
  // The published SDL defines two EnterpriseOwnerInfo fields twice; that does not touch this query.
  const schema = buildSchema(githubGraphql.idl, { assumeValidSDL: true });
  const answer = () => client.answers.find((a) => a.path === "/graphql") as { body: { data: Record<string, unknown> } };
  /** Run the query on GitHub's schema over the simulator's data: GitHub could answer it only if nothing is lost or wrong. */
  const replay = (data: unknown) =>
    execute({ schema, document: parse(COMMIT_ACTORS_QUERY), rootValue: data, variableValues: { owner: "acme", repo: "app", number: 1, after: null } });

  it("answers the app's query with data GitHub's schema accepts, unchanged", async () => {
    const { data } = answer().body;
    const result = await replay(data);
    expect(result.errors ?? []).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual(data);
  });

  it("links co-authors the way GitHub does: noreply, verified and added emails; null otherwise", () => {
    const commits = (answer().body.data as { repository: { pullRequest: { commits: { nodes: { commit: { authors: { nodes: { email: string; user: { login: string } | null }[] } } }[] } } } })
      .repository.pullRequest.commits.nodes;
    const authors = commits.flatMap((n) => n.commit.authors.nodes).map((a) => [a.email, a.user?.login ?? null]);
    expect(authors).toEqual(
      expect.arrayContaining([
        // The id in a noreply address must be the account's: 1003 is not dana's.
        ["1003+dana@users.noreply.github.com", null],
        ["max@users.noreply.github.com", "max"],
        ["maria.m@home.example", "maria"],
        ["nobody@nowhere.example", null],
        // GitActor.user is a User: a bot's noreply address links to no User.
        [copilot.email, null],
      ]),
    );
  });

  it("can fail: data the schema does not allow is caught", async () => {
    const broken = JSON.parse(JSON.stringify(answer().body.data)) as { repository: { pullRequest: { commits: { totalCount?: number } } } };
    delete broken.repository.pullRequest.commits.totalCount;
    expect((await replay(broken)).errors?.map((e) => e.message).join("\n")).toMatch(/totalCount/);
  });
});

describe("webhook payloads match GitHub's webhook schemas", () => {
  it("sends every event the app subscribes to", () => {
    const kinds = new Set(sim.deliveries.map((d) => (d.action ? `${d.event}.${d.action}` : d.event)));
    for (const k of [
      "pull_request.opened",
      "pull_request.synchronize",
      "pull_request.labeled",
      "pull_request.unlabeled",
      "pull_request.assigned",
      "pull_request.edited",
      "pull_request.ready_for_review",
      "pull_request.closed",
      "pull_request.reopened",
      "pull_request_review.submitted",
      "pull_request_review.dismissed",
      "push",
      "status",
      "check_run.rerequested",
      "check_suite.rerequested",
      "merge_group.checks_requested",
      "installation.created",
      "installation_repositories.added",
      "deployment_protection_rule.requested",
      "member.added",
      "member.edited",
      "member.removed",
      "membership.added",
      "membership.removed",
      "organization.member_removed",
      "team.added_to_repository",
      "team.removed_from_repository",
    ]) {
      expect(kinds).toContain(k);
    }
  });

  it("validates every payload sent", () => {
    const problems: string[] = [];
    for (const r of receiver.received) {
      problems.push(...webhooks.check(r.headers["x-github-event"] as string, r.payload));
    }
    expect(problems).toEqual([]);
    expect(receiver.received.length).toBe(sim.deliveries.length);
  });

  it("can fail: a payload with a wrong field does not validate", () => {
    const opened = receiver.received.find((r) => r.payload.action === "opened") as { payload: Record<string, unknown> };
    expect(webhooks.check("pull_request", { ...opened.payload, number: "1" })).not.toEqual([]);
    expect(webhooks.check("pull_request", { ...opened.payload, surprise: true })).not.toEqual([]);
  });
});
