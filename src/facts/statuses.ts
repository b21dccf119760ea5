/**
 * agentgate's own commit statuses on a commit: the verdict where it wrote no check run (a policy's
 * `publish: status`, for a PR it has nothing to remember about). Only agentgate's bot can post a
 * status as itself (`creator.login`), as only the App writes runs with its app id: anyone else's
 * status on the same context, whatever it says, is never read as agentgate's word.
 *
 * Costs: 1 request per 100 statuses on the commit (GitHub lists every status, newest first), at most
 * STATUS_PAGES_READ; a longer list is not read in part (fail closed: it throws).
 */
import type { Octokit } from "@octokit/rest";

/** Pages of 100 statuses read per commit; a commit with more throws rather than guess from part of it. */
export const STATUS_PAGES_READ = 10;

/** One of agentgate's statuses, as GitHub lists it. */
export interface OwnStatus {
  context: string;
  state: string;
  description: string | null;
}

interface Where {
  owner: string;
  repo: string;
}

interface ListedStatus {
  context?: unknown;
  state?: unknown;
  description?: unknown;
  creator?: { login?: unknown } | null;
}

/** agentgate's own statuses on a SHA, newest first. Throws on a failed, malformed or too long answer. */
export async function ownStatuses(gh: Octokit, where: Where, sha: string, botLogin: string): Promise<OwnStatus[]> {
  const out: OwnStatus[] = [];
  const bot = botLogin.toLowerCase();
  for (let page = 1; ; page++) {
    if (page > STATUS_PAGES_READ) throw new Error(`more than ${STATUS_PAGES_READ * 100} statuses on ${sha.slice(0, 7)}`);
    const { data } = await gh.rest.repos.listCommitStatusesForRef({ ...where, ref: sha, per_page: 100, page });
    if (!Array.isArray(data)) throw new Error(`GitHub's list of statuses on ${sha.slice(0, 7)} is malformed`);
    out.push(...ownOf(data as ListedStatus[], bot));
    if (data.length < 100) return out;
  }
}

function ownOf(listed: readonly ListedStatus[], bot: string): OwnStatus[] {
  return listed
    .filter((s) => typeof s.creator?.login === "string" && s.creator.login.toLowerCase() === bot && typeof s.context === "string" && typeof s.state === "string")
    .map((s) => ({ context: s.context as string, state: s.state as string, description: typeof s.description === "string" ? s.description : null }));
}

/** The newest status per context (the list is newest first). Pure. */
export function latestPerContext(statuses: readonly OwnStatus[]): OwnStatus[] {
  const seen = new Map<string, OwnStatus>();
  for (const s of statuses) if (!seen.has(s.context)) seen.set(s.context, s);
  return [...seen.values()];
}
