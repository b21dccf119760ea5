/**
 * Publishing a Decision: one commit status and one check run on a SHA. Writes are rate-limited by
 * GitHub (and by Probot to one a second), so an unchanged result is not re-posted.
 */
import type { Octokit } from "@octokit/rest";
import type { PublishedStatuses } from "./runtime/published.js";
import type { Decision } from "./policy/types.js";
import { truncate, STATUS_DESCRIPTION_LIMIT } from "./report/headline.js";
import { forgetOwnCheckRuns, ownCheckRunsMaybeKnown, rememberOwnCheckRun, type OwnCheckRun } from "./facts/memory.js";
import { octokitReads } from "./github/reads.js";
import { checkRunNeeded, memoryTextFor } from "./memory/publish.js";
import type { PublishMode } from "./config/schema.js";
import { encodeResult, resultRecordOf } from "./memory/result.js";
import { appVersion } from "./version.js";
import { ANNOTATIONS_PER_REQUEST, annotationsOf, checkRunStatusOf, renderSummary } from "./report/markdown.js";

/** Who agentgate is on GitHub: its app id (check runs) and its bot login (statuses). */
export interface AppIdentity {
  appId: number;
  botLogin: string;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PublishOptions {
  /** Stored on the check run so a re-run can find the PRs even for forks (empty pull_requests). */
  externalId: string;
  /** After check_run.rerequested GitHub expects a new run, not an update of the old one. */
  newCheckRun?: boolean;
  detailsUrl?: string;
  /**
   * The policy's `publish`: `check_run` writes no status (but see retractSuccessStatus); `status`
   * writes the check run only where it is needed (see checkRunWhereNeeded). Default both.
   */
  publish?: PublishMode;
}

export interface PublishResult {
  /** `skipped`: the policy publishes the check run alone and no success status of ours needed overwriting. */
  status: "posted" | "unchanged" | "skipped";
  /** `skipped`: the policy publishes the status, and the commit needs no check run (see checkRunNeeded). */
  checkRun: "created" | "updated" | "unchanged" | "skipped";
}

/**
 * The status agentgate last posted, per commit and context (src/runtime/published.ts; shared by
 * replicas through Redis). Posting the same again would change nothing, and reading the list to find
 * that out costs a request: so an unchanged result costs no request, and a changed one only the
 * write. A status someone else posts arrives as a `status` webhook, which forgets the entry, so the
 * next publish reads the list again. Without a memory (the CLI), the list is always read.
 */
export const publishedKey = (where: RepoRef, sha: string, context: string) => `${where.owner}/${where.repo}`.toLowerCase() + `@${sha}#${context}`;

/**
 * Whether agentgate's check-run read before deciding found no run of its own under this name on this
 * commit: then it never published here (the status goes out with the run), so reading the statuses
 * to spare an identical write would almost always cost a read and then the write anyway. Posting
 * without the read is never wrong: it is the current decision.
 */
function neverPublishedHere(sha: string, d: Decision): boolean {
  const prior = d.memory?.previous;
  return prior?.sha === sha && prior.checkName === d.checkName && prior.run === null;
}

/**
 * `statusOnly`: under `publish: status` a commit without agentgate's run may well have its status
 * (a PR with nothing to remember gets none), so there the absence of a run says nothing, and the
 * list is read when the memory does not know. A decision that needs its run (a memory to keep)
 * gets both writes together, as under `both`: a commit without a run then almost never holds
 * agentgate's status (only one judged before with nothing to remember), and the worst case is one
 * identical status posted again.
 */
export async function publishStatus(gh: Octokit, where: RepoRef, sha: string, d: Decision, self: AppIdentity, memory?: PublishedStatuses, statusOnly = false) {
  const description = truncate(d.headline, STATUS_DESCRIPTION_LIMIT);
  const key = publishedKey(where, sha, d.checkName);
  const wanted = `${d.state}\0${description}`;
  const remembered = memory ? await memory.get(key) : undefined;
  if (remembered === wanted) return "unchanged" as const;
  const write = async () => {
    await gh.rest.repos.createCommitStatus({ ...where, sha, state: d.state, context: d.checkName, description });
    await memory?.set(key, wanted);
  };
  // Forgotten before the write: if remembering it fails afterwards, the entry is unknown, not stale.
  const post = () => (memory ? forgetBeforeWriting(memory, key, d.state, write) : write());
  if (remembered !== undefined || ((!statusOnly || checkRunNeeded(d, false)) && neverPublishedHere(sha, d))) {
    await post();
    return "posted" as const;
  }
  const { data: existing } = await gh.rest.repos.listCommitStatusesForRef({ ...where, ref: sha, per_page: 100 });
  // GitHub lists newest first: the first one on our context is what branch protection sees.
  const current = existing.find((s) => s.context === d.checkName);
  if (
    current &&
    current.state === d.state &&
    current.description === description &&
    current.creator?.login?.toLowerCase() === self.botLogin.toLowerCase()
  ) {
    await memory?.set(key, wanted);
    return "unchanged" as const;
  }
  await post();
  return "posted" as const;
}

/**
 * A memory that cannot forget (Redis gone mid-turn) may keep an entry that a later, equal result
 * would trust while GitHub shows something else. A stricter result is still written (GitHub then
 * shows no more than the truth), a success is not; either way the delivery fails, so GitHub marks it
 * failed and the catch-up brings it back once the memory answers again.
 */
async function forgetBeforeWriting(memory: PublishedStatuses, key: string, state: Decision["state"], write: () => Promise<void>) {
  try {
    await memory.forget(key);
  } catch (e) {
    if (state !== "success") await write();
    throw new PublishedMemoryError(`the published-status memory could not forget ${key}: ${e instanceof Error ? e.message : String(e)}`);
  }
  await write();
}

export class PublishedMemoryError extends Error {
  override name = "PublishedMemoryError";
}

/** The PR numbers an external id names (`12` or `12,14`). */
export function prsOf(externalId: string): number[] {
  return externalId.split(",").map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
}

export async function publishCheckRun(gh: Octokit, where: RepoRef, sha: string, d: Decision, self: AppIdentity, opts: PublishOptions) {
  return (await writeCheckRun(gh, where, sha, d, self, opts)).outcome;
}

/** agentgate's run of the decision's name on this commit, and whether it was read before deciding. */
interface CurrentRun {
  run: OwnCheckRun | undefined;
  readBeforeDeciding: boolean;
}

async function currentRunOf(gh: Octokit, where: RepoRef, sha: string, d: Decision, self: AppIdentity): Promise<CurrentRun> {
  // The run on this head was read before deciding (with the memory, src/facts/memory.ts); read it
  // here only when that did not happen, also for a re-run: its memory must be carried forward.
  const prior = d.memory?.previous?.sha === sha && d.memory.previous.checkName === d.checkName ? d.memory.previous : undefined;
  if (prior) return { run: prior.run ?? undefined, readBeforeDeciding: true };
  const { runs } = await ownCheckRunsMaybeKnown(octokitReads(gh), where, sha, self.appId, false);
  return { run: runs.find((r) => r.name === d.checkName), readBeforeDeciding: false };
}

/** Publish the check run; also says what the run it replaced concluded (undefined: there was none). */
async function writeCheckRun(
  gh: Octokit,
  where: RepoRef,
  sha: string,
  d: Decision,
  self: AppIdentity,
  opts: PublishOptions,
  known?: CurrentRun,
): Promise<{ outcome: PublishResult["checkRun"]; replaced: OwnCheckRun | undefined }> {
  const title = d.headline;
  const summary = renderSummary(d);
  const { status, conclusion } = checkRunStatusOf(d.state);
  const annotations = annotationsOf(d);

  const { run: current, readBeforeDeciding } = known ?? (await currentRunOf(gh, where, sha, d, self));
  // The text also carries the result (src/memory/result.ts), so an audit can rebuild it from GitHub.
  const text = memoryTextFor(current?.output.text, d, readBeforeDeciding, encodeResult(resultRecordOf(d, prsOf(opts.externalId), appVersion())));
  if (
    !opts.newCheckRun &&
    current &&
    current.status === status &&
    (current.conclusion ?? undefined) === conclusion &&
    current.output.title === title &&
    current.output.summary === summary &&
    (current.output.text ?? null) === text
  ) {
    return { outcome: "unchanged", replaced: current };
  }
  // `text` holds agentgate's memory and result records (src/memory/); it is sent with every update.
  const withText = text !== null ? { text } : {};
  const output = { title, summary, ...withText, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) };
  const common = {
    ...where,
    name: d.checkName,
    external_id: opts.externalId,
    status,
    ...(conclusion ? { conclusion, completed_at: new Date().toISOString() } : {}),
    ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
  };
  let id: number;
  let outcome: "created" | "updated";
  try {
    if (current && !opts.newCheckRun) {
      await gh.rest.checks.update({ ...common, check_run_id: current.id, output });
      id = current.id;
      outcome = "updated";
    } else {
      const { data } = await gh.rest.checks.create({ ...common, head_sha: sha, output });
      id = data.id;
      outcome = "created";
    }
    // GitHub takes 50 annotations a request and appends further batches to the run.
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await gh.rest.checks.update({
        ...where,
        check_run_id: id,
        output: { title, summary, ...withText, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
      });
    }
  } catch (e) {
    // A write that failed may still have landed: what this process knows of the commit is unsure.
    forgetOwnCheckRuns(gh, where, sha);
    throw e;
  }
  rememberOwnCheckRun(gh, where, sha, self.appId, { id, name: d.checkName, status, conclusion: conclusion ?? null, output: { title, summary, text } });
  return { outcome, replaced: current };
}

