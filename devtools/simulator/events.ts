/**
 * Webhook payloads, shaped as GitHub sends them (see @octokit/webhooks-schemas), and their signature.
 */
import { createHmac } from "node:crypto";
import type { FileChange, SimCommit } from "./git.js";
import type { CheckRunState, CheckSuiteState, LabelState, PullState, ReviewState, SimInstallation, SimRepo, SimUser, StatusState } from "./model.js";
import { checkRunOut, installationJson, openPullsAt } from "./routes.js";
import { appJson, checkRunPullRequestJson, commitJson, labelJson, nodeId, organizationJson, pullJson, repoJson, reviewJson, simplePullJson, userJson } from "./shapes.js";
import type { SimState } from "./state.js";

/** `x-hub-signature-256`: HMAC-SHA256 of the exact body bytes, hex, prefixed with `sha256=`. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What every event carries: the installation, the repository, its organization and the sender. */
export function envelope(state: SimState, repo: SimRepo, sender: SimUser, epochTimes = false) {
  const owner = state.requireUser(repo.owner);
  return {
    repository: repoJson(repo, owner, state.urls, epochTimes),
    ...(owner.type === "Organization" ? { organization: organizationJson(state, owner) } : {}),
    sender: userJson(sender, state.urls),
    installation: { id: repo.installationId, node_id: nodeId("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", repo.installationId) },
  };
}

export function pullRequestEvent(
  state: SimState,
  repo: SimRepo,
  p: PullState,
  action: string,
  sender: SimUser,
  extra: Record<string, unknown> = {},
) {
  return {
    action,
    number: p.number,
    ...extra,
    pull_request: pullJson(p, state.pullContext(repo, p)),
    ...envelope(state, repo, sender),
  };
}

export function labelExtra(state: SimState, repo: SimRepo, label: LabelState) {
  return { label: labelJson(label, repo, state.urls) };
}

export function reviewEvent(state: SimState, repo: SimRepo, p: PullState, r: ReviewState, action: string, sender: SimUser) {
  const json = reviewJson(r, p, state.requireUser(r.login), repo, state.urls, state.association(repo, r.login));
  return {
    action,
    // Webhooks spell review states in lower case, unlike the REST API.
    review: { ...json, state: r.state.toLowerCase() },
    pull_request: simplePullJson(p, state.pullContext(repo, p)),
    ...envelope(state, repo, sender),
  };
}

function pushCommit(state: SimState, repo: SimRepo, c: SimCommit, changes: FileChange[]) {
  const identity = (i: SimCommit["author"]) => {
    const user = state.userForEmail(i.email);
    return { name: i.name, email: i.email, ...(user ? { username: user.login } : {}) };
  };
  return {
    id: c.sha,
    tree_id: c.treeSha,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    url: `${state.urls.html}/${repo.fullName}/commit/${c.sha}`,
    author: identity(c.author),
    committer: identity(c.committer),
    added: changes.filter((f) => f.status === "added" || f.status === "renamed").map((f) => f.filename),
    removed: changes
      .filter((f) => f.status === "removed" || f.status === "renamed")
      .map((f) => (f.status === "renamed" ? (f.previousFilename as string) : f.filename)),
    modified: changes.filter((f) => f.status === "modified").map((f) => f.filename),
  };
}

