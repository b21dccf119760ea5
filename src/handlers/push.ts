import type { Probot } from "probot";
import { ORG_DEFAULTS_REPO } from "../config/load.js";
import { POLICY_PATHS } from "../config/schema.js";
import { forgetDefaultBranchPolicies } from "../facts/github.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";
import { gateOpenPullRequests } from "./open-pulls.js";
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
    if (!p.ref.startsWith("refs/heads/") || !touchesPolicy(p.commits)) return;
    const branch = p.ref.slice("refs/heads/".length);
    const onDefault = branch === p.repository.default_branch;
    const where = repoOf(p);
    const run = gateRun(context, whoAmI);
    if (onDefault) forgetDefaultBranchPolicies(where.owner, where.repo);
    if (onDefault && where.repo === ORG_DEFAULTS_REPO) {
      // The organization's defaults changed: any repository of this installation may use them.
      const repos = (await run.gh.paginate(run.gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 }))
        .filter((r) => !r.archived)
        .map((r) => ({ owner: r.owner.login, repo: r.name }));
      for (const r of repos) forgetCheckName(r.owner, r.repo);
      await gateOpenPullRequests(run, repos, "the organization's default policy changed");
      return;
    }
    // A pull request's policy is read from its base branch: those into this branch are judged anew.
    if (onDefault) forgetCheckName(where.owner, where.repo);
    await gateOpenPullRequests(run, [where], `the policy changed on ${branch}`, branch);
  });
}
