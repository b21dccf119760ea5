/**
 * The only module that reads GitHub for a decision. It returns a plain PullRequestFacts value.
 *
 * Costs (REST requests) for a PR with c commits, f files and r distinct human reviewers:
 * 1 (PR) + 1 compare for the commits and files (when it shows them whole; else, or when the PR's
 * counts say it cannot, ⌈c/100⌉ + ⌈f/100⌉) + ⌈reviews/100⌉ + r permissions (cached) + team checks (cached)
 * + 1 compare per distinct earlier SHA approved since the last base change + 1 per file whose full
 * text a rule needs (at most MAX_CONTEXT_READS, see context.ts), and 1 more (git blob) for each such
 * file over 1 MB + 1 listing of .github/workflows at the base + 1 per workflow blob not read before
 * (local actions) + 1 per issue the body says it closes (at most 5) + ⌈c/100⌉ GraphQL queries, only
 * when REST left a person's email unlinked (graphql.ts) + ⌈issue events/100⌉ when a human's latest
 * review approves or was dismissed + 1 permission per human who dismissed such a review (cached).
 */
import type { Octokit } from "@octokit/rest";
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { SharedPolicyCopies } from "../runtime/policy-copies.js";
import type { SharedCommitFacts } from "../runtime/commit-facts.js";
import type { Policy } from "../config/schema.js";
import type { PolicyFile, PolicyReader } from "../config/load.js";
import { MAX_POLICY_BYTES } from "../config/parse.js";
import {
  assigneesFromRest,
  commitFromRest,
  fileFromRest,
  pullRequestEventsFromRest,
  pullRequestSignalsFromRest,
  reviewFromRest,
  type RestCommit,
  type RestFile,
  type RestPullRequest,
  type RestIssueEvent,
  type RestReview,
} from "./rest.js";
import { checked, listedPullRequestAnswer } from "./answers.js";
import type { ClosingIssueFacts, FileFacts, Permission, PullRequestFacts, ReviewFacts, ReviewerFacts } from "./types.js";
import { fillContext } from "./context.js";
import { baseChangedSince, latestDecisiveReviews } from "../policy/approvals.js";
import { needsLinking } from "../policy/identities.js";
import { isMachineIdentity } from "../detect/detect.js";
import { detectorFor } from "../decide.js";
import { closingIssueNumbers } from "./closing.js";
import { linkCommitEmails } from "./graphql.js";
import { localActionsUsedBy } from "../rules/paths.js";
import type { Compared, PullRequestReads, PullRequestRef } from "./reads.js";
import { octokitReads } from "../github/reads.js";
import { cacheSlot, cachesOf } from "../runtime/caches.js";

/** GitHub lists at most this many files and commits on a pull request. */
export const GITHUB_MAX_FILES = 3000;
export const GITHUB_MAX_COMMITS = 250;

export type { PullRequestRef } from "./reads.js";

/**
 * Short-lived caches: who may approve changes rarely. A cached answer is never the reason for a
 * success: reviewers whose facts came from here are marked `fromCache`, and the gate reads them
 * afresh before it publishes a success (see readAndDecide). Otherwise a stale answer lasts at most
 * FACT_CACHE_TTL_MS, and only well-formed answers are kept.
 */
export const FACT_CACHE_TTL_MS = 60_000;
const permissionsKept = cacheSlot(() => new LRUCache<string, Permission>({ max: 10_000, ttl: FACT_CACHE_TTL_MS }));
const membershipsKept = cacheSlot(() => new LRUCache<string, boolean>({ max: 10_000, ttl: FACT_CACHE_TTL_MS }));

/** Reads that may be answered from the caches above; `fresh` bypasses them (and refills them). */
export interface ReadOptions {
  fresh?: boolean;
  /** Lists started before the PR was read (startEarlyReads): used instead of reading them again. */
  early?: EarlyReads;
  /**
   * A review the webhook is about. Submitted reviews cannot be deleted, so a reviews list without
   * it was cut short (the tail of a single page, which no page structure shows): not whole.
   */
  expectReviewId?: number;
}

/**
 * Policies read from a repository's default branch (the org's `.github` defaults, `_extends` bases)
 * change rarely, so a minute-old copy (or a minute-old "none") is kept: for a repository without its
 * own policy that saves two requests a webhook. A push that changes a policy file forgets that
 * repository's copies (in this process). The policy on the PR's base branch is always read fresh.
 */
const defaultBranchPoliciesKept = cacheSlot(() => new LRUCache<string, { file: PolicyFile | null }>({ max: 1_000, ttl: 60_000 }));

/**
 * The Octokits of deliveries handled by one of several replicas, with the copies they share. The
 * push that forgets the copies above may reach another replica, so these use the shared copies
 * (src/runtime/policy-copies.ts), which the push forgets for every replica.
 */
const replicated = new WeakMap<object, SharedPolicyCopies>();

/** This delivery is handled by one of several replicas: it uses the copies they share. */
export function shareCopies(gh: object, copies: SharedPolicyCopies): void {
  replicated.set(gh, copies);
}

