/** What a client of the simulator notices: signatures, caching, pagination, limits, rebases, faults. */
import { freePort } from "../../devtools/demo/net.js";
import { createHmac, generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { Octokit } from "@octokit/rest";
import { Probot, ProbotOctokit, Server } from "probot";
import { pino } from "pino";
import { GitHubSimulator } from "../../devtools/simulator/index.js";
import { Client, startReceiver, type Receiver } from "./helpers.js";

const SECRET = "behaviour-secret";
const REPO = "acme/app";
const agent = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
/** Distinct lines `line <from>` .. `line <to>`, so a diff has one right answer. */
const numbered = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join("");
const maria = { login: "maria", name: "Maria", email: "maria@acme.example" };

let sim: GitHubSimulator;
let receiver: Receiver;
let client: Client;

beforeEach(async () => {
  receiver = await startReceiver();
  sim = await GitHubSimulator.start({ webhookSecret: SECRET, webhookUrl: receiver.url, maxPatchBytes: 2000 });
  client = new Client(sim);
  sim.addOrg("acme");
  sim.addUser(maria);
  sim.addUser({ login: "Copilot", type: "Bot" });
  sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n", "src/a.ts": numbered(1, 20) } });
  sim.setPermission(REPO, "maria", "maintain");
});

afterEach(async () => {
  await sim.stop();
  await receiver.stop();
});

async function agentPullRequest(files: Record<string, string | null>, branch = "copilot/x") {
  sim.createBranch(REPO, branch, "main");
  sim.commit(REPO, { branch, files, message: "Initial plan", author: agent });
  return (await sim.openPullRequest(REPO, { head: branch, title: "x", author: "Copilot" })).number;
}

async function octokit(): Promise<Octokit> {
  const installs = await client.call("GET", "/app/installations", undefined, { auth: `Bearer ${(await import("./helpers.js")).fakeJwt(1)}` });
  const token = await client.token((installs.body as { id: number }[])[0]?.id as number);
  return new Octokit({ auth: token, baseUrl: `${sim.url}/api/v3`, request: { retries: 0 } });
}

describe("webhooks", () => {
  it("are signed with the secret over the exact body, and carry GitHub's headers", async () => {
    await agentPullRequest({ "b.txt": "b\n" });
    const [r] = receiver.received;
    const expected = `sha256=${createHmac("sha256", SECRET).update(r?.raw ?? "").digest("hex")}`;
    expect(r?.headers["x-hub-signature-256"]).toBe(expected);
    expect(r?.headers["x-github-event"]).toBe("pull_request");
    expect(r?.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r?.headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
    expect(r?.payload.installation).toEqual({ id: expect.any(Number), node_id: expect.any(String) });
    expect(createHmac("sha256", "wrong").update(r?.raw ?? "").digest("hex")).not.toBe(expected.slice(7));
  });

  it("attributes to a delivery exactly the API calls made while the app handled it", async () => {
    receiver.onDelivery = async (r) => {
      if (r.payload.action !== "opened") return;
      await client.call("GET", `/repos/${REPO}/pulls/${(r.payload.pull_request as { number: number }).number}/files`);
    };
    await client.call("GET", `/repos/${REPO}`); // before: not part of any delivery
    sim.createBranch(REPO, "copilot/y", "main");
    sim.commit(REPO, { branch: "copilot/y", files: { "y.txt": "y\n" }, message: "y", author: agent });
    const { delivery } = await sim.openPullRequest(REPO, { head: "copilot/y", title: "y", author: "Copilot" });
    expect(delivery.status).toBe(200);
    expect(delivery.requests.map((q) => `${q.method} ${q.path.split("?")[0]}`)).toEqual(["GET /repos/acme/app/pulls/1/files"]);
  });

  it("redelivers with the same id and body", async () => {
    await agentPullRequest({ "b.txt": "b\n" });
    const first = sim.deliveries[0];
    const again = await sim.redeliver(first!);
    expect(again.id).toBe(first?.id);
    expect(receiver.received[1]?.raw).toBe(receiver.received[0]?.raw);
    expect(receiver.received[1]?.headers["x-github-delivery"]).toBe(first?.id);
  });

  it("go to several replicas in turn, round-robin, redeliveries included", async () => {
    const other = await startReceiver();
    try {
      sim.setWebhookTargets([receiver.url, other.url]);
      const sent = [];
      for (let i = 0; i < 4; i++) sent.push(await sim.deliver("ping", { zen: `ping ${i}` }));
      expect(sent.map((d) => d.target)).toEqual([receiver.url, other.url, receiver.url, other.url]);
      expect(receiver.received.map((r) => r.payload.zen)).toEqual(["ping 0", "ping 2"]);
      expect(other.received.map((r) => r.payload.zen)).toEqual(["ping 1", "ping 3"]);
      const again = await sim.redeliver(sent[0]!);
      expect(again.target).toBe(receiver.url);
      expect(receiver.received.map((r) => r.payload.zen)).toEqual(["ping 0", "ping 2", "ping 0"]);
    } finally {
      await other.stop();
    }
  });

  it("are posted without waiting for each other when deliveries are concurrent", async () => {
    const concurrent = await GitHubSimulator.start({ webhookSecret: SECRET, webhookUrls: [receiver.url], deliveries: "concurrent" });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      receiver.onDelivery = (r) => (r.payload.zen === "slow" ? held : Promise.resolve());
      const slow = concurrent.deliver("ping", { zen: "slow" });
      const fast = await concurrent.deliver("ping", { zen: "fast" });
      expect(fast.status).toBe(200);
      release();
      expect((await slow).status).toBe(200);
      expect(receiver.received.map((r) => r.payload.zen)).toEqual(["slow", "fast"]);
    } finally {
      await concurrent.stop();
    }
  });

  it("announce a reset to an earlier commit as a forced push with no commits, and move the PR's head", async () => {
    const number = await agentPullRequest({ "x.txt": "1\n" });
    const first = sim.pullRequest(REPO, number).head.sha;
    await sim.push(REPO, "copilot/x", { files: { "x.txt": "2\n" }, message: "two", author: agent });
    const second = sim.pullRequest(REPO, number).head.sha;
    receiver.received.length = 0;

    await sim.resetBranch(REPO, "copilot/x", first, "maria");
    expect(sim.pullRequest(REPO, number).head.sha).toBe(first);
    const [push, sync] = receiver.received.map((r) => r.payload);
    expect(push).toMatchObject({ ref: "refs/heads/copilot/x", before: second, after: first, forced: true, commits: [], head_commit: { id: first } });
    expect(sync).toMatchObject({ action: "synchronize", before: second, after: first, pull_request: { head: { sha: first } } });
  });

  it("reports an unreachable app as status 0 instead of throwing", async () => {
    sim.setWebhookTarget("http://127.0.0.1:1/nowhere");
    const d = await sim.deliver("ping", { zen: "Keep it simple." });
    expect(d.status).toBe(0);
    expect(d.body).not.toBe("");
  });
});

describe("conditional requests", () => {
  it("answer 304 while the body is unchanged, and 200 after a change", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    const first = await client.call("GET", `/repos/${REPO}/pulls/${n}`);
    const etag = first.headers.get("etag") as string;
    const again = await client.call("GET", `/repos/${REPO}/pulls/${n}`, undefined, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    // A 304 is free: the remaining count does not drop.
    expect(again.headers.get("x-ratelimit-remaining")).toBe(first.headers.get("x-ratelimit-remaining"));

    await sim.push(REPO, "copilot/x", { files: { "c.txt": "c\n" }, message: "c", author: agent });
    const after = await client.call("GET", `/repos/${REPO}/pulls/${n}`, undefined, { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
  });
});

describe("pagination and GitHub's listing limits", () => {
  it("pages files with Link headers that Octokit follows", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 230; i++) files[`f/${String(i).padStart(3, "0")}.txt`] = `${i}\n`;
    const n = await agentPullRequest(files);
    const page1 = await client.call("GET", `/repos/${REPO}/pulls/${n}/files?per_page=100`);
    expect(page1.headers.get("link")).toMatch(/[?&]page=2[^>]*>; rel="next".*[?&]page=3[^>]*>; rel="last"/);
    const gh = await octokit();
    const all = await gh.paginate(gh.rest.pulls.listFiles, { owner: "acme", repo: "app", pull_number: n, per_page: 100 });
    expect(all.map((f) => f.filename)).toEqual(Object.keys(files));
  });

  it("lists at most 3000 files and 250 commits, while the PR counts them all", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3005; i++) files[`many/${i}.txt`] = "x\n";
    const n = await agentPullRequest(files);
    for (let i = 0; i < 254; i++) sim.commit(REPO, { branch: "copilot/x", files: { "count.txt": `${i}\n` }, message: `c${i}`, author: agent });
    const gh = await octokit();
    const pr = (await gh.rest.pulls.get({ owner: "acme", repo: "app", pull_number: n })).data;
    expect(pr.changed_files).toBe(3006);
    expect(pr.commits).toBe(255);
    const listed = await gh.paginate(gh.rest.pulls.listFiles, { owner: "acme", repo: "app", pull_number: n, per_page: 100 });
    expect(listed).toHaveLength(3000);
    const commits = await gh.paginate(gh.rest.pulls.listCommits, { owner: "acme", repo: "app", pull_number: n, per_page: 100 });
    expect(commits).toHaveLength(250);
    // per_page is capped at 100, as on GitHub.
    expect((await client.call("GET", `/repos/${REPO}/pulls/${n}/files?per_page=500`)).body).toHaveLength(100);
  }, 60_000);
});

