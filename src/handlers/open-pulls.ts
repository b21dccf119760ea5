import { gatePullRequests, type GateRun } from "../gate.js";
import type { RepoRef } from "../publish.js";
import { hintsFor } from "./context.js";
import { evaluationsSoFar } from "../github/port.js";

/**
 * Judge every open pull request of these repositories (only those into `base`, when given). One
 * repository's trouble does not hold up the others; afterwards the delivery fails if any repository
 * failed, so it is logged with its id and can be redelivered.
 */
export async function gateOpenPullRequests(run: GateRun, repos: readonly RepoRef[], why: string, base?: string): Promise<void> {
  const failed: string[] = [];
  for (const where of repos) {
    const name = `${where.owner}/${where.repo}`;
    try {
      const listedAfter = evaluationsSoFar(run.gh);
      const open = await run.gh.paginate(run.gh.rest.pulls.list, { ...where, state: "open", ...(base ? { base } : {}), per_page: 100 });
      if (open.length) run.log.info({ repo: name, count: open.length }, `${why}: evaluating open pull requests`);
      // One turn per pull request: a repository with many open PRs neither holds its other deliveries
      // back for the whole sweep nor runs into the turn limit (deadlines.ts).
      // The listed head is where an error goes if the PR cannot be read afterwards.
      const openAt = new Map<string, number[]>();
      for (const pr of open) if (pr.head?.sha) openAt.set(pr.head.sha, [...(openAt.get(pr.head.sha) ?? []), pr.number]);
      const listedPulls = { pulls: new Map<number, unknown>(open.map((pr) => [pr.number, pr])), after: listedAfter };
      for (const pr of open) await gatePullRequests({ ...run, openAt, listedPulls, payloadHints: hintsFor([pr.number], pr.head?.sha, pr.base?.ref) }, where, [pr.number]);
    } catch (e) {
      run.log.error({ err: e, repo: name }, `${why}: could not evaluate the open pull requests`);
      failed.push(name);
    }
  }
  if (failed.length) throw new Error(`could not evaluate the open pull requests of ${failed.join(", ")}; redeliver to try again`);
}
