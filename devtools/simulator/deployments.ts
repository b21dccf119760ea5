/**
 * Environments, deployments, deployment statuses and custom deployment protection rules in the
 * simulator: the state (kept beside each repository), GitHub's shapes, the webhook
 * `deployment_protection_rule.requested`, and the REST endpoints the deploy gate uses:
 *
 * - `GET /repos/{o}/{r}/deployments` (`environment`, `sha`, `ref` filters; newest first)
 * - `GET /repos/{o}/{r}/deployments/{id}/statuses` (newest first)
 * - `GET /repos/{o}/{r}/commits` (`sha`: the history from there, newest first; `path`: those that changed it)
 * - `POST /repos/{o}/{r}/actions/runs/{run_id}/deployment_protection_rule` (the callback, 204)
 *
 * A deployment requested with `requestDeployment` waits on its workflow run until the app answers;
 * an approval then marks it deployed (statuses `in_progress`, `success`), a rejection `failure`.
 */
import { envelope } from "./events.js";
import { invalidField, notFound, ok, paginated, unprocessable } from "./http.js";
import type { SimRepo, SimUser } from "./model.js";
import { commitJsonFor, repoFor, route } from "./routes.js";
import { nodeId, userJson, type Urls } from "./shapes.js";
import type { SimState } from "./state.js";

export type DeploymentStatusValue = "error" | "failure" | "inactive" | "in_progress" | "queued" | "pending" | "success";

export interface DeploymentStatusState {
  id: number;
  state: DeploymentStatusValue;
  creator: string;
  description: string;
  createdAt: string;
}

export interface DeploymentState {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  creator: string;
  createdAt: string;
  /** Oldest first. */
  statuses: DeploymentStatusState[];
  /** The workflow run waiting on the protection rule, if it was requested so. */
  runId?: number;
}

/** What the app answered on a callback. */
export interface ProtectionAnswer {
  runId: number;
  deploymentId: number;
  environment: string;
  /** Absent: a status-only report. */
  state?: "approved" | "rejected";
  comment: string;
  at: string;
}

export interface RepoDeployments {
  environments: Map<string, { id: number; name: string; createdAt: string }>;
  /** Oldest first. */
  deployments: DeploymentState[];
  answers: ProtectionAnswer[];
}

const ACTIONS_BOT = "github-actions[bot]";
const byRepo = new WeakMap<SimRepo, RepoDeployments>();
let nextIds = { deployment: 12000001, status: 13000001, run: 14000001, environment: 15000001 };

export function deploymentsOf(repo: SimRepo): RepoDeployments {
  let d = byRepo.get(repo);
  if (!d) {
    d = { environments: new Map(), deployments: [], answers: [] };
    byRepo.set(repo, d);
  }
  return d;
}

export function nextDeploymentId(kind: keyof typeof nextIds): number {
  return nextIds[kind]++;
}

/** Test isolation is by repository; the counters only need to be unique. */
export function resetDeploymentIds(): void {
  nextIds = { deployment: 12000001, status: 13000001, run: 14000001, environment: 15000001 };
}

export function ensureEnvironment(state: SimState, repo: SimRepo, name: string): void {
  const d = deploymentsOf(repo);
  if (!d.environments.has(name.toLowerCase())) d.environments.set(name.toLowerCase(), { id: nextDeploymentId("environment"), name, createdAt: state.now() });
}

export function deploymentJson(d: DeploymentState, repo: SimRepo, creator: SimUser, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId("DE", d.id),
    sha: d.sha,
    ref: d.ref,
    task: "deploy",
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    creator: userJson(creator, urls),
    created_at: d.createdAt,
    updated_at: d.statuses[d.statuses.length - 1]?.createdAt ?? d.createdAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: false,
    production_environment: /prod/i.test(d.environment),
    performed_via_github_app: null,
  };
}

export function deploymentStatusJson(s: DeploymentStatusState, d: DeploymentState, repo: SimRepo, creator: SimUser, urls: Urls) {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DES", s.id),
    state: s.state,
    creator: userJson(creator, urls),
    description: s.description,
    environment: d.environment,
    target_url: `${urls.html}/${repo.fullName}/actions/runs/${d.runId ?? 0}`,
    log_url: `${urls.html}/${repo.fullName}/actions/runs/${d.runId ?? 0}`,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    performed_via_github_app: null,
  };
}

export function addDeploymentStatus(state: SimState, d: DeploymentState, value: DeploymentStatusValue, creator: string, description = ""): void {
  d.statuses.push({ id: nextDeploymentId("status"), state: value, creator, description, createdAt: state.now() });
}

