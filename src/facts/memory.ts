/**
 * Reading agentgate's memory (src/memory/) for one pull request: the records on agentgate's own
 * check runs (filtered by app id: a run any other app wrote is never read) on
 *
 * 1. the head SHA: the same request tells the publisher whether there is a run to update, so it costs
 *    nothing extra;
 * 2. the SHA the head was before this event (a synchronize's `before`: exactly what a force-push
 *    rewrote) and the SHAs an earlier record could not read yet: 1 request each, at most
 *    MEMORY_POINTERS_READ;
 * 3. only when nothing so far says agent-written: the PR's latest MEMORY_COMMITS_READ commits (a twin
 *    PR that reopens an agent PR's commits contains that PR's head, which holds its record): 1
 *    request each.
 *
 * Not covered: older commits of a longer twin PR; commits rewritten (rebased, cherry-picked,
 * squashed) into a twin, which are new commits; a force-push whose `synchronize` delivery agentgate
 * never received (its `before` is known only from that delivery).
 *
 * Fails closed: a read that fails is a problem (the decision is `error`, never success), and the
 * SHA is kept in the record as unread so the next evaluation reads it again. A commit that no longer
 * exists (404/422) has nothing to read. An own record that does not decode counts as agent-written.
 */
import type { Octokit } from "@octokit/rest";
import { isBypassRun } from "../bypass/record.js";
import { LRUCache } from "lru-cache";
import { cacheSlot, cachesOf } from "../runtime/caches.js";
import { decodeMemory } from "../memory/record.js";
import type { RememberedFacts } from "../memory/remember.js";
import type { PullRequestFacts } from "./types.js";
import type { PullRequestReads } from "./reads.js";
import type { OwnCheckRun, PriorCheckRun } from "./check-runs.js";

export const MEMORY_POINTERS_READ = 11;
export const MEMORY_COMMITS_READ = 20;

export type { OwnCheckRun, PriorCheckRun } from "./check-runs.js";


interface Where {
  owner: string;
  repo: string;
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** No file content can be in it: the HTTP status, or the first line of the error. */
function reasonOf(e: unknown): string {
  const status = statusOf(e);
  if (status) return `HTTP ${status}`;
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 120);
}

/** The commit is not there (any more): nothing can be remembered on it. */
const gone = (e: unknown) => statusOf(e) === 404 || statusOf(e) === 422;

/**
 * agentgate's own check runs per commit as this process last read or wrote them. Only agentgate
 * writes its runs, and in one process it does so within the repository's turn (gate.ts), so the
 * copy is what GitHub holds: reading it again on the next event of that commit would return what
 * agentgate just wrote. It is still never the reason for a success (readAndDecide reads afresh
 * before one), it is not used when replicas share the repository's turn (another process may have
 * written since), and any write it does not see (a deploy record, a failed write) forgets the commit.
 */
const knownRunsKept = cacheSlot(() => new LRUCache<string, { appId: number; runs: OwnCheckRun[] }>({ max: 20_000 }));
const runsKey = (where: Where, sha: string) => `${where.owner}/${where.repo}@${sha}`.toLowerCase();

/** A write to this commit's runs that the copy does not follow: `client` is the writer's (its app's copy is forgotten). */
export function forgetOwnCheckRuns(client: object, where: Where, sha: string): void {
  cachesOf(client).of(knownRunsKept).delete(runsKey(where, sha));
}

/** agentgate wrote this run: the copy of the commit's runs (when there is one) now holds it. */
export function rememberOwnCheckRun(client: object, where: Where, sha: string, appId: number, run: OwnCheckRun): void {
  const knownRuns = cachesOf(client).of(knownRunsKept);
  const key = runsKey(where, sha);
  const known = knownRuns.get(key);
  if (known?.appId === appId) knownRuns.set(key, { appId, runs: [...known.runs.filter((r) => r.name !== run.name), run] });
  else knownRuns.delete(key);
}

/** The runs of the copy, or a fresh read (which refreshes the copy). `cached` says which. */
export async function ownCheckRunsMaybeKnown(
  reads: Pick<PullRequestReads, "ownCheckRuns">,
  where: Where,
  sha: string,
  appId: number,
  useKnown: boolean,
): Promise<{ runs: OwnCheckRun[]; cached: boolean }> {
  const knownRuns = cachesOf(reads).of(knownRunsKept);
  const known = useKnown ? knownRuns.get(runsKey(where, sha)) : undefined;
  if (known?.appId === appId) return { runs: known.runs, cached: true };
  const runs = await reads.ownCheckRuns(where, sha, appId);
  knownRuns.set(runsKey(where, sha), { appId, runs });
  return { runs, cached: false };
}