/**
 * What commits and blobs hold, shared by replicas (src/runtime/commit-facts.ts), by the reads of a
 * delivery's Octokit (made once per client). Looked up after this process's copies, before GitHub.
 */
const sharedCommitFacts = new WeakMap<object, SharedCommitFacts>();

/** This delivery's replicas share what commits hold: a policy file another one read at a commit is not read again. */
export function shareCommitFacts(gh: object, store: SharedCommitFacts): void {
  sharedCommitFacts.set(octokitReads(gh as Octokit), store);
}

/**
 * A fact about an immutable object: this process's copy, else the replicas' when it is well formed
 * (the store is not trusted with its shape), else undefined: read GitHub. Never throws.
 */
async function knownFact<T extends object>(
  local: LRUCache<string, T>,
  key: string,
  shared: { store: SharedCommitFacts | undefined; key: string; wellFormed: (v: unknown) => T | undefined },
): Promise<T | undefined> {
  const here = local.get(key);
  if (here !== undefined || !shared.store) return here;
  const copy = shared.wellFormed(await shared.store.get(shared.key).catch(() => undefined));
  if (copy !== undefined) local.set(key, copy);
  return copy;
}

/** Keep a whole answer here and for the replicas (their copy is a saving: its failure is nobody's). */
function keepFact<T extends object>(local: LRUCache<string, T>, key: string, shared: { store: SharedCommitFacts | undefined; key: string }, value: T): void {
  local.set(key, value);
  shared.store?.set(shared.key, value).catch(() => undefined);
}

const gitBlobSha = (text: string) => {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
};

/** A shared policy file at a commit (or its absence), as read: its text within MAX_POLICY_BYTES, and its blob's. */
function wellFormedPolicyCopy(v: unknown): { file: PolicyFile | null } | undefined {
  if (typeof v !== "object" || v === null || !("file" in v)) return undefined;
  const file: unknown = v.file;
  if (file === null) return { file: null };
  if (typeof file !== "object" || !("text" in file) || typeof file.text !== "string") return undefined;
  if (Buffer.byteLength(file.text, "utf8") > MAX_POLICY_BYTES) return undefined;
  // Every file read names its blob, and the sha keys the parsed-policy cache: it must be this text's.
  if (!("sha" in file) || typeof file.sha !== "string" || file.sha.toLowerCase() !== gitBlobSha(file.text)) return undefined;
  return { file: { text: file.text, sha: file.sha } };
}

/** Shared local action directories (or what one workflow blob runs): a list of paths. */
function wellFormedDirs(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.length <= 10_000 && v.every((d) => typeof d === "string" && d.length > 0 && d.length <= 4_096) ? [...(v as string[])] : undefined;
}

/** Whether a copy this process keeps until a webhook forgets it may answer for this delivery. */
export function mayUseForgettableCopies(gh: object): boolean {
  return !replicated.has(gh);
}

/** A push changed a policy on this repository's default branch: read its files afresh, on every replica. */
export async function forgetDefaultBranchPolicies(gh: object, owner: string, repo: string): Promise<void> {
  const prefix = `${owner}/${repo}:`.toLowerCase();
  const defaultBranchPolicies = cachesOf(gh).of(defaultBranchPoliciesKept);
  for (const key of [...defaultBranchPolicies.keys()]) if (key.startsWith(prefix)) defaultBranchPolicies.delete(key);
  await replicated.get(gh)?.forget(`${owner}/${repo}`.toLowerCase());
}

/**
 * Who may approve changed (a `member`, `membership`, `team` or `organization` webhook): the cached
 * answers it makes stale are forgotten, so the next judgment reads them.
 */
export function forgetPermissions(gh: object) {
  const caches = cachesOf(gh);
  const permissions = caches.of(permissionsKept);
  const memberships = caches.of(membershipsKept);
  return {
    /** One collaborator's permission on one repository. */
    of(owner: string, repo: string, login: string): void {
      permissions.delete(`${owner}/${repo}:${login}`.toLowerCase());
    },
    /** Everything about one account: its permission everywhere (a team can grant it) and its memberships. */
    account(login: string): void {
      const suffix = `:${login}`.toLowerCase();
      for (const key of [...permissions.keys()]) if (key.endsWith(suffix)) permissions.delete(key);
      for (const key of [...memberships.keys()]) if (key.endsWith(suffix)) memberships.delete(key);
    },
    /** Every collaborator's permission on a repository (a team's access to it changed). */
    repository(owner: string, repo: string): void {
      const prefix = `${owner}/${repo}:`.toLowerCase();
      for (const key of [...permissions.keys()]) if (key.startsWith(prefix)) permissions.delete(key);
    },
    /** A team's memberships, and every permission (the team may have granted some). */
    team(team: string): void {
      const prefix = `${team}:`.toLowerCase();
      for (const key of [...memberships.keys()]) if (key.startsWith(prefix)) memberships.delete(key);
      permissions.clear();
    },
  };
}

/**
 * Policy files at a commit, and their absence: a commit never changes, so this cannot go stale. A
 * base branch is first resolved to its tip (one conditional request, usually a free 304), so a
 * repository without a policy file costs no 404 per evaluation.
 */
