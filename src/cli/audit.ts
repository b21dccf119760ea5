/**
 * `agentgate audit OWNER/REPO --since DATE`: from GitHub alone, every pull request merged since DATE
 * with what agentgate said about it at merge (the result record its check run keeps on the head, see
 * src/memory/result.ts), and every bypass (agentgate's `agentgate bypass` check runs on the default
 * branch's commits). Read-only; survives the App: nothing here needs agentgate to be running.
 *
 * Only agentgate's own check runs are read (by app id): anyone else's run, whatever its name or text,
 * is not agentgate's word. Where agentgate wrote no run (`publish: status`, a PR it had nothing to
 * remember about), its own status on the head is its word, when the App's slug names its bot: only
 * that bot can post as itself. A merged agent PR with no result of agentgate's is "not judged".
 *
 * GitHub requests: 1 (the repository) + the policy on the default branch (1-4) + ceil(closed PRs
 * updated since DATE / 100) + 1 per merged PR (its head's check runs) + 1 per merged PR with no
 * result (its commits, to tell whether agents wrote it; with the App's slug and no run of its own,
 * its head's statuses) + ceil(default-branch commits since DATE / 100) + 1 per such commit (its
 * check runs).
 */
import type { Octokit } from "@octokit/rest";
import { BYPASS_CHECK_NAME, decodeBypass, type BypassRecord } from "../bypass/record.js";
import { loadPolicy } from "../config/load.js";
import { defaultPolicy } from "../config/schema.js";
import { detectorFor } from "../decide.js";
import { detectAgents } from "../detect/detect.js";
import { githubPolicyReader } from "../facts/github.js";
import { ownStatuses } from "../facts/statuses.js";
import { GATE_STATES, type GateState } from "../policy/types.js";
import { commitFromRest } from "../facts/rest.js";
import { decodeCheckText, type CheckText } from "../memory/record.js";
import type { ResultRecord } from "../memory/result.js";
import { UserError } from "./errors.js";

/** A bypass run's text back to its record (the bypass detector's own parser); null when it is not exactly one record. */
export function parseBypassText(text: string | null | undefined): BypassRecord | null {
  const decoded = decodeBypass(text);
  return decoded.kind === "record" ? decoded.record : null;
}

export interface MergedEntry {
  number: number;
  mergedAt: string;
  head: string;
  /** agentgate's result on the head was found (or, without a run, its own status there). */
  judged: boolean;
  agentAuthored: boolean;
  agents: string[];
  /** What agentgate said on the head at merge; "not judged" without its result. */
  state: ResultRecord["state"] | "not judged";
  approvedBy: string[];
  ignored: { login: string; reason: string }[];
  rules: string[];
  policy: { source: string; sha: string | null }[];
  /** Why there is no result: no run of agentgate's, or a run without a readable result. */
  note?: string;
}

export interface BypassEntry {
  sha: string;
  /** The record, or null when agentgate's bypass run holds none that reads (still a bypass). */
  record: BypassRecord | null;
  at: string | null;
}

export interface AuditReport {
  version: 1;
  kind: "audit";
  repo: string;
  since: string;
  defaultBranch: string;
  appId: number;
  merged: MergedEntry[];
  bypasses: BypassEntry[];
  /** GitHub requests the audit made. */
  requests: number;
}

/** `--since`: a date or a date-time GitHub would understand; ISO 8601 out. */
export function parseSince(text: string): string {
  const ok = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim());
  const at = ok ? Date.parse(text.trim().length === 10 ? `${text.trim()}T00:00:00Z` : text.trim()) : NaN;
  if (Number.isNaN(at)) throw new UserError(`--since "${text}" is not a date: write YYYY-MM-DD or an ISO 8601 date-time`);
  return new Date(at).toISOString();
}

interface OwnRun {
  name: string;
  app?: { id?: number } | null;
  output?: { text?: string | null } | null;
  status?: string;
  conclusion?: string | null;
  completed_at?: string | null;
  started_at?: string | null;
}

async function ownRuns(gh: Octokit, where: { owner: string; repo: string }, ref: string, appId: number, checkName?: string): Promise<OwnRun[]> {
  const { data } = await gh.rest.checks.listForRef({ ...where, ref, app_id: appId, filter: "latest", per_page: 100, ...(checkName ? { check_name: checkName } : {}) });
  // Filtered by GitHub, and again here: only the App's own runs are its word.
  return (data.check_runs as OwnRun[]).filter((r) => r.app?.id === appId);
}

/** agentgate's newest status on the check's context at a head, posted by its bot; undefined without one. */
async function statusOn(gh: Octokit, where: { owner: string; repo: string }, sha: string, botLogin: string, checkName: string): Promise<GateState | undefined> {
  const own = (await ownStatuses(gh, where, sha, botLogin)).find((s) => s.context === checkName);
  return GATE_STATES.find((state) => state === own?.state);
}

