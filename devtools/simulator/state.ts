/**
 * Everything the simulated GitHub knows, and the derived views (a PR's commits and files, who a
 * commit's author is) that both the REST routes and the webhooks need. Synchronous throughout.
 */
import { randomBytes } from "node:crypto";
import { diffTrees, GitStore, type FileChange, type SimCommit } from "./git.js";
import type { Permission, PullState, SimInstallation, SimRepo, SimTeam, SimUser } from "./model.js";
import { type AppInfo, type IssueContext, type PullContext, type Urls } from "./shapes.js";

/** Ids of real agent and automation accounts, so their noreply emails link as on GitHub. */
export const KNOWN_ACCOUNT_IDS: Record<string, number> = {
  copilot: 198982749,
  "copilot-swe-agent[bot]": 198982749,
  "claude[bot]": 209825114,
  "openai-code-agent[bot]": 242516109,
  "chatgpt-codex-connector[bot]": 199175422,
  "devin-ai-integration[bot]": 158243242,
  "google-labs-jules[bot]": 161369871,
  "cursor[bot]": 206951365,
  "dependabot[bot]": 49699333,
  "renovate[bot]": 29139614,
  "github-actions[bot]": 41898282,
};

/** GitHub's limits on a pull request's listings. */
export const PULL_COMMITS_LIMIT = 250;
export const PULL_FILES_LIMIT = 3000;
/** Compare lists at most 300 files and 250 commits. */
export const COMPARE_FILES_LIMIT = 300;
export const COMPARE_COMMITS_LIMIT = 250;

export interface IssuedToken {
  installationId: number;
  expiresAt: number;
}

/** One attempt to deliver a webhook; a redelivery is a new attempt with the same guid. */
export interface HookDeliveryState {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  durationMs: number;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  payload: string;
}

export class SimState {
  readonly users = new Map<string, SimUser>(); // by lower-case login
  readonly repos = new Map<string, SimRepo>(); // by lower-case full name
  readonly teams = new Map<string, SimTeam>(); // by lower-case "org/slug"
  readonly installations = new Map<number, SimInstallation>();
  readonly tokens = new Map<string, IssuedToken>();
  /** Further verified emails of accounts (`linkEmail`): lower-case email -> lower-case login. */
  readonly linkedEmails = new Map<string, string>();
  readonly app: AppInfo;
  /** Other GitHub Apps installed on the repositories (they post check runs of their own). */
  readonly otherApps = new Map<number, AppInfo>();
  readonly botUser: SimUser;
  /** Every attempt to deliver a webhook, oldest first, as `GET /app/hook/deliveries` lists them. */
  readonly hookDeliveries: HookDeliveryState[] = [];
  /** Set by the simulator: deliver the attempt with this id again (GitHub's "Redeliver"). */
  redeliverAttempt: (attempt: HookDeliveryState) => void = () => undefined;
  maxPatchBytes: number;
  private nextIds = { user: 1001, org: 5001, repo: 100001, install: 2001, pull: 7000001, review: 8000001, status: 9000001, check: 4000001, suite: 3000001, label: 6000001, team: 500001, event: 11000001, comment: 12000001 };

  constructor(
    readonly urls: Urls,
    app: { id: number; slug: string },
    maxPatchBytes: number,
    private readonly clock: () => string,
  ) {
    this.maxPatchBytes = maxPatchBytes;
    const owner = this.addUser({ login: "agentgate-dev", type: "User" });
    this.app = { id: app.id, slug: app.slug, owner, createdAt: "2026-01-01T00:00:00Z" };
    this.botUser = this.addUser({ login: `${app.slug}[bot]`, type: "Bot", htmlUrl: `${urls.html}/apps/${app.slug}` });
  }

  /** The app with this id: agentgate, or another app that wrote a check run. */
  appById(id: number): AppInfo {
    return id === this.app.id ? this.app : (this.otherApps.get(id) ?? { ...this.app, id, slug: `app-${id}` });
  }

