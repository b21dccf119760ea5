/**
 * The REST endpoints agentgate uses, answered from SimState with GitHub's shapes, status codes and
 * limits. Each route is (method, path pattern, credential it accepts, handler).
 */
import { blobSha, diffTrees, type SimCommit } from "./git.js";
import { graphql } from "./graphql.js";
import { protectionOf } from "./protection.js";
import {
  ApiError,
  badCredentials,
  forbidden,
  invalidField,
  notFound,
  ok,
  pageParams,
  paginated,
  unprocessable,
  type ApiRequest,
  type ApiResponse,
} from "./http.js";
import type { Annotation, CheckRunState, PullState, SimInstallation, SimRepo } from "./model.js";
import {
  APP_EVENTS,
  APP_PERMISSIONS,
  appJson,
  checkRunJson,
  commitJson,
  fileJson,
  fullRepoJson,
  issueJson,
  issueEventJson,
  nodeId,
  pullJson,
  repoJson,
  reviewJson,
  simplePullJson,
  statusJson,
  userJson,
} from "./shapes.js";
import {
  COMPARE_COMMITS_LIMIT,
  COMPARE_FILES_LIMIT,
  PULL_COMMITS_LIMIT,
  PULL_FILES_LIMIT,
  type SimState,
} from "./state.js";

/** GitHub's documented limits on what an app may write. */
export const STATUS_DESCRIPTION_MAX = 140;
export const STATUSES_PER_CONTEXT_MAX = 1000;
export const CHECK_TEXT_MAX = 65535;
export const ANNOTATIONS_PER_REQUEST_MAX = 50;

type Params = Record<string, string>;
type Handler = (state: SimState, req: ApiRequest, params: Params) => ApiResponse;
interface Route {
  method: string;
  pattern: RegExp;
  auth: "jwt" | "installation";
  handler: Handler;
}

const routes: Route[] = [];
export function route(method: string, path: string, auth: Route["auth"], handler: Handler): void {
  // `{name}` matches one segment, `{+name}` the rest of the path (contents paths contain slashes).
  const source = path.replace(/\{\+(\w+)\}/g, "(?<$1>.+)").replace(/\{(\w+)\}/g, "(?<$1>[^/]+)");
  routes.push({ method, pattern: new RegExp(`^${source}/?$`), auth, handler });
}

/** Answer one request; throws ApiError for GitHub's error answers. */
export function dispatch(state: SimState, req: ApiRequest): ApiResponse {
  const matching = routes.filter((r) => r.pattern.test(req.path));
  const found = matching.find((r) => r.method === req.method);
  if (!found) throw notFound();
  const params: Params = {};
  for (const [k, v] of Object.entries(found.pattern.exec(req.path)?.groups ?? {})) params[k] = decodeURIComponent(v);
  if (req.credential.kind === "invalid") throw badCredentials();
  if (found.auth === "jwt") {
    if (req.credential.kind !== "jwt" || req.credential.appId !== state.app.id) {
      throw req.credential.kind === "installation"
        ? forbidden("A JSON web token could not be decoded")
        : badCredentials();
    }
  } else if (req.credential.kind !== "installation") {
    throw req.credential.kind === "jwt"
      ? forbidden("Resource not accessible by integration")
      : badCredentials();
  }
  return found.handler(state, req, params);
}

// ---------- helpers ----------

/** The repository named in the path, if the calling installation can see it (404 otherwise, as GitHub). */
export function repoFor(state: SimState, req: ApiRequest, p: Params): SimRepo {
  const repo = state.repo(`${p.owner}/${p.repo}`);
  if (!repo) throw notFound();
  if (req.credential.kind === "installation" && req.credential.installationId !== repo.installationId) throw notFound();
  return repo;
}

function pullFor(repo: SimRepo, p: Params): PullState {
  const pull = repo.pulls.get(Number(p.pull_number));
  if (!pull) throw notFound("https://docs.github.com/rest/pulls/pulls#get-a-pull-request");
  return pull;
}

function noCommit(ref: string): ApiError {
  return unprocessable(`No commit found for SHA: ${ref}`, [], "https://docs.github.com/rest/commits/statuses");
}

export function commitJsonFor(state: SimState, repo: SimRepo, c: SimCommit) {
  return commitJson(c, repo, state.urls, state.userForEmail(c.author.email), state.userForEmail(c.committer.email));
}

/** `all` when the installation sees every repository of its account, else `selected`. */
function repositorySelection(state: SimState, inst: SimInstallation): "all" | "selected" {
  const ofAccount = [...state.repos.values()].filter((r) => r.owner.toLowerCase() === inst.account.toLowerCase());
  return ofAccount.every((r) => r.installationId === inst.id) ? "all" : "selected";
}

