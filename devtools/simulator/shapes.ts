/**
 * GitHub's JSON shapes, built from the simulator's state. Key sets follow GitHub's OpenAPI
 * description (REST) and the webhook schemas (which are closed: no key beyond the documented ones).
 */
import type { FileChange, GitIdentity, SimCommit } from "./git.js";
import type { CheckRunState, CheckSuiteState, IssueEventState, IssueState, LabelState, PullState, ReviewState, SimRepo, SimUser, StatusState } from "./model.js";

export interface Urls {
  /** The simulator's API root, e.g. http://127.0.0.1:PORT */
  api: string;
  html: string;
}

/** A stable opaque node id, shaped like GitHub's (type prefix + base64). */
export function nodeId(kind: string, id: number | string): string {
  return `${kind}_${Buffer.from(`${kind}:${id}`).toString("base64").replace(/=+$/, "")}`;
}

export function userJson(u: SimUser, urls: Urls) {
  const api = `${urls.api}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === "Bot" ? "BOT" : u.type === "Organization" ? "O" : "U", u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: u.htmlUrl ?? `${urls.html}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
  };
}

/** The repository as webhooks carry it (and the base of the REST shapes). */
export function repoJson(r: SimRepo, owner: SimUser, urls: Urls, epochTimes = false) {
  const api = `${urls.api}/repos/${r.fullName}`;
  const time = (iso: string) => (epochTimes ? Math.floor(Date.parse(iso) / 1000) : iso);
  const openIssues = [...r.pulls.values()].filter((p) => p.state === "open").length;
  return {
    id: r.id,
    node_id: nodeId("R", r.id),
    name: r.name,
    full_name: r.fullName,
    private: r.private,
    owner: userJson(owner, urls),
    html_url: `${urls.html}/${r.fullName}`,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: time(r.createdAt),
    updated_at: r.pushedAt,
    pushed_at: time(r.pushedAt),
    git_url: `git://github.com/${r.fullName}.git`,
    ssh_url: `git@github.com:${r.fullName}.git`,
    clone_url: `${urls.html}/${r.fullName}.git`,
    svn_url: `${urls.html}/${r.fullName}`,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [] as string[],
    visibility: r.private ? "private" : "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: r.defaultBranch,
    custom_properties: {},
  };
}

/** GET /repos/{o}/{r}: the full repository, which also counts the network and subscribers. */
export function fullRepoJson(r: SimRepo, owner: SimUser, urls: Urls) {
  const { custom_properties: _unused, ...rest } = repoJson(r, owner, urls);
  return { ...rest, network_count: 0, subscribers_count: 0 };
}