  now(): string {
    return this.clock();
  }

  nextId(kind: keyof SimState["nextIds"]): number {
    return this.nextIds[kind]++;
  }

  addUser(u: { login: string; type?: "User" | "Bot" | "Organization"; name?: string; email?: string; id?: number; htmlUrl?: string }): SimUser {
    const key = u.login.toLowerCase();
    if (this.users.has(key)) throw new Error(`user ${u.login} exists already`);
    const type = u.type ?? (u.login.endsWith("[bot]") ? "Bot" : "User");
    const id = u.id ?? KNOWN_ACCOUNT_IDS[key] ?? this.nextId(type === "Organization" ? "org" : "user");
    const htmlUrl = u.htmlUrl ?? (key === "copilot" ? `${this.urls.html}/apps/copilot-swe-agent` : undefined);
    const user: SimUser = { login: u.login, id, type, ...(u.name ? { name: u.name } : {}), ...(u.email ? { email: u.email } : {}), ...(htmlUrl ? { htmlUrl } : {}) };
    this.users.set(key, user);
    return user;
  }

  user(login: string): SimUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  requireUser(login: string): SimUser {
    const u = this.user(login);
    if (!u) throw new Error(`unknown user ${login}: add it with addUser first`);
    return u;
  }

  repo(fullName: string): SimRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  requireRepo(fullName: string): SimRepo {
    const r = this.repo(fullName);
    if (!r) throw new Error(`unknown repository ${fullName}`);
    return r;
  }

  requirePull(repo: SimRepo, number: number): PullState {
    const p = repo.pulls.get(number);
    if (!p) throw new Error(`${repo.fullName} has no pull request #${number}`);
    return p;
  }

  installationFor(owner: string): SimInstallation {
    const existing = [...this.installations.values()].find((i) => i.account.toLowerCase() === owner.toLowerCase());
    if (existing) return existing;
    const inst = { id: this.nextId("install"), account: owner, createdAt: this.now() };
    this.installations.set(inst.id, inst);
    return inst;
  }

  issueToken(installationId: number): { token: string; expiresAt: string } {
    const token = `ghs_${randomBytes(18).toString("base64url")}`;
    const expires = Date.now() + 3600_000;
    this.tokens.set(token, { installationId, expiresAt: expires });
    return { token, expiresAt: new Date(expires).toISOString().replace(/\.\d+Z$/, "Z") };
  }