export function installationJson(state: SimState, inst: SimInstallation) {
  const account = state.requireUser(inst.account);
  return {
    id: inst.id,
    // GitHub's description of the list requires the enterprise fields as well (an allOf): carry both.
    account: { ...userJson(account, state.urls), name: account.name ?? account.login, slug: account.login.toLowerCase(), created_at: inst.createdAt, updated_at: inst.createdAt },
    repository_selection: repositorySelection(state, inst),
    access_tokens_url: `${state.urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${state.urls.api}/installation/repositories`,
    html_url: `${state.urls.html}/organizations/${account.login}/settings/installations/${inst.id}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: account.id,
    target_type: account.type === "Organization" ? "Organization" : "User",
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

function pullsOf(state: SimState, repo: SimRepo, filter: (p: PullState) => boolean) {
  return [...repo.pulls.values()].filter(filter).map((p) => simplePullJson(p, state.pullContext(repo, p)));
}

// ---------- app and installations (JWT) ----------

route("GET", "/app", "jwt", (state) => ok({ ...appJson(state.app, state.urls), installations_count: state.installations.size }));

// The App's webhook deliveries, newest first; `cursor` is the id to continue below (GitHub's own
// cursor is opaque; the app only passes back what the Link header gives it).
route("GET", "/app/hook/deliveries", "jwt", (state, req) => {
  const perPage = Math.min(Number(req.query.get("per_page") ?? 30) || 30, 100);
  const cursor = Number(req.query.get("cursor") ?? Number.POSITIVE_INFINITY);
  const newestFirst = [...state.hookDeliveries].reverse().filter((d) => d.id < cursor);
  const page = newestFirst.slice(0, perPage);
  const body = page.map((d) => ({
    id: d.id,
    guid: d.guid,
    delivered_at: d.deliveredAt,
    redelivery: d.redelivery,
    duration: d.durationMs / 1000,
    status: d.statusCode >= 200 && d.statusCode < 300 ? "OK" : d.statusCode === 0 ? "Couldn't connect" : "Invalid HTTP Response: " + d.statusCode,
    status_code: d.statusCode,
    event: d.event,
    action: d.action,
    installation_id: d.installationId,
    repository_id: d.repositoryId,
  }));
  const more = newestFirst.length > page.length;
  const next = `${state.urls.api}/app/hook/deliveries?per_page=${perPage}&cursor=${page[page.length - 1]?.id ?? 0}`;
  return { status: 200, body, ...(more ? { headers: { link: `<${next}>; rel="next"` } } : {}) };
});

route("POST", "/app/hook/deliveries/{delivery_id}/attempts", "jwt", (state, _req, p) => {
  const attempt = state.hookDeliveries.find((d) => d.id === Number(p.delivery_id));
  if (!attempt) throw notFound("https://docs.github.com/rest/apps/webhooks#redeliver-a-delivery-for-an-app-webhook");
  state.redeliverAttempt(attempt);
  return { status: 202, body: {} };
});

route("GET", "/app/installations", "jwt", (state, req) =>
  paginated(req, state.urls.api, [...state.installations.values()].map((i) => installationJson(state, i))),
);

route("POST", "/app/installations/{installation_id}/access_tokens", "jwt", (state, _req, p) => {
  const inst = state.installations.get(Number(p.installation_id));
  if (!inst) throw notFound("https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app");
  const { token, expiresAt } = state.issueToken(inst.id);
  return ok({ token, expires_at: expiresAt, permissions: { ...APP_PERMISSIONS }, repository_selection: repositorySelection(state, inst) }, 201);
});

route("GET", "/repos/{owner}/{repo}/installation", "jwt", (state, _req, p) => {
  const repo = state.repo(`${p.owner}/${p.repo}`);
  const inst = repo && state.installations.get(repo.installationId);
  if (!inst) throw notFound("https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app");
  return ok(installationJson(state, inst));
});

// ---------- repositories ----------

route("GET", "/installation/repositories", "installation", (state, req) => {
  const id = req.credential.kind === "installation" ? req.credential.installationId : 0;
  const repos = [...state.repos.values()].filter((r) => r.installationId === id);
  const page = paginated(req, state.urls.api, repos.map((r) => fullRepoJson(r, state.requireUser(r.owner), state.urls)));
  const inst = state.installations.get(id);
  const selection = inst ? repositorySelection(state, inst) : "selected";
  return { ...page, body: { total_count: repos.length, repository_selection: selection, repositories: page.body } };
});

route("GET", "/repos/{owner}/{repo}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  return ok(fullRepoJson(repo, state.requireUser(repo.owner), state.urls));
});

route("GET", "/repos/{owner}/{repo}/contents", "installation", (state, req, p) => contents(state, req, { ...p, path: "" }));
route("GET", "/repos/{owner}/{repo}/contents/{+path}", "installation", contents);

function contents(state: SimState, req: ApiRequest, p: Params): ApiResponse {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/repos/contents#get-repository-content";
  const ref = req.query.get("ref") ?? repo.defaultBranch;
  const commit = repo.git.resolve(ref);
  if (!commit) throw notFound(docs);
  const path = (p.path ?? "").replace(/^\/+|\/+$/g, "");
  const api = `${state.urls.api}/repos/${repo.fullName}`;
  const entry = (name: string, full: string, type: "file" | "dir", sha: string, size: number) => {
    const url = `${api}/contents/${full}?ref=${encodeURIComponent(ref)}`;
    const git = `${api}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
    const html = `${state.urls.html}/${repo.fullName}/${type === "file" ? "blob" : "tree"}/${ref}/${full}`;
    return {
      type,
      size,
      name,
      path: full,
      sha,
      url,
      git_url: git,
      html_url: html,
      download_url: type === "file" ? `${state.urls.html}/${repo.fullName}/raw/${ref}/${full}` : null,
      _links: { self: url, git, html },
    };
  };
  const file = commit.tree.get(path);
  if (file !== undefined) {
    const bytes = Buffer.from(file, "utf8");
    const name = path.split("/").pop() as string;
    // Above 1 MB GitHub sends no content (`encoding: "none"`): the git blobs API serves those.
    if (bytes.length > CONTENTS_MAX_BYTES) {
      return ok({ ...entry(name, path, "file", blobSha(file), bytes.length), content: "", encoding: "none" });
    }
    return ok({ ...entry(name, path, "file", blobSha(file), bytes.length), content: wrappedBase64(bytes), encoding: "base64" });
  }
  // A directory: the entries directly under it.
  const prefix = path ? `${path}/` : "";
  const children = new Map<string, ReturnType<typeof entry>>();
  for (const [full, text] of commit.tree) {
    if (!full.startsWith(prefix)) continue;
    const [name, ...rest] = full.slice(prefix.length).split("/") as [string, ...string[]];
    if (children.has(name)) continue;
    children.set(
      name,
      rest.length
        ? entry(name, prefix + name, "dir", nodeId("T", prefix + name), 0)
        : entry(name, full, "file", blobSha(text), Buffer.byteLength(text)),
    );
  }
  if (!children.size) throw notFound(docs);
  return ok([...children.values()].sort((a, b) => (a.name < b.name ? -1 : 1)));
}

