/**
 * `deployment_protection_rule.requested`: GitHub asks agentgate, as a custom deployment protection
 * rule of an environment, whether a deployment may go ahead (see src/deploy/).
 */
import type { Probot } from "probot";
import { answerDeployment, judgeDeploymentRequest, recordApproval, runIdOf, type DeploymentRequest } from "../deploy/gate.js";
import { markUnmarked } from "../bypass/publish.js";
import { recordBypass } from "../bypass/audit.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";
import { deploymentEvent } from "../audit/event.js";
import { auditContext } from "../gate.js";

interface RequestedPayload {
  environment?: string;
  deployment_callback_url?: string;
  deployment?: { id?: number; sha?: string; ref?: string } | null;
  sender?: { login?: string; type?: string } | null;
  repository?: { default_branch?: string };
}

export function onDeploymentProtectionRule(app: Probot, whoAmI: WhoAmI): void {
  app.on("deployment_protection_rule.requested", async (context) => {
    const p = context.payload as unknown as RequestedPayload;
    const where = repoOf(context.payload as never);
    const run = gateRun(context, whoAmI);
    const runId = runIdOf(p.deployment_callback_url);
    if (!runId || !p.environment) {
      // Nothing to answer to: GitHub keeps the deployment waiting (it never approves by itself).
      run.onOutcome?.("unpublished");
      run.log.error({ repo: `${where.owner}/${where.repo}`, callback: p.deployment_callback_url }, "deployment protection rule without a callback or environment");
      return;
    }
    const self = await run.self();
    const req: DeploymentRequest = {
      ...where,
      defaultBranch: p.repository?.default_branch ?? "main",
      environment: p.environment,
      deploymentId: p.deployment?.id ?? 0,
      sha: p.deployment?.sha ?? "",
      ref: p.deployment?.ref ?? "",
      sender: { login: p.sender?.login ?? "", type: p.sender?.type ?? "User" },
      runId,
    };
    const judgment = await judgeDeploymentRequest(run.gh, req, self);
    await answerDeployment(run.gh, req, judgment);
    run.onDeployAnswer?.(judgment.state);
    run.audit?.record(deploymentEvent(req, judgment, auditContext(run, where)));
    await recordApproval(run.gh, req, judgment).catch((e: unknown) =>
      run.log.warn({ err: e, sha: req.sha }, "could not record the approval: the next deployment judges from further back"),
    );
    // Each bypass it rejected gets a run to accept, if the push or merge webhook left it unmarked.
    const branch = req.ref.replace(/^refs\/heads\//, "") || req.defaultBranch;
    const marked = await markUnmarked(run.gh, where, judgment, branch).catch((e: unknown) => {
      run.log.warn({ err: e, sha: req.sha }, "could not mark the bypasses the deployment brings: the next deployment tries again");
      return [];
    });
    for (const r of marked) recordBypass(run.log, { delivery: context.id, repo: `${where.owner}/${where.repo}` }, r, "bypass", run.audit);
    run.log.info(
      {
        repo: `${where.owner}/${where.repo}`,
        environment: req.environment,
        sha: req.sha,
        state: judgment.state,
        rejectedCommits: judgment.rejectedCommits.map((c) => c.sha.slice(0, 7)),
        ...(run.requestCount ? { githubRequests: run.requestCount() } : {}),
      },
      `agentgate ${judgment.state} the deployment to ${req.environment}`,
    );
  });
}
