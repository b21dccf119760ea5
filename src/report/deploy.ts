/**
 * The deploy gate's sentences: the callback's comment GitHub shows on the workflow run, the
 * deployment record's title, and the words for each problem and commit outcome the judgment
 * (src/deploy/judge.ts) holds as data. Pure. Bounded, and never quotes file contents.
 */
import { formatProblem } from "../config/parse.js";
import type { DeployProblem, DeploymentJudgment, RejectedOutcome } from "../deploy/judge.js";

export const DEPLOY_COMMENT_MAX = 1024;

const short = (sha: string) => sha.slice(0, 7);
const branchName = (b: string) => b || "the branch";

/** One reason the deployment is rejected besides its commits. */
export function deployProblemText(p: DeployProblem): string {
  switch (p.code) {
    case "policy-unusable":
      return `the policy on ${p.branch} cannot be used: ${formatProblem(p.problem)}`;
    case "read-failed":
      return `could not read what the deployment brings: ${p.cause}`;
    case "too-many-commits":
      return `the deployment brings ${p.count ?? `more than ${p.max}`} commits${p.since ? ` since ${short(p.since)}` : " (no deployment agentgate approved before)"}; agentgate judges at most ${p.max} (environments[].max_commits, or environments[].since to start later)`;
    case "range-cut-short":
      return `GitHub listed ${p.listed} of the ${p.total} commits since ${short(p.since)}`;
    case "agent-deployer":
      return `@${p.login} is an agent, and the policy does not let agents deploy to ${p.environment}`;
  }
}

/** How a rejected commit reached the branch, as one clause. */
export function outcomeText(o: RejectedOutcome): string {
  switch (o.kind) {
    case "direct-push":
      return o.elsewhere
        ? `merged in #${o.elsewhere.pr} into ${o.elsewhere.base || "another branch"}, not through a pull request into ${o.bases.map(branchName).join(" or ")}`
        : `pushed straight to ${branchName(o.branch)}: no merged pull request brought it`;
    case "merged-not-passing":
      return o.judged ? `merged in #${o.pr} while agentgate said ${o.shown}` : `merged in #${o.pr}, which agentgate never judged`;
    case "unread":
      return `could not tell how it reached ${branchName(o.branch)}: ${o.cause ?? "it was not looked up"}`;
  }
}

/** The line after a rejection that names a bypass: how it stops being rejected. */
export const BYPASS_WAY_OUT =
  "A bypass stays rejected until a person the policy names (bypasses.accept_by) accepts it on its `agentgate bypass` check run; then deploy again.";

/** The callback's comment. */
export function deploymentComment(j: DeploymentJudgment): string {
  const range = !j.since
    ? `${j.commitCount} commit(s) (no deployment agentgate approved before)`
    : j.sinceFrom === "policy"
      ? `${j.commitCount} commit(s) since ${short(j.since)} (the policy's \`since\`)`
      : `${j.commitCount} commit(s) since the last successful deployment (${short(j.since)})`;
  if (j.state === "approved") {
    const prs = [...new Set(j.passedCommits.map((p) => p.pr))].sort((a, b) => a - b);
    const accepted = j.acceptedCommits ?? [];
    const agentLine = prs.length
      ? `${j.passedCommits.length} agent-written, each through a pull request agentgate passed (${prs.map((n) => `#${n}`).join(", ")})`
      : accepted.length
        ? ""
        : "none agent-written";
    const acceptedLine = accepted.length
      ? `${accepted.length} accepted after a bypass (${accepted.map((a) => `${short(a.sha)} by @${a.by}`).join(", ")})`
      : "";
    return cut(`agentgate approved the deployment to ${j.environment}: ${range}, ${[agentLine, acceptedLine].filter(Boolean).join("; ")}.`);
  }
  const lines = [`agentgate rejected the deployment to ${j.environment}:`];
  for (const p of j.problems) lines.push(`- ${deployProblemText(p)}`);
  for (const c of j.rejectedCommits) {
    const who = c.agents.length ? ` (${c.agents.join(", ")})` : "";
    lines.push(`- ${short(c.sha)}${who}: ${outcomeText(c.outcome)}`);
  }
  if (j.rejectedCommits.length) lines.push(BYPASS_WAY_OUT);
  return cutLines(lines);
}

/** The title of agentgate's record of an approved deployment. */
export function deploymentRecordTitle(environment: string): string {
  return `Deployment to ${environment} approved`.slice(0, 255);
}

function cut(s: string): string {
  return [...s].length <= DEPLOY_COMMENT_MAX ? s : `${[...s].slice(0, DEPLOY_COMMENT_MAX - 1).join("")}…`;
}

/** Whole lines while they fit, then how many were left out. */
function cutLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const rest = lines.length - i;
    const candidate = [...out, lines[i]!].join("\n");
    const tail = rest > 1 ? `\n…and ${rest - 1} more` : "";
    if ([...candidate].length + tail.length > DEPLOY_COMMENT_MAX) {
      return cut(`${out.join("\n")}\n…and ${rest} more`);
    }
    out.push(lines[i]!);
  }
  return out.join("\n");
}
