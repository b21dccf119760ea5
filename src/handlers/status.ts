import type { Octokit } from "@octokit/rest";
import { LRUCache } from "lru-cache";
import type { Probot } from "probot";
import { loadPolicy } from "../config/load.js";
import { defaultPolicy } from "../config/schema.js";
import { githubPolicyReader, mayUseForgettableCopies } from "../facts/github.js";
import { answerForgedStatus } from "../gate.js";
import { gateRun, publishedOf, repoOf, type WhoAmI } from "./context.js";
import { publishedKey } from "../publish.js";
import { cacheSlot, cachesOf } from "../runtime/caches.js";

/**
 * CI systems post many statuses; reading the policy for each to learn our context name would cost
 * requests for nothing. The name is kept a few minutes per repository, and forgotten when the policy
 * changes (see push.ts).
 */
const checkNamesKept = cacheSlot(() => new LRUCache<string, string>({ max: 5_000, ttl: 5 * 60_000 }));

/** The policy changed: `gh`'s app reads the name again. */
export function forgetCheckName(gh: object, owner: string, repo: string): void {
  cachesOf(gh).of(checkNamesKept).delete(`${owner}/${repo}`.toLowerCase());
}

export async function checkNameOf(gh: Octokit, where: { owner: string; repo: string }, branch: string): Promise<string> {
  const key = `${where.owner}/${where.repo}`.toLowerCase();
  // With replicas, the push that forgets the name may reach another one: read it (mostly free 304s).
  const keep = mayUseForgettableCopies(gh);
  const checkNames = cachesOf(gh).of(checkNamesKept);
  const cached = keep ? checkNames.get(key) : undefined;
  if (cached) return cached;
  const loaded = await loadPolicy(githubPolicyReader(gh), { ...where, ref: branch });
  // An unreadable or invalid policy: the default name is the one we publish under then. It is not
  // kept: a failed read must not hide the policy's own name from the next forgeries.
  const name = loaded.policy?.check_name ?? defaultPolicy().check_name;
  if (keep && loaded.policy) checkNames.set(key, name);
  return name;
}

/**
 * A status on one of our contexts that agentgate did not post is a forgery: branch protection would
 * read it. Watched: the default branch's check name, the names agentgate published lately, and (in
 * gate.ts) the names of the App's check runs on that SHA, in any letter case. Answering reads one list
 * and writes one status; the PR is not judged again (the check run holds the decision; where there is
 * none, under `publish: status`, agentgate's own newest status there does: one read more).
 */
export function onStatus(app: Probot, whoAmI: WhoAmI): void {
  app.on("status", async (context) => {
    const p = context.payload;
    const self = await whoAmI();
    if (p.sender.login.toLowerCase() === self.botLogin.toLowerCase()) return; // our own write coming back
    const where = repoOf(p);
    // Someone else wrote on this commit: what agentgate posted there may no longer be the latest.
    // When the memory cannot forget (Redis down), this delivery fails and is caught up later.
    await publishedOf(context)?.forget(publishedKey(where, p.sha, p.context));
    const gh = context.octokit as unknown as Octokit;
    const watched = [await checkNameOf(gh, where, p.repository.default_branch), defaultPolicy().check_name];
    await answerForgedStatus(gateRun(context, whoAmI), where, { sha: p.sha, context: p.context, forger: p.sender.login, state: p.state }, watched);
  });
}
