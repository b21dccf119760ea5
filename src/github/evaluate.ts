/**
 * The real reader behind the gate's port (src/github/port.ts): one pull request read from GitHub
 * and decided. Load the policy from the base branch, gather the facts, agentgate's memory, decide.
 */
import type { Octokit } from "@octokit/rest";
import { LRUCache } from "lru-cache";
import { loadPolicy, type LoadedPolicy, type PolicyReader } from "../config/load.js";
import type { PullRequestReads } from "../facts/reads.js";
import { octokitReads } from "./reads.js";
import { cacheSlot, cachesOf } from "../runtime/caches.js";
import { defaultPolicy } from "../config/schema.js";
import { decide, detectorFor, detectPullRequest } from "../decide.js";
import { earlyReadsFor, gatherFacts, githubPolicyReader, listedPullRequest, startEarlyReads, withFreshDiffChecks, withFreshReviewers, type PullRequestRef } from "../facts/github.js";
import type { PullRequestFacts } from "../facts/types.js";
import { readMemory } from "../facts/memory.js";
import { withMemory } from "../memory/remember.js";
import { emptyRecord } from "../memory/record.js";
import type { Decision } from "../policy/types.js";
import type { AppIdentity, RepoRef } from "../publish.js";
import { errorDecision, reasonOf, SHA, type Evaluation, type Logger } from "../evaluation.js";

export interface ReadAndDecided {
  headSha: string;
  loaded: LoadedPolicy;
  facts: PullRequestFacts;
  decision: Decision;
  baseRef: string;
}

/** What reading agentgate's memory needs: who agentgate is, and what the webhook says the head was. */
export interface MemoryAccess {
  self: () => Promise<AppIdentity>;
  /** By PR number: the head SHA before this event (a synchronize's `before`). */
  earlierHeads?: Readonly<Record<number, string>>;
  /** Set when replicas share the repository's turn: then another process may have written agentgate's runs. */
  order?: unknown;
}

/** Where readAndDecide reads from: the facts, and a policy reader for each evaluation (it keeps the branch tips it read). */
export interface ReadSource {
  reads: PullRequestReads;
  policyReader(): PolicyReader & { prefetchTip(owner: string, repo: string, branch: string): void };
}

/** The read source of one Octokit client. */
export function githubReadSource(gh: Octokit): ReadSource {
  return { reads: octokitReads(gh), policyReader: () => githubPolicyReader(gh) };
}

/**
 * The App's steps for one pull request: fresh PR, the policy from its base branch (never the head:
 * an agent cannot loosen its own gate), fresh facts, agentgate's own memory of the PR and its
 * commits (with `memory`; see facts/memory.ts), decide. Read-only. Throws when GitHub fails
 * (after the retries of github/retry.ts) or answers malformed; the CLI's `explain` uses this as it is, without memory.
 */