describe("write limits", () => {
  it("rejects a status description over 140 characters and an unknown sha with 422", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    const sha = sim.pullRequest(REPO, n).head.sha;
    const long = await client.call("POST", `/repos/${REPO}/statuses/${sha}`, { state: "pending", context: "agentgate", description: "é".repeat(141) });
    expect(long.status).toBe(422);
    const exact = await client.call("POST", `/repos/${REPO}/statuses/${sha}`, { state: "pending", context: "agentgate", description: "é".repeat(140) });
    expect(exact.status).toBe(201);
    const unknown = await client.call("POST", `/repos/${REPO}/statuses/${"f".repeat(40)}`, { state: "success", context: "agentgate" });
    expect(unknown.status).toBe(422);
    expect(sim.statuses(REPO, sha)).toHaveLength(1);
    expect(sim.latestStatus(REPO, sha, "agentgate")?.creator?.login).toBe("agentgate[bot]");
  });

  it("takes 50 annotations a request, appends them across updates, and limits summary to 65535", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    const sha = sim.pullRequest(REPO, n).head.sha;
    const note = (i: number) => ({ path: "b.txt", start_line: 1, end_line: 1, annotation_level: "notice", message: `n${i}` });
    const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => note(from + i));
    const tooMany = await client.call("POST", `/repos/${REPO}/check-runs`, { name: "agentgate", head_sha: sha, output: { title: "t", summary: "s", annotations: batch(0, 51) } });
    expect(tooMany.status).toBe(422);
    const created = await client.call("POST", `/repos/${REPO}/check-runs`, { name: "agentgate", head_sha: sha, output: { title: "t", summary: "s", annotations: batch(0, 50) } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    const more = await client.call("PATCH", `/repos/${REPO}/check-runs/${id}`, { output: { title: "t2", summary: "s2", annotations: batch(50, 10) } });
    expect((more.body as { output: { annotations_count: number } }).output.annotations_count).toBe(60);
    const huge = await client.call("PATCH", `/repos/${REPO}/check-runs/${id}`, { output: { title: "t3", summary: "x".repeat(65536) } });
    expect(huge.status).toBe(422);
    const [run] = sim.checkRuns(REPO, sha);
    expect(run?.output).toMatchObject({ title: "t2", summary: "s2" });
    expect(run?.output.annotations.map((a) => a.message)).toEqual(batch(0, 60).map((a) => a.message));
    expect(run?.app_id).toBe(1);
  });

  it("completes a check run when a conclusion is given, and refuses completed without one", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    const sha = sim.pullRequest(REPO, n).head.sha;
    const bad = await client.call("POST", `/repos/${REPO}/check-runs`, { name: "agentgate", head_sha: sha, status: "completed" });
    expect(bad.status).toBe(422);
    const good = await client.call("POST", `/repos/${REPO}/check-runs`, { name: "agentgate", head_sha: sha, conclusion: "failure" });
    expect(good.body).toMatchObject({ status: "completed", conclusion: "failure", pull_requests: [{ number: n }] });
  });
});