/** The contents API serves a file's content up to 1 MB. */
export const CONTENTS_MAX_BYTES = 1024 * 1024;
/** The git blobs API serves blobs up to 100 MB. */
export const BLOB_MAX_BYTES = 100 * 1024 * 1024;

/** GitHub wraps base64 text at 60 characters. */
function wrappedBase64(bytes: Buffer): string {
  return (bytes.toString("base64").match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join("");
}

// A branch or tag's tip (only branches here): `ref` is `heads/<branch>`.
route("GET", "/repos/{owner}/{repo}/git/ref/{+ref}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/git/refs#get-a-reference";
  const ref = (p.ref ?? "").replace(/^\/+/, "");
  const branch = ref.startsWith("heads/") ? ref.slice("heads/".length) : undefined;
  const sha = branch === undefined ? undefined : repo.git.branches.get(branch);
  if (!sha) throw notFound(docs);
  const api = `${state.urls.api}/repos/${repo.fullName}`;
  return ok({
    ref: `refs/${ref}`,
    node_id: nodeId("REF", `${repo.fullName}:refs/${ref}`),
    url: `${api}/git/refs/${ref}`,
    object: { type: "commit", sha, url: `${api}/git/commits/${sha}` },
  });
});

route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/git/blobs#get-a-blob";
  const sha = (p.file_sha ?? "").toLowerCase();
  let text: string | undefined;
  for (const c of repo.git.commits.values()) {
    for (const content of c.tree.values()) {
      if (blobSha(content) === sha) {
        text = content;
        break;
      }
    }
    if (text !== undefined) break;
  }
  if (text === undefined) throw notFound(docs);
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > BLOB_MAX_BYTES) {
    throw new ApiError(403, { message: "This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API, but you can use the Git Data API to fetch it.", documentation_url: docs, status: "403" });
  }
  return ok({
    sha,
    node_id: nodeId("B", `${repo.fullName}:${sha}`),
    size: bytes.length,
    url: `${state.urls.api}/repos/${repo.fullName}/git/blobs/${sha}`,
    content: wrappedBase64(bytes),
    encoding: "base64",
  });
});