export async function readAndDecide(
  source: ReadSource,
  ref: PullRequestRef,
  /** Filled in as steps succeed, so a failure later can still be published on the right SHA and name. */
  seen: { headSha?: string; loaded?: LoadedPolicy } = {},
  opts: {
    memory?: MemoryAccess;
    /** A review the webhook is about; the reviews read must include it (see PayloadHint). */
    expectReviewId?: number;
    /** The base branch the webhook names: its tip is read beside the PR (used only if the PR names it too). */
    baseRefHint?: string;
    /** The head the webhook names: a small PR's change (one compare) is read beside the PR (used only if the PR names it and the base too). */
    headShaHint?: string;
    /**
     * The PR as a list read in this turn gave it (see listedPullRequest): used instead of pulls.get,
     * saving a request when the event changed the PR (pulls.get would not be a 304). It cannot pass:
     * on a success the PR is read whole and the decision made again.
     */
    listed?: unknown;
  } = {},
): Promise<ReadAndDecided> {
  const { reads } = source;
  const reader = source.policyReader();
  if (opts.baseRefHint) reader.prefetchTip(ref.owner, ref.repo, opts.baseRefHint);
  // Beside the PR read: the lists that do not follow its head. A review event's issue events
  // (who dismissed, when the base changed) almost always matter, so they are started too.
  const early = startEarlyReads(reads, ref, {
    events: opts.expectReviewId !== undefined,
    ...(opts.headShaHint && opts.baseRefHint && fitsOnePage(reads, ref) ? { changeFor: { baseRef: opts.baseRefHint, headSha: opts.headShaHint } } : {}),
  });
  const listed = opts.listed === undefined ? undefined : listedPullRequest(opts.listed, ref);
  const pr = listed ?? (await reads.pullRequest(ref));
  rememberSize(reads, ref, pr);
  seen.headSha = pr.head.sha;
  const loaded = await loadPolicy(reader, { owner: ref.owner, repo: ref.repo, ref: pr.base.ref });
  seen.loaded = loaded;
  const policy = loaded.policy ?? defaultPolicy();
  let facts = await gatherFacts(reads, ref, policy, pr, { early: earlyReadsFor(early, pr), ...(opts.expectReviewId === undefined ? {} : { expectReviewId: opts.expectReviewId }) });
  let previous: NonNullable<Decision["memory"]>["previous"] | undefined;
  const withoutMemory = facts;
  const remember = async (memory: MemoryAccess, useKnown: boolean) => {
    const self = await memory.self();
    const current = detectPullRequest(withoutMemory, detectorFor(policy));
    const read = await readMemory(reads, ref, withoutMemory, {
      appId: self.appId,
      checkName: policy.check_name,
      before: memory.earlierHeads?.[ref.number],
      needsCommits: (sofar) => !withMemory(current, { ...withoutMemory, memory: sofar }).agentAuthored,
      useKnown,
    });
    facts = { ...withoutMemory, memory: read.memory, incomplete: [...withoutMemory.incomplete, ...read.problems] };
    previous = read.head;
    return read;
  };
  // In one process, the runs agentgate last wrote stand in for reading them again (facts/memory.ts).
  const memoryRead = opts.memory ? await remember(opts.memory, !opts.memory.order) : undefined;
  let decision = decide(facts, loaded);
  if (decision.state === "success" && ((opts.memory && memoryRead?.fromCache) || facts.diffUnchangedFromCache?.length)) {
    // A cache is never the reason for a success: what came from one (agentgate's memory, an earlier
    // head's change) is read from GitHub before one.
    if (opts.memory && memoryRead?.fromCache) await remember(opts.memory, false);
    facts = await withFreshDiffChecks(reads, ref, facts);
    decision = decide(facts, loaded);
  }
  if (decision.state === "success" && Object.values(facts.reviewers).some((r) => r.fromCache)) {
    // A cache is never the reason for a success: a reviewer demoted (or promoted, whose change
    // request was not counted) within the cache's lifetime is read again before anything passes.
    facts = await withFreshReviewers(reads, ref, policy, facts);
    decision = decide(facts, loaded);
  }
  if (listed && (decision.state === "success" || decision.state === "error")) {
    // A PR from a list has no counts to show its files and commits were read whole; and an error
    // (a PR too large, say) is worth a request to be told with GitHub's own figures.
    const { listed: _, ...whole } = opts;
    return readAndDecide(source, ref, seen, whole);
  }
  if (previous) decision = { ...decision, memory: { record: decision.memory?.record ?? null, previous } };
  return { headSha: pr.head.sha, loaded, facts, decision, baseRef: pr.base.ref };
}

/**
 * How many files and commits each PR had when last read in this process. Only a guess at whether
 * its lists fit on one page, so that reading them early cannot cost a long PR many requests; never a fact.
 */
const lastSizesKept = cacheSlot(() => new LRUCache<string, { files: number; commits: number }>({ max: 20_000 }));
const sizeKey = (ref: PullRequestRef) => `${ref.owner}/${ref.repo}#${ref.number}`.toLowerCase();
const ONE_PAGE = 100;

function rememberSize(reads: PullRequestReads, ref: PullRequestRef, pr: { changed_files?: number; commits?: number }): void {
  if (typeof pr.changed_files === "number" && typeof pr.commits === "number") cachesOf(reads).of(lastSizesKept).set(sizeKey(ref), { files: pr.changed_files, commits: pr.commits });
}

function fitsOnePage(reads: PullRequestReads, ref: PullRequestRef): boolean {
  const size = cachesOf(reads).of(lastSizesKept).get(sizeKey(ref));
  return !!size && size.files <= ONE_PAGE && size.commits <= ONE_PAGE;
}

