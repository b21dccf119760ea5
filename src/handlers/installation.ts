import type { Probot } from "probot";
import type { RepoRef } from "../publish.js";
import { gateRun, type WhoAmI } from "./context.js";
import { gateOpenPullRequests } from "./open-pulls.js";

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
    await gateOpenPullRequests(gateRun(context, whoAmI), repositoriesGained(context.payload), "installed");
  });
}
