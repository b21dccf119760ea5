import type { Octokit } from "@octokit/rest";
import type { Probot } from "probot";
import { gatePullRequests } from "../gate.js";
import type { RepoRef } from "../publish.js";
import { gateRun, type WhoAmI } from "./context.js";

interface InstalledRepository {
  full_name: string;
}

/** The repositories an installation event gives the app: all of a new installation's, or those added. */
export function repositoriesGained(payload: { repositories?: InstalledRepository[]; repositories_added?: InstalledRepository[] }): RepoRef[] {
  return (payload.repositories ?? payload.repositories_added ?? []).map((r) => {
    const [owner, repo] = r.full_name.split("/");
    if (!owner || !repo) throw new Error(`the webhook names a repository as "${r.full_name}"`);
    return { owner, repo };
  });
}

/**
 * Pull requests opened before the app was installed have no status yet, and branch protection that
 * requires agentgate would wait on them forever: judge every open one as soon as the app can see it.
 */
export function onInstallation(app: Probot, whoAmI: WhoAmI): void {
  app.on(["installation.created", "installation_repositories.added"], async (context) => {
    const run = gateRun(context, whoAmI);
    const gh = context.octokit as unknown as Octokit;
    const failed: string[] = [];
    for (const where of repositoriesGained(context.payload)) {
      try {
        const open = await gh.paginate(gh.rest.pulls.list, { ...where, state: "open", per_page: 100 });
        if (open.length) run.log.info({ repo: `${where.owner}/${where.repo}`, count: open.length }, "installed: evaluating open pull requests");
        await gatePullRequests(run, where, open.map((pr) => pr.number));
      } catch (e) {
        // One repository's trouble does not hold up the others; the delivery still fails below.
        run.log.error({ err: e, repo: `${where.owner}/${where.repo}` }, "could not evaluate the open pull requests of a newly installed repository");
        failed.push(`${where.owner}/${where.repo}`);
      }
    }
    if (failed.length) throw new Error(`could not evaluate the open pull requests of ${failed.join(", ")}; redeliver to try again`);
  });
}