/** agentgate's result on a head: the run whose text holds a result for this PR, else any result there. */
function resultOn(runs: readonly OwnRun[], pr: number): { result: ResultRecord | null; note?: string } {
  // A result counts only on the run of its own check name (a deploy record or bypass run holds none).
  const texts = runs.filter((r) => r.name !== BYPASS_CHECK_NAME).map((r) => ({ r, t: decodeCheckText(r.output?.text) }));
  const results = texts.flatMap(({ r, t }) => (t.kind === "parts" && t.result && t.result.check === r.name ? [t.result] : []));
  const mine = results.find((x) => x.prs.includes(pr)) ?? results[0];
  if (mine) return { result: mine };
  const garbled = texts.some(({ t }: { t: CheckText }) => t.kind === "garbled");
  if (garbled) return { result: null, note: "agentgate's check run holds text that is not its record" };
  if (texts.length) return { result: null, note: "agentgate's check run has no result record (judged by an agentgate older than the audit trail)" };
  return { result: null, note: "no check run of agentgate's on the head" };
}

export async function auditRepository(
  gh: Octokit,
  where: { owner: string; repo: string },
  /** `botLogin`: the App's bot (`slug[bot]`), whose statuses are agentgate's word where it wrote no run. */
  opts: { since: string; appId: number; botLogin?: string },
  requests: () => number,
): Promise<AuditReport> {
  const { data: repo } = await gh.rest.repos.get(where);
  const defaultBranch = repo.default_branch;
  const loaded = await loadPolicy(githubPolicyReader(gh), { ...where, ref: defaultBranch });
  const detector = detectorFor(loaded.policy ?? defaultPolicy());
  const checkName = (loaded.policy ?? defaultPolicy()).check_name;
  const sinceMs = Date.parse(opts.since);

  // Closed PRs, most recently updated first: a PR merged since DATE was updated since DATE.
  const merged: MergedEntry[] = [];
  for (let page = 1; ; page++) {
    const { data } = await gh.rest.pulls.list({ ...where, state: "closed", sort: "updated", direction: "desc", per_page: 100, page });
    for (const pr of data) {
      if (!pr.merged_at || Date.parse(pr.merged_at) < sinceMs) continue;
      const runs = await ownRuns(gh, where, pr.head.sha, opts.appId);
      const { result, note } = resultOn(runs, pr.number);
      if (result) {
        merged.push({
          number: pr.number,
          mergedAt: pr.merged_at,
          head: pr.head.sha,
          judged: true,
          agentAuthored: result.agents.length > 0,
          agents: result.agents,
          state: result.state,
          approvedBy: result.approvals.counted,
          ignored: result.approvals.ignored,
          rules: [...new Set(result.findings.map((f) => f.rule))],
          policy: result.policy,
        });
        continue;
      }
      // No word of agentgate's: tell from the PR and its commits whether agents wrote it.
      const { data: commits } = await gh.rest.pulls.listCommits({ ...where, pull_number: pr.number, per_page: 100 });
      const detection = detectAgents(
        {
          pr: {
            authorLogin: pr.user?.login ?? "ghost",
            authorType: pr.user?.type ?? "User",
            headRef: pr.head.ref,
            labels: (pr.labels ?? []).map((l) => l.name ?? "").filter(Boolean),
            title: pr.title ?? "",
            body: pr.body ?? "",
          },
          commits: commits.map((c) => commitFromRest(c)),
        },
        detector,
      );
      const status = runs.length === 0 && opts.botLogin ? await statusOn(gh, where, pr.head.sha, opts.botLogin, checkName) : undefined;
      const why = status
        ? "agentgate's status alone (publish: status): no check run, so no record of approvals or rules"
        : note && runs.length === 0 && !opts.botLogin
          ? `${note}; give --app-slug to read agentgate's statuses`
          : note;
      merged.push({
        number: pr.number,
        mergedAt: pr.merged_at,
        head: pr.head.sha,
        judged: status !== undefined,
        agentAuthored: detection.agentAuthored,
        agents: detection.agents,
        state: status ?? "not judged",
        approvedBy: [],
        ignored: [],
        rules: [],
        policy: [],
        ...(why ? { note: why } : {}),
      });
    }
    const last = data[data.length - 1];
    if (data.length < 100 || !last || Date.parse(last.updated_at) < sinceMs) break;
  }

  // Bypasses: agentgate's bypass runs on the default branch's commits since DATE.
  const bypasses: BypassEntry[] = [];
  for (let page = 1; ; page++) {
    const { data } = await gh.rest.repos.listCommits({ ...where, sha: defaultBranch, since: opts.since, per_page: 100, page });
    let older = false;
    for (const c of data) {
      const date = c.commit.committer?.date ?? c.commit.author?.date;
      if (date && Date.parse(date) < sinceMs) {
        older = true;
        continue;
      }
      for (const run of await ownRuns(gh, where, c.sha, opts.appId, BYPASS_CHECK_NAME)) {
        if (run.name !== BYPASS_CHECK_NAME) continue;
        bypasses.push({ sha: c.sha, record: parseBypassText(run.output?.text), at: run.completed_at ?? run.started_at ?? null });
      }
    }
    if (data.length < 100 || older) break;
  }
  merged.sort((a, b) => a.mergedAt.localeCompare(b.mergedAt) || a.number - b.number);
  return { version: 1, kind: "audit", repo: `${where.owner}/${where.repo}`, since: opts.since, defaultBranch, appId: opts.appId, merged, bypasses, requests: requests() };
}