/**
 * With `publish: check_run` agentgate writes no status, but one it wrote earlier on this commit
 * (under `publish: both` or `status`, or restoring a success someone had overwritten,
 * handlers/status.ts) would still say success after the decision stops being one. Branch
 * protection that still requires the context from any source would then pass the commit.
 *
 * The status list is read, and a success on the context overwritten with the new state, unless the
 * commit is known to hold no success of agentgate's there: the run being replaced was not a success
 * (under `both` the status goes out with the run), or the published-status memory says what was
 * last posted, or that a read found no success. Without a run, an unknown commit is read once: under
 * `publish: status` a success had no run beside it, and a memory lost to a restart or eviction must
 * not be the reason a success stands. What the read found is remembered, so the commit's next
 * evaluations cost nothing.
 */
const NO_SUCCESS_SEEN = "no-success-seen\0";

async function retractSuccessStatus(
  gh: Octokit,
  where: RepoRef,
  sha: string,
  d: Decision,
  replaced: OwnCheckRun | undefined,
  memory?: PublishedStatuses,
): Promise<PublishResult["status"]> {
  if (d.state === "success") return "skipped";
  const key = publishedKey(where, sha, d.checkName);
  const remembered = memory ? await memory.get(key) : undefined;
  const wasSuccess = replaced?.status === "completed" && replaced.conclusion === "success";
  const unknown = replaced === undefined && remembered === undefined;
  if (!wasSuccess && !unknown && !remembered?.startsWith("success\0")) return "skipped";
  const description = truncate(d.headline, STATUS_DESCRIPTION_LIMIT);
  const { data: existing } = await gh.rest.repos.listCommitStatusesForRef({ ...where, ref: sha, per_page: 100 });
  const current = existing.find((s) => s.context === d.checkName);
  if (current?.state !== "success") {
    // Someone else's later success arrives as a `status` webhook, which forgets this entry.
    await memory?.set(key, NO_SUCCESS_SEEN);
    return "skipped";
  }
  const write = async () => {
    await gh.rest.repos.createCommitStatus({ ...where, sha, state: d.state, context: d.checkName, description });
    await memory?.set(key, `${d.state}\0${description}`);
  };
  await (memory ? forgetBeforeWriting(memory, key, d.state, write) : write());
  return "posted";
}