route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const user = state.user(p.username as string);
  if (!user) {
    throw notFound("https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user");
  }
  const role = state.permissionOf(repo, user.login);
  // `permission` folds maintain into write and triage into read; `role_name` keeps the exact role.
  const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
  const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
  return ok({
    permission,
    role_name: role,
    user: {
      ...userJson(user, state.urls),
      permissions: { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 },
      role_name: role,
    },
  });
});

route("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", "installation", (state, req, p) => {
  const docs = "https://docs.github.com/rest/teams/members#get-team-membership-for-a-user";
  const org = state.user(p.org as string);
  if (!org || (req.credential.kind === "installation" && state.installationFor(org.login).id !== req.credential.installationId)) {
    throw notFound(docs);
  }
  const team = state.teams.get(`${p.org}/${p.team_slug}`.toLowerCase());
  const membership = team?.members.get((p.username as string).toLowerCase());
  if (!team || !membership) throw notFound(docs);
  return ok({
    url: `${state.urls.api}/organizations/${org.id}/team/${team.id}/memberships/${p.username}`,
    role: "member",
    state: membership,
  });
});

// ---------- pull requests ----------

route("GET", "/repos/{owner}/{repo}/pulls", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const wanted = req.query.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(wanted)) throw invalidField("PullRequest", "state", `Invalid state: ${wanted}`);
  const head = req.query.get("head");
  const base = req.query.get("base");
  const items = pullsOf(state, repo, (pr) => {
    if (wanted !== "all" && pr.state !== wanted) return false;
    if (base && pr.baseRef !== base) return false;
    // `head` is `user:ref`; GitHub ignores a value without the user part.
    if (head && head.includes(":") && `${repo.owner}:${pr.headRef}`.toLowerCase() !== head.toLowerCase()) return false;
    return true;
  });
  const direction = req.query.get("direction") ?? "desc";
  // GitHub sorts by `created` (the number's order) unless asked for `updated`.
  const byUpdate = req.query.get("sort") === "updated";
  const order = (a: { updated_at: string; number: number }, b: { updated_at: string; number: number }) =>
    (byUpdate ? Date.parse(a.updated_at) - Date.parse(b.updated_at) : 0) || a.number - b.number;
  items.sort((a, b) => (direction === "asc" ? order(a, b) : order(b, a)));
  return paginated(req, state.urls.api, items);
});

route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const pull = pullFor(repo, p);
  return ok(pullJson(pull, state.pullContext(repo, pull)));
});

route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const pull = pullFor(repo, p);
  const commits = state.pullCommits(repo, pull).slice(0, PULL_COMMITS_LIMIT);
  return paginated(req, state.urls.api, commits.map((c) => commitJsonFor(state, repo, c)));
});

route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const pull = pullFor(repo, p);
  const files = state.pullFiles(repo, pull).slice(0, PULL_FILES_LIMIT);
  return paginated(req, state.urls.api, files.map((f) => fileJson(f, repo, pull.headSha, state.urls)));
});

route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const pull = pullFor(repo, p);
  const reviews = pull.reviews.map((r) =>
    reviewJson(r, pull, state.requireUser(r.login), repo, state.urls, state.association(repo, r.login)),
  );
  return paginated(req, state.urls.api, reviews);
});

// A pull request's issue events (GitHub numbers issues and PRs alike; the simulator has only PRs).
route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/events", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const pull = repo.pulls.get(Number(p.issue_number));
  if (!pull) throw notFound("https://docs.github.com/rest/issues/events#list-issue-events");
  return paginated(req, state.urls.api, pull.events.map((e) => issueEventJson(e, state.user(e.actor), repo, state.urls)));
});

route("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const commit = repo.git.resolve(p.commit_sha as string);
  if (!commit) throw noCommit(p.commit_sha as string);
  const items = pullsOf(
    state,
    repo,
    (pr) =>
      (pr.state === "open" && (pr.headSha === commit.sha || state.pullCommits(repo, pr).some((c) => c.sha === commit.sha))) ||
      // The merged pull request that introduced the commit (its commits, or its merge commit).
      (!!pr.mergedAt && (pr.mergeCommitSha === commit.sha || (pr.commitsAtMerge ?? []).includes(commit.sha))),
  );
  return paginated(req, state.urls.api, items);
});