export function protectionRuleEvent(state: SimState, repo: SimRepo, d: DeploymentState, sender: SimUser, event: string) {
  return {
    action: "requested",
    environment: d.environment,
    event,
    deployment_callback_url: `${state.urls.api}/repos/${repo.fullName}/actions/runs/${d.runId}/deployment_protection_rule`,
    deployment: deploymentJson(d, repo, state.requireUser(d.creator), state.urls),
    pull_requests: [],
    ...envelope(state, repo, sender),
  };
}

// ---------- REST ----------

route("GET", "/repos/{owner}/{repo}/deployments", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const env = req.query.get("environment");
  const sha = req.query.get("sha");
  const ref = req.query.get("ref");
  const list = [...deploymentsOf(repo).deployments]
    .reverse()
    .filter((d) => (!env || d.environment === env) && (!sha || d.sha === sha) && (!ref || d.ref === ref));
  return paginated(req, state.urls.api, list.map((d) => deploymentJson(d, repo, state.requireUser(d.creator), state.urls)));
});

route("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const d = deploymentsOf(repo).deployments.find((x) => x.id === Number(p.deployment_id));
  if (!d) throw notFound("https://docs.github.com/rest/deployments/statuses#list-deployment-statuses");
  const list = [...d.statuses].reverse().map((s) => deploymentStatusJson(s, d, repo, state.requireUser(s.creator), state.urls));
  return paginated(req, state.urls.api, list);
});

route("GET", "/repos/{owner}/{repo}/commits", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const from = repo.git.resolve(req.query.get("sha") ?? repo.defaultBranch);
  if (!from) throw notFound("https://docs.github.com/rest/commits/commits#list-commits");
  // Newest first, every commit after its descendants (git log's order on a linear history).
  let history = repo.git.commitsBetween("", from.sha).reverse();
  // `path`: only the commits that changed that file (against their first parent), as git log -- path.
  const path = req.query.get("path");
  if (path) history = history.filter((c) => c.tree.get(path) !== repo.git.get(c.parents[0] ?? "")?.tree.get(path));
  return paginated(req, state.urls.api, history.map((c) => commitJsonFor(state, repo, c)));
});

route("POST", "/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", "installation", (state, req, p) => {
  const repo = repoFor(state, req, p);
  const docs = "https://docs.github.com/rest/actions/workflow-runs#review-custom-deployment-protection-rules-for-a-workflow-run";
  const body = (req.body ?? {}) as Record<string, unknown>;
  const runId = Number(p.run_id);
  const store = deploymentsOf(repo);
  const d = store.deployments.find((x) => x.runId === runId);
  if (!d) throw notFound(docs);
  if (typeof body.environment_name !== "string" || !body.environment_name) throw invalidField("DeploymentProtectionRule", "environment_name", "environment_name can't be blank", docs);
  if (body.state !== undefined && body.state !== "approved" && body.state !== "rejected") throw invalidField("DeploymentProtectionRule", "state", "state is not included in the list", docs);
  if (body.state === undefined && (typeof body.comment !== "string" || !body.comment)) throw invalidField("DeploymentProtectionRule", "comment", "comment is required without a state", docs);
  if (body.comment !== undefined && typeof body.comment !== "string") throw invalidField("DeploymentProtectionRule", "comment", "comment is not a string", docs);
  if (body.environment_name.toLowerCase() !== d.environment.toLowerCase()) throw unprocessable(`No pending deployment protection rule for ${body.environment_name} on this run`, [], docs);
  const decided = store.answers.some((a) => a.runId === runId && a.state);
  if (decided && body.state !== undefined) throw unprocessable("The deployment protection rule was reviewed already", [], docs);
  store.answers.push({
    runId,
    deploymentId: d.id,
    environment: d.environment,
    ...(body.state ? { state: body.state as "approved" | "rejected" } : {}),
    comment: typeof body.comment === "string" ? body.comment : "",
    at: state.now(),
  });
  // The job goes ahead (and deploys) or fails; the workflow's token posts these statuses.
  if (!state.user(ACTIONS_BOT)) state.addUser({ login: ACTIONS_BOT, type: "Bot", htmlUrl: `${state.urls.html}/apps/github-actions` });
  if (body.state === "approved") {
    addDeploymentStatus(state, d, "in_progress", ACTIONS_BOT);
    addDeploymentStatus(state, d, "success", ACTIONS_BOT);
  } else if (body.state === "rejected") {
    addDeploymentStatus(state, d, "failure", ACTIONS_BOT, "rejected by a deployment protection rule");
  }
  return ok(undefined, 204);
});
