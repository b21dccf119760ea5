/**
 * The deploy gate's order: the policy from the default branch (a deployment has no base branch) →
 * the range since the environment's last successful deployment → how each commit reached the
 * branch → judge → answer GitHub's callback. Any failure before the answer becomes a rejection
 * with the reason; an answer that cannot be posted is thrown (GitHub keeps waiting, a redelivery
 * answers it).
 */
import type { Octokit } from "@octokit/rest";
import { loadPolicy, type LoadedPolicy } from "../config/load.js";
import { defaultPolicy } from "../config/schema.js";
import { detectorFor } from "../decide.js";
import { githubPolicyReader } from "../facts/github.js";
import { forgetOwnCheckRuns } from "../facts/memory.js";
import { commitRoutes, deployRecordName, deploymentRange, lastSuccessfulDeployment, reasonOf, type Self } from "../facts/deployment.js";
import { deploymentComment, deploymentRecordTitle } from "../report/deploy.js";
import { defaultEnvironmentRule, environmentRuleFor, judgeDeployment, verdictMatters, type DeployProblem, type DeploymentJudgment } from "./judge.js";

export interface DeploymentRequest {
  owner: string;
  repo: string;
  defaultBranch: string;
  environment: string;
  deploymentId: number;
  sha: string;
  ref: string;
  sender: { login: string; type: string };
  runId: number;
}

/** The workflow run a callback URL names (`…/actions/runs/{run_id}/deployment_protection_rule`). */
export function runIdOf(callbackUrl: string | undefined | null): number | undefined {
  const m = /\/actions\/runs\/(\d+)\/deployment_protection_rule\/?(?:\?.*)?$/.exec(callbackUrl ?? "");
  const id = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** Read and judge; never throws: what cannot be read rejects, with the reason. The judgment names the policy files used. */
export async function judgeDeploymentRequest(gh: Octokit, req: DeploymentRequest, self: Self): Promise<DeploymentJudgment> {
  const files: { current?: LoadedPolicy } = {};
  const j = await judgeWithPolicy(gh, req, self, files);
  return { ...j, policyFiles: files.current?.files ?? [] };
}

async function judgeWithPolicy(gh: Octokit, req: DeploymentRequest, self: Self, seen: { current?: LoadedPolicy }): Promise<DeploymentJudgment> {
  const where = { owner: req.owner, repo: req.repo };
  const facts = { environment: req.environment, sha: req.sha, ref: req.ref, defaultBranch: req.defaultBranch, sender: req.sender, commits: [], routes: {}, problems: [] as DeployProblem[] };
  const loaded = await loadPolicy(githubPolicyReader(gh), { ...where, ref: req.defaultBranch });
  seen.current = loaded;
  if (!loaded.policy) {
    const problems = loaded.problems.map((problem): DeployProblem => ({ code: "policy-unusable", branch: req.defaultBranch, problem }));
    return judgeDeployment({ ...facts, problems }, defaultPolicy(), detectorFor(defaultPolicy()));
  }
  const policy = loaded.policy;
  const detector = detectorFor(policy);
  const rule = environmentRuleFor(policy, req.environment) ?? defaultEnvironmentRule();
  try {
    if (!/^[0-9a-f]{40}$/i.test(req.sha)) throw new Error("the deployment names no commit SHA");
    // Without a deployment agentgate approved, the policy may name where judging starts (adoption).
    const approved = await lastSuccessfulDeployment(gh, where, req.environment, req.deploymentId, self.appId);
    const since = approved ?? rule.since?.toLowerCase();
    const range = await deploymentRange(gh, where, req.sha, since, rule.max_commits);
    const routes = range.problems.length ? {} : await commitRoutes(gh, where, range.commits, self, verdictMatters(detector));
    const sinceFrom = approved ? ("deployment" as const) : ("policy" as const);
    return judgeDeployment(
      { ...facts, commits: range.commits, routes, problems: range.problems, ...(range.since ? { since: range.since, sinceFrom } : {}) },
      policy,
      detector,
    );
  } catch (e) {
    return judgeDeployment({ ...facts, problems: [{ code: "read-failed", cause: reasonOf(e) }] }, policy, detector);
  }
}

/** Answer GitHub: approved or rejected, with the comment. */
export async function answerDeployment(gh: Octokit, req: DeploymentRequest, j: DeploymentJudgment): Promise<void> {
  await gh.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
    owner: req.owner,
    repo: req.repo,
    run_id: req.runId,
    environment_name: req.environment,
    state: j.state,
    comment: deploymentComment(j),
  });
}

/**
 * After an approval: agentgate's own check run on the deployed commit, so the next deployment's range
 * starts here (see deployRecordName). Best effort: without it the next range is longer, never shorter.
 */
export async function recordApproval(gh: Octokit, req: DeploymentRequest, j: DeploymentJudgment): Promise<void> {
  if (j.state !== "approved") return;
  // A run of agentgate's that the PR gate's copy of this commit's runs (facts/memory.ts) does not hold.
  forgetOwnCheckRuns(gh, req, req.sha);
  try {
    await createDeployRecord(gh, req, j);
  } finally {
    forgetOwnCheckRuns(gh, req, req.sha);
  }
}

async function createDeployRecord(gh: Octokit, req: DeploymentRequest, j: DeploymentJudgment): Promise<void> {
  await gh.rest.checks.create({
    owner: req.owner,
    repo: req.repo,
    name: deployRecordName(req.environment),
    head_sha: req.sha,
    status: "completed",
    conclusion: "success",
    external_id: `deployment:${req.deploymentId}`,
    output: { title: deploymentRecordTitle(req.environment), summary: deploymentComment(j) },
  });
}
