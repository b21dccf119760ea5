/**
 * What agentgate's bypass handling needs of the simulator beyond the rest (src/bypass/):
 *
 * - `GET /repos/{o}/{r}/commits/{ref}`: one commit (its author and committer, for acceptance)
 * - `POST /repos/{o}/{r}/issues/{n}/comments`: a comment on an issue or pull request
 * - `POST /repos/{o}/{r}/issues`: a new issue (bypasses.notify: issue)
 * - check runs' `actions` (the requested-action buttons; stored by routes.ts) and the webhook
 *   `check_run.requested_action` a press sends (see GitHubSimulator.requestCheckRunAction).
 *
 * Comments are kept beside each repository, as deployments are.
 */
import { checkRunOut, commitJsonFor, repoFor, route, suiteFor } from "./routes.js";
import { envelope, suiteJson } from "./events.js";
import { invalidField, notFound, ok, unprocessable } from "./http.js";
import type { CheckRunState, SimRepo, SimUser } from "./model.js";
import { issueJson, nodeId, userJson } from "./shapes.js";
import type { SimState } from "./state.js";

export interface IssueCommentState {
  id: number;
  issue: number;
  body: string;
  author: string;
  createdAt: string;
}

const comments = new WeakMap<SimRepo, IssueCommentState[]>();

export function commentsOf(repo: SimRepo): IssueCommentState[] {
  let list = comments.get(repo);
  if (!list) comments.set(repo, (list = []));
  return list;
}

route("GET", "/repos/{owner}/{repo}/commits/{ref}", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const commit = repo.git.resolve(p.ref as string);
  if (!commit) throw unprocessable(`No commit found for SHA: ${p.ref}`, [], "https://docs.github.com/rest/commits/commits#get-a-commit");
  return ok(commitJsonFor(state, repo, commit));
});

function commentJson(state: SimState, repo: SimRepo, c: IssueCommentState) {
  const api = `${state.urls.api}/repos/${repo.fullName}`;
  return {
    id: c.id,
    node_id: nodeId("IC", c.id),
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${state.urls.html}/${repo.fullName}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${api}/issues/${c.issue}`,
    body: c.body,
    user: userJson(state.requireUser(c.author), state.urls),
    created_at: c.createdAt,
    updated_at: c.createdAt,
    author_association: "NONE",
  };
}

route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const n = Number(p.issue_number);
  if (!repo.issues.has(n) && !repo.pulls.has(n)) throw notFound("https://docs.github.com/rest/issues/comments#create-an-issue-comment");
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.body !== "string" || !body.body) throw invalidField("IssueComment", "body", "body can't be blank");
  if ([...body.body].length > 65_536) throw invalidField("IssueComment", "body", "body is too long (maximum is 65536 characters)");
  const c: IssueCommentState = { id: state.nextId("comment"), issue: n, body: body.body, author: state.botUser.login, createdAt: state.now() };
  commentsOf(repo).push(c);
  return ok(commentJson(state, repo, c), 201);
});

route("POST", "/repos/{owner}/{repo}/issues", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body.title !== "string" || !body.title) throw invalidField("Issue", "title", "title can't be blank");
  if (body.title.length > 256) throw invalidField("Issue", "title", "title is too long (maximum is 256 characters)");
  const now = state.now();
  const number = repo.nextNumber++;
  const issue = {
    number,
    id: state.nextId("pull"),
    title: body.title,
    body: typeof body.body === "string" ? body.body : null,
    state: "open" as const,
    author: state.botUser.login,
    assignees: [],
    createdAt: now,
    updatedAt: now,
  };
  repo.issues.set(number, issue);
  return ok(issueJson(issue, state.issueContext(repo, issue.author, [])), 201);
});

/** `check_run.requested_action`: someone pressed one of the run's buttons. */
export function checkRunActionEvent(state: SimState, repo: SimRepo, run: CheckRunState, identifier: string, sender: SimUser) {
  const suite = repo.checkSuites.find((s) => s.id === run.suiteId) ?? suiteFor(state, repo, run.headSha, run.appId);
  const { latest_check_runs_count: _a, check_runs_url: _b, head_commit: _c, ...suiteInRun } = suiteJson(state, repo, suite);
  return {
    action: "requested_action",
    // This event's schema has `external_id` a string: GitHub sends "" for a run without one.
    check_run: { ...checkRunOut(state, repo, run), external_id: run.externalId ?? "", check_suite: suiteInRun },
    requested_action: { identifier },
    ...envelope(state, repo, sender),
  };
}
