import type { Octokit } from "@octokit/rest";
import type { Probot } from "probot";
import { POLICY_PATHS } from "../config/schema.js";
import { gatePullRequests } from "../gate.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";
import { forgetCheckName } from "./status.js";

interface PushedCommit {
  added?: string[];
  modified?: string[];
  removed?: string[];
}

/** Whether a push touched a file the policy is read from. */
export function touchesPolicy(commits: readonly PushedCommit[]): boolean {
  return commits.some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((f) => POLICY_PATHS.includes(f)),
  );
}

export function onPush(app: Probot, whoAmI: WhoAmI): void {
  app.on("push", async (context) => {
    const p = context.payload;
    if (p.ref !== `refs/heads/${p.repository.default_branch}`) return;
    if (!touchesPolicy(p.commits)) return;
    // The policy changed: every open PR into the default branch is judged again by the new one.
    const where = repoOf(p);
    forgetCheckName(where.owner, where.repo);
    const gh = context.octokit as unknown as Octokit;
    const open = await gh.paginate(gh.rest.pulls.list, { ...where, state: "open", base: p.repository.default_branch, per_page: 100 });
    const run = gateRun(context, whoAmI);
    run.log.info({ count: open.length }, "policy changed on the default branch: re-evaluating open pull requests");
    await gatePullRequests(run, where, open.map((pr) => pr.number));
  });
}
