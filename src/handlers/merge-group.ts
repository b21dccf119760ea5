import type { Probot } from "probot";
import { gateMergeGroup } from "../gate.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";

/**
 * The PRs in a merge group: the one named by the queue's branch (`gh-readonly-queue/<base>/pr-<n>-<sha>`)
 * and any the merge commit's message names (groups can carry several PRs).
 */
export function mergeGroupPullRequests(headRef: string, message: string | undefined): number[] {
  const numbers = new Set<number>();
  const fromRef = /\/pr-(\d+)-[0-9a-f]+$/.exec(headRef);
  if (fromRef) numbers.add(Number(fromRef[1]));
  for (const m of (message ?? "").matchAll(/(?:Merge pull request |\(|^)#(\d+)\b/gm)) numbers.add(Number(m[1]));
  return [...numbers];
}

export function onMergeGroup(app: Probot, whoAmI: WhoAmI): void {
  app.on("merge_group.checks_requested", async (context) => {
    const group = context.payload.merge_group;
    const numbers = mergeGroupPullRequests(group.head_ref, group.head_commit?.message);
    await gateMergeGroup(gateRun(context, whoAmI), repoOf(context.payload), group.head_sha, numbers);
  });
}