const policyFilesAtCommitKept = cacheSlot(
  () =>
    new LRUCache<string, { file: PolicyFile | null }>({
      max: 10_000,
      maxSize: 32 * 1024 * 1024,
      sizeCalculation: (v) => Math.max(1, v.file?.text.length ?? 1),
    }),
);

const COMMIT_SHA = /^[0-9a-f]{40}$/i;

/** Reads policy files through the contents API; null for 404, throws for anything else (a policy
 *  larger than MAX_POLICY_BYTES too: it cannot be read whole, so the gate errors). */
export function githubPolicyReader(gh: Octokit): PolicyReader & { prefetchTip(owner: string, repo: string, branch: string): void } {
  return policyReaderOn(octokitReads(gh), replicated.get(gh));
}

/** The policy reader on any reads; `shared`: the copies replicas share of default-branch policies. */
export function policyReaderOn(reads: PullRequestReads, shared?: SharedPolicyCopies): PolicyReader & { prefetchTip(owner: string, repo: string, branch: string): void } {
  const tips = new Map<string, Promise<string | undefined>>();
  const caches = cachesOf(reads);
  const branchTip = (owner: string, repo: string, branch: string) => reads.branchTip({ owner, repo }, branch);
  return {
    /**
     * Start reading a branch's tip now (the webhook names the PR's base) so it travels with the read
     * of the PR: one round trip less. Used only when the PR read then names the same base.
     */
    prefetchTip(owner, repo, branch) {
      const tipKey = `${owner}/${repo}@${branch}`.toLowerCase();
      if (tips.has(tipKey) || COMMIT_SHA.test(branch)) return;
      const tip = branchTip(owner, repo, branch);
      tip.catch(() => undefined); // unused when the PR names another base; a failure is met where it is used
      tips.set(tipKey, tip);
    },
    async read(owner, repo, path, ref): Promise<PolicyFile | null> {
      if (ref === undefined) {
        if (shared) {
          const repoKey = `${owner}/${repo}`.toLowerCase();
          const { generation, copy } = await shared.get(repoKey, path);
          // Redis is not trusted with a copy's shape: one that is not a policy file as read is read again.
          const usable = copy ? wellFormedPolicyCopy(copy) : undefined;
          if (usable) return usable.file;
          const file = await readRepoFile(reads, owner, repo, path, undefined, MAX_POLICY_BYTES);
          await shared.set(repoKey, path, generation, { file });
          return file;
        }
        const key = `${owner}/${repo}:${path}`.toLowerCase();
        const defaultBranchPolicies = caches.of(defaultBranchPoliciesKept);
        const cached = defaultBranchPolicies.get(key);
        if (cached) return cached.file;
        const file = await readRepoFile(reads, owner, repo, path, undefined, MAX_POLICY_BYTES);
        defaultBranchPolicies.set(key, { file });
        return file;
      }
      const tipKey = `${owner}/${repo}@${ref}`.toLowerCase();
      if (!tips.has(tipKey)) tips.set(tipKey, COMMIT_SHA.test(ref) ? Promise.resolve(ref.toLowerCase()) : branchTip(owner, repo, ref));
      const sha = await tips.get(tipKey)!;
      if (!sha) return readRepoFile(reads, owner, repo, path, ref, MAX_POLICY_BYTES);
      // Git paths are case-sensitive: only the repository and the SHA are folded.
      const key = `${`${owner}/${repo}@${sha}`.toLowerCase()}:${path}`;
      const sharedAt = { store: sharedCommitFacts.get(reads), key: `policy:${key}` };
      const policyFilesAtCommit = caches.of(policyFilesAtCommitKept);
      const known = await knownFact(policyFilesAtCommit, key, { ...sharedAt, wellFormed: wellFormedPolicyCopy });
      if (known) return known.file;
      const file = await readRepoFile(reads, owner, repo, path, sha, MAX_POLICY_BYTES);
      keepFact(policyFilesAtCommit, key, sharedAt, { file });
      return file;
    },
  };
}

/**
 * Whole files a rule reads (context): up to 10 MB. The files rules ask for are infra sources
 * (`*.tf.json`, manifests); a generated `.tf.json` of a large stack runs to a few MB, and 10 MB
 * (13 MB of base64) still parses in a fraction of a second. With MAX_CONTEXT_READS per evaluation
 * that bounds what one evaluation holds. Above it the file is not read and the check errors.
 */
export const MAX_CONTEXT_BYTES = 10 * 1024 * 1024;