/**
 * What the webhook payload says about a PR. Used only to fail closed, never to pass: when the PR
 * itself cannot be read, the error is published on that head (under the check name of the policy
 * on that base), so an earlier success does not stand; and a review it names must be listed.
 */
export interface PayloadHint {
  headSha?: string;
  baseRef?: string;
  /** The review a pull_request_review event is about: the reviews GitHub lists must include it. */
  reviewId?: number;
  /**
   * The event changed the PR (a push, an edit, a label...): pulls.get would answer 200, not a free
   * 304, so the PR is taken from the list of the hinted head's PRs that is read anyway.
   */
  prChanged?: boolean;
}

export interface EvaluateOptions {
  fallback?: PayloadHint;
  /** The PR as a list read in this turn gave it (see readAndDecide's `listed`). */
  listed?: unknown;
  /** Read agentgate's own memory of the PR (the App has it; the CLI does not). */
  memory?: MemoryAccess;
}


/** The check name an error goes out under when the PR could not be read; the default if unknowable. */
async function fallbackCheckName(gh: Octokit, ref: PullRequestRef, baseRef: string | undefined): Promise<string> {
  if (!baseRef) return defaultPolicy().check_name;
  try {
    const loaded = await loadPolicy(githubPolicyReader(gh), { owner: ref.owner, repo: ref.repo, ref: baseRef });
    return loaded.policy?.check_name ?? defaultPolicy().check_name;
  } catch {
    return defaultPolicy().check_name;
  }
}

/** Decide one pull request; GitHub or policy trouble becomes an error decision, never a throw. */
export async function evaluatePullRequest(gh: Octokit, ref: PullRequestRef, log?: Logger, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const seen: { headSha?: string; loaded?: LoadedPolicy } = {};
  try {
    const { headSha, loaded, decision, baseRef } = await readAndDecide(githubReadSource(gh), ref, seen, {
      memory: opts.memory,
      expectReviewId: opts.fallback?.reviewId,
      baseRefHint: opts.fallback?.baseRef,
      headShaHint: opts.fallback?.headSha,
      ...(opts.listed === undefined ? {} : { listed: opts.listed }),
    });
    return { ref, headSha, loaded, decision, baseRef };
  } catch (e) {
    log?.error({ err: e, pr: `${ref.owner}/${ref.repo}#${ref.number}` }, "evaluation failed");
    // Without the PR (and without a SHA from the webhook) there is nothing to publish on; the handler logs it.
    const hinted = opts.fallback?.headSha && SHA.test(opts.fallback.headSha) ? opts.fallback.headSha : "";
    const headSha = seen.headSha ?? hinted;
    const checkName =
      seen.loaded?.policy?.check_name ??
      (seen.headSha || !hinted ? defaultPolicy().check_name : await fallbackCheckName(gh, ref, opts.fallback?.baseRef));
    const failed = errorDecision(headSha, checkName, `could not evaluate: ${reasonOf(e)}`);
    return { ref, headSha, loaded: seen.loaded ?? null, decision: keepingEarlierHead(failed, opts.memory?.earlierHeads?.[ref.number], headSha) };
  }
}

/**
 * An evaluation that failed before it read agentgate's memory still names, in the error's record,
 * the head the event replaced (a force-push's `before`) as unread. Otherwise that head's record
 * (the steering humans, the erased evidence) would be read by no later event on the new head, and
 * a human who steered the agent could approve once the rewrite had dropped their trailer.
 */
function keepingEarlierHead(d: Decision, before: string | undefined, headSha: string): Decision {
  if (!before || !SHA.test(before) || before === headSha) return d;
  return { ...d, memory: { record: { ...emptyRecord(), unread: [before] } } };
}

/** Open PRs whose head is this SHA (they share its status), as GitHub lists them. */
export async function openPullRequestsListedAt(gh: Octokit, where: RepoRef, sha: string): Promise<{ number: number; listed: unknown }[]> {
  const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ ...where, commit_sha: sha, per_page: 100 });
  return data.filter((p) => p.state === "open" && p.head.sha === sha).map((p) => ({ number: p.number, listed: p }));
}

/** Open PRs whose head is this SHA (they share its status). */
export async function openPullRequestsAt(gh: Octokit, where: RepoRef, sha: string): Promise<number[]> {
  return (await openPullRequestsListedAt(gh, where, sha)).map((p) => p.number);
}