describe("diffs", () => {
  it("gives identical patches in a three-dot compare after a rebase with the same changes", async () => {
    const n = await agentPullRequest({ "src/a.ts": numbered(1, 9) + "changed\n" + numbered(11, 20) });
    const before = sim.pullRequest(REPO, n).head.sha;
    sim.commit(REPO, { branch: "main", files: { "README.md": "# app\n\nmore\n" }, message: "docs", author: maria });
    const deliveries = await sim.updatePullRequestBranch(REPO, n);
    const after = sim.pullRequest(REPO, n).head.sha;
    expect(after).not.toBe(before);
    expect(deliveries.map((d) => `${d.event}.${d.action ?? ""}`)).toEqual(["push.", "pull_request.synchronize"]);

    const old = (await client.call("GET", `/repos/${REPO}/compare/main...${before}`)).body as { files: { patch: string }[]; behind_by: number; status: string };
    const now = (await client.call("GET", `/repos/${REPO}/compare/main...${after}`)).body as { files: { patch: string }[]; behind_by: number; status: string };
    expect(now.files).toEqual(old.files.map((f) => ({ ...f, blob_url: expect.any(String), raw_url: expect.any(String), contents_url: expect.any(String) })));
    // git names the nearest line above the hunk that starts with a letter: `line 6`.
    expect(now.files[0]?.patch).toBe("@@ -7,7 +7,7 @@ line 6\n line 7\n line 8\n line 9\n-line 10\n+changed\n line 11\n line 12\n line 13");
    expect(old).toMatchObject({ status: "diverged", behind_by: 1 });
    expect(now).toMatchObject({ status: "ahead", behind_by: 0 });
  });

  it("names the function above each hunk after `@@`, as git does, and gives every file its blob sha", async () => {
    const body = (name: string) => `function ${name}() {\n  one\n  two\n  three\n  four\n  five\n  six\n}\n`;
    sim.commit(REPO, { branch: "main", files: { "f.js": body("a") + body("b") }, message: "seed", author: maria });
    const n = await agentPullRequest({ "f.js": body("a").replace("  four\n", "  four\n  added\n") + body("b") + "tail\n", "logo.png": "\0bin" });
    const files = (await client.call("GET", `/repos/${REPO}/pulls/${n}/files`)).body as { filename: string; sha: string; patch?: string }[];
    const f = files.find((x) => x.filename === "f.js");
    expect(f?.patch?.split("\n").filter((l) => l.startsWith("@@"))).toEqual(["@@ -3,6 +3,7 @@ function a() {", "@@ -14,3 +15,4 @@ function b() {"]);
    for (const x of files) expect(x.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(files.find((x) => x.filename === "logo.png")).not.toHaveProperty("patch");
  });

  it("lists a pull request's base changes and dismissals as issue events, with the dismissed review's earlier state", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    sim.createBranch(REPO, "release", "main");
    await sim.editPullRequest(REPO, n, { base: "release" }, "Copilot");
    const { reviewId } = await sim.submitReview(REPO, n, { reviewer: "maria", event: "REQUEST_CHANGES" });
    await sim.dismissReview(REPO, n, reviewId, "Copilot", "done");
    const events = (await client.call("GET", `/repos/${REPO}/issues/${n}/events`)).body as Record<string, unknown>[];
    expect(events).toEqual([
      expect.objectContaining({ event: "base_ref_changed", actor: expect.objectContaining({ login: "Copilot" }) }),
      expect.objectContaining({
        event: "review_dismissed",
        actor: expect.objectContaining({ login: "Copilot", type: "Bot" }),
        dismissed_review: expect.objectContaining({ review_id: reviewId, state: "changes_requested", dismissal_message: "done" }),
      }),
    ]);
    expect((await client.call("GET", `/repos/${REPO}/issues/999/events`)).status).toBe(404);
  });

  it("reports renames, and leaves the patch out of binary and oversized files", async () => {
    sim.commit(REPO, { branch: "main", files: { "docs/old.md": "same text\n", "logo.png": "\0bin" }, message: "seed", author: maria });
    const n = await agentPullRequest({ "docs/old.md": null, "docs/new.md": "same text\n", "logo.png": "\0bin2", "big.txt": "line\n".repeat(1000) });
    const files = (await client.call("GET", `/repos/${REPO}/pulls/${n}/files`)).body as Record<string, unknown>[];
    const byName = Object.fromEntries(files.map((f) => [f.filename, f]));
    expect(byName["docs/new.md"]).toMatchObject({ status: "renamed", previous_filename: "docs/old.md", changes: 0 });
    expect(byName["docs/old.md"]).toBeUndefined();
    expect(byName["logo.png"]).toMatchObject({ status: "modified" });
    expect(byName["logo.png"]).not.toHaveProperty("patch");
    expect(byName["big.txt"]).toMatchObject({ status: "added", additions: 1000 });
    expect(byName["big.txt"]).not.toHaveProperty("patch");
  });

  it("answers a file over 1 MB in the contents API without content, and serves it whole as a git blob", async () => {
    const text = `${"x".repeat(1024 * 1024)}\n`;
    sim.commit(REPO, { branch: "main", files: { "state/big.tf.json": text, "small.txt": "s\n" }, message: "seed", author: maria });
    const big = (await client.call("GET", `/repos/${REPO}/contents/state/big.tf.json`)).body as { content: string; encoding: string; size: number; sha: string };
    expect(big).toMatchObject({ content: "", encoding: "none", size: text.length });
    const blob = (await client.call("GET", `/repos/${REPO}/git/blobs/${big.sha}`)).body as { content: string; encoding: string; size: number };
    expect(blob).toMatchObject({ encoding: "base64", size: text.length });
    expect(Buffer.from(blob.content, "base64").toString("utf8")).toBe(text);
    const small = (await client.call("GET", `/repos/${REPO}/contents/small.txt`)).body as { content: string; encoding: string };
    expect(small.encoding).toBe("base64");
    expect((await client.call("GET", `/repos/${REPO}/git/blobs/${"0".repeat(40)}`)).status).toBe(404);
  });

  it("links commit authors to users by email or noreply address", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    sim.commit(REPO, { branch: "copilot/x", files: { "c.txt": "c\n" }, message: "by maria", author: { name: "M", email: "maria@acme.example" } });
    sim.commit(REPO, { branch: "copilot/x", files: { "d.txt": "d\n" }, message: "by a stranger", author: { name: "S", email: "s@elsewhere.example" } });
    const commits = (await client.call("GET", `/repos/${REPO}/pulls/${n}/commits`)).body as { author: { login: string; type: string; id: number } | null }[];
    expect(commits.map((c) => c.author?.login ?? null)).toEqual(["Copilot", "maria", null]);
    expect(commits[0]?.author).toMatchObject({ type: "Bot", id: 198982749 });
  });
});

