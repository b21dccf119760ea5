import type { Probot } from "probot";
import { gatePullRequests } from "../gate.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";

/** Every change to what a PR contains, who wrote it, where it merges or how it is labelled. */
export const PULL_REQUEST_ACTIONS = [
  "pull_request.opened",
  "pull_request.reopened",
  "pull_request.synchronize",
  "pull_request.edited", // base changes, and title/body edits (body markers feed detection)
  "pull_request.ready_for_review",
  "pull_request.labeled",
  "pull_request.unlabeled",
  "pull_request.assigned", // an agent PR's assignees steered the agent: they may no longer approve
  "pull_request.unassigned",
] as const;

export const REVIEW_ACTIONS = [
  "pull_request_review.submitted",
  "pull_request_review.edited",
  "pull_request_review.dismissed",
] as const;

export function onPullRequest(app: Probot, whoAmI: WhoAmI): void {
  app.on([...PULL_REQUEST_ACTIONS], async (context) => {
    const number = context.payload.pull_request.number;
    // A push's `before` is the head it replaced: after a force-push, exactly what was rewritten.
    // agentgate's memory of it is read there too (src/facts/memory.ts).
    const before = "before" in context.payload && typeof context.payload.before === "string" ? context.payload.before : undefined;
    const extra = before ? { earlierHeads: { [number]: before.toLowerCase() } } : {};
    await gatePullRequests(gateRun(context, whoAmI, extra), repoOf(context.payload), [number]);
  });
  app.on([...REVIEW_ACTIONS], async (context) => {
    await gatePullRequests(gateRun(context, whoAmI), repoOf(context.payload), [context.payload.pull_request.number]);
  });
}
