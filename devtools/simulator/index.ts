/**
 * # The local GitHub simulator
 *
 * A stateful, in-process GitHub for the demo and the end-to-end tests. It serves the REST endpoints
 * agentgate uses (shaped as GitHub's OpenAPI description says, checked by test/simulator) and sends
 * signed webhooks to the app as its state changes. No network beyond 127.0.0.1.
 *
 * ```ts
 * const sim = await GitHubSimulator.start({ webhookSecret: "s3cret" });     // app id 1, slug "agentgate"
 * sim.setWebhookTarget("http://127.0.0.1:3000/api/github/webhooks");         // the app (Probot)
 * // or replicas behind a round-robin balancer, deliveries not waiting for each other:
 * // GitHubSimulator.start({ webhookSecret, webhookUrls: [a, b], deliveries: "concurrent" })
 * sim.addOrg("acme");
 * sim.addUser({ login: "maria", email: "maria@acme.example" });
 * sim.addUser({ login: "Copilot", type: "Bot" });                            // known agents get their real ids
 * sim.addRepo({ owner: "acme", name: "app", files: { "README.md": "# app\n" } }); // installs the app
 * sim.setPermission("acme/app", "maria", "maintain");
 * sim.createBranch("acme/app", "copilot/fix", "main");
 * sim.commit("acme/app", { branch: "copilot/fix", files: { "a.ts": "x\n" }, message: "Initial plan",
 *   author: { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" } });
 * const { number, delivery } = await sim.openPullRequest("acme/app", { head: "copilot/fix", title: "Fix", author: "Copilot" });
 * // delivery.status is the app's HTTP answer, delivery.requests the API calls it made meanwhile.
 * await sim.submitReview("acme/app", number, { reviewer: "maria", event: "APPROVE" });
 * sim.latestStatus("acme/app", sim.pullRequest("acme/app", number).head.sha, "agentgate");
 * await sim.stop();
 * ```
 *
 * - Point Probot at it with `baseUrl: sim.url + "/api/v3"` (or `GHE_HOST=<host:port> GHE_PROTOCOL=http`
 *   under `probot run`). The API answers at `/` and at `/api/v3/`.
 * - Auth: `POST /app/installations/{id}/access_tokens` takes the app's JWT (its `iss` must be the app id;
 *   the signature is not checked) and issues tokens; every other endpoint takes only those tokens.
 * - Set-up calls (`addUser`, `addRepo`, `commit`, `createBranch`, `addReview`, ...) send no webhooks. Actions
 *   (`openPullRequest`, `push`, `submitReview`, ...) send them one at a time and resolve once the app
 *   answered, so `delivery.requests` are exactly the calls made while handling it.
 * - Writes made by the app through the API (statuses, check runs) do not echo back as webhooks.
 * - `addRepo({ ..., installed: false })`: the app cannot read it and gets none of its webhooks until
 *   `installApp(repo, by)` sends `installation.created` or `installation_repositories.added`.
 * - `failNext({ method, pathPattern }, 502, 3)` makes the next 3 matching requests fail; `clearFaults()`
 *   drops the ones left. The same match for other faults: `malformNext(match, (body) => ..., n)`
 *   answers 200 with the real body changed (a field dropped, `null`, a cut list: Link headers kept),
 *   `dropLinkNext(match, n)` loses the `Link` header (a list that seems to end early), and
 *   `hangNext(match, n)` never answers (until the client gives up or the simulator stops).
 * - Statuses: GitHub's cap of 1000 per SHA and context holds for the app's writes, `postStatus` and
 *   `addStatuses` (a flood set up without webhooks).
 * - Lists: `statuses()` newest first (as GitHub), `checkRuns()` oldest first (creation order).
 * - Merging: `mergePullRequest(repo, n, { by })` makes a merge commit on the base (as the merge button
 *   does, whatever the PR's checks say: an admin merge), sends `push` and `pull_request.closed`; the PR
 *   keeps its commits, and `GET /commits/{sha}/pulls` lists it for them and for its merge commit.
 * - `fastForward(repo, branch, sha, by)`: existing commits pushed to a branch by hand (a PR's head to main).
 * - Deployments (deployments.ts): `addDeployment(repo, { environment, sha, creator, state })` is a
 *   past one (set-up); `requestDeployment(repo, { environment, ref | sha, sender })` makes a deployment
 *   waiting on a workflow run, sends `deployment_protection_rule.requested` with its callback URL and
 *   resolves with the app's answer (`answer`, or undefined); an approval marks it deployed (`success`).
 * - `forcePush(repo, branch, commits)` rewrites a branch (push `forced: true`, `synchronize` with the
 *   old head as `before`); `addOtherAppCheckRun(repo, { app, name, headSha, ... })` stands for another
 *   GitHub App's check run (its own `app.id` and suite; agentgate cannot update it).
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  checkRunEvent,
  checkSuiteEvent,
  installationCreatedEvent,
  labelExtra,
  mergeGroupEvent,
  pullRequestEvent,
  pushEvent,
  repositoriesAddedEvent,
  reviewEvent,
  signature,
  statusEvent,
} from "./events.js";
import { diffTrees, type CommitInput, type FileChange, type SimCommit } from "./git.js";
import type { Annotation, Delivery, LabelState, Permission, PullState, RequestLogEntry, ReviewState, SimRepo, SimUser, StatusState } from "./model.js";
import { STATUS_DESCRIPTION_MAX, STATUSES_PER_CONTEXT_MAX, suiteFor } from "./routes.js";
import { ApiServer, type Served } from "./server.js";
import { pullJson, statusJson, userJson, type PullJson } from "./shapes.js";
import { SimState } from "./state.js";
import {
  addDeploymentStatus,
  deploymentsOf,
  ensureEnvironment,
  nextDeploymentId,
  protectionRuleEvent,
  type DeploymentState,
  type DeploymentStatusValue,
  type ProtectionAnswer,
} from "./deployments.js";

import { protectionOf, type SimProtectionInput, type SimRulesetInput } from "./protection.js";
import { memberEvent, memberRemovedEvent, membershipEvent, teamAccessEvent } from "./people.js";
import { checkRunActionEvent, commentsOf } from "./bypass.js";
export type { SimProtectionInput, SimRulesetInput } from "./protection.js";
export type { CommitInput } from "./git.js";
export type { ProtectionAnswer, DeploymentStatusValue } from "./deployments.js";
export type { Annotation, Delivery, Permission, RequestLogEntry, SimRepo, SimUser } from "./model.js";
export { signature } from "./events.js";

export interface SimulatorOptions {
  /** Where to POST webhooks (the app); may be set later with setWebhookTarget. */
  webhookUrl?: string;
  /**
   * Several replicas of the app behind a round-robin balancer: each delivery goes to the next URL
   * in turn (redeliveries too). Overrides `webhookUrl`; may be set later with setWebhookTargets.
   */
  webhookUrls?: string[];
  /**
   * "concurrent": each delivery is posted at once, without waiting for the one before (GitHub does
   * not wait either); the requests a delivery made are then not attributed to it. Default "serial".
   */
  deliveries?: "serial" | "concurrent";
  /** HMAC-SHA256 key of the `x-hub-signature-256` header. */
  webhookSecret: string;
  appId?: number;
  appSlug?: string;
  /** 0 = any free port. */
  port?: number;
  /** `patch` is left out of file entries whose diff is larger than this (GitHub's own limit is not documented). */
  maxPatchBytes?: number;
  /** Delay every API answer by this many milliseconds (a GitHub far away; the benchmark's `--latency`). */
  latencyMs?: number;
  /**
   * The time GitHub stamps on what happens (reviews, events, commits), as ISO 8601; default the
   * wall clock. A test that must order a review against a retarget can step it instead of sleeping.
   */
  clock?: () => string;
}