describe("who may approve", () => {
  it("answers permissions as GitHub does: role_name exact, permission folded, read for outsiders of a public repo", async () => {
    sim.addUser({ login: "outsider" });
    const m = await client.call("GET", `/repos/${REPO}/collaborators/maria/permission`);
    expect(m.body).toMatchObject({ permission: "write", role_name: "maintain" });
    const o = await client.call("GET", `/repos/${REPO}/collaborators/outsider/permission`);
    expect(o.body).toMatchObject({ permission: "read", role_name: "read" });
    sim.addRepo({ owner: "acme", name: "secret", files: { a: "a" }, private: true });
    const p = await client.call("GET", `/repos/acme/secret/collaborators/outsider/permission`);
    expect(p.body).toMatchObject({ permission: "none" });
    expect((await client.call("GET", `/repos/${REPO}/collaborators/ghost/permission`)).status).toBe(404);
  });

  it("tells active team members from pending invitations and outsiders", async () => {
    sim.addUser({ login: "pat" });
    sim.addTeam("acme", "platform", [{ login: "maria" }, { login: "pat", state: "pending" }]);
    expect((await client.call("GET", "/orgs/acme/teams/platform/memberships/maria")).body).toMatchObject({ state: "active" });
    expect((await client.call("GET", "/orgs/acme/teams/platform/memberships/pat")).body).toMatchObject({ state: "pending" });
    expect((await client.call("GET", "/orgs/acme/teams/platform/memberships/Copilot")).status).toBe(404);
  });
});

