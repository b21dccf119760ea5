import type { Probot } from "probot";
import { gatePullRequests, openPullRequestsAt } from "../gate.js";
import { gateRun, hintsFor, repoOf, type WhoAmI } from "./context.js";

/** external_id holds the PR numbers (comma-separated): fork PRs have no `pull_requests` on check runs. */
export function numbersFromExternalId(externalId: string | null | undefined): number[] {
  return (externalId ?? "")
    .split(",")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function onRerequest(app: Probot, whoAmI: WhoAmI): void {
  app.on("check_run.rerequested", async (context) => {
    const self = await whoAmI();
    const run = context.payload.check_run;
    if (run.app?.id !== self.appId) return; // another app's check
    const where = repoOf(context.payload);
    const numbers = [...run.pull_requests.map((p) => p.number), ...numbersFromExternalId(run.external_id)];
    const targets = numbers.length ? numbers : await openPullRequestsAt(context.octokit as never, where, run.head_sha);
    await gatePullRequests(gateRun(context, whoAmI, { newCheckRun: true, payloadHints: hintsFor(targets, run.head_sha) }), where, targets);
  });
  app.on("check_suite.rerequested", async (context) => {
    const suite = context.payload.check_suite;
    const where = repoOf(context.payload);
    const numbers = suite.pull_requests.map((p) => p.number);
    const targets = numbers.length ? numbers : await openPullRequestsAt(context.octokit as never, where, suite.head_sha);
    await gatePullRequests(gateRun(context, whoAmI, { newCheckRun: true, payloadHints: hintsFor(targets, suite.head_sha) }), where, targets);
  });
}