export function labelJson(l: LabelState, r: SimRepo, urls: Urls) {
  return {
    id: l.id,
    node_id: nodeId("LA", l.id),
    url: `${urls.api}/repos/${r.fullName}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: false,
    description: "",
  };
}

export interface PullContext {
  repo: SimRepo;
  owner: SimUser;
  author: SimUser;
  headOwner: SimUser;
  urls: Urls;
  labels: LabelState[];
  files: FileChange[];
  commitCount: number;
  authorAssociation: string;
  assignees: SimUser[];
  /** Who merged it (a merged PR only). */
  mergedBy?: SimUser;
}

function branchJson(ctx: PullContext, ref: string, sha: string) {
  return {
    label: `${ctx.repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson(ctx.owner, ctx.urls),
    repo: repoJson(ctx.repo, ctx.owner, ctx.urls),
  };
}

/** The fields every pull request shape shares (list items, webhooks' simple form, the full object). */
export function simplePullJson(p: PullState, ctx: PullContext) {
  const api = `${ctx.urls.api}/repos/${ctx.repo.fullName}`;
  const html = `${ctx.urls.html}/${ctx.repo.fullName}/pull/${p.number}`;
  return {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: nodeId("PR", p.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: userJson(ctx.author, ctx.urls),
    body: p.body,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.mergedAt ?? null,
    merge_commit_sha: p.mergeCommitSha ?? null,
    assignee: ctx.assignees[0] ? userJson(ctx.assignees[0], ctx.urls) : null,
    assignees: ctx.assignees.map((u) => userJson(u, ctx.urls)),
    requested_reviewers: [],
    requested_teams: [],
    labels: ctx.labels.map((l) => labelJson(l, ctx.repo, ctx.urls)),
    milestone: null,
    draft: p.draft,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${p.headSha}`,
    head: branchJson(ctx, p.headRef, p.headSha),
    base: branchJson(ctx, p.baseRef, p.baseSha),
    _links: {
      self: { href: `${api}/pulls/${p.number}` },
      html: { href: html },
      issue: { href: `${api}/issues/${p.number}` },
      comments: { href: `${api}/issues/${p.number}/comments` },
      review_comments: { href: `${api}/pulls/${p.number}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${api}/pulls/${p.number}/commits` },
      statuses: { href: `${api}/statuses/${p.headSha}` },
    },
    author_association: ctx.authorAssociation,
    auto_merge: null,
    active_lock_reason: null,
  };
}

/** GET /pulls/{n} and webhooks' `pull_request`: the simple form plus counts and merge state. */
export function pullJson(p: PullState, ctx: PullContext) {
  const additions = ctx.files.reduce((n, f) => n + f.additions, 0);
  const deletions = ctx.files.reduce((n, f) => n + f.deletions, 0);
  return {
    ...simplePullJson(p, ctx),
    merged: p.merged,
    mergeable: p.state === "open" ? true : null,
    rebaseable: p.state === "open" ? true : null,
    mergeable_state: p.state === "open" ? "clean" : "unknown",
    merged_by: p.mergedBy ? userJson(ctx.mergedBy ?? ctx.author, ctx.urls) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: ctx.commitCount,
    additions,
    deletions,
    changed_files: ctx.files.length,
  };
}

export type PullJson = ReturnType<typeof pullJson>;

export function reviewJson(r: ReviewState, p: PullState, reviewer: SimUser, repo: SimRepo, urls: Urls, association: string) {
  const html = `${urls.html}/${repo.fullName}/pull/${p.number}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId("PRR", r.id),
    user: userJson(reviewer, urls),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${urls.api}/repos/${repo.fullName}/pulls/${p.number}`,
    author_association: association,
    _links: { html: { href: html }, pull_request: { href: `${urls.api}/repos/${repo.fullName}/pulls/${p.number}` } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
  };
}

function gitIdentityJson(i: GitIdentity) {
  return { name: i.name, email: i.email, date: i.date };
}

/** A REST commit (pull commits, compare): the git data plus the GitHub users it maps to, or null. */
export function commitJson(c: SimCommit, repo: SimRepo, urls: Urls, author: SimUser | undefined, committer: SimUser | undefined) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    sha: c.sha,
    node_id: nodeId("C", c.sha),
    commit: {
      author: gitIdentityJson(c.author),
      committer: gitIdentityJson(c.committer),
      message: c.message,
      tree: { sha: c.treeSha, url: `${api}/git/trees/${c.treeSha}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    },
    url: `${api}/commits/${c.sha}`,
    html_url: `${urls.html}/${repo.fullName}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    author: author ? userJson(author, urls) : null,
    committer: committer ? userJson(committer, urls) : null,
    parents: c.parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${urls.html}/${repo.fullName}/commit/${p}` })),
  };
}

export function fileJson(f: FileChange, repo: SimRepo, headSha: string, urls: Urls) {
  const path = f.filename.split("/").map(encodeURIComponent).join("/");
  return {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.changes,
    blob_url: `${urls.html}/${repo.fullName}/blob/${headSha}/${path}`,
    raw_url: `${urls.html}/${repo.fullName}/raw/${headSha}/${path}`,
    contents_url: `${urls.api}/repos/${repo.fullName}/contents/${path}?ref=${headSha}`,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previousFilename !== undefined ? { previous_filename: f.previousFilename } : {}),
  };
}

/** One entry of `GET /repos/{o}/{r}/issues/{n}/events`. */
export function issueEventJson(e: IssueEventState, actor: SimUser | undefined, repo: SimRepo, urls: Urls) {
  return {
    id: e.id,
    node_id: nodeId(e.event === "review_dismissed" ? "RDE" : "BRCE", e.id),
    url: `${urls.api}/repos/${repo.fullName}/issues/events/${e.id}`,
    // A deleted account shows as null.
    actor: actor ? userJson(actor, urls) : null,
    event: e.event,
    commit_id: null,
    commit_url: null,
    created_at: e.createdAt,
    performed_via_github_app: null,
    ...(e.dismissedReview
      ? {
          dismissed_review: {
            state: e.dismissedReview.state,
            review_id: e.dismissedReview.reviewId,
            dismissal_message: e.dismissedReview.message,
            dismissal_commit_id: e.dismissedReview.commitId,
          },
        }
      : {}),
  };
}