// ---------- issues ----------

route("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const n = Number(p.issue_number);
  const issue = repo.issues.get(n);
  if (issue) return ok(issueJson(issue, state.issueContext(repo, issue.author, issue.assignees)));
  // A pull request is an issue too; the answer then carries `pull_request`.
  const pull = repo.pulls.get(n);
  if (pull) return ok(issueJson(pull, state.issueContext(repo, pull.author, pull.assignees), pull));
  throw notFound("https://docs.github.com/rest/issues/issues#get-an-issue");
});

// ---------- search ----------

/**
 * GET /search/issues, for the one query agentgate asks: the open pull requests someone reviewed, in a
 * repository or an organization. Other qualifiers answer 422, as an unsupported query would.
 */
route("GET", "/search/issues", "installation", (state, req) => {
  const terms = (req.query.get("q") ?? "").split(/\s+/).filter(Boolean);
  const want: { reviewer?: string; repo?: string; org?: string } = {};
  for (const t of terms) {
    const [key, value] = t.includes(":") ? [t.slice(0, t.indexOf(":")), t.slice(t.indexOf(":") + 1)] : [t, ""];
    if (key === "is" && (value === "pr" || value === "open")) continue;
    if (key === "reviewed-by" && value) want.reviewer = value.toLowerCase();
    else if (key === "repo" && value) want.repo = value.toLowerCase();
    else if (key === "org" && value) want.org = value.toLowerCase();
    else throw unprocessable("Validation Failed", [{ message: `the simulator does not search for ${key}`, resource: "Search", field: "q", code: "invalid" }], "https://docs.github.com/v3/search/");
  }
  if (!terms.includes("is:pr") || !terms.includes("is:open") || !want.reviewer) {
    throw unprocessable("Validation Failed", [{ message: "the simulator answers is:pr is:open reviewed-by: only", resource: "Search", field: "q", code: "invalid" }], "https://docs.github.com/v3/search/");
  }
  const id = req.credential.kind === "installation" ? req.credential.installationId : 0;
  const items = [];
  for (const repo of state.repos.values()) {
    if (repo.installationId !== id) continue; // an installation token finds only what it can read
    if (want.repo && repo.fullName.toLowerCase() !== want.repo) continue;
    if (want.org && repo.owner.toLowerCase() !== want.org) continue;
    for (const pull of repo.pulls.values()) {
      if (pull.state !== "open" || !pull.reviews.some((r) => r.login.toLowerCase() === want.reviewer)) continue;
      items.push({ ...issueJson(pull, state.issueContext(repo, pull.author, pull.assignees), pull), score: 1 });
    }
  }
  const page = paginated(req, state.urls.api, items);
  return { ...page, body: { total_count: items.length, incomplete_results: false, items: page.body, search_type: "lexical" } };
});

// ---------- GraphQL ----------

route("POST", "/api/graphql", "installation", graphql);
route("POST", "/graphql", "installation", graphql);

// ---------- compare ----------

route("GET", "/repos/{owner}/{repo}/compare/{+basehead}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/commits/commits#compare-two-commits";
  const parts = (p.basehead as string).split(/\.\.\.?/);
  if (parts.length !== 2) throw notFound(docs);
  const [base, head] = parts.map((ref) => repo.git.resolve(ref.replace(new RegExp(`^${repo.owner}:`, "i"), ""))) as [
    SimCommit | undefined,
    SimCommit | undefined,
  ];
  if (!base || !head) throw notFound(docs);
  const mergeBaseSha = repo.git.mergeBase(base.sha, head.sha);
  if (!mergeBaseSha) throw notFound(docs);
  const mergeBase = repo.git.get(mergeBaseSha) as SimCommit;
  const ahead = repo.git.commitsBetween(base.sha, head.sha);
  const behind = repo.git.commitsBetween(head.sha, base.sha);
  const status = ahead.length && behind.length ? "diverged" : ahead.length ? "ahead" : behind.length ? "behind" : "identical";
  const { perPage, page } = pageParams(req.query, 250);
  const files = diffTrees(mergeBase.tree, head.tree, state.maxPatchBytes).slice(0, COMPARE_FILES_LIMIT);
  const html = `${state.urls.html}/${repo.fullName}/compare/${p.basehead}`;
  return ok({
    url: `${state.urls.api}/repos/${repo.fullName}/compare/${p.basehead}`,
    html_url: html,
    permalink_url: `${state.urls.html}/${repo.fullName}/compare/${repo.owner}:${base.sha.slice(0, 7)}...${repo.owner}:${head.sha.slice(0, 7)}`,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: commitJsonFor(state, repo, base),
    merge_base_commit: commitJsonFor(state, repo, mergeBase),
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: ahead
      .slice(0, COMPARE_COMMITS_LIMIT)
      .slice((page - 1) * perPage, page * perPage)
      .map((c) => commitJsonFor(state, repo, c)),
    files: files.map((f) => fileJson(f, repo, head.sha, state.urls)),
  });
});