/** What makes the audit exit 1: a bypass not accepted, an agent PR merged unjudged or while agentgate did not say success. */
export function findingsOf(r: AuditReport): { bypasses: number; unjudged: number; notPassing: number } {
  return {
    bypasses: r.bypasses.filter((b) => !b.record?.accepted).length,
    unjudged: r.merged.filter((m) => m.agentAuthored && !m.judged).length,
    notPassing: r.merged.filter((m) => m.agentAuthored && m.judged && m.state !== "success").length,
  };
}

export function auditExit(r: AuditReport): 0 | 1 {
  const f = findingsOf(r);
  return f.bypasses || f.unjudged || f.notPassing ? 1 : 0;
}

const list = (xs: readonly string[]) => xs.join(" ");

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvCell(v: string | number | null): string {
  let s = v === null ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(r: AuditReport): string {
  const rows: (string | number | null)[][] = [["kind", "pr", "sha", "at", "state", "agents", "approved_by", "ignored", "rules", "policy", "note"]];
  for (const m of r.merged) {
    rows.push([
      "merged",
      m.number,
      m.head,
      m.mergedAt,
      m.state,
      list(m.agents),
      list(m.approvedBy),
      list(m.ignored.map((i) => `${i.login}:${i.reason}`)),
      list(m.rules),
      list(m.policy.map((p) => `${p.source}@${p.sha ?? "unknown"}`)),
      m.note ?? "",
    ]);
  }
  for (const b of r.bypasses) {
    rows.push([
      "bypass",
      b.record?.pr ?? null,
      b.sha,
      b.at,
      b.record ? b.record.kind : "unreadable",
      list(b.record?.agents ?? []),
      b.record?.accepted ? `accepted by ${b.record.accepted.by}` : "",
      "",
      "",
      "",
      b.record?.by ? `by ${b.record.by}${b.record.shown ? `, agentgate said ${b.record.shown}` : ""}` : b.record ? "" : "agentgate's bypass run holds no readable record",
    ]);
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

/** Markdown-safe inline text: names can hold pipes and backticks. */
const md = (s: string) => s.replace(/[\\`|*_[\]<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
const at = (s: string | null) => (s ? md(s) : "—");

export function auditMarkdown(r: AuditReport): string {
  const f = findingsOf(r);
  const lines = [
    `# agentgate audit of ${md(r.repo)} since ${r.since}`,
    "",
    `${r.merged.length} pull request(s) merged, ${r.merged.filter((m) => m.agentAuthored).length} agent-written; ${f.unjudged} agent PR(s) not judged, ${f.notPassing} merged while agentgate did not say success; ${r.bypasses.length} bypass(es), ${f.bypasses} not accepted.`,
    "",
    "## Merged pull requests",
    "",
  ];
  if (!r.merged.length) lines.push("None.");
  else {
    lines.push("| PR | merged | state at merge | agents | approved by | rules | policy |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const m of r.merged) {
      lines.push(
        `| #${m.number} | ${at(m.mergedAt)} | ${m.state}${m.note ? ` (${md(m.note)})` : ""} | ${md(list(m.agents)) || "—"} | ${m.approvedBy.map((l) => md("@" + l)).join(", ") || "—"} | ${md(list(m.rules)) || "—"} | ${m.policy.map((p) => `${md(p.source)} ${p.sha ? p.sha.slice(0, 12) : "?"}`).join(", ") || "defaults"} |`,
      );
    }
  }
  lines.push("", "## Bypasses", "");
  if (!r.bypasses.length) lines.push("None.");
  else {
    lines.push("| commit | kind | PR | agents | by | accepted |", "| --- | --- | --- | --- | --- | --- |");
    for (const b of r.bypasses) {
      const x = b.record;
      lines.push(
        `| ${b.sha.slice(0, 12)} | ${x ? x.kind : "unreadable record"} | ${x?.pr ? `#${x.pr}` : "—"} | ${md(list(x?.agents ?? [])) || "—"} | ${x?.by ? md("@" + x.by) : "—"} | ${x?.accepted ? `${md("@" + x.accepted.by)} ${at(x.accepted.at)}` : "no"} |`,
      );
    }
  }
  lines.push("", `<sub>${r.requests} GitHub requests.</sub>`, "");
  return lines.join("\n");
}