  createRepo(r: { owner: string; name: string; defaultBranch?: string; private?: boolean; installed?: boolean }): SimRepo {
    const fullName = `${r.owner}/${r.name}`;
    if (this.repo(fullName)) throw new Error(`repository ${fullName} exists already`);
    if (!this.user(r.owner)) throw new Error(`unknown owner ${r.owner}: add it with addUser or addOrg first`);
    const repo: SimRepo = {
      id: this.nextId("repo"),
      owner: this.requireUser(r.owner).login,
      name: r.name,
      fullName,
      private: r.private ?? false,
      defaultBranch: r.defaultBranch ?? "main",
      createdAt: this.now(),
      pushedAt: this.now(),
      installationId: r.installed === false ? 0 : this.installationFor(r.owner).id,
      git: new GitStore(),
      permissions: new Map(),
      pulls: new Map(),
      issues: new Map(),
      statuses: [],
      checkRuns: [],
      checkSuites: [],
      labels: new Map(),
      nextNumber: 1,
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  /**
   * The GitHub user a git identity belongs to: the account's email, an email added with
   * `linkEmail`, or its noreply address (`<id>+<login>@users.noreply.github.com`, or the older
   * `<login>@users.noreply.github.com`). Any other email belongs to nobody.
   */
  userForEmail(email: string): SimUser | undefined {
    const lower = email.trim().toLowerCase();
    const added = this.linkedEmails.get(lower);
    if (added) return this.user(added);
    const noreply = /^(?:(\d+)\+)?([^@]+)@users\.noreply\.github\.com$/.exec(lower);
    for (const u of this.users.values()) {
      if (u.email && u.email.toLowerCase() === lower) return u;
      if (!noreply) continue;
      const [, id, local] = noreply;
      const loginMatches = local === u.login.toLowerCase();
      if (id ? Number(id) === u.id && loginMatches : loginMatches) return u;
    }
    return undefined;
  }

  permissionOf(repo: SimRepo, login: string): Permission | "none" {
    if (repo.owner.toLowerCase() === login.toLowerCase()) return "admin";
    return repo.permissions.get(login.toLowerCase()) ?? (repo.private ? "none" : "read");
  }

  /** OWNER, MEMBER (of the owning org), COLLABORATOR or NONE, as GitHub labels authors. */
  association(repo: SimRepo, login: string): string {
    if (repo.owner.toLowerCase() === login.toLowerCase()) return "OWNER";
    const inOrgTeam = [...this.teams.values()].some(
      (t) => t.org.toLowerCase() === repo.owner.toLowerCase() && t.members.get(login.toLowerCase()) === "active",
    );
    if (inOrgTeam) return "MEMBER";
    return repo.permissions.has(login.toLowerCase()) ? "COLLABORATOR" : "NONE";
  }

  /** The commit a PR's diff starts from: the merge base of its base branch and its head. */
  pullMergeBase(repo: SimRepo, p: PullState): SimCommit | undefined {
    // A merged PR's base is the base branch's tip it was merged onto.
    const baseTip = p.commitsAtMerge ? p.baseSha : (repo.git.branches.get(p.baseRef) ?? p.baseSha);
    const mb = repo.git.mergeBase(baseTip, p.headSha);
    return mb ? repo.git.get(mb) : undefined;
  }

  pullCommits(repo: SimRepo, p: PullState): SimCommit[] {
    // A merged PR keeps the commits it had: its head is in the base branch now.
    if (p.commitsAtMerge) return p.commitsAtMerge.map((s) => repo.git.get(s)).filter((c): c is SimCommit => !!c);
    const baseTip = repo.git.branches.get(p.baseRef) ?? p.baseSha;
    return repo.git.commitsBetween(baseTip, p.headSha);
  }

  pullFiles(repo: SimRepo, p: PullState): FileChange[] {
    const head = repo.git.get(p.headSha);
    if (!head) return [];
    const base = this.pullMergeBase(repo, p);
    return diffTrees(base?.tree ?? new Map(), head.tree, this.maxPatchBytes);
  }

  pullContext(repo: SimRepo, p: PullState): PullContext {
    const author = this.requireUser(p.author);
    return {
      repo,
      owner: this.requireUser(repo.owner),
      author,
      headOwner: this.requireUser(repo.owner),
      urls: this.urls,
      labels: p.labels.map((name) => repo.labels.get(name.toLowerCase())).filter((l) => l !== undefined),
      files: this.pullFiles(repo, p),
      commitCount: this.pullCommits(repo, p).length,
      authorAssociation: this.association(repo, p.author),
      assignees: p.assignees.map((l) => this.requireUser(l)),
      ...(p.mergedBy ? { mergedBy: this.requireUser(p.mergedBy) } : {}),
    };
  }

  issueContext(repo: SimRepo, author: string, assignees: readonly string[]): IssueContext {
    return {
      repo,
      author: this.requireUser(author),
      assignees: assignees.map((l) => this.requireUser(l)),
      urls: this.urls,
      authorAssociation: this.association(repo, author),
    };
  }

  /** Refresh a PR's head and base shas from its branches, as GitHub does after a push. */
  refreshPull(repo: SimRepo, p: PullState): void {
    p.headSha = repo.git.branches.get(p.headRef) ?? p.headSha;
    p.baseSha = repo.git.branches.get(p.baseRef) ?? p.baseSha;
    p.updatedAt = this.now();
  }
}
