/**
 * Who may approve changed: a collaborator's permission (`member`), a team's members (`membership`),
 * the organization's members (`organization`), a team's access to a repository (`team`). The cached
 * answers the change makes stale are forgotten, and the open PRs whose result it can turn are judged
 * again: a `success` an approver gave stops standing once GitHub no longer lets them approve, instead
 * of lasting until the PR's next event.
 */
import type { Probot } from "probot";
import { forgetPermissions } from "../facts/github.js";
import { openPullRequestsReviewedBy, type SearchScope } from "../facts/reviewed.js";
import { gatePullRequests, type GateRun } from "../gate.js";
import type { RepoRef } from "../publish.js";
import { gateRun, repoOf, type WhoAmI } from "./context.js";
import { gateOpenPullRequests } from "./open-pulls.js";

/**
 * Judge again the open PRs `login` reviewed in `scope`. A repository whose search fails is judged
 * whole instead; an organization cannot be, so the delivery fails and is caught up later.
 */
export async function rejudgeReviewedBy(run: GateRun, login: string, scope: SearchScope, why: string): Promise<void> {
  let found;
  try {
    found = await openPullRequestsReviewedBy(run.gh, login, scope);
  } catch (e) {
    if ("org" in scope) throw e;
    run.log.warn({ err: e, repo: `${scope.owner}/${scope.repo}` }, `${why}: could not search the PRs @${login} reviewed; judging every open PR`);
    return gateOpenPullRequests(run, [scope], why);
  }
  const byRepo = new Map<string, { where: RepoRef; numbers: number[] }>();
  for (const pr of found) {
    const key = `${pr.owner}/${pr.repo}`.toLowerCase();
    const entry = byRepo.get(key) ?? { where: { owner: pr.owner, repo: pr.repo }, numbers: [] };
    entry.numbers.push(pr.number);
    byRepo.set(key, entry);
  }
  if (found.length) run.log.info({ reviewer: login, count: found.length }, `${why}: judging the open PRs they reviewed`);
  const failed: string[] = [];
  for (const { where, numbers } of byRepo.values()) {
    try {
      await gatePullRequests(run, where, numbers);
    } catch (e) {
      run.log.error({ err: e, repo: `${where.owner}/${where.repo}` }, `${why}: could not judge the PRs again`);
      failed.push(`${where.owner}/${where.repo}`);
    }
  }
  if (failed.length) throw new Error(`could not judge again the PRs @${login} reviewed in ${failed.join(", ")}; redeliver to try again`);
}

export function onPeopleChange(app: Probot, whoAmI: WhoAmI): void {
  app.on("member", async (context) => {
    const p = context.payload;
    const login = p.member?.login;
    if (!login) return;
    const where = repoOf(p);
    forgetPermissions(context.octokit).of(where.owner, where.repo, login);
    await rejudgeReviewedBy(gateRun(context, whoAmI), login, where, `@${login}'s permission on ${where.repo} changed`);
  });

  app.on("membership", async (context) => {
    const p = context.payload;
    const login = p.member?.login;
    if (!login || p.scope !== "team") return;
    // A team grants repository permissions as well as the membership path and infra rules ask for.
    forgetPermissions(context.octokit).account(login);
    const org = p.organization.login;
    await rejudgeReviewedBy(gateRun(context, whoAmI), login, { org }, `@${login} was ${p.action} in team ${org}/${p.team.slug}`);
  });

  app.on(["organization.member_added", "organization.member_removed"], async (context) => {
    const p = context.payload;
    const login = p.membership?.user?.login;
    if (!login) return;
    forgetPermissions(context.octokit).account(login);
    const org = p.organization.login;
    await rejudgeReviewedBy(gateRun(context, whoAmI), login, { org }, `@${login} ${p.action === "member_added" ? "joined" : "left"} ${org}`);
  });

  app.on(["team.added_to_repository", "team.removed_from_repository", "team.edited"], async (context) => {
    const p = context.payload;
    if (!p.repository) return; // a team renamed or described anew: nobody's access changed
    const where = repoOf(p);
    // Every member's permission may have moved; who they are would cost a list per team.
    forgetPermissions(context.octokit).repository(where.owner, where.repo);
    await gateOpenPullRequests(gateRun(context, whoAmI), [where], `team ${p.team.slug}'s access to ${where.repo} changed`);
  });

  app.on("team.deleted", async (context) => {
    const p = context.payload;
    forgetPermissions(context.octokit).team(`${p.organization.login}/${p.team.slug}`);
  });
}
