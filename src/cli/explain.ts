/**
 * `agentgate explain`: the App's own steps for one live pull request (policy from the base branch,
 * fresh facts, decide), and nothing published. GitHub's refusals become one clear line.
 */
import { Octokit } from "@octokit/rest";
import type { PullRequestRef } from "../facts/github.js";
import { githubReadSource, readAndDecide } from "../gate.js";
import type { PullRequestFacts } from "../facts/types.js";
import type { Decision } from "../policy/types.js";
import { UserError, firstLine } from "./errors.js";

/** `owner/repo#12`, or a pull request's web address (`…/owner/repo/pull/12`). */
export function parsePullRequestRef(text: string): PullRequestRef {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)#(\d+)$/.exec(text.trim()) ?? /\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/pull\/(\d+)\/?$/.exec(text.trim());
  if (!m || Number(m[3]) < 1) throw new UserError(`"${text}" is not a pull request: write OWNER/REPO#NUMBER`);
  return { owner: m[1]!, repo: m[2]!, number: Number(m[3]) };
}

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** What a failed request means for the user, in one line. */
export function explainApiError(e: unknown, ref: PullRequestRef, apiUrl: string | undefined): UserError {
  const pr = `${ref.owner}/${ref.repo}#${ref.number}`;
  // Octokit reports a connection failure as status 500 without a response.
  const answered = typeof e === "object" && e !== null && (e as { response?: unknown }).response !== undefined;
  if (!answered) {
    // The useful part ("connect ECONNREFUSED ...") is the innermost cause of "fetch failed".
    let root: unknown = e;
    while (typeof root === "object" && root !== null && (root as { cause?: unknown }).cause) root = (root as { cause: unknown }).cause;
    return new UserError(`cannot reach ${apiUrl ?? "the GitHub API"}: ${firstLine(root)}`);
  }
  switch (statusOf(e)) {
    case 401:
      return new UserError(`GitHub refused the token (401): check GITHUB_TOKEN / GH_TOKEN`);
    case 403:
      return new UserError(`GitHub refused access to ${pr} (403): ${firstLine(e)}`);
    case 404:
      return new UserError(`${pr} not found, or the token cannot see it (404)`);
    default:
      return new UserError(`GitHub answered ${statusOf(e) ?? "an error"} for ${pr}: ${firstLine(e)}`);
  }
}

export interface ExplainOptions {
  token?: string;
  apiUrl?: string;
}

export async function explainPullRequest(ref: PullRequestRef, opts: ExplainOptions): Promise<{ decision: Decision; facts: PullRequestFacts }> {
  const gh = new Octokit({
    ...(opts.token ? { auth: opts.token } : {}),
    ...(opts.apiUrl ? { baseUrl: opts.apiUrl.replace(/\/+$/, "") } : {}),
    userAgent: "agentgate-cli",
    // Octokit logs failed requests itself; the CLI prints its own one line.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  try {
    // The App's own steps, read-only.
    const { decision, facts } = await readAndDecide(githubReadSource(gh), ref);
    return { decision, facts };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw explainApiError(e, ref, opts.apiUrl);
  }
}