export function statusJson(s: StatusState, creator: SimUser | undefined, repo: SimRepo, urls: Urls) {
  return {
    url: `${urls.api}/repos/${repo.fullName}/statuses/${s.sha}`,
    avatar_url: creator ? `https://avatars.githubusercontent.com/u/${creator.id}?v=4` : null,
    id: s.id,
    node_id: nodeId("SC", s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    creator: creator ? userJson(creator, urls) : null,
  };
}

export interface AppInfo {
  id: number;
  slug: string;
  owner: SimUser;
  createdAt: string;
}

export const APP_EVENTS = [
  "check_run",
  "check_suite",
  "member",
  "membership",
  "merge_group",
  "organization",
  "pull_request",
  "pull_request_review",
  "push",
  "status",
  "team",
  // Also `deployment_protection_rule` (app.yml): left out here because GitHub's webhook schemas
  // (@octokit/webhooks-schemas) do not list it among an installation's events yet.
];

export const APP_PERMISSIONS: Record<string, string> = {
  actions: "read",
  checks: "write",
  deployments: "write",
  contents: "read",
  issues: "write",
  members: "read",
  merge_queues: "read",
  metadata: "read",
  pull_requests: "read",
  statuses: "write",
};

/** The app as webhooks carry it (the REST form adds slug, permissions and events too). */
export function appJson(app: AppInfo, urls: Urls) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("A", app.id),
    owner: userJson(app.owner, urls),
    name: app.slug,
    description: "",
    external_url: `${urls.html}/apps/${app.slug}`,
    html_url: `${urls.html}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { ...APP_PERMISSIONS },
    events: [...APP_EVENTS],
  };
}

export function checkRunPullRequestJson(p: PullState, repo: SimRepo, urls: Urls) {
  const repoRef = { id: repo.id, url: `${urls.api}/repos/${repo.fullName}`, name: repo.name };
  return {
    url: `${urls.api}/repos/${repo.fullName}/pulls/${p.number}`,
    id: p.id,
    number: p.number,
    head: { ref: p.headRef, sha: p.headSha, repo: repoRef },
    base: { ref: p.baseRef, sha: p.baseSha, repo: repoRef },
  };
}

export function checkSuiteRefJson(s: CheckSuiteState) {
  return { id: s.id };
}

export function checkRunJson(
  run: CheckRunState,
  app: AppInfo,
  pulls: PullState[],
  repo: SimRepo,
  urls: Urls,
) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    id: run.id,
    node_id: nodeId("CR", run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${urls.html}/${repo.fullName}/runs/${run.id}`,
    // Without one, GitHub links the app's homepage.
    details_url: run.detailsUrl ?? `${urls.html}/apps/${app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: appJson(app, urls),
    pull_requests: pulls.map((p) => checkRunPullRequestJson(p, repo, urls)),
  };
}

export interface IssueContext {
  repo: SimRepo;
  author: SimUser;
  assignees: SimUser[];
  urls: Urls;
  authorAssociation: string;
}

/** GET /repos/{o}/{r}/issues/{n}: an issue, or a pull request seen as an issue (with `pull_request`). */
export function issueJson(i: Pick<IssueState, "number" | "id" | "title" | "body" | "state" | "createdAt" | "updatedAt">, ctx: IssueContext, pull?: { closedAt: string | null }) {
  const api = `${ctx.urls.api}/repos/${ctx.repo.fullName}`;
  const html = `${ctx.urls.html}/${ctx.repo.fullName}/${pull ? "pull" : "issues"}/${i.number}`;
  return {
    id: i.id,
    node_id: nodeId(pull ? "PR" : "I", i.id),
    url: `${api}/issues/${i.number}`,
    repository_url: api,
    labels_url: `${api}/issues/${i.number}/labels{/name}`,
    comments_url: `${api}/issues/${i.number}/comments`,
    events_url: `${api}/issues/${i.number}/events`,
    html_url: html,
    number: i.number,
    state: i.state,
    title: i.title,
    body: i.body,
    user: userJson(ctx.author, ctx.urls),
    labels: [],
    assignee: ctx.assignees[0] ? userJson(ctx.assignees[0], ctx.urls) : null,
    assignees: ctx.assignees.map((u) => userJson(u, ctx.urls)),
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    ...(pull
      ? {
          pull_request: {
            url: `${api}/pulls/${i.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        }
      : {}),
    closed_at: pull ? pull.closedAt : null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    author_association: ctx.authorAssociation,
  };
}

/** An organization as webhooks carry it. */
export function organizationJson(state: { urls: Urls }, org: SimUser) {
  const api = `${state.urls.api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId("O", org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: null,
  };
}