/** A pull request as GET /repos/{o}/{r}/pulls/{n} answers it. */
export type SimPullRequest = PullJson;
/** A commit status as GET /repos/{o}/{r}/commits/{ref}/statuses lists it. */
export type SimStatus = ReturnType<typeof statusJson>;

export interface SimCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  app_id: number;
  output: { title: string | null; summary: string | null; text: string | null; annotations: Annotation[] };
  /** The run's requested-action buttons (GitHub shows them; its REST answers leave them out). */
  actions: { label: string; description: string; identifier: string }[];
}

const ZERO_SHA = "0".repeat(40);

function matchOf(match: { method?: string; pathPattern: RegExp }) {
  return { ...(match.method ? { method: match.method } : {}), pathPattern: match.pathPattern };
}
const WEB_FLOW = { name: "GitHub", email: "noreply@github.com" };

function isoNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class GitHubSimulator {
  readonly url: string;
  readonly requests: RequestLogEntry[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly state: SimState;
  private readonly api: ApiServer;
  private readonly events = new EventEmitter();
  private webhookUrls: string[];
  /** Which of webhookUrls the next delivery goes to. */
  private nextTarget = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** Deliveries posted concurrently and not yet answered (stop() waits for them). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The request list of the delivery being handled, so its API calls are attributed to it. */
  private collecting: RequestLogEntry[] | undefined;

  private constructor(
    private readonly server: Server,
    private readonly opts: SimulatorOptions,
    url: string,
    state: SimState,
  ) {
    this.url = url;
    this.state = state;
    this.webhookUrls = opts.webhookUrls?.length ? [...opts.webhookUrls] : opts.webhookUrl ? [opts.webhookUrl] : [];
    this.api = new ApiServer(state, (s) => this.served(s));
    this.api.latencyMs = opts.latencyMs ?? 0;
    state.redeliverAttempt = (attempt) => {
      this.requestedRedeliveries.push(this.enqueue(() => this.post(attempt.guid, attempt.event, attempt.action ?? undefined, attempt.payload, true)));
    };
    server.on("request", (req, res) => {
      this.api.handle(req, res).catch((e: unknown) => {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ message: e instanceof Error ? e.message : String(e) }));
      });
    });
  }

  static async start(opts: SimulatorOptions): Promise<GitHubSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const state = new SimState(
      { api: url, html: "https://github.com" },
      { id: opts.appId ?? 1, slug: opts.appSlug ?? "agentgate" },
      opts.maxPatchBytes ?? 400_000,
      opts.clock ?? isoNow,
    );
    return new GitHubSimulator(server, opts, url, state);
  }

  /** Delay every API answer by `ms` from now on (0: answer at once). */
  setLatency(ms: number): void {
    this.api.latencyMs = ms;
  }

  setWebhookTarget(url: string): void {
    this.setWebhookTargets([url]);
  }

  /** Replicas behind a round-robin balancer (see SimulatorOptions.webhookUrls); the rotation restarts at the first. */
  setWebhookTargets(urls: readonly string[]): void {
    this.webhookUrls = [...urls];
    this.nextTarget = 0;
  }

  /** The URL the next delivery will be posted to. */
  nextWebhookTarget(): string | undefined {
    return this.webhookUrls.length ? this.webhookUrls[this.nextTarget % this.webhookUrls.length] : undefined;
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  on(event: "request" | "delivery" | "write", fn: (...a: any[]) => void): void {
    this.events.on(event, fn);
  }

  failNext(match: { method?: string; pathPattern: RegExp }, status: number, times = 1): void {
    this.api.faults.push({ ...(match.method ? { method: match.method } : {}), pathPattern: match.pathPattern, status, remaining: times });
  }

  /** The next matching answers keep their status and headers, with `change(body)` as the body. */
  malformNext(match: { method?: string; pathPattern: RegExp }, change: (body: any) => unknown, times = 1): void {
    this.api.faults.push({ ...matchOf(match), remaining: times, alter: (real) => ({ ...real, body: change(structuredClone(real.body)) }) });
  }

  /** The next matching answers lose their `Link` header, so a paginated list seems to end there. */
  dropLinkNext(match: { method?: string; pathPattern: RegExp }, times = 1): void {
    this.api.faults.push({
      ...matchOf(match),
      remaining: times,
      alter: (real) => ({ ...real, headers: Object.fromEntries(Object.entries(real.headers ?? {}).filter(([k]) => k.toLowerCase() !== "link")) }),
    });
  }

  /** The next matching requests are never answered. */
  hangNext(match: { method?: string; pathPattern: RegExp }, times = 1): void {
    this.api.faults.push({ ...matchOf(match), remaining: times, hang: true });
  }

  /** GitHub is healthy again: drop the faults that have not fired yet. */
  clearFaults(): void {
    this.api.faults.length = 0;
  }

  /** The bot user the app acts as (`<slug>[bot]`): the creator of its statuses. */
  get appBot(): SimUser {
    return this.state.botUser;
  }

  // ---------------------------------------------------------------- set-up (no webhooks)

  addUser(u: { login: string; type?: "User" | "Bot"; name?: string; email?: string; id?: number }): SimUser {
    return this.state.addUser(u);
  }

  addOrg(login: string): void {
    this.state.addUser({ login, type: "Organization" });
  }

  /** `installed: false`: the app cannot see it and gets no webhooks from it until `installApp`. */
  addRepo(r: { owner: string; name: string; defaultBranch?: string; files: Record<string, string>; private?: boolean; installed?: boolean }): SimRepo {
    const repo = this.state.createRepo(r);
    const owner = this.state.requireUser(r.owner);
    repo.git.commit(
      {
        branch: repo.defaultBranch,
        files: r.files,
        message: "Initial commit",
        author: { name: owner.name ?? owner.login, email: `${owner.id}+${owner.login}@users.noreply.github.com` },
      },
      this.state.now(),
    );
    return repo;
  }

  setPermission(repo: string, login: string, p: Permission): void {
    const r = this.state.requireRepo(repo);
    this.state.requireUser(login);
    r.permissions.set(login.toLowerCase(), p);
  }

  addTeam(org: string, slug: string, members: { login: string; state?: "active" | "pending" }[]): void {
    const owner = this.state.requireUser(org);
    if (owner.type !== "Organization") throw new Error(`${org} is not an organization: add it with addOrg`);
    for (const m of members) this.state.requireUser(m.login);
    this.state.teams.set(`${org}/${slug}`.toLowerCase(), {
      id: this.state.nextId("team"),
      org: owner.login,
      slug,
      members: new Map(members.map((m) => [m.login.toLowerCase(), m.state ?? "active"])),
    });
  }

  /** A collaborator's permission changes (`none` removes them): GitHub sends `member`. */
  async changePermission(repo: string, login: string, p: Permission | "none", by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const member = this.state.requireUser(login);
    const from = r.permissions.get(login.toLowerCase()) ?? "none";
    if (p === "none") r.permissions.delete(login.toLowerCase());
    else r.permissions.set(login.toLowerCase(), p);
    return this.send("member", memberEvent(this.state, r, member, from, p, this.state.requireUser(by)));
  }

  /** Someone joins or leaves a team (an active membership): GitHub sends `membership`. */
  async changeTeamMembership(org: string, slug: string, login: string, action: "added" | "removed", by: string): Promise<Delivery> {
    const team = this.requireTeam(org, slug);
    const member = this.state.requireUser(login);
    if (action === "added") team.members.set(login.toLowerCase(), "active");
    else team.members.delete(login.toLowerCase());
    return this.send("membership", membershipEvent(this.state, team, member, action, this.state.requireUser(by)));
  }

  /** Someone leaves the organization: off its teams, no access to its repositories; GitHub sends `organization.member_removed`. */
  async removeFromOrganization(org: string, login: string, by: string): Promise<Delivery> {
    const owner = this.state.requireUser(org);
    const member = this.state.requireUser(login);
    for (const t of this.state.teams.values()) if (t.org.toLowerCase() === org.toLowerCase()) t.members.delete(login.toLowerCase());
    for (const r of this.state.repos.values()) if (r.owner.toLowerCase() === org.toLowerCase()) r.permissions.delete(login.toLowerCase());
    return this.send("organization", memberRemovedEvent(this.state, owner, member, this.state.requireUser(by)));
  }

  /**
   * A team gets (or loses, with null) access to a repository. Modelled as its active members' own
   * permission there (the simulator keeps one permission per person); GitHub sends `team`.
   */
  async setTeamAccess(repo: string, org: string, slug: string, p: Permission | null, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const team = this.requireTeam(org, slug);
    for (const [login, state] of team.members) {
      if (state !== "active") continue;
      if (p) r.permissions.set(login, p);
      else r.permissions.delete(login);
    }
    return this.send("team", teamAccessEvent(this.state, team, r, p, this.state.requireUser(by)));
  }

  private requireTeam(org: string, slug: string) {
    const team = this.state.teams.get(`${org}/${slug}`.toLowerCase());
    if (!team) throw new Error(`${org} has no team ${slug}`);
    return team;
  }

  /** Another verified email of an account: GitHub then links commits and co-author trailers that name it. */
  linkEmail(login: string, email: string): void {
    this.state.requireUser(login);
    this.state.linkedEmails.set(email.trim().toLowerCase(), login.toLowerCase());
  }

  /** An issue; it takes the next number, which issues and pull requests share. */
  createIssue(repo: string, issue: { title: string; body?: string; author: string; assignees?: string[] }): number {
    const r = this.state.requireRepo(repo);
    const author = this.state.requireUser(issue.author);
    const now = this.state.now();
    const number = r.nextNumber++;
    r.issues.set(number, {
      number,
      id: this.state.nextId("pull"),
      title: issue.title,
      body: issue.body ?? null,
      state: "open",
      author: author.login,
      assignees: (issue.assignees ?? []).map((l) => this.state.requireUser(l).login),
      createdAt: now,
      updatedAt: now,
    });
    return number;
  }

  commit(repo: string, c: CommitInput): string {
    return this.commitOn(this.state.requireRepo(repo), c).sha;
  }

  createBranch(repo: string, name: string, fromRef: string): void {
    const r = this.state.requireRepo(repo);
    if (r.git.branches.has(name)) throw new Error(`branch ${name} exists already in ${repo}`);
    const from = r.git.resolve(fromRef);
    if (!from) throw new Error(`unknown ref ${fromRef} in ${repo}`);
    r.git.branches.set(name, from.sha);
  }

  /**
   * Another GitHub App (id and slug of your choice, not agentgate's) posts a check run, e.g. one
   * named like agentgate's. Set-up: GitHub sends agentgate no webhook for another app's run.
   */
  addOtherAppCheckRun(
    repo: string,
    run: {
      app: { id: number; slug: string };
      name: string;
      headSha: string;
      status?: "queued" | "in_progress" | "completed";
      conclusion?: string;
      output?: { title?: string; summary?: string; text?: string };
      actions?: { label: string; description: string; identifier: string }[];
    },
  ): number {
    const r = this.state.requireRepo(repo);
    if (run.app.id === this.state.app.id) throw new Error("addOtherAppCheckRun is for apps other than agentgate");
    if (!r.git.get(run.headSha)) throw new Error(`unknown commit ${run.headSha} in ${repo}`);
    if (!this.state.otherApps.has(run.app.id)) {
      this.state.otherApps.set(run.app.id, { id: run.app.id, slug: run.app.slug, owner: this.state.requireUser(r.owner), createdAt: "2026-01-01T00:00:00Z" });
    }
    const now = this.state.now();
    const status = run.conclusion ? "completed" : (run.status ?? "queued");
    const id = this.state.nextId("check");
    r.checkRuns.push({
      id,
      name: run.name,
      headSha: run.headSha,
      status,
      conclusion: run.conclusion ?? null,
      externalId: null,
      detailsUrl: null,
      startedAt: now,
      completedAt: status === "completed" ? now : null,
      output: { title: run.output?.title ?? null, summary: run.output?.summary ?? null, text: run.output?.text ?? null },
      annotations: [],
      appId: run.app.id,
      suiteId: suiteFor(this.state, r, run.headSha, run.app.id).id,
      ...(run.actions ? { actions: run.actions } : {}),
    });
    return id;
  }

  // ---------------------------------------------------------------- actions (send webhooks)

  async openPullRequest(
    repo: string,
    pr: { head: string; base?: string; title: string; body?: string; author: string; draft?: boolean; labels?: string[]; assignees?: string[] },
  ): Promise<{ number: number; delivery: Delivery }> {
    const r = this.state.requireRepo(repo);
    const author = this.state.requireUser(pr.author);
    const base = pr.base ?? r.defaultBranch;
    const headSha = r.git.branches.get(pr.head);
    const baseSha = r.git.branches.get(base);
    if (!headSha) throw new Error(`unknown head branch ${pr.head} in ${repo}`);
    if (!baseSha) throw new Error(`unknown base branch ${base} in ${repo}`);
    const now = this.state.now();
    const pull: PullState = {
      number: r.nextNumber++,
      id: this.state.nextId("pull"),
      title: pr.title,
      body: pr.body ?? null,
      state: "open",
      draft: pr.draft ?? false,
      merged: false,
      author: author.login,
      headRef: pr.head,
      headSha,
      baseRef: base,
      baseSha,
      labels: (pr.labels ?? []).map((l) => this.label(r, l).name),
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      reviews: [],
      assignees: (pr.assignees ?? []).map((l) => this.state.requireUser(l).login),
      events: [],
    };
    r.pulls.set(pull.number, pull);
    const delivery = await this.send("pull_request", pullRequestEvent(this.state, r, pull, "opened", author));
    return { number: pull.number, delivery };
  }

  async push(repo: string, branch: string, c: Omit<CommitInput, "branch">): Promise<Delivery[]> {
    const r = this.state.requireRepo(repo);
    const before = r.git.branches.get(branch) ?? ZERO_SHA;
    const commit = this.commitOn(r, { ...c, branch });
    const changes = diffTrees(r.git.get(before)?.tree ?? new Map(), commit.tree, Infinity);
    const sender = this.state.userForEmail(commit.author.email) ?? this.state.requireUser(r.owner);
    return this.announcePush(r, branch, before, [{ commit, changes }], sender, { name: commit.author.name, email: commit.author.email });
  }

  /**
   * `git push --force`: the branch is rewritten to new commits made on `onto` (default: the base of
   * the branch's open PR, else the default branch). Sends a push with `forced: true` and, for each open
   * PR on the branch, `synchronize` with the rewritten head as `before`.
   */
  async forcePush(
    repo: string,
    branch: string,
    commits: Omit<CommitInput, "branch" | "parents">[],
    opts: { onto?: string; by?: string } = {},
  ): Promise<Delivery[]> {
    const r = this.state.requireRepo(repo);
    const before = r.git.branches.get(branch);
    if (!before) throw new Error(`unknown branch ${branch} in ${repo}`);
    if (!commits.length) throw new Error("a force-push needs at least one commit");
    const pull = [...r.pulls.values()].find((p) => p.state === "open" && p.headRef === branch);
    const onto = opts.onto ?? pull?.baseRef ?? r.defaultBranch;
    let tip = r.git.resolve(onto)?.sha;
    if (!tip) throw new Error(`unknown ref ${onto} in ${repo}`);
    const made: { commit: SimCommit; changes: FileChange[] }[] = [];
    for (const c of commits) {
      const parentTree = r.git.get(tip)?.tree ?? new Map<string, string>();
      const commit = this.commitOn(r, { ...c, branch, parents: [tip] });
      made.push({ commit, changes: diffTrees(parentTree, commit.tree, Infinity) });
      tip = commit.sha;
    }
    const last = made[made.length - 1]!.commit;
    const sender = opts.by ? this.state.requireUser(opts.by) : (this.state.userForEmail(last.author.email) ?? this.state.requireUser(r.owner));
    return this.announcePush(r, branch, before, made, sender, { name: last.author.name, email: last.author.email }, true);
  }

  async updatePullRequestBranch(repo: string, number: number): Promise<Delivery[]> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const before = pull.headSha;
    const commits = this.state.pullCommits(r, pull);
    let tip = r.git.branches.get(pull.baseRef) as string;
    const rebased: { commit: SimCommit; changes: FileChange[] }[] = [];
    // Replay each commit's own changes on the new base: same changes, new parents, new shas.
    for (const c of commits) {
      const parent = r.git.get(c.parents[0] ?? "");
      const changes = diffTrees(parent?.tree ?? new Map(), c.tree, Infinity);
      const files: Record<string, string | null> = {};
      for (const f of changes) {
        if (f.previousFilename) files[f.previousFilename] = null;
        files[f.filename] = f.status === "removed" ? null : (c.tree.get(f.filename) as string);
      }
      const next = r.git.commit(
        { branch: pull.headRef, files, message: c.message, author: c.author, committer: { ...WEB_FLOW, date: this.state.now() }, parents: [tip] },
        this.state.now(),
      );
      rebased.push({ commit: next, changes });
      tip = next.sha;
    }
    r.git.branches.set(pull.headRef, tip);
    const author = this.state.requireUser(pull.author);
    return this.announcePush(r, pull.headRef, before, rebased, author, { name: author.login, email: author.email ?? null });
  }

  /** A review submitted long ago (set-up: no webhook), e.g. to fill pages of reviews. */
  addReview(repo: string, number: number, rv: { reviewer: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" }): number {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const reviewer = this.state.requireUser(rv.reviewer);
    const id = this.state.nextId("review");
    pull.reviews.push({ id, login: reviewer.login, state: rv.state, body: "", commitId: pull.headSha, submittedAt: this.state.now() });
    return id;
  }

  async submitReview(
    repo: string,
    number: number,
    rv: { reviewer: string; event: "APPROVE" | "REQUEST_CHANGES" | "COMMENT"; body?: string },
  ): Promise<{ reviewId: number; delivery: Delivery }> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const reviewer = this.state.requireUser(rv.reviewer);
    if (rv.event !== "COMMENT" && reviewer.login.toLowerCase() === pull.author.toLowerCase()) {
      // GitHub answers 422: authors cannot approve or request changes on their own pull request.
      throw new Error(`${reviewer.login} cannot review their own pull request #${number}`);
    }
    const states = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" } as const;
    const review: ReviewState = {
      id: this.state.nextId("review"),
      login: reviewer.login,
      state: states[rv.event],
      body: rv.body ?? "",
      commitId: pull.headSha,
      submittedAt: this.state.now(),
    };
    pull.reviews.push(review);
    const delivery = await this.send("pull_request_review", reviewEvent(this.state, r, pull, review, "submitted", reviewer));
    return { reviewId: review.id, delivery };
  }

  /** Like GitHub, does not check the dismisser's permission: the gate must judge who dismissed. */
  async dismissReview(repo: string, number: number, reviewId: number, by: string, message = "Dismissed"): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const sender = this.state.requireUser(by);
    const review = pull.reviews.find((x) => x.id === reviewId);
    if (!review) throw new Error(`#${number} has no review ${reviewId}`);
    if (review.state !== "APPROVED" && review.state !== "CHANGES_REQUESTED") {
      throw new Error(`review ${reviewId} is ${review.state}: only approvals and change requests can be dismissed`);
    }
    // The issue event keeps the state the review had, in lower case, as GitHub documents it.
    pull.events.push({
      id: this.state.nextId("event"),
      event: "review_dismissed",
      actor: sender.login,
      createdAt: this.state.now(),
      dismissedReview: { reviewId, state: review.state === "APPROVED" ? "approved" : "changes_requested", message, commitId: pull.headSha },
    });
    review.state = "DISMISSED";
    return this.send("pull_request_review", reviewEvent(this.state, r, pull, review, "dismissed", sender));
  }

  /**
   * Assign people to an issue or a pull request. A pull request sends `pull_request.assigned`, one
   * per new assignee, as GitHub does; an issue sends nothing (the app does not subscribe to issues).
   */
  async assign(repo: string, number: number, logins: string[], by: string): Promise<Delivery[]> {
    const r = this.state.requireRepo(repo);
    const sender = this.state.requireUser(by);
    const target = r.pulls.get(number) ?? r.issues.get(number);
    if (!target) throw new Error(`${repo} has no issue or pull request #${number}`);
    const deliveries: Delivery[] = [];
    for (const login of logins) {
      const user = this.state.requireUser(login);
      if (target.assignees.some((a) => a.toLowerCase() === user.login.toLowerCase())) continue;
      target.assignees.push(user.login);
      target.updatedAt = this.state.now();
      const pull = r.pulls.get(number);
      if (pull) {
        deliveries.push(await this.send("pull_request", pullRequestEvent(this.state, r, pull, "assigned", sender, { assignee: userJson(user, this.state.urls) })));
      }
    }
    return deliveries;
  }

  async addLabel(repo: string, number: number, label: string, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const sender = this.state.requireUser(by);
    const l = this.label(r, label);
    if (!pull.labels.some((x) => x.toLowerCase() === l.name.toLowerCase())) pull.labels.push(l.name);
    return this.send("pull_request", pullRequestEvent(this.state, r, pull, "labeled", sender, labelExtra(this.state, r, l)));
  }

  async removeLabel(repo: string, number: number, label: string, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const sender = this.state.requireUser(by);
    const l = this.label(r, label);
    pull.labels = pull.labels.filter((x) => x.toLowerCase() !== l.name.toLowerCase());
    return this.send("pull_request", pullRequestEvent(this.state, r, pull, "unlabeled", sender, labelExtra(this.state, r, l)));
  }

  async editPullRequest(repo: string, number: number, changes: { base?: string; title?: string; body?: string }, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    const sender = this.state.requireUser(by);
    const before: Record<string, unknown> = {};
    if (changes.title !== undefined && changes.title !== pull.title) {
      before.title = { from: pull.title };
      pull.title = changes.title;
    }
    if (changes.body !== undefined && changes.body !== pull.body) {
      before.body = { from: pull.body ?? "" };
      pull.body = changes.body;
    }
    if (changes.base !== undefined && changes.base !== pull.baseRef) {
      const baseSha = r.git.branches.get(changes.base);
      if (!baseSha) throw new Error(`unknown base branch ${changes.base} in ${repo}`);
      before.base = { ref: { from: pull.baseRef }, sha: { from: pull.baseSha } };
      pull.baseRef = changes.base;
      pull.baseSha = baseSha;
      pull.events.push({ id: this.state.nextId("event"), event: "base_ref_changed", actor: sender.login, createdAt: this.state.now() });
    }
    pull.updatedAt = this.state.now();
    return this.send("pull_request", pullRequestEvent(this.state, r, pull, "edited", sender, { changes: before }));
  }

  async readyForReview(repo: string, number: number): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    pull.draft = false;
    pull.updatedAt = this.state.now();
    return this.send("pull_request", pullRequestEvent(this.state, r, pull, "ready_for_review", this.state.requireUser(pull.author)));
  }

  async closePullRequest(repo: string, number: number, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    pull.state = "closed";
    pull.closedAt = pull.updatedAt = this.state.now();
    return this.send("pull_request", pullRequestEvent(this.state, r, pull, "closed", this.state.requireUser(by)));
  }

  async reopenPullRequest(repo: string, number: number, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    pull.state = "open";
    pull.closedAt = null;
    this.state.refreshPull(r, pull);
    return this.send("pull_request", pullRequestEvent(this.state, r, pull, "reopened", this.state.requireUser(by)));
  }

  async postStatus(
    repo: string,
    sha: string,
    s: { state: "error" | "failure" | "pending" | "success"; context: string; description?: string; target_url?: string },
    by: string,
  ): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const creator = this.state.requireUser(by);
    const status = this.addStatus(r, sha, s, creator);
    this.events.emit("write", { by: creator.login, method: "POST", path: `/repos/${r.fullName}/statuses/${sha}`, body: s });
    return this.send("status", statusEvent(this.state, r, status, creator));
  }

  /**
   * Set-up (no webhooks): `count` statuses by `by`, as a forger's flood whose deliveries the app
   * missed. GitHub's cap of 1000 per SHA and context applies here too.
   */
  addStatuses(
    repo: string,
    sha: string,
    s: { state: "error" | "failure" | "pending" | "success"; context: string; description?: string },
    by: string,
    count: number,
  ): void {
    const r = this.state.requireRepo(repo);
    const creator = this.state.requireUser(by);
    for (let i = 0; i < count; i++) this.addStatus(r, sha, s, creator);
  }

  private addStatus(
    r: SimRepo,
    sha: string,
    s: { state: "error" | "failure" | "pending" | "success"; context: string; description?: string; target_url?: string },
    creator: SimUser,
  ): StatusState {
    if (!r.git.get(sha)) throw new Error(`No commit found for SHA: ${sha}`);
    if (s.description && [...s.description].length > STATUS_DESCRIPTION_MAX) {
      throw new Error(`description is too long (maximum is ${STATUS_DESCRIPTION_MAX} characters)`);
    }
    if (r.statuses.filter((x) => x.sha === sha && x.context === s.context).length >= STATUSES_PER_CONTEXT_MAX) {
      throw new Error("This SHA and context has reached the maximum number of statuses.");
    }
    const now = this.state.now();
    const status: StatusState = {
      id: this.state.nextId("status"),
      sha,
      state: s.state,
      context: s.context,
      description: s.description ?? null,
      targetUrl: s.target_url ?? null,
      creator: creator.login,
      createdAt: now,
      updatedAt: now,
    };
    r.statuses.push(status);
    return status;
  }

  async rerequestCheckRun(repo: string, checkRunId: number, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const run = r.checkRuns.find((x) => x.id === checkRunId);
    if (!run) throw new Error(`${repo} has no check run ${checkRunId}`);
    return this.send("check_run", checkRunEvent(this.state, r, run, this.state.requireUser(by)));
  }

  /**
   * Someone presses one of a check run's requested-action buttons: `check_run.requested_action`.
   * GitHub shows only the buttons the run has, and sends the event to the app that made the run;
   * the simulator sends it to agentgate whatever app made it, so tests can show agentgate checks.
   */
  async requestCheckRunAction(repo: string, checkRunId: number, identifier: string, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    const run = r.checkRuns.find((x) => x.id === checkRunId);
    if (!run) throw new Error(`${repo} has no check run ${checkRunId}`);
    if (!(run.actions ?? []).some((a) => a.identifier === identifier)) throw new Error(`check run ${checkRunId} has no button ${identifier}`);
    return this.send("check_run", checkRunActionEvent(this.state, r, run, identifier, this.state.requireUser(by)));
  }

  /** Comments on an issue or pull request (agentgate's), oldest first. */
  issueComments(repo: string, number: number): { id: number; body: string; author: string }[] {
    return commentsOf(this.state.requireRepo(repo))
      .filter((c) => c.issue === number)
      .map((c) => ({ id: c.id, body: c.body, author: c.author }));
  }

  /** Issues (not pull requests), by number. */
  issues(repo: string): { number: number; title: string; body: string | null; author: string }[] {
    return [...this.state.requireRepo(repo).issues.values()].map((i) => ({ number: i.number, title: i.title, body: i.body, author: i.author }));
  }

  async rerequestCheckSuite(repo: string, sha: string, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    if (!r.git.get(sha)) throw new Error(`No commit found for SHA: ${sha}`);
    const suite = suiteFor(this.state, r, sha);
    return this.send("check_suite", checkSuiteEvent(this.state, r, suite, this.state.requireUser(by)));
  }

  async enqueueMergeGroup(repo: string, numbers: number[]): Promise<{ headSha: string; delivery: Delivery }> {
    const r = this.state.requireRepo(repo);
    if (!numbers.length) throw new Error("a merge group needs at least one pull request");
    const pulls = numbers.map((n) => this.state.requirePull(r, n));
    const baseRef = (pulls[0] as PullState).baseRef;
    const baseSha = r.git.branches.get(baseRef) as string;
    // The queue merges each PR in turn onto the one ahead of it (merge method "merge"): one merge
    // commit per PR, each on its own gh-readonly-queue/<base>/pr-<n>-<sha> branch; the last is the
    // group's head and contains every PR's changes.
    let tip = baseSha;
    let head: SimCommit | undefined;
    let headRef = "";
    for (const p of pulls) {
      const builtOn = tip;
      const mergeBase = this.state.pullMergeBase(r, p);
      const changes = diffTrees(mergeBase?.tree ?? new Map(), r.git.get(p.headSha)?.tree ?? new Map(), Infinity);
      const files: Record<string, string | null> = {};
      for (const f of changes) {
        if (f.previousFilename) files[f.previousFilename] = null;
        files[f.filename] = f.status === "removed" ? null : (r.git.get(p.headSha)?.tree.get(f.filename) as string);
      }
      head = r.git.commit(
        {
          branch: `gh-readonly-queue/${baseRef}/tmp`,
          files,
          message: `Merge pull request #${p.number} from ${r.owner}/${p.headRef}\n\n${p.title}`,
          author: WEB_FLOW,
          parents: [tip, p.headSha],
        },
        this.state.now(),
      );
      tip = head.sha;
      r.git.branches.delete(`gh-readonly-queue/${baseRef}/tmp`);
      r.git.branches.set(`gh-readonly-queue/${baseRef}/pr-${p.number}-${builtOn}`, tip);
      headRef = `refs/heads/gh-readonly-queue/${baseRef}/pr-${p.number}-${builtOn}`;
    }
    const sender = this.state.requireUser((pulls[pulls.length - 1] as PullState).author);
    const delivery = await this.send("merge_group", mergeGroupEvent(this.state, r, head as SimCommit, headRef, `refs/heads/${baseRef}`, baseSha, sender));
    return { headSha: tip, delivery };
  }

  /**
   * Install the app on a repository that was added with `installed: false`: `installation.created` when
   * the account had no installation yet, else `installation_repositories.added`.
   */
  async installApp(repo: string, by: string): Promise<Delivery> {
    const r = this.state.requireRepo(repo);
    if (r.installationId !== 0) throw new Error(`the app is installed on ${repo} already`);
    const sender = this.state.requireUser(by);
    const isNew = ![...this.state.installations.values()].some((i) => i.account.toLowerCase() === r.owner.toLowerCase());
    const inst = this.state.installationFor(r.owner);
    r.installationId = inst.id;
    if (isNew) {
      const repos = [...this.state.repos.values()].filter((x) => x.installationId === inst.id);
      return this.send("installation", installationCreatedEvent(this.state, inst, repos, sender));
    }
    return this.send("installation_repositories", repositoriesAddedEvent(this.state, inst, [r], sender));
  }

  /** The same delivery again: same id, same body (GitHub's "Redeliver"). */
  redeliver(delivery: Delivery): Promise<Delivery> {
    return this.enqueue(() => this.post(delivery.id, delivery.event, delivery.action, delivery.payload, true));
  }

  /** Redeliveries asked for through `POST /app/hook/deliveries/{id}/attempts`, until they are done. */
  private readonly requestedRedeliveries: Promise<Delivery>[] = [];

  /** Wait for the redeliveries the app asked for (they run after GitHub's 202 answer). */
  async settleRedeliveries(): Promise<Delivery[]> {
    return Promise.all(this.requestedRedeliveries.splice(0));
  }

  deliver(event: string, payload: object): Promise<Delivery> {
    return this.send(event, payload);
  }

  /**
   * Merge a pull request with a merge commit, as the merge button does. Nothing is checked: this is
   * also an admin merging past required checks.
   */
  async mergePullRequest(repo: string, number: number, opts: { by: string }): Promise<{ mergeCommitSha: string; deliveries: Delivery[] }> {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    if (pull.state !== "open") throw new Error(`#${number} is not open`);
    const merger = this.state.requireUser(opts.by);
    const baseTip = r.git.branches.get(pull.baseRef);
    if (!baseTip) throw new Error(`unknown base branch ${pull.baseRef} in ${repo}`);
    const commits = this.state.pullCommits(r, pull).map((c) => c.sha);
    const mergeBase = this.state.pullMergeBase(r, pull);
    const head = r.git.get(pull.headSha);
    const changes = diffTrees(mergeBase?.tree ?? new Map(), head?.tree ?? new Map(), Infinity);
    const files: Record<string, string | null> = {};
    for (const f of changes) {
      if (f.previousFilename) files[f.previousFilename] = null;
      files[f.filename] = f.status === "removed" ? null : (head?.tree.get(f.filename) as string);
    }
    const before = baseTip;
    const merge = this.commitOn(r, {
      branch: pull.baseRef,
      files,
      message: `Merge pull request #${number} from ${r.owner}/${pull.headRef}\n\n${pull.title}`,
      author: { name: merger.name ?? merger.login, email: `${merger.id}+${merger.login}@users.noreply.github.com` },
      committer: WEB_FLOW,
      parents: [baseTip, pull.headSha],
    });
    const now = this.state.now();
    Object.assign(pull, { commitsAtMerge: commits, baseSha: baseTip, merged: true, state: "closed", mergedAt: now, mergeCommitSha: merge.sha, mergedBy: merger.login, closedAt: now, updatedAt: now });
    const mergeChanges = diffTrees(r.git.get(before)?.tree ?? new Map(), merge.tree, Infinity);
    const deliveries = await this.announcePush(r, pull.baseRef, before, [{ commit: merge, changes: mergeChanges }], merger, { name: merger.login, email: merger.email ?? null });
    deliveries.push(await this.send("pull_request", pullRequestEvent(this.state, r, pull, "closed", merger)));
    return { mergeCommitSha: merge.sha, deliveries };
  }

  /**
   * `git push origin <sha>:<branch>` of existing commits that descend from the branch's tip (e.g. a PR's
   * head pushed to the base by hand, past the merge button). Sends the push.
   */
  async fastForward(repo: string, branch: string, sha: string, by: string): Promise<Delivery[]> {
    const r = this.state.requireRepo(repo);
    const before = r.git.branches.get(branch);
    if (!before) throw new Error(`unknown branch ${branch} in ${repo}`);
    if (!r.git.ancestors(sha).has(before)) throw new Error(`${sha.slice(0, 7)} does not descend from ${branch}: not a fast-forward`);
    const commits = r.git.commitsBetween(before, sha).map((commit) => ({
      commit,
      changes: diffTrees(r.git.get(commit.parents[0] ?? "")?.tree ?? new Map(), commit.tree, Infinity),
    }));
    r.git.branches.set(branch, sha);
    r.pushedAt = this.state.now();
    const sender = this.state.requireUser(by);
    return this.announcePush(r, branch, before, commits, sender, { name: sender.login, email: sender.email ?? null });
  }

  /**
   * `git push --force <sha>:<branch>` of a commit the repository already has (an agent putting its
   * branch back to an earlier head). Sends the push, with no new commits, and each open PR's
   * `synchronize`.
   */
  async resetBranch(repo: string, branch: string, sha: string, by: string): Promise<Delivery[]> {
    const r = this.state.requireRepo(repo);
    const before = r.git.branches.get(branch);
    if (!before) throw new Error(`unknown branch ${branch} in ${repo}`);
    if (!r.git.get(sha)) throw new Error(`No commit found for SHA: ${sha}`);
    r.git.branches.set(branch, sha);
    r.pushedAt = this.state.now();
    const sender = this.state.requireUser(by);
    return this.announcePush(r, branch, before, [], sender, { name: sender.login, email: sender.email ?? null }, true);
  }

  /** Set-up (no webhooks): an environment (requestDeployment and addDeployment add theirs too). */
  addEnvironment(repo: string, name: string): void {
    ensureEnvironment(this.state, this.state.requireRepo(repo), name);
  }

  /** Set-up (no webhooks): a deployment made earlier, with its latest status (default `success`). */
  addDeployment(repo: string, d: { environment: string; sha?: string; ref?: string; creator: string; state?: DeploymentStatusValue }): number {
    const r = this.state.requireRepo(repo);
    const dep = this.newDeployment(r, d);
    addDeploymentStatus(this.state, dep, d.state ?? "success", d.creator);
    return dep.id;
  }

  /**
   * A workflow job targets the environment, where the app is a deployment protection rule: GitHub
   * makes the deployment, sends `deployment_protection_rule.requested` and waits for the callback.
   */
  async requestDeployment(
    repo: string,
    d: { environment: string; sha?: string; ref?: string; sender: string; event?: string },
  ): Promise<{ deploymentId: number; runId: number; delivery: Delivery; answer: ProtectionAnswer | undefined }> {
    const r = this.state.requireRepo(repo);
    const dep = this.newDeployment(r, { ...d, creator: d.sender });
    dep.runId = nextDeploymentId("run");
    // GitHub shows a waiting job, not a status: the deployment has none until the rule answers.
    const delivery = await this.send("deployment_protection_rule", protectionRuleEvent(this.state, r, dep, this.state.requireUser(d.sender), d.event ?? "push"));
    const answer = deploymentsOf(r).answers.filter((a) => a.runId === dep.runId && a.state).pop();
    return { deploymentId: dep.id, runId: dep.runId, delivery, answer };
  }

  /** Every callback answer the app posted on this repository, oldest first. */
  deploymentAnswers(repo: string): ProtectionAnswer[] {
    return [...deploymentsOf(this.state.requireRepo(repo)).answers];
  }

  private newDeployment(r: SimRepo, d: { environment: string; sha?: string; ref?: string; creator: string }): DeploymentState {
    const ref = d.ref ?? r.defaultBranch;
    const commit = r.git.resolve(d.sha ?? ref);
    if (!commit) throw new Error(`unknown ref ${d.sha ?? ref} in ${r.fullName}`);
    this.state.requireUser(d.creator);
    ensureEnvironment(this.state, r, d.environment);
    const dep: DeploymentState = { id: nextDeploymentId("deployment"), sha: commit.sha, ref, environment: d.environment, creator: d.creator, createdAt: this.state.now(), statuses: [] };
    deploymentsOf(r).deployments.push(dep);
    return dep;
  }

  // ---------------------------------------------------------------- reads

  statuses(repo: string, sha: string): SimStatus[] {
    const r = this.state.requireRepo(repo);
    return r.statuses
      .filter((s) => s.sha === sha)
      .reverse()
      .map((s) => statusJson(s, this.state.user(s.creator), r, this.state.urls));
  }

  latestStatus(repo: string, sha: string, context: string): SimStatus | undefined {
    return this.statuses(repo, sha).find((s) => s.context === context);
  }

  checkRuns(repo: string, sha: string): SimCheckRun[] {
    const r = this.state.requireRepo(repo);
    return r.checkRuns
      .filter((c) => c.headSha === sha)
      .map((c) => ({
        id: c.id,
        name: c.name,
        head_sha: c.headSha,
        status: c.status,
        conclusion: c.conclusion,
        external_id: c.externalId,
        details_url: c.detailsUrl,
        started_at: c.startedAt,
        completed_at: c.completedAt,
        app_id: c.appId,
        output: { ...c.output, annotations: [...c.annotations] },
        actions: [...(c.actions ?? [])],
      }));
  }

  pullRequest(repo: string, number: number): SimPullRequest {
    const r = this.state.requireRepo(repo);
    const pull = this.state.requirePull(r, number);
    return pullJson(pull, this.state.pullContext(r, pull));
  }

  /** The head of a branch, for tests that commit and then look up what they made. */
  branchHead(repo: string, branch: string): string | undefined {
    return this.state.requireRepo(repo).git.branches.get(branch);
  }

  // ---------------------------------------------------------------- internals

  /**
   * The rulesets that apply to a branch (replacing earlier ones for it), as the rules endpoints
   * serve them; returns their ids. Rules of rulesets not `active` are not listed for the branch.
   */
  setBranchRules(repo: string, branch: string, rulesets: readonly SimRulesetInput[]): number[] {
    return protectionOf(this.state).setBranchRules(repo, branch, rulesets);
  }

  /** Classic branch protection of a branch; `null` removes it. */
  setBranchProtection(repo: string, branch: string, protection: SimProtectionInput | null): void {
    protectionOf(this.state).setBranchProtection(repo, branch, protection);
  }

  /** Whether the App was granted Administration: read (classic protection, rulesets' bypass actors). */
  grantAdministration(granted = true): void {
    protectionOf(this.state).administration = granted;
  }

  private label(r: SimRepo, name: string): LabelState {
    const key = name.toLowerCase();
    let l = r.labels.get(key);
    if (!l) {
      l = { id: this.state.nextId("label"), name, color: "ededed" };
      r.labels.set(key, l);
    }
    return l;
  }

  /** Commit, and move every open PR whose head is that branch (GitHub updates PRs on every push). */
  private commitOn(r: SimRepo, c: CommitInput): SimCommit {
    if (!c.parents && !r.git.branches.has(c.branch)) {
      throw new Error(`unknown branch ${c.branch} in ${r.fullName}: create it with createBranch first`);
    }
    const commit = r.git.commit(c, this.state.now());
    r.pushedAt = this.state.now();
    for (const p of r.pulls.values()) {
      if (p.state === "open" && p.headRef === c.branch) p.headSha = commit.sha;
    }
    return commit;
  }

  private async announcePush(
    r: SimRepo,
    branch: string,
    before: string,
    commits: { commit: SimCommit; changes: FileChange[] }[],
    sender: SimUser,
    pusher: { name: string; email: string | null },
    forced = false,
  ): Promise<Delivery[]> {
    const deliveries = [await this.send("push", pushEvent(this.state, r, branch, before, commits, sender, pusher, forced))];
    for (const p of r.pulls.values()) {
      if (p.state !== "open" || p.headRef !== branch) continue;
      this.state.refreshPull(r, p);
      deliveries.push(
        await this.send("pull_request", pullRequestEvent(this.state, r, p, "synchronize", sender, { before, after: p.headSha })),
      );
    }
    return deliveries;
  }

  private served(s: Served): void {
    this.requests.push(s.entry);
    this.collecting?.push(s.entry);
    this.events.emit("request", s.entry);
    // A GraphQL query is a POST that writes nothing.
    const isQuery = /^\/(?:api\/)?graphql(?:\?|$)/.test(s.entry.path);
    if (s.entry.method !== "GET" && !isQuery && s.response.status >= 200 && s.response.status < 300) {
      this.events.emit("write", { by: s.entry.token === "jwt" ? "jwt" : this.state.botUser.login, method: s.entry.method, path: s.entry.path, body: s.body });
    }
  }

  private send(event: string, payload: object): Promise<Delivery> {
    const body = JSON.stringify(payload);
    const action = (payload as { action?: unknown }).action;
    if ((payload as { installation?: { id?: number } }).installation?.id === 0) {
      // GitHub sends an app nothing about a repository it is not installed on.
      const skipped: Delivery = { id: randomUUID(), event, ...(typeof action === "string" ? { action } : {}), status: 0, body: "not sent: the app is not installed on this repository", requests: [], payload: body };
      return Promise.resolve(skipped);
    }
    return this.enqueue(() => this.post(randomUUID(), event, typeof action === "string" ? action : undefined, body));
  }

  private enqueue(fn: () => Promise<Delivery>): Promise<Delivery> {
    if (this.opts.deliveries === "concurrent") {
      const now = fn();
      this.inFlight.add(now);
      void now.finally(() => this.inFlight.delete(now)).catch(() => undefined);
      return now;
    }
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async post(id: string, event: string, action: string | undefined, body: string, redelivery = false): Promise<Delivery> {
    const started = Date.now();
    const requests: RequestLogEntry[] = [];
    const delivery: Delivery = { id, event, ...(action ? { action } : {}), status: 0, body: "", requests, payload: body };
    const concurrent = this.opts.deliveries === "concurrent";
    if (!concurrent) this.collecting = requests;
    // The balancer picks the target when the delivery is posted (a redelivery may land elsewhere).
    const target = this.nextWebhookTarget();
    if (this.webhookUrls.length) this.nextTarget = (this.nextTarget + 1) % this.webhookUrls.length;
    if (target) delivery.target = target;
    try {
      if (!target) {
        delivery.body = "no webhook target: call setWebhookTarget first";
      } else {
        const res = await postOnce(target, body, {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/sim",
          "x-github-event": event,
          "x-github-delivery": id,
          "x-github-hook-id": "1",
          "x-github-hook-installation-target-type": "integration",
          "x-github-hook-installation-target-id": String(this.state.app.id),
          "x-hub-signature-256": signature(this.opts.webhookSecret, body),
        });
        delivery.status = res.status;
        delivery.body = res.body;
      }
    } catch (e) {
      delivery.body = e instanceof Error ? e.message : String(e);
    } finally {
      if (!concurrent) this.collecting = undefined;
    }
    this.deliveries.push(delivery);
    this.recordAttempt(delivery, body, redelivery, Date.now() - started);
    this.events.emit("delivery", delivery);
    return delivery;
  }

  private recordAttempt(delivery: Delivery, payload: string, redelivery: boolean, durationMs: number): void {
    let parsed: { installation?: { id?: number }; repository?: { id?: number } } = {};
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      // a payload a test hand-crafted: no installation or repository to name
    }
    const attempts = this.state.hookDeliveries;
    attempts.push({
      id: 90_000_001 + attempts.length,
      guid: delivery.id,
      deliveredAt: this.state.now(),
      redelivery,
      durationMs,
      statusCode: delivery.status,
      event: delivery.event,
      action: delivery.action ?? null,
      installationId: parsed.installation?.id ?? null,
      repositoryId: parsed.repository?.id ?? null,
      payload,
    });
  }
}

/**
 * One POST on a fresh connection, as GitHub delivers webhooks. A pooled keep-alive socket could
 * outlive the app it was opened to (tests start and stop apps on reused ports).
 */
function postOnce(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // GitHub gives up after 10 seconds.
    req.setTimeout(10_000, () => req.destroy(new Error("timed out after 10 s")));
    req.on("error", reject);
    req.end(body);
  });
}