describe("credentials", () => {
  it("takes installation tokens on repository endpoints and the JWT only on app endpoints", async () => {
    expect((await client.call("GET", `/repos/${REPO}`, undefined, { auth: "token nope" })).status).toBe(401);
    const { fakeJwt } = await import("./helpers.js");
    expect((await client.call("GET", `/repos/${REPO}`, undefined, { auth: `Bearer ${fakeJwt(1)}` })).status).toBe(403);
    expect((await client.call("GET", "/app", undefined, { auth: `Bearer ${fakeJwt(2)}` })).status).toBe(401);
    expect((await client.call("GET", `/repos/${REPO}`, undefined, { prefix: "/api/v3" })).status).toBe(200);
  });
});

describe("fault injection", () => {
  it("fails the next matching requests with the given status, then recovers", async () => {
    const n = await agentPullRequest({ "b.txt": "b\n" });
    sim.failNext({ method: "GET", pathPattern: /\/pulls\/\d+\/files$/ }, 502, 2);
    const path = `/repos/${REPO}/pulls/${n}/files`;
    expect((await client.call("GET", path)).status).toBe(502);
    expect((await client.call("GET", `/repos/${REPO}/pulls/${n}`)).status).toBe(200); // not matching
    expect((await client.call("GET", path)).status).toBe(502);
    expect((await client.call("GET", path)).status).toBe(200);
    expect(sim.requests.filter((r) => r.path === path).map((r) => r.status)).toEqual([502, 502, 200]);
  });
});