/** A file that exists but is larger than the reader takes: fail closed, naming the file (never its text). */
export class FileTooLargeError extends Error {
  override name = "FileTooLargeError";
  constructor(
    readonly path: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${path} is ${size} bytes; agentgate reads it whole only up to ${limit} bytes`);
  }
}

function decodeBase64(content: string, size: number, what: string): string {
  const bytes = Buffer.from(content, "base64");
  // A short or damaged answer must not read as a shorter file (an emptied .tf.json removes nothing).
  if (bytes.length !== size) throw new Error(`${what}: GitHub sent ${bytes.length} of its ${size} bytes`);
  return bytes.toString("utf8");
}

/**
 * A file's text and blob sha at a ref (the default branch without one); null when it does not exist.
 * The contents API sends no content above 1 MB (`encoding: "none"`): such a file is read through the
 * git blobs API (one more request), up to `maxBytes`; a larger one throws FileTooLargeError.
 */
export async function readRepoFile(
  reads: PullRequestReads,
  owner: string,
  repo: string,
  path: string,
  ref?: string,
  maxBytes: number = MAX_CONTEXT_BYTES,
): Promise<PolicyFile | null> {
  const data = await reads.content({ owner, repo }, path, ref);
  if (data === null) return null;
  if (data.kind !== "file") throw new Error(`${owner}/${repo}:${path} is not a file`);
  if (data.size > maxBytes) throw new FileTooLargeError(path, data.size, maxBytes);
  if (data.encoding === "base64") return { text: decodeBase64(data.content, data.size, path), sha: data.sha };
  if (data.encoding !== "none") throw new Error(`${path}: GitHub sent its content as "${data.encoding}"`);
  const blob = await reads.blob({ owner, repo }, data.sha);
  if (blob.encoding !== "base64") throw new Error(`${path}: GitHub sent its blob as "${blob.encoding}"`);
  return { text: decodeBase64(blob.content, data.size, path), sha: data.sha };
}

/** Workflow files read per evaluation to find the local actions they run. A repository with more
 *  cannot be told apart from one that hides a local action in the rest: the check errors. */
export const MAX_WORKFLOW_FILES = 100;
// What each workflow blob runs, by blob sha: a blob never changes, so this cannot go stale.
const actionsByWorkflowBlobKept = cacheSlot(() => new LRUCache<string, string[]>({ max: 10_000 }));

/**
 * The local actions (`uses: ./dir`) that the base branch's workflows run: their code runs with the
 * workflow's secrets, so a change to it is a change to CI. 1 request (the listing of
 * .github/workflows at the base) plus 1 per workflow blob not seen before.
 */
// The local actions of a base commit: a commit never changes, so neither does what its workflows run.
const localActionsAtCommitKept = cacheSlot(() => new LRUCache<string, string[]>({ max: 5_000 }));

async function localActionDirs(reads: PullRequestReads, ref: PullRequestRef, baseSha: string, incomplete: string[]): Promise<string[]> {
  const atCommit = `${ref.owner}/${ref.repo}@${baseSha}`.toLowerCase();
  const sharedAt = { store: sharedCommitFacts.get(reads), key: `actions:${atCommit}` };
  const localActionsAtCommit = cachesOf(reads).of(localActionsAtCommitKept);
  const known = await knownFact(localActionsAtCommit, atCommit, { ...sharedAt, wellFormed: wellFormedDirs });
  if (known) return known;
  const problemsBefore = incomplete.length;
  const dirs = await readLocalActionDirs(reads, ref, baseSha, incomplete);
  // Only a whole answer is kept: a commit whose workflows could not all be read is read again.
  if (incomplete.length === problemsBefore) keepFact(localActionsAtCommit, atCommit, sharedAt, dirs);
  return dirs;
}

async function readLocalActionDirs(reads: PullRequestReads, ref: PullRequestRef, baseSha: string, incomplete: string[]): Promise<string[]> {
  const listing = await reads.content(ref, ".github/workflows", baseSha);
  if (listing?.kind !== "dir") return [];
  const workflows = listing.entries.filter((e) => e.type === "file" && /\.ya?ml$/i.test(e.name));
  if (workflows.length > MAX_WORKFLOW_FILES) {
    incomplete.push(`the base branch has ${workflows.length} workflow files; agentgate reads at most ${MAX_WORKFLOW_FILES} to find the local actions they run`);
  }
  const dirs = new Set<string>();
  const actionsByWorkflowBlob = cachesOf(reads).of(actionsByWorkflowBlobKept);
  const store = sharedCommitFacts.get(reads);
  // Shared by repository and blob: one repository's objects never answer for another's.
  const sharedBlob = (sha: string) => ({ store, key: `workflow:${`${ref.owner}/${ref.repo}#${sha}`.toLowerCase()}` });
  for (const w of workflows.slice(0, MAX_WORKFLOW_FILES)) {
    let used = await knownFact(actionsByWorkflowBlob, w.sha, { ...sharedBlob(w.sha), wellFormed: wellFormedDirs });
    if (!used) {
      const got = await readRepoFile(reads, ref.owner, ref.repo, w.path, baseSha);
      used = got ? localActionsUsedBy(got.text) : [];
      if (got?.sha) keepFact(actionsByWorkflowBlob, got.sha, sharedBlob(got.sha), used);
    }
    for (const d of used) dirs.add(d);
  }
  return [...dirs].sort();
}

/** Teams (`org/slug`) named anywhere in the policy: the only memberships worth reading. */
export function teamsNamedIn(policy: Policy): string[] {
  const teams = new Set<string>();
  for (const rule of policy.paths) for (const t of rule.teams ?? []) teams.add(t);
  for (const t of policy.infra.teams) teams.add(t);
  for (const settings of Object.values(policy.infra.rules)) for (const t of settings.teams ?? []) teams.add(t);
  return [...teams];
}

async function permissionOf(reads: PullRequestReads, ref: PullRequestRef, login: string, opts: ReadOptions = {}): Promise<{ permission: Permission; cached: boolean }> {
  const key = `${ref.owner}/${ref.repo}:${login}`.toLowerCase();
  const permissionCache = cachesOf(reads).of(permissionsKept);
  const cached = opts.fresh ? undefined : permissionCache.get(key);
  if (cached) return { permission: cached, cached: true };
  // A malformed answer throws before it is cached: read as "none", it would silence a change request.
  const data = await reads.permission(ref, login);
  // null: the user is not a collaborator (or does not exist any more).
  if (!data) return { permission: "none", cached: false };
  const permission = normalizePermission(data.role_name, data.permission);
  permissionCache.set(key, permission);
  return { permission, cached: false };
}

/** `role_name` is exact (maintain, triage); `permission` folds them into write/read. */
export function normalizePermission(roleName: string | undefined, permission: string): Permission {
  const known: Permission[] = ["admin", "maintain", "write", "triage", "read", "none"];
  if (roleName && (known as string[]).includes(roleName)) return roleName as Permission;
  return (known as string[]).includes(permission) ? (permission as Permission) : "none";
}

async function isActiveMember(reads: PullRequestReads, team: string, login: string, opts: ReadOptions = {}): Promise<{ active: boolean; cached: boolean }> {
  const key = `${team}:${login}`.toLowerCase();
  const membershipCache = cachesOf(reads).of(membershipsKept);
  const cached = opts.fresh ? undefined : membershipCache.get(key);
  if (cached !== undefined) return { active: cached, cached: true };
  const [org, slug] = team.split("/") as [string, string];
  // A pending invitation answers too: only an accepted membership counts.
  const active = (await reads.teamMembership(org, slug, login))?.state === "active";
  membershipCache.set(key, active);
  return { active, cached: false };
}

/** What GitHub says about one reviewer: permission and the policy's teams they actively belong to. */
async function reviewerFacts(reads: PullRequestReads, ref: PullRequestRef, teams: readonly string[], login: string, opts: ReadOptions): Promise<ReviewerFacts> {
  const { permission, cached } = await permissionOf(reads, ref, login, opts);
  let fromCache = cached;
  const activeTeams: string[] = [];
  for (const team of teams) {
    const m = await isActiveMember(reads, team, login, opts);
    fromCache ||= m.cached;
    if (m.active) activeTeams.push(team);
  }
  return { login, permission, activeTeams, ...(fromCache ? { fromCache: true } : {}) };
}

/**
 * The same facts with every reviewer whose permission or teams came from the cache read afresh.
 * The gate calls this before publishing a success (a demoted reviewer must not count for a minute).
 */
export async function withFreshReviewers(reads: PullRequestReads, ref: PullRequestRef, policy: Policy, facts: PullRequestFacts): Promise<PullRequestFacts> {
  const teams = teamsNamedIn(policy);
  const reviewers = { ...facts.reviewers };
  for (const [key, r] of Object.entries(facts.reviewers)) {
    if (r.fromCache) reviewers[key] = await reviewerFacts(reads, ref, teams, r.login, { fresh: true });
  }
  return { ...facts, reviewers };
}

/** The same facts with every "unchanged since" answered from the copy of an earlier head compared afresh. */
export async function withFreshDiffChecks(reads: PullRequestReads, ref: PullRequestRef, facts: PullRequestFacts): Promise<PullRequestFacts> {
  const shas = facts.diffUnchangedFromCache ?? [];
  if (!shas.length) return facts;
  const fresh = await diffUnchangedSince(reads, ref, facts.baseRef, shas, facts.files);
  const { diffUnchangedFromCache: _, ...rest } = facts;
  return { ...rest, diffUnchangedSince: { ...facts.diffUnchangedSince, ...fresh } };
}

/**
 * A PR as a list read in this turn gave it (a commit's PRs, the open PRs): as current as pulls.get,
 * but without the file and commit counts, so the lists read with it cannot be shown whole. The
 * decision it gives may stand only when it is not a success (readAndDecide reads pulls.get before one).
 */
export function listedPullRequest(data: unknown, ref: PullRequestRef): RestPullRequest | undefined {
  const pr = checked<RestPullRequest>(listedPullRequestAnswer, data, `the listed PR #${ref.number}`);
  return pr.number === ref.number && pr.state === "open" ? pr : undefined;
}

/** Whether the PR came with its counts (pulls.get), so that what was listed can be checked against them. */
export const hasCounts = (pr: RestPullRequest) => typeof pr.changed_files === "number" && typeof pr.commits === "number";

/**
 * A PR's whole change as one comparable string, or null when it cannot be told whole. Per file: both
 * names, the status, the line counts and the full patch, hunk headers included: where each hunk sits
 * and the function GitHub names after `@@` are part of what a reviewer approved (the same edit in
 * another block with the same context lines is another change). A file listed without a patch
 * (binary, too large) is known only by its blob sha; without one it cannot be shown unchanged.
 */
export function changeFingerprint(
  files: readonly Pick<FileFacts, "filename" | "status" | "patch" | "previousFilename" | "sha" | "additions" | "deletions">[],
): string | null {
  const entries: string[] = [];
  for (const f of files) {
    if (f.patch === undefined && !f.sha) return null;
    // JSON keeps the fields apart whatever a file name or patch contains.
    entries.push(
      JSON.stringify([f.previousFilename ?? null, f.filename, f.status, f.additions, f.deletions, f.patch ?? null, f.patch === undefined ? f.sha : null]),
    );
  }
  return entries.sort().join("\n");
}

/** GitHub's compare lists at most 300 files; above that equality cannot be shown, so it is not assumed. */
const COMPARE_FILE_LIMIT = 300;

/**
 * The change a PR showed at each head this process read its files at (a digest of its fingerprint),
 * by PR, head and base branch. When an approval of an earlier head asks whether the change is the
 * same, the copy stands in for the compare, but only for a decision that is not a success (the
 * gate compares afresh before one, see withFreshDiffChecks): the base may have moved since.
 */
const changeAtHeadKept = cacheSlot(() => new LRUCache<string, string>({ max: 20_000 }));
const changeKey = (ref: PullRequestRef, head: string, baseRef: string) => `${ref.owner}/${ref.repo}#${ref.number}@${head}:${baseRef}`.toLowerCase();
const digest = (fingerprint: string) => createHash("sha256").update(fingerprint).digest("hex");

async function diffUnchangedSince(
  reads: PullRequestReads,
  ref: PullRequestRef,
  baseRef: string,
  shas: readonly string[],
  headFiles: readonly FileFacts[],
  fromCache?: string[],
): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  const headChange = changeFingerprint(headFiles);
  const changeAtHead = cachesOf(reads).of(changeAtHeadKept);
  for (const sha of shas) {
    if (headChange === null) {
      result[sha] = false;
      continue;
    }
    const known = fromCache ? changeAtHead.get(changeKey(ref, sha, baseRef)) : undefined;
    if (known !== undefined && fromCache) {
      result[sha] = known === digest(headChange);
      fromCache.push(sha);
      continue;
    }
    const compared = await reads.compare(ref, `${baseRef}...${sha}`);
    // null: the old commit is gone (force push and gc): then the approval cannot be carried.
    const files = compared?.files.map(fileFromRest);
    result[sha] = !!files && files.length < COMPARE_FILE_LIMIT && changeFingerprint(files) === headChange;
  }
  return result;
}

