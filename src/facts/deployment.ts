/**
 * What the deploy gate reads from GitHub (see deploy/judge.ts for what it decides from it).
 *
 * Costs per deployment answer (REST requests): 1 list of the environment's deployments + 1 status
 * list per earlier deployment until one agentgate approved (at most DEPLOYMENTS_READ), + 1 check-run
 * list for each of them that succeeded + ⌈n/100⌉ pages of
 * the range (compare from that deployment, or the commit history without one; n ≤ max_commits) +
 * 1 per commit (the pull requests that brought it) + 1 per commit no merged pull request brought
 * (agentgate's memory on the commit itself) + 1 per distinct merged pull request (agentgate's
 * own check runs on its head) + 1 per merged pull request with no run of agentgate's on its head
 * that brings a commit the judge calls agent-written (agentgate's statuses there: `publish: status`)
 * + 1 per merged pull request agentgate did not pass (its bypass run on
 * the merge commit, which may be accepted) + the policy on the default branch (cached a minute) + 1 write (the
 * answer) + 1 write on an approval (the record, see deployRecordName).
 *
 * Fails closed: a failed read becomes a problem or an `unread` route, which rejects.
 */
import type { Octokit } from "@octokit/rest";
import { acceptedOn, decodeBypass, isBypassRun } from "../bypass/record.js";
import { decodeMemory } from "../memory/record.js";
import { REMEMBERED_AGENT, type CommitRoute, type DeployProblem, type GateVerdict, type PullRoute, type Remembered } from "../deploy/judge.js";
import { commitFromRest, type RestCommit } from "./rest.js";
import { ownCheckRuns } from "./memory.js";
import { latestPerContext, ownStatuses, type OwnStatus } from "./statuses.js";
import type { CommitFacts } from "./types.js";

/** Commits whose pull requests are looked up at once. */
export const LOOKUP_CONCURRENCY = 4;

/** Earlier deployments whose statuses are read to find the last successful one. */
export const DEPLOYMENTS_READ = 10;

/**
 * The check run agentgate leaves on a commit it approved a deployment of. Deployment statuses can be
 * posted by anyone with deployments: write (an agent too), so a "success" alone does not start the
 * range: only a deployment agentgate approved, which only this App's check run can tell.
 */
const DEPLOY_RECORD_PREFIX = "agentgate deploy: ";
export function deployRecordName(environment: string): string {
  return `${DEPLOY_RECORD_PREFIX}${environment}`.slice(0, 100);
}

interface Where {
  owner: string;
  repo: string;
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** No file content can be in it: the HTTP status, or the first line of the error. */
export function reasonOf(e: unknown): string {
  const status = statusOf(e);
  const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 120);
  return status ? `${message} (HTTP ${status})` : message;
}

const SHA = /^[0-9a-f]{40}$/i;

/**
 * The SHA of the environment's newest earlier deployment that succeeded and that agentgate approved
 * (undefined: none among the latest DEPLOYMENTS_READ, so the whole history is judged, which is
 * stricter). Throws when GitHub fails.
 */
export async function lastSuccessfulDeployment(gh: Octokit, where: Where, environment: string, currentId: number, appId: number): Promise<string | undefined> {
  const { data } = await gh.rest.repos.listDeployments({ ...where, environment, per_page: 30 });
  if (!Array.isArray(data)) throw new Error("GitHub's list of deployments is malformed");
  const earlier = data.filter((d) => d.id !== currentId && d.environment === environment).slice(0, DEPLOYMENTS_READ);
  for (const d of earlier) {
    const { data: statuses } = await gh.rest.repos.listDeploymentStatuses({ ...where, deployment_id: d.id, per_page: 100 });
    if (!Array.isArray(statuses)) throw new Error(`GitHub's statuses of deployment ${d.id} are malformed`);
    if (!statuses.some((s) => s.state === "success") || typeof d.sha !== "string" || !SHA.test(d.sha)) continue;
    const runs = await ownCheckRuns(gh, where, d.sha, appId);
    if (runs.some((r) => r.name === deployRecordName(environment) && r.status === "completed" && r.conclusion === "success")) return d.sha.toLowerCase();
  }
  return undefined;
}