/**
 * `publish: status`: the check run only where it is needed (checkRunNeeded): a run of agentgate's is
 * on the commit already (it must not show a stale verdict, say success after a switch from `both`,
 * or lose its record), or the decision has a memory record to keep. A human PR with nothing to
 * remember then costs one write per changed decision. Whether there is a run is known from the read
 * before deciding; without one (an error that read nothing), it is read here.
 */
async function checkRunWhereNeeded(gh: Octokit, where: RepoRef, sha: string, d: Decision, self: AppIdentity, opts: PublishOptions): Promise<PublishResult["checkRun"]> {
  const known = await currentRunOf(gh, where, sha, d, self);
  if (!checkRunNeeded(d, known.run !== undefined)) return "skipped";
  return (await writeCheckRun(gh, where, sha, d, self, opts, known)).outcome;
}

export async function publishDecision(
  gh: Octokit,
  where: RepoRef,
  sha: string,
  decision: Decision,
  self: AppIdentity,
  opts: PublishOptions,
  memory?: PublishedStatuses,
): Promise<PublishResult> {
  if (opts.publish === "check_run") {
    const { outcome, replaced } = await writeCheckRun(gh, where, sha, decision, self, opts);
    return { status: await retractSuccessStatus(gh, where, sha, decision, replaced, memory), checkRun: outcome };
  }
  const statusOnly = opts.publish === "status";
  // The two writes are independent: sent together, they cost one round trip. Both are always
  // attempted; the first failure is thrown once both have ended.
  const [status, checkRun] = await Promise.allSettled([
    publishStatus(gh, where, sha, decision, self, memory, statusOnly),
    statusOnly ? checkRunWhereNeeded(gh, where, sha, decision, self, opts) : publishCheckRun(gh, where, sha, decision, self, opts),
  ]);
  if (status.status === "rejected") throw status.reason;
  if (checkRun.status === "rejected") throw checkRun.reason;
  return { status: status.value, checkRun: checkRun.value };
}