/**
 * The issues the body says this PR closes, with their assignees. A missing issue (404) or disabled
 * issues (410) close nothing; any other failure throws: an unread assignee could be a steering human.
 */
async function closingIssues(reads: PullRequestReads, ref: PullRequestRef, body: string): Promise<ClosingIssueFacts[]> {
  const out: ClosingIssueFacts[] = [];
  for (const n of closingIssueNumbers(body, ref.owner, ref.repo)) {
    if (n === ref.number) continue;
    const issue = await reads.issue(ref, n);
    if (issue) out.push({ number: n, assignees: assigneesFromRest(issue.assignees) });
  }
  return out;
}

/** Lists started beside the PR read: one round trip less (see startEarlyReads). */
export interface EarlyReads {
  reviews: Promise<RestReview[]>;
  /** Only when the event makes them likely to matter (a review): they cost a request otherwise saved. */
  events?: Promise<RestIssueEvent[]>;
  /** Only for the base and head the webhook named, and to be used only if the PR read names them too. */
  change?: Promise<Compared | null>;
}

/** Where the early compare was started: the PR read must name the same. */
export interface EarlyChangeFor {
  baseRef: string;
  headSha: string;
}

/**
 * Start the reviews (and, with `events`, the issue events) of a PR before the PR itself is read.
 * Neither list depends on the head: read a moment before the PR, they are as current as read after
 * it (anything that happens later arrives as its own webhook, judged after this one).
 *
 * With `changeFor`, the compare of the PR's change (its commits and files) is started too. It
 * follows the base and the head, so it is used only when the PR read then names the base and head
 * the webhook named; otherwise it is read again after the PR. Lists and the PR read at nearly the
 * same moment can still straddle a push, as lists read just after the PR can: that push sends its
 * own webhook, judged after this one.
 */