/** agentgate's own latest check runs on a SHA, of every check name. Throws on a failed or malformed answer. */
export async function ownCheckRuns(gh: Octokit, where: Where, sha: string, appId: number): Promise<OwnCheckRun[]> {
  const { data } = await gh.rest.checks.listForRef({ ...where, ref: sha, app_id: appId, filter: "latest", per_page: 100 });
  if (!data || !Array.isArray(data.check_runs)) throw new Error(`GitHub's list of check runs on ${sha.slice(0, 7)} is malformed`);
  return data.check_runs
    .filter((r) => r?.app?.id === appId)
    .map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      conclusion: r.conclusion ?? null,
      output: { title: r.output?.title ?? null, summary: r.output?.summary ?? null, text: r.output?.text ?? null },
    }));
}

export interface MemoryRead {
  memory: RememberedFacts;
  /** Reads that failed: the decision cannot pass. */
  problems: string[];
  /** The head's own run under the check name (absent when the head could not be read). */
  head?: PriorCheckRun;
  /** Some runs came from this process's copy (knownRuns), not from GitHub: no success on them. */
  fromCache?: boolean;
}

export async function readMemory(
  reads: Pick<PullRequestReads, "ownCheckRuns">,
  where: Where,
  facts: Pick<PullRequestFacts, "headSha" | "commits">,
  opts: {
    appId: number;
    checkName: string;
    /** The head before this event (a synchronize's `before`). */
    before?: string;
    /** Whether the PR's commits must be read too (nothing read so far says agent-written). */
    needsCommits: (sofar: RememberedFacts) => boolean;
    /** Runs this process knows (knownRuns) may stand in for a read; the result then says fromCache. */
    useKnown?: boolean;
  },
): Promise<MemoryRead> {
  const memory: RememberedFacts = { found: [], garbled: [], unread: [] };
  const problems: string[] = [];
  const read = new Set<string>();
  let fromCache = false;
  const readOne = async (sha: string) => {
    read.add(sha);
    const got = await ownCheckRunsMaybeKnown(reads, where, sha, opts.appId, !!opts.useKnown);
    fromCache ||= got.cached;
    const runs = got.runs;
    for (const run of runs) {
      // A bypass run holds a bypass record, not memory (src/bypass/record.ts): it is not read as
      // garbled memory, and nothing here reads it as a verdict, so it can make nothing pass.
      if (isBypassRun(run)) continue;
      const decoded = decodeMemory(run.output.text);
      if (decoded.kind === "record") memory.found.push({ sha, record: decoded.record });
      else if (decoded.kind === "garbled" && !memory.garbled.includes(sha)) memory.garbled.push(sha);
    }
    return runs;
  };
  const failed = (what: string, sha: string, e: unknown) =>
    problems.push(`could not read agentgate's earlier judgment on ${what} ${sha.slice(0, 7)} (${reasonOf(e)}); it may have been agent-written`);

  let head: PriorCheckRun | undefined;
  try {
    const runs = await readOne(facts.headSha);
    head = { sha: facts.headSha, checkName: opts.checkName, run: runs.find((r) => r.name === opts.checkName) ?? null };
  } catch (e) {
    failed("the head", facts.headSha, e);
  }

  const pointers = [...(opts.before ? [opts.before] : []), ...memory.found.flatMap((f) => f.record.unread)];
  let budget = MEMORY_POINTERS_READ;
  while (pointers.length) {
    const sha = pointers.shift() as string;
    if (read.has(sha) || !/^[0-9a-f]{40}$/.test(sha)) continue;
    if (budget-- <= 0) {
      memory.unread.push(sha);
      continue;
    }
    const before = memory.found.length;
    try {
      await readOne(sha);
      pointers.push(...memory.found.slice(before).flatMap((f) => f.record.unread));
    } catch (e) {
      if (gone(e)) continue;
      memory.unread.push(sha);
      failed("the earlier head", sha, e);
    }
  }

  if (opts.needsCommits(memory)) {
    const shas = facts.commits
      .map((c) => c.sha)
      .filter((s) => !read.has(s))
      .slice(-MEMORY_COMMITS_READ);
    for (const sha of shas) {
      try {
        await readOne(sha);
      } catch (e) {
        if (!gone(e)) failed("commit", sha, e);
      }
    }
  }
  return { memory, problems, ...(head ? { head } : {}), ...(fromCache ? { fromCache } : {}) };
}
