import type { Probot } from "probot";
import { gatePullRequests } from "../gate.js";
import { gateRun, hintsFor, repoOf, type WhoAmI } from "./context.js";

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

/**
 * Whether a review event can change a decision. A comment neither approves, requests changes nor
 * withdraws either (GitHub keeps a reviewer's approval through later comments), and editing a review
 * changes only its text: such an event leaves every fact a decision reads as it was, so it costs no
 * GitHub request at all.
 */
export function reviewCanChangeDecision(action: string, review: { state?: unknown } | undefined): boolean {
  if (action === "dismissed") return true;
  const state = typeof review?.state === "string" ? review.state.toLowerCase() : undefined;
  return state !== "commented";
}

export function onPullRequest(app: Probot, whoAmI: WhoAmI): void {
  app.on([...PULL_REQUEST_ACTIONS], async (context) => {
    const pr = context.payload.pull_request;
    // A push's `before` is the head it replaced: after a force-push, exactly what was rewritten.
    // agentgate's memory of it is read there too (src/facts/memory.ts).
    const before = "before" in context.payload && typeof context.payload.before === "string" ? context.payload.before : undefined;
    const earlier = before ? { earlierHeads: { [pr.number]: before.toLowerCase() } } : {};
    const hints = hintsFor([pr.number], pr.head.sha, pr.base.ref);
    // Every one of these actions changed the PR: reading it again would not be a free 304.
    hints.set(pr.number, { ...hints.get(pr.number), prChanged: true });
    const run = gateRun(context, whoAmI, { ...earlier, payloadHints: hints });
    await gatePullRequests(run, repoOf(context.payload), [pr.number]);
  });
  app.on([...REVIEW_ACTIONS], async (context) => {
    if (!reviewCanChangeDecision(context.payload.action, context.payload.review as { state?: unknown })) {
      context.log.debug({ delivery: context.id, event: context.name }, "a comment review cannot change the decision: skipped");
      return;
    }
    const pr = context.payload.pull_request;
    const hints = hintsFor([pr.number], pr.head.sha, pr.base.ref);
    const reviewId = (context.payload.review as { id?: unknown } | undefined)?.id;
    if (typeof reviewId === "number") hints.set(pr.number, { ...hints.get(pr.number), reviewId });
    const run = gateRun(context, whoAmI, { payloadHints: hints });
    await gatePullRequests(run, repoOf(context.payload), [pr.number]);
  });
}