export function startEarlyReads(reads: PullRequestReads, ref: PullRequestRef, opts: { events: boolean; changeFor?: EarlyChangeFor }): EarlyReads & { changeFor?: EarlyChangeFor } {
  const started: EarlyReads & { changeFor?: EarlyChangeFor } = { reviews: reads.reviews(ref) };
  if (opts.events) started.events = reads.issueEvents(ref);
  if (opts.changeFor) {
    started.changeFor = opts.changeFor;
    started.change = reads.compare(ref, basehead(opts.changeFor.baseRef, opts.changeFor.headSha));
  }
  // Met where they are used; unused when the PR read fails first.
  for (const p of [started.reviews, started.events, started.change]) p?.catch(() => undefined);
  return started;
}

/** The early reads a PR read allows: the compare only for the base and head it was started for. */
export function earlyReadsFor(early: EarlyReads & { changeFor?: EarlyChangeFor }, pr: Pick<RestPullRequest, "base" | "head">): EarlyReads {
  const { changeFor, change, ...rest } = early;
  const same = changeFor !== undefined && changeFor.headSha.toLowerCase() === pr.head.sha.toLowerCase() && changeFor.baseRef === pr.base.ref;
  return same && change ? { ...rest, change } : rest;
}

const basehead = (baseRef: string, headSha: string) => `${baseRef}...${headSha}`;