export function pushEvent(
  state: SimState,
  repo: SimRepo,
  branch: string,
  before: string,
  commits: { commit: SimCommit; changes: FileChange[] }[],
  sender: SimUser,
  pusher: { name: string; email: string | null },
  forced = false,
) {
  // A push of commits the repository already had (a reset) lists none, but still moves the branch.
  const after = commits.length ? (commits[commits.length - 1] as { commit: SimCommit }).commit.sha : (repo.git.branches.get(branch) ?? before);
  const list = commits.map(({ commit, changes }) => pushCommit(state, repo, commit, changes));
  const tip = repo.git.get(after);
  const headCommit = list[list.length - 1] ?? (after !== before && tip ? pushCommit(state, repo, tip, []) : null);
  return {
    ref: `refs/heads/${branch}`,
    before,
    after,
    created: /^0+$/.test(before),
    deleted: false,
    forced,
    base_ref: null,
    compare: `${state.urls.html}/${repo.fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: list,
    head_commit: headCommit,
    pusher,
    // Push events carry the repository's times as Unix seconds.
    ...envelope(state, repo, sender, true),
  };
}

export function statusEvent(state: SimState, repo: SimRepo, s: StatusState, sender: SimUser) {
  const commit = repo.git.get(s.sha) as SimCommit;
  const rest = commitJson(commit, repo, state.urls, state.userForEmail(commit.author.email), state.userForEmail(commit.committer.email));
  const { verified_at: _unused, ...verification } = rest.commit.verification;
  const branches = [...repo.git.branches.entries()]
    .filter(([, sha]) => sha === s.sha)
    .map(([name, sha]) => ({ name, commit: { sha, url: `${state.urls.api}/repos/${repo.fullName}/commits/${sha}` }, protected: name === repo.defaultBranch }));
  return {
    id: s.id,
    sha: s.sha,
    name: repo.fullName,
    target_url: s.targetUrl,
    context: s.context,
    description: s.description,
    state: s.state,
    commit: { ...rest, commit: { ...rest.commit, verification } },
    branches,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    ...envelope(state, repo, sender),
  };
}

function suiteStatus(runs: CheckRunState[]): { status: string; conclusion: string | null } {
  if (!runs.length) return { status: "queued", conclusion: null };
  if (runs.some((r) => r.status !== "completed")) return { status: "in_progress", conclusion: null };
  const order = ["action_required", "timed_out", "failure", "cancelled", "stale", "neutral", "skipped", "success"];
  const worst = runs.map((r) => r.conclusion ?? "neutral").sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? null;
  return { status: "completed", conclusion: worst };
}

function headCommitJson(c: SimCommit) {
  return {
    id: c.sha,
    tree_id: c.treeSha,
    message: c.message,
    timestamp: c.committer.date,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}

export function suiteJson(state: SimState, repo: SimRepo, suite: CheckSuiteState) {
  const runs = repo.checkRuns.filter((r) => r.suiteId === suite.id);
  const commit = repo.git.get(suite.headSha) as SimCommit;
  return {
    id: suite.id,
    node_id: nodeId("CS", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    ...suiteStatus(runs),
    url: `${state.urls.api}/repos/${repo.fullName}/check-suites/${suite.id}`,
    before: commit.parents[0] ?? null,
    after: suite.headSha,
    pull_requests: openPullsAt(state, repo, suite.headSha).map((p) => checkRunPullRequestJson(p, repo, state.urls)),
    app: appJson(state.app, state.urls),
    created_at: suite.createdAt,
    updated_at: state.now(),
    latest_check_runs_count: new Set(runs.map((r) => r.name)).size,
    check_runs_url: `${state.urls.api}/repos/${repo.fullName}/check-suites/${suite.id}/check-runs`,
    head_commit: headCommitJson(commit),
  };
}

export function checkRunEvent(state: SimState, repo: SimRepo, run: CheckRunState, sender: SimUser) {
  const suite = repo.checkSuites.find((s) => s.id === run.suiteId) as CheckSuiteState;
  const { latest_check_runs_count: _a, check_runs_url: _b, head_commit: _c, ...suiteInRun } = suiteJson(state, repo, suite);
  return {
    action: "rerequested",
    check_run: { ...checkRunOut(state, repo, run), check_suite: suiteInRun },
    ...envelope(state, repo, sender),
  };
}

export function checkSuiteEvent(state: SimState, repo: SimRepo, suite: CheckSuiteState, sender: SimUser) {
  return { action: "rerequested", check_suite: suiteJson(state, repo, suite), ...envelope(state, repo, sender) };
}

export function mergeGroupEvent(state: SimState, repo: SimRepo, head: SimCommit, headRef: string, baseRef: string, baseSha: string, sender: SimUser) {
  return {
    action: "checks_requested",
    merge_group: { head_sha: head.sha, head_ref: headRef, base_sha: baseSha, base_ref: baseRef, head_commit: headCommitJson(head) },
    ...envelope(state, repo, sender),
  };
}

/** The repositories of an installation event: the short form GitHub lists. */
function installedRepoJson(repo: SimRepo) {
  return { id: repo.id, node_id: nodeId("R_kg", repo.id), name: repo.name, full_name: repo.fullName, private: repo.private };
}

/** The whole installation as webhooks carry it: the account as a plain user (the REST listing adds enterprise fields). */
function installationInEvent(state: SimState, inst: SimInstallation) {
  return { ...installationJson(state, inst), account: userJson(state.requireUser(inst.account), state.urls) };
}

/** The app was installed on an account: `installation.created`, with the repositories it can see. */
export function installationCreatedEvent(state: SimState, inst: SimInstallation, repos: SimRepo[], sender: SimUser) {
  const sent = userJson(sender, state.urls);
  return {
    action: "created",
    installation: installationInEvent(state, inst),
    repositories: repos.map(installedRepoJson),
    requester: sent,
    sender: sent,
  };
}

/** Repositories were added to an existing installation: `installation_repositories.added`. */
export function repositoriesAddedEvent(state: SimState, inst: SimInstallation, added: SimRepo[], sender: SimUser) {
  const installation = installationInEvent(state, inst);
  const sent = userJson(sender, state.urls);
  return {
    action: "added",
    installation,
    repository_selection: installation.repository_selection,
    repositories_added: added.map(installedRepoJson),
    repositories_removed: [],
    requester: sent,
    sender: sent,
  };
}