// ---------- commit statuses ----------

const STATUS_STATES = ["error", "failure", "pending", "success"] as const;

route("POST", "/repos/{owner}/{repo}/statuses/{sha}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";
  const sha = (p.sha as string).toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(sha) || !repo.git.get(sha)) throw noCommit(p.sha as string);
  const body = (req.body ?? {}) as Record<string, unknown>;
  const st = body.state;
  if (typeof st !== "string" || !(STATUS_STATES as readonly string[]).includes(st)) {
    throw invalidField("Status", "state", `state is not included in the list`, docs);
  }
  const description = body.description ?? null;
  if (description !== null && typeof description !== "string") throw invalidField("Status", "description", "description is not a string", docs);
  if (typeof description === "string" && [...description].length > STATUS_DESCRIPTION_MAX) {
    throw invalidField("Status", "description", `description is too long (maximum is ${STATUS_DESCRIPTION_MAX} characters)`, docs);
  }
  const context = typeof body.context === "string" && body.context ? body.context : "default";
  const count = repo.statuses.filter((s) => s.sha === sha && s.context === context).length;
  if (count >= STATUSES_PER_CONTEXT_MAX) {
    throw invalidField("Status", "context", `This SHA and context has reached the maximum number of statuses.`, docs);
  }
  const now = state.now();
  const status = {
    id: state.nextId("status"),
    sha,
    state: st as (typeof STATUS_STATES)[number],
    context,
    description: description as string | null,
    targetUrl: typeof body.target_url === "string" ? body.target_url : null,
    creator: state.botUser.login,
    createdAt: now,
    updatedAt: now,
  };
  repo.statuses.push(status);
  return ok(statusJson(status, state.botUser, repo, state.urls), 201);
});

route("GET", "/repos/{owner}/{repo}/commits/{ref}/statuses", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const commit = repo.git.resolve(p.ref as string);
  const list = commit ? repo.statuses.filter((s) => s.sha === commit.sha).reverse() : [];
  return paginated(req, state.urls.api, list.map((s) => statusJson(s, state.user(s.creator), repo, state.urls)));
});

route("GET", "/repos/{owner}/{repo}/commits/{ref}/status", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const commit = repo.git.resolve(p.ref as string);
  if (!commit) throw notFound("https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference");
  // The newest status of each context is what counts.
  const latest = new Map<string, (typeof repo.statuses)[number]>();
  for (const s of repo.statuses) if (s.sha === commit.sha) latest.set(s.context, s);
  const current = [...latest.values()];
  const combined = current.some((s) => s.state === "error" || s.state === "failure")
    ? "failure"
    : current.length === 0 || current.some((s) => s.state === "pending")
      ? "pending"
      : "success";
  const owner = state.requireUser(repo.owner);
  const { custom_properties: _c, ...repository } = repoJson(repo, owner, state.urls);
  return ok({
    state: combined,
    statuses: current.map((s) => {
      const { creator: _creator, ...rest } = statusJson(s, state.user(s.creator), repo, state.urls);
      return rest;
    }),
    sha: commit.sha,
    total_count: current.length,
    repository,
    commit_url: `${state.urls.api}/repos/${repo.fullName}/commits/${commit.sha}`,
    url: `${state.urls.api}/repos/${repo.fullName}/commits/${commit.sha}/status`,
  });
});

// ---------- check runs ----------

const CHECK_STATUSES = ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];