/** Commits compare shows on its one page. */
const COMPARE_PAGE = 100;

interface ChangeLimits {
  maxCommits: number;
  maxFiles: number;
}

/**
 * Whether one compare may stand in for the PR's own lists of commits and files (2 requests or more):
 * only when it can show the change whole (all its commits on the page, fewer files than GitHub's
 * limit, within the policy's limits), it ends at the PR's head, and, when the PR came with its
 * counts, it lists exactly as many commits and files as the PR counts. A compare of the base branch
 * by name can be shadowed by a tag of the same name, which moves the merge base: the commits that
 * then drop out of the compare are still the PR's, so its count falls short of the PR's and the
 * lists are read. A PR without counts (a list's copy) is read whole before any success.
 */
export function compareShowsChange(compared: Compared | null, pr: RestPullRequest, limits: ChangeLimits): compared is Compared {
  if (!compared) return false;
  const { totalCommits, commits, files } = compared;
  if (totalCommits === 0 || commits.length !== totalCommits || totalCommits > Math.min(COMPARE_PAGE, limits.maxCommits)) return false;
  if (files.length >= COMPARE_FILE_LIMIT || files.length > limits.maxFiles) return false;
  if (commits[commits.length - 1]?.sha?.toLowerCase() !== pr.head.sha.toLowerCase()) return false;
  return !hasCounts(pr) || (pr.commits === totalCommits && pr.changed_files === files.length);
}

/** Whether the PR's counts already say one compare cannot show its change whole (then it is not asked). */
const tooLargeToCompare = (pr: RestPullRequest, limits: ChangeLimits) =>
  hasCounts(pr) && ((pr.commits ?? 0) > Math.min(COMPARE_PAGE, limits.maxCommits) || (pr.changed_files ?? 0) >= COMPARE_FILE_LIMIT || (pr.changed_files ?? 0) > limits.maxFiles);

/**
 * The PR's commits and files from one compare of `base...head` when it shows them whole (see
 * compareShowsChange), else from the PR's own lists, as far as the limits when the PR has no counts.
 * A compare that fails or does not agree costs its request and changes nothing else.
 */
async function readChange(
  reads: PullRequestReads,
  ref: PullRequestRef,
  pr: RestPullRequest,
  limits: ChangeLimits & { readFiles: boolean },
  early?: Promise<Compared | null>,
): Promise<{ commits: RestCommit[]; files: RestFile[] }> {
  if (limits.readFiles && !tooLargeToCompare(pr, limits)) {
    const compared = await (early ?? reads.compare(ref, basehead(pr.base.ref, pr.head.sha))).catch(() => null);
    if (compareShowsChange(compared, pr, limits)) return { commits: compared.commits, files: compared.files };
  }
  const counted = hasCounts(pr);
  const [commits, files] = await Promise.all([
    reads.commits(ref, counted ? undefined : limits.maxCommits),
    limits.readFiles ? reads.files(ref, counted ? undefined : limits.maxFiles) : Promise.resolve([]),
  ]);
  return { commits, files };
}

/**
 * Gather every fact about one pull request, fresh. Truncation or unreadable parts are recorded in
 * `incomplete` (the core then refuses to pass); API errors after the retries (github/retry.ts) are thrown.
 */
