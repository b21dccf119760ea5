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

/** GitHub lists at most this many commits in a push webhook; a longer push may hide a policy change. */
export const PUSH_COMMITS_LISTED = 2048;

/**
 * Whether a push may have changed a file the policy is read from. When the payload cannot say (a
 * force push can drop a commit that changed it; a long push lists only some commits), assume so:
 * judging again costs requests, missing a stricter policy would let a PR pass under the old one.
 */
export function mayChangePolicy(push: { commits: readonly PushedCommit[]; forced?: boolean; deleted?: boolean }): boolean {
  if (push.deleted) return false;
  if (push.forced || push.commits.length >= PUSH_COMMITS_LISTED) return true;
  return push.commits.some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((f) => POLICY_PATHS.includes(f)),
  );
}

export function onPush(app: Probot, whoAmI: WhoAmI): void {
  app.on("push", async (context) => {
    const p = context.payload;
    if (!p.ref.startsWith("refs/heads/") || !mayChangePolicy(p)) return;
    const branch = p.ref.slice("refs/heads/".length);
    const onDefault = branch === p.repository.default_branch;
    const where = repoOf(p);
    const run = gateRun(context, whoAmI);
    // With replicas, when the shared copies cannot be forgotten this delivery fails and comes back.
    if (onDefault) await forgetDefaultBranchPolicies(context.octokit, where.owner, where.repo);
    if (onDefault && where.repo === ORG_DEFAULTS_REPO) {
      // The organization's defaults changed: any repository of this installation may use them.
      const repos = (await run.gh.paginate(run.gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 }))
        .filter((r) => !r.archived)
        .map((r) => ({ owner: r.owner.login, repo: r.name }));
      for (const r of repos) forgetCheckName(context.octokit, r.owner, r.repo);
      await gateOpenPullRequests(run, repos, "the organization's default policy changed");
      return;
    }
    // A pull request's policy is read from its base branch: those into this branch are judged anew.
    if (onDefault) forgetCheckName(context.octokit, where.owner, where.repo);
    await gateOpenPullRequests(run, [where], `the policy changed on ${branch}`, branch);
  });
}