export interface Range {
  commits: CommitFacts[];
  since?: string;
  problems: DeployProblem[];
}

/** The commits `sha` brings since `since` (compare), or its whole history; at most `max`, else a problem. */
export async function deploymentRange(gh: Octokit, where: Where, sha: string, since: string | undefined, max: number): Promise<Range> {
  const tooMany = (count: number | null): DeployProblem => ({ code: "too-many-commits", count, ...(since ? { since } : {}), max });
  if (since) {
    try {
      const commits: RestCommit[] = [];
      for (let page = 1; ; page++) {
        const { data } = await gh.rest.repos.compareCommitsWithBasehead({ ...where, basehead: `${since}...${sha}`, per_page: 100, page });
        const total = typeof data.total_commits === "number" ? data.total_commits : NaN;
        if (!Number.isFinite(total)) throw new Error("GitHub's comparison names no total of commits");
        if (total > max) return { commits: [], since, problems: [tooMany(total)] };
        const got = (data.commits ?? []) as RestCommit[];
        commits.push(...got);
        if (commits.length >= total) break;
        if (!got.length) return { commits: [], since, problems: [{ code: "range-cut-short", listed: commits.length, total, since }] };
      }
      return { commits: commits.map(commitFromRest), since, problems: [] };
    } catch (e) {
      // The last deployment's commit is gone (a force push): judge the whole history instead.
      if (statusOf(e) !== 404) throw e;
    }
  }
  const commits: RestCommit[] = [];
  for (let page = 1; ; page++) {
    const { data } = await gh.rest.repos.listCommits({ ...where, sha, per_page: 100, page });
    if (!Array.isArray(data)) throw new Error("GitHub's list of commits is malformed");
    commits.push(...(data as RestCommit[]));
    if (commits.length > max) return { commits: [], problems: [tooMany(null)] };
    if (data.length < 100) break;
  }
  return { commits: commits.map(commitFromRest), problems: [] };
}

interface SimplePull {
  number: number;
  merged_at?: string | null;
  title?: string;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
  head?: { sha?: string; ref?: string };
  base?: { ref?: string };
  merge_commit_sha?: string | null;
  labels?: { name?: string }[];
  assignees?: { login?: string; type?: string }[] | null;
}

/** A record on the commit's own runs names it, or names an agent PR it was the head of; or cannot be read. */
function rememberedOn(runs: Awaited<ReturnType<typeof ownCheckRuns>>, sha: string): boolean {
  return runs.some((r) => {
    if (isBypassRun(r)) return false; // its agents are read by bypassAgentsOn
    const d = decodeMemory(r.output.text);
    return d.kind === "garbled" || (d.kind === "record" && (d.record.prs.length > 0 || d.record.commits.includes(sha)));
  });
}

/** The agents agentgate's bypass runs on the commit name (a bypass run is only on an agent-written commit). */
function bypassAgentsOn(runs: Awaited<ReturnType<typeof ownCheckRuns>>): string[] | undefined {
  const bypass = runs.filter(isBypassRun);
  if (!bypass.length) return undefined;
  const agents = bypass.flatMap((r) => {
    const d = decodeBypass(r.output.text);
    return d.kind === "record" ? d.record.agents : [];
  });
  return agents.length ? [...new Set(agents)] : [REMEMBERED_AGENT];
}

function bypassed(own: Awaited<ReturnType<typeof ownCheckRuns>>): { reported?: true; bypassAgents?: string[] } {
  const agents = bypassAgentsOn(own);
  return agents ? { reported: true, bypassAgents: agents } : {};
}