export async function gatherFacts(
  reads: PullRequestReads,
  ref: PullRequestRef,
  policy: Policy,
  /** The PR as just read with pulls.get, to save a request; never a webhook's possibly stale copy. */
  freshPullRequest?: RestPullRequest,
  opts: ReadOptions = {},
): Promise<PullRequestFacts> {
  const { owner, repo } = ref;
  const pr = freshPullRequest ?? (await reads.pullRequest(ref));
  const signals = pullRequestSignalsFromRest(pr);
  const incomplete: string[] = [];

  const maxFiles = Math.min(policy.limits.max_files, GITHUB_MAX_FILES);
  const maxCommits = Math.min(policy.limits.max_commits, GITHUB_MAX_COMMITS);
  if (signals.changedFiles > maxFiles) {
    incomplete.push(`the pull request changes ${signals.changedFiles} files; agentgate reads at most ${maxFiles}`);
  }
  if (signals.commitCount > maxCommits) {
    incomplete.push(`the pull request has ${signals.commitCount} commits; agentgate reads at most ${maxCommits}`);
  }

  // A PR from a list has no counts: its lists are read only as far as the limits, and a list past
  // one is what a count past it would be.
  const counted = hasCounts(pr);
  const [{ commits: restCommits, files: restFiles }, restReviews] = await Promise.all([
    readChange(reads, ref, pr, { maxCommits, maxFiles, readFiles: signals.changedFiles <= maxFiles }, opts.early?.change),
    opts.early?.reviews ?? reads.reviews(ref),
  ]);
  if (!counted && restFiles.length > maxFiles) incomplete.push(`the pull request changes more than ${maxFiles} files; agentgate reads at most ${maxFiles}`);
  if (!counted && restCommits.length > maxCommits) incomplete.push(`the pull request has more than ${maxCommits} commits; agentgate reads at most ${maxCommits}`);
  const commits = restCommits.map(commitFromRest);
  const files = restFiles.map(fileFromRest);
  const detector = detectorFor(policy);
  const [linkedEmails, closing] = await Promise.all([
    needsLinking(commits, (who) => isMachineIdentity(who, who.role, detector)) ? linkCommitEmails(reads, ref) : Promise.resolve({}),
    closingIssues(reads, ref, signals.body),
  ]);
  const reviews: ReviewFacts[] = restReviews.map(reviewFromRest);
  if (opts.expectReviewId !== undefined && !reviews.some((r) => r.id === opts.expectReviewId)) {
    incomplete.push(`GitHub's list of reviews lacks review ${opts.expectReviewId}, which this event is about; the list may be cut short`);
  }

  if (signals.changedFiles <= maxFiles && files.length < signals.changedFiles) {
    incomplete.push(`GitHub listed ${files.length} of the ${signals.changedFiles} changed files`);
  }
  if (signals.commitCount <= maxCommits && commits.length < signals.commitCount) {
    incomplete.push(`GitHub listed ${commits.length} of the ${signals.commitCount} commits`);
  }

  // Issue events matter only when a review could count or was dismissed: read them then, and only then.
  const latest = [...latestDecisiveReviews(reviews).values()];
  const eventsMatter = latest.some((r) => r.state === "DISMISSED" || (r.state === "APPROVED" && r.user.type !== "Bot"));
  const { baseChangedAt, dismissals } = eventsMatter
    ? pullRequestEventsFromRest(await (opts.early?.events ?? reads.issueEvents(ref)))
    : { baseChangedAt: [], dismissals: [] };

  // Whose permission matters: humans whose latest review decides (bots are ignored without a lookup),
  // and the humans who dismissed such a review (only someone who could approve lifts a change request).
  const dismissedLatest = new Set(latest.filter((r) => r.state === "DISMISSED").map((r) => r.id));
  const humans = new Set<string>();
  for (const r of latest) if (r.user.type !== "Bot") humans.add(r.user.login);
  for (const d of dismissals) if (dismissedLatest.has(d.reviewId) && d.by && d.by.type !== "Bot") humans.add(d.by.login);
  const teams = teamsNamedIn(policy);
  const reviewers: Record<string, ReviewerFacts> = {};
  for (const login of humans) {
    if (reviewers[login.toLowerCase()]) continue;
    reviewers[login.toLowerCase()] = await reviewerFacts(reads, ref, teams, login, opts);
  }

  // An approval from before the latest base change is not carried (see approvals.ts): no compare for it.
  const staleShas = [
    ...new Set(
      reviews
        .filter((r) => r.state === "APPROVED" && r.commitId && r.commitId !== signals.headSha)
        .filter((r) => baseChangedSince(r, baseChangedAt) === undefined)
        .map((r) => r.commitId as string),
    ),
  ];
  // What this head shows, for a later head's question whether an approval of this one carries.
  const headChange = restFiles.length < COMPARE_FILE_LIMIT && !incomplete.length ? changeFingerprint(files) : null;
  if (headChange !== null) cachesOf(reads).of(changeAtHeadKept).set(changeKey(ref, signals.headSha, signals.baseRef), digest(headChange));
  const diffUnchangedFromCache: string[] = [];
  const unchanged =
    policy.approvals.keep_on_identical_diff && staleShas.length && !incomplete.length
      ? await diffUnchangedSince(reads, ref, signals.baseRef, staleShas, files, opts.fresh ? undefined : diffUnchangedFromCache)
      : {};

  await fillContext(files, policy.infra, async (path, side) => {
    const sha = side === "base" ? signals.baseSha : signals.headSha;
    try {
      const got = await readRepoFile(reads, owner, repo, path, sha);
      return got?.text ?? null;
    } catch (e) {
      // A rule needs this file whole and it cannot be had: the decision cannot be made.
      if (!(e instanceof FileTooLargeError)) throw e;
      incomplete.push(`${e.message} (at the ${side}, ${sha.slice(0, 7)}), and a rule needs it whole`);
      return null;
    }
  });

  // Only the built-in protected paths use them.
  const localActions = policy.protect_defaults ? await localActionDirs(reads, ref, signals.baseSha, incomplete) : undefined;

  return {
    ...signals,
    commits,
    files,
    reviews,
    reviewers,
    baseChangedAt,
    dismissals,
    diffUnchangedSince: unchanged,
    ...(diffUnchangedFromCache.length ? { diffUnchangedFromCache } : {}),
    closingIssues: closing,
    linkedEmails,
    incomplete,
    ...(localActions ? { localActionDirs: localActions } : {}),
  };
}