function validateOutput(output: unknown, creating: boolean): { title?: string; summary?: string; text?: string; annotations: Annotation[] } | undefined {
  const docs = "https://docs.github.com/rest/checks/runs";
  if (output === undefined || output === null) return undefined;
  if (typeof output !== "object") throw invalidField("CheckRun", "output", "output is not an object", docs);
  const o = output as Record<string, unknown>;
  if (creating && (typeof o.title !== "string" || typeof o.summary !== "string")) {
    throw invalidField("CheckRun", "output", "output must have a title and a summary", docs);
  }
  for (const field of ["summary", "text"] as const) {
    const v = o[field];
    if (typeof v === "string" && [...v].length > CHECK_TEXT_MAX) {
      throw invalidField("CheckRun", `output.${field}`, `${field} is too long (maximum is ${CHECK_TEXT_MAX} characters)`, docs);
    }
  }
  const annotations = Array.isArray(o.annotations) ? (o.annotations as Annotation[]) : [];
  if (annotations.length > ANNOTATIONS_PER_REQUEST_MAX) {
    throw unprocessable(`Only ${ANNOTATIONS_PER_REQUEST_MAX} annotations are allowed per request`, [], docs);
  }
  for (const a of annotations) {
    const valid =
      a &&
      typeof a.path === "string" &&
      Number.isInteger(a.start_line) &&
      Number.isInteger(a.end_line) &&
      ["notice", "warning", "failure"].includes(a.annotation_level) &&
      typeof a.message === "string";
    if (!valid) throw invalidField("CheckRun", "output.annotations", "each annotation needs path, start_line, end_line, annotation_level and message", docs);
  }
  return {
    ...(typeof o.title === "string" ? { title: o.title } : {}),
    ...(typeof o.summary === "string" ? { summary: o.summary } : {}),
    ...(typeof o.text === "string" ? { text: o.text } : {}),
    annotations,
  };
}

/** Status and conclusion after a write: a conclusion completes the run, and completing needs one. */
/** GitHub's limits on a check run's requested actions. */
export const CHECK_ACTIONS_MAX = 3;

/** A check run's `actions` from a create or update body (undefined: not given). Throws GitHub's 422. */
export function actionsOfBody(body: Record<string, unknown>): CheckRunState["actions"] | undefined {
  if (body.actions === undefined) return undefined;
  const docs = "https://docs.github.com/rest/checks/runs#create-a-check-run";
  if (!Array.isArray(body.actions)) throw invalidField("CheckRun", "actions", "actions is not an array", docs);
  if (body.actions.length > CHECK_ACTIONS_MAX) throw unprocessable(`Only ${CHECK_ACTIONS_MAX} actions are allowed`, [], docs);
  return body.actions.map((a: unknown) => {
    const x = (a ?? {}) as Record<string, unknown>;
    const fits = (v: unknown, max: number) => typeof v === "string" && v.length > 0 && v.length <= max;
    if (!fits(x.label, 20) || !fits(x.description, 40) || !fits(x.identifier, 20)) {
      throw invalidField("CheckRun", "actions", "an action needs a label (20), a description (40) and an identifier (20)", docs);
    }
    return { label: x.label as string, description: x.description as string, identifier: x.identifier as string };
  });
}

function settle(run: CheckRunState, body: Record<string, unknown>, now: string): void {
  const docs = "https://docs.github.com/rest/checks/runs";
  if (body.status !== undefined) {
    if (typeof body.status !== "string" || !CHECK_STATUSES.includes(body.status)) throw invalidField("CheckRun", "status", "status is not included in the list", docs);
    run.status = body.status as CheckRunState["status"];
  }
  if (body.conclusion !== undefined && body.conclusion !== null) {
    if (typeof body.conclusion !== "string" || !CONCLUSIONS.includes(body.conclusion)) {
      throw invalidField("CheckRun", "conclusion", "conclusion is not included in the list", docs);
    }
    run.conclusion = body.conclusion;
    run.status = "completed";
  }
  if (run.status === "completed" && !run.conclusion) {
    throw unprocessable("Conclusion must be set when status is completed", [], docs);
  }
  if (run.status !== "completed") run.conclusion = null;
  if (typeof body.started_at === "string") run.startedAt = body.started_at;
  if (run.status === "completed") run.completedAt = typeof body.completed_at === "string" ? body.completed_at : (run.completedAt ?? now);
  else run.completedAt = null;
  if (body.external_id !== undefined) run.externalId = typeof body.external_id === "string" ? body.external_id : null;
  if (body.details_url !== undefined) run.detailsUrl = typeof body.details_url === "string" ? body.details_url : null;
  if (typeof body.name === "string" && body.name) run.name = body.name;
}

function applyOutput(run: CheckRunState, output: ReturnType<typeof validateOutput>): void {
  if (!output) return;
  if (output.title !== undefined) run.output.title = output.title;
  if (output.summary !== undefined) run.output.summary = output.summary;
  if (output.text !== undefined) run.output.text = output.text;
  // GitHub appends annotations across updates rather than replacing them.
  run.annotations.push(...output.annotations);
}