/**
 * What agentgate said about a merged PR's head: all its own runs there but the deploy and bypass
 * records (those say nothing about the PR). The bypass handler reads the same, so that what it calls
 * a merge past the gate is exactly what the deploy gate rejects.
 */
export function gateVerdictOf(runs: Awaited<ReturnType<typeof ownCheckRuns>>): GateVerdict {
  return verdictOf(runs.filter((r) => !r.name.startsWith(DEPLOY_RECORD_PREFIX) && !isBypassRun(r)));
}

function verdictOf(runs: Awaited<ReturnType<typeof ownCheckRuns>>): GateVerdict {
  if (!runs.length) return { state: "none" };
  const failing = runs.find((r) => r.status !== "completed" || r.conclusion !== "success");
  if (!failing) return { state: "success" };
  return { state: "not-success", shown: failing.status === "completed" ? (failing.conclusion ?? "nothing") : failing.status === "in_progress" || failing.status === "queued" ? "pending" : failing.status };
}

/**
 * What agentgate said on a head where it wrote no check run (`publish: status`): its own statuses
 * there, the newest per context, but the bypass records (`<check_name>/bypass`). Read only when the
 * runs give no verdict; a status anyone else posted is not in `statuses` (see facts/statuses.ts). Pure.
 */
export function statusVerdictOf(statuses: readonly OwnStatus[]): GateVerdict {
  const latest = latestPerContext(statuses).filter((s) => !s.context.toLowerCase().endsWith("/bypass"));
  if (!latest.length) return { state: "none" };
  const failing = latest.find((s) => s.state !== "success");
  return failing ? { state: "not-success", shown: failing.state } : { state: "success" };
}

/** agentgate's verdict on a head from its statuses (1 request per 100 statuses). Throws when GitHub fails. */
export async function statusVerdictOn(gh: Octokit, where: Where, sha: string, botLogin: string): Promise<GateVerdict> {
  return statusVerdictOf(await ownStatuses(gh, where, sha, botLogin));
}

function memoryOf(runs: Awaited<ReturnType<typeof ownCheckRuns>>, number: number): Remembered {
  const out = { pr: false, commits: [] as string[], garbled: false };
  for (const r of runs) {
    const d = decodeMemory(r.output.text);
    if (d.kind === "garbled") out.garbled = true;
    if (d.kind === "record") {
      out.pr ||= d.record.prs.includes(number);
      out.commits.push(...d.record.commits);
    }
  }
  return out;
}

/** Who agentgate is: its app id (its check runs) and its bot's login (its statuses). */
export interface Self {
  appId: number;
  botLogin: string;
}

/**
 * How each commit reached the branch: the pull requests GitHub lists for it (for a commit on the
 * default branch, the merged one that introduced it) and, for each merged one, agentgate's own
 * check runs on its head (their conclusion and memory record). Reads each PR's runs once. A merged
 * PR with no run of agentgate's there (`publish: status`) takes its verdict from agentgate's own
 * statuses on the head, read once per PR and only for a commit `agentWritten` says the judge reads a
 * verdict for (absent: every such commit).
 */
