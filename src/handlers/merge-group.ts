import type { Probot } from "probot";
import { gateMergeGroup } from "../gate.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";

/**
 * The PRs of a merge group are read from GitHub (the group's commits and the PRs they belong to, see
 * facts/merge-group.ts), not from the commit message: a PR title the agent wrote ends up there.
 */
export function onMergeGroup(app: Probot, whoAmI: WhoAmI): void {
  app.on("merge_group.checks_requested", async (context) => {
    const group = context.payload.merge_group;
    await gateMergeGroup(gateRun(context, whoAmI), repoOf(context.payload), {
      headSha: group.head_sha,
      baseSha: group.base_sha,
      headRef: group.head_ref,
    });
  });
}