export function openPullsAt(state: SimState, repo: SimRepo, sha: string): PullState[] {
  return [...repo.pulls.values()].filter((p) => p.state === "open" && p.headSha === sha);
}

export function checkRunOut(state: SimState, repo: SimRepo, run: CheckRunState) {
  return checkRunJson(run, state.appById(run.appId), openPullsAt(state, repo, run.headSha), repo, state.urls);
}

export function suiteFor(state: SimState, repo: SimRepo, headSha: string, appId = state.app.id) {
  const existing = repo.checkSuites.find((s) => s.headSha === headSha && s.appId === appId);
  if (existing) return existing;
  const branch = [...repo.git.branches.entries()].find(([, sha]) => sha === headSha)?.[0] ?? null;
  const suite = { id: state.nextId("suite"), headSha, headBranch: branch, appId, createdAt: state.now() };
  repo.checkSuites.push(suite);
  return suite;
}

route("POST", "/repos/{owner}/{repo}/check-runs", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/checks/runs#create-a-check-run";
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.name !== "string" || !body.name) throw invalidField("CheckRun", "name", "name can't be blank", docs);
  const headSha = typeof body.head_sha === "string" ? body.head_sha.toLowerCase() : "";
  if (!repo.git.get(headSha)) throw unprocessable(`No commit found for SHA: ${String(body.head_sha)}`, [], docs);
  const output = validateOutput(body.output, true);
  const now = state.now();
  const run: CheckRunState = {
    id: state.nextId("check"),
    name: body.name,
    headSha,
    status: "queued",
    conclusion: null,
    externalId: null,
    detailsUrl: null,
    startedAt: now,
    completedAt: null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    appId: state.app.id,
    suiteId: suiteFor(state, repo, headSha).id,
  };
  settle(run, body, now);
  applyOutput(run, output);
  const actions = actionsOfBody(body);
  if (actions) run.actions = actions;
  repo.checkRuns.push(run);
  return ok(checkRunOut(state, repo, run), 201);
});

function checkRunFor(repo: SimRepo, p: Params): CheckRunState {
  const run = repo.checkRuns.find((r) => r.id === Number(p.check_run_id));
  if (!run) throw notFound("https://docs.github.com/rest/checks/runs#get-a-check-run");
  return run;
}

route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const run = checkRunFor(repo, p);
  if (run.appId !== state.app.id) throw forbidden("Invalid app_id `" + state.app.id + "` - check run can only be modified by its creator");
  const body = (req.body ?? {}) as Record<string, unknown>;
  const output = validateOutput(body.output, false);
  // Validate on a copy so a rejected update changes nothing.
  const next: CheckRunState = { ...run, output: { ...run.output }, annotations: [...run.annotations] };
  settle(next, body, state.now());
  applyOutput(next, output);
  const actions = actionsOfBody(body);
  if (actions) next.actions = actions;
  Object.assign(run, next);
  return ok(checkRunOut(state, repo, run));
});

route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  return ok(checkRunOut(state, repo, checkRunFor(repo, p)));
});

route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const commit = repo.git.resolve(p.ref as string);
  if (!commit) throw unprocessable(`No commit found for SHA: ${p.ref}`);
  const name = req.query.get("check_name");
  const filter = req.query.get("filter") ?? "latest";
  const appId = req.query.get("app_id");
  let runs = repo.checkRuns.filter((r) => r.headSha === commit.sha && (!name || r.name === name) && (!appId || String(r.appId) === appId));
  if (filter === "latest") {
    // The newest run of each name in each suite.
    const newest = new Map<string, CheckRunState>();
    for (const r of runs) newest.set(`${r.suiteId}\0${r.name}`, r);
    runs = [...newest.values()];
  }
  runs = [...runs].sort((a, b) => b.id - a.id);
  const page = paginated(req, state.urls.api, runs.map((r) => checkRunOut(state, repo, r)));
  return { ...page, body: { total_count: runs.length, check_runs: page.body } };
});

// ---------- branch rules, rulesets and classic protection (the enforcement doctor; protection.ts) ----------

route("GET", "/repos/{owner}/{repo}/rules/branches/{branch}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  return protectionOf(state).branchRules(repo.fullName, repo.owner, p.branch as string);
});

route("GET", "/repos/{owner}/{repo}/rulesets/{ruleset_id}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  return protectionOf(state).ruleset(repo.fullName, repo.owner, Number(p.ruleset_id), state.urls.api);
});

route("GET", "/repos/{owner}/{repo}/branches/{branch}/protection", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  return protectionOf(state).classic(repo.fullName, p.branch as string, state.urls.api);
});