export async function commitRoutes(
  gh: Octokit,
  where: Where,
  commits: readonly CommitFacts[],
  self: Self,
  agentWritten?: (c: CommitFacts, pulls: readonly PullRoute[]) => boolean,
): Promise<Record<string, CommitRoute>> {
  const { appId } = self;
  const routes: Record<string, CommitRoute> = {};
  const pulls = new Map<number, Promise<PullRoute>>();
  const fromStatuses = new Map<number, Promise<GateVerdict>>();
  const withStatusVerdict = async (p: PullRoute): Promise<PullRoute> => {
    if (!p.merged || p.verdict.state !== "none") return p;
    let verdict = fromStatuses.get(p.number);
    if (!verdict) fromStatuses.set(p.number, (verdict = statusVerdictOn(gh, where, p.headSha, self.botLogin)));
    return { ...p, verdict: await verdict };
  };
  const routeOf = (p: SimplePull): Promise<PullRoute> => {
    let known = pulls.get(p.number);
    if (!known) {
      known = (async () => {
        const headSha = p.head?.sha ?? "";
        const merged = !!p.merged_at;
        if (!SHA.test(headSha)) throw new Error(`GitHub names no head commit for #${p.number}`);
        // Only a merged PR can have brought the commit: an open one's runs are not read.
        // The deploy gate's own records say nothing about the pull request.
        // Nor do bypass runs: an accepted one is success, and must never read as the gate's verdict.
        const runs = merged ? (await ownCheckRuns(gh, where, headSha, appId)).filter((r) => !r.name.startsWith(DEPLOY_RECORD_PREFIX) && !isBypassRun(r)) : [];
        const verdict: GateVerdict = merged ? verdictOf(runs) : { state: "none" };
        // Merged while agentgate did not pass it: its bypass run on the merge commit may be accepted (1 request).
        const mergeSha = p.merge_commit_sha ?? "";
        const mergeRuns = merged && verdict.state !== "success" && SHA.test(mergeSha) ? await ownCheckRuns(gh, where, mergeSha, appId) : undefined;
        const accepted = mergeRuns ? acceptedOn(mergeRuns, { sha: mergeSha, pr: p.number }) : undefined;
        return {
          number: p.number,
          merged,
          baseRef: p.base?.ref ?? "",
          headSha,
          signals: {
            authorLogin: p.user?.login ?? "",
            authorType: p.user?.type ?? "User",
            headRef: p.head?.ref ?? "",
            labels: (p.labels ?? []).map((l) => l.name ?? "").filter(Boolean),
            title: p.title ?? "",
            body: p.body ?? "",
          },
          verdict,
          memory: memoryOf(runs, p.number),
          ...(accepted ? { accepted } : {}),
          ...(SHA.test(mergeSha) ? { mergeSha: mergeSha.toLowerCase() } : {}),
          ...(mergeRuns?.some(isBypassRun) ? { reported: true } : {}),
        };
      })();
      pulls.set(p.number, known);
    }
    return known;
  };
  const lookUp = async (c: CommitFacts) => {
    try {
      const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ ...where, commit_sha: c.sha, per_page: 100 });
      if (!Array.isArray(data)) throw new Error(`GitHub's pull requests of ${c.sha.slice(0, 7)} are malformed`);
      let list: PullRoute[] = [];
      for (const p of data as SimplePull[]) list.push(await routeOf(p));
      // A merged PR agentgate judged without a check run (`publish: status`): its statuses say (fail closed: unread).
      if (list.some((p) => p.merged && p.verdict.state === "none") && (!agentWritten || agentWritten(c, list))) {
        const read: PullRoute[] = [];
        for (const p of list) read.push(await withStatusVerdict(p));
        list = read;
      }
      // No merged PR brought it: agentgate's memory on the commit itself may still know it (1 request).
      // The same runs say whether its bypass was accepted.
      const own = list.some((p) => p.merged) ? [] : await ownCheckRuns(gh, where, c.sha, appId);
      const remembered = rememberedOn(own, c.sha);
      const accepted = acceptedOn(own, { sha: c.sha });
      routes[c.sha] = { kind: "pulls", pulls: list, ...(remembered ? { remembered } : {}), ...(accepted ? { accepted } : {}), ...bypassed(own) };
    } catch (e) {
      routes[c.sha] = { kind: "unread", cause: reasonOf(e) };
    }
  };
  // A few at a time: hundreds of commits answer in seconds, far below GitHub's 100 concurrent requests.
  const queue = [...commits];
  await Promise.all(
    Array.from({ length: Math.min(LOOKUP_CONCURRENCY, queue.length) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await lookUp(c);
    }),
  );
  return routes;
}