describe("with a real Probot app", () => {
  it("authenticates as the app, reads the PR and posts a status while handling the webhook", async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const log = pino({ level: "silent" });
    const server = new Server({
      host: "127.0.0.1",
      port: await freePort(),
      webhookPath: "/hooks",
      log,
      Probot: Probot.defaults({
        appId: 1,
        privateKey,
        secret: SECRET,
        baseUrl: `${sim.url}/api/v3`,
        log,
        Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({ ...o, throttle: { enabled: false }, retry: { enabled: false } })),
      }),
    });
    await server.load((app: Probot) => {
      app.on("pull_request.opened", async (context) => {
        const files = await context.octokit.rest.pulls.listFiles(context.pullRequest());
        await context.octokit.rest.repos.createCommitStatus(
          context.repo({ sha: context.payload.pull_request.head.sha, state: "success" as const, context: "probe", description: `${files.data.length} files` }),
        );
      });
    });
    const http = await server.start();
    try {
      sim.setWebhookTarget(`http://127.0.0.1:${(http.address() as AddressInfo).port}/hooks`);
      sim.createBranch(REPO, "copilot/p", "main");
      sim.commit(REPO, { branch: "copilot/p", files: { "p.txt": "p\n", "q.txt": "q\n" }, message: "p", author: agent });
      const { number, delivery } = await sim.openPullRequest(REPO, { head: "copilot/p", title: "p", author: "Copilot" });
      expect(delivery.status).toBe(200);
      expect(delivery.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`)).toEqual([
        `POST /app/installations/${sim.deliveries[0] ? JSON.parse(sim.deliveries[0].payload).installation.id : 0}/access_tokens 201`,
        `GET /repos/acme/app/pulls/${number}/files 200`,
        `POST /repos/acme/app/statuses/${sim.pullRequest(REPO, number).head.sha} 201`,
      ]);
      expect(sim.latestStatus(REPO, sim.pullRequest(REPO, number).head.sha, "probe")).toMatchObject({ state: "success", description: "2 files" });
    } finally {
      await server.stop();
    }
  });
});
