/**
 * The check run: title, markdown summary that explains the whole decision, and annotations.
 * Pure; publishing is a thin call at the edge (publish.ts).
 */
import type { Evidence } from "../detect/types.js";
import type { Decision, GateState } from "../policy/types.js";
import type { Finding, Severity } from "../rules/types.js";
import { kindSuffix, SOURCE_LABEL } from "./evidence.js";
import { truncate } from "./headline.js";
import { UNREADABLE_MARKER } from "../memory/remember.js";
import { enforcementSection } from "./enforcement.js";
import { ignoredText } from "./approvals.js";

/** GitHub's limit on a check run's summary and text. */
export const CHECK_OUTPUT_LIMIT = 65535;
/** GitHub accepts at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50;

const STATE_ICON: Record<GateState, string> = {
  success: "✅",
  pending: "⏳",
  failure: "⛔",
  error: "⚠️",
};

const SEVERITY_LABEL: Record<Severity, string> = { block: "⛔ block", require: "🔐 require", note: "ℹ️ note" };

/** Markdown inline code that survives backticks and table pipes in the text. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const fence = clean.includes("`") ? "`` " : "`";
  return `${fence}${clean}${fence === "`` " ? " ``" : "`"}`;
}

export function describeEvidence(e: Evidence): string {
  if (e.remembered) {
    const r = e.remembered;
    if (e.marker === UNREADABLE_MARKER) {
      return `agentgate's own record on ${r.on.slice(0, 7)} could not be read, so it counts as agent-written`;
    }
    // Marker ids and places only: what matched then is not repeated (nor kept).
    return `judged agent-written earlier on ${r.on.slice(0, 7)} (${code(e.marker)}, ${SOURCE_LABEL[r.source]} in #${r.pr}) → ${e.agent}${kindSuffix(e)}`;
  }
  return `${SOURCE_LABEL[e.source]} ${code(e.matched)} → ${e.agent}${kindSuffix(e)}`;
}

function section(title: string, lines: string[]): string {
  return lines.length ? `### ${title}\n\n${lines.join("\n")}\n` : "";
}

/** Keep long lists readable and the summary under GitHub's limit. */
function capped<T>(items: readonly T[], max: number, render: (t: T) => string, noun: string): string[] {
  const shown = items.slice(0, max).map(render);
  if (items.length > max) shown.push(`| … | ${items.length - max} more ${noun} | | |`);
  return shown;
}

function agentsSection(d: Decision): string {
  const det = d.detection;
  const lines: string[] = [];
  if (!det.agentAuthored) {
    lines.push("No agent-written commit or agent PR author was found.");
  } else {
    lines.push(`Agent-authored: **${det.agents.join(", ")}**.`);
  }
  if (det.pr.length) {
    lines.push("", "Pull request:", ...det.pr.map((e) => `- ${describeEvidence(e)}`));
  }
  const withEvidence = det.commits.filter((c) => c.evidence.length);
  if (withEvidence.length) {
    lines.push("", "| commit | agents | evidence |", "| --- | --- | --- |");
    lines.push(
      ...capped(
        withEvidence,
        100,
        (c) => `| ${c.sha.slice(0, 7)} | ${c.agents.join(", ") || "—"} | ${c.evidence.map(describeEvidence).join("<br>")} |`,
        "commits",
      ),
    );
  }
  const humanCommits = det.commits.length - det.commits.filter((c) => c.agents.length).length;
  if (det.commits.length) lines.push("", `${det.commits.length} commit(s), ${humanCommits} without agent markers.`);
  if (det.steeringHumans.length) {
    // Named by email only: GitHub links that email to no account (see "Still needed").
    const who = det.steeringHumans.map((h) => (h.login ? "@" + h.login : `${code(`${h.name ?? ""} <${h.email ?? ""}>`)} (no GitHub account linked)`));
    lines.push("", `Humans who steered the agent (they cannot approve): ${[...new Set(who)].join(", ")}.`);
  }
  return section("Agents", lines);
}

function findingsSection(d: Decision): string {
  if (!d.findings.length) return section("Rules", ["No protected path or infra rule fired."]);
  const lines = ["| severity | rule | where | why |", "| --- | --- | --- | --- |"];
  lines.push(
    ...capped(
      d.findings,
      200,
      (f: Finding) =>
        `| ${SEVERITY_LABEL[f.severity]} | ${f.rule} | ${code(f.file + (f.line ? `:${f.line}` : ""))} | ${f.message.replace(/\|/g, "\\|")}${
          f.evidence ? `<br>${code(truncate(f.evidence.trim(), 200))}` : ""
        } |`,
      "findings",
    ),
  );
  if (!d.requirement.applies) {
    lines.push("", "_The gate does not apply to this pull request; the findings are listed for information._");
  }
  return section("Rules", lines);
}

function approvalsSection(d: Decision): string {
  const r = d.requirement;
  if (!r.applies) return "";
  const lines = [`Required: **${r.approvals}** approval(s) of the current head from people with the required permission.`];
  for (const t of r.teams) {
    lines.push(
      `- @${t.team} (for ${t.because.join(", ")}): ${t.satisfiedBy.length ? `approved by ${t.satisfiedBy.map((l) => "@" + l).join(", ")}` : "**not yet**"}`,
    );
  }
  lines.push("", `Counted (${d.approvals.counted.length}):`);
  if (!d.approvals.counted.length) lines.push("- none yet");
  for (const a of d.approvals.counted) {
    lines.push(
      a.carriedFrom
        ? `- @${a.login}: approved ${a.carriedFrom.slice(0, 7)}; the diff is unchanged since, so it still counts`
        : `- @${a.login}`,
    );
  }
  if (d.approvals.ignored.length) {
    lines.push("", `Ignored (${d.approvals.ignored.length}):`);
    lines.push(...d.approvals.ignored.map((i) => `- @${i.login}: ${ignoredText(i)}`));
  }
  if (d.changesRequestedBy.length) {
    lines.push("", `Changes requested by ${d.changesRequestedBy.map((l) => "@" + l).join(", ")}: this blocks until they approve, or someone who could approve dismisses the change request (a dismissal by anyone else lifts nothing).`);
  }
  return section("Approvals", lines);
}

/** Which policy judged, exactly: each file with its blob SHA (an audit can fetch that very blob). */
export function policyFilesLine(d: Pick<Decision, "policyFiles">): string {
  if (!d.policyFiles) return "";
  if (!d.policyFiles.length) return "<sub>Policy: agentgate's built-in defaults (no policy file).</sub>\n";
  const files = d.policyFiles.map((f) => `${code(f.source)} (blob ${f.sha ?? "unknown"})`);
  return `<sub>Policy files: ${files.join(", ")}.</sub>\n`;
}

export function renderSummary(d: Decision): string {
  const parts = [
    `## ${STATE_ICON[d.state]} ${d.state}: ${d.headline}\n`,
    // First: a gate GitHub does not enforce is the most important thing to fix.
    enforcementSection(d.enforcement),
    d.notes?.length ? section("Notes", d.notes.map((n) => `- ${n}`)) : "",
    d.problems.length ? section("Problems", d.problems.map((p) => `- ${p}`)) : "",
    d.missing.length ? section("Still needed", d.missing.map((m) => `- ${m}`)) : "",
    d.requirement.blocked ? section("Blocked", d.requirement.reasons.filter((r) => r.includes("blocks")).map((r) => `- ${r}`)) : "",
    d.policyWarnings?.length
      ? section("Policy", ["The policy is valid, but these are probably not what was meant (they do not change the result):", "", ...d.policyWarnings.map((w) => `- ${w}`)])
      : "",
    agentsSection(d),
    findingsSection(d),
    approvalsSection(d),
    `\n<sub>agentgate evaluated head ${d.headSha}. The policy is read from the base branch; re-run this check to re-evaluate.</sub>\n`,
    policyFilesLine(d),
  ];
  return truncate(parts.filter(Boolean).join("\n"), CHECK_OUTPUT_LIMIT);
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
  raw_details?: string;
}

const LEVEL: Record<Severity, CheckAnnotation["annotation_level"]> = {
  block: "failure",
  require: "warning",
  note: "notice",
};

/** Findings with a line become annotations on the diff. */
export function annotationsOf(d: Decision): CheckAnnotation[] {
  return d.findings
    .filter((f) => f.line !== undefined && f.line > 0)
    .map((f) => ({
      path: f.file,
      start_line: f.line!,
      end_line: f.line!,
      annotation_level: LEVEL[f.severity],
      title: truncate(`${f.rule} (${f.severity})`, 255),
      message: truncate(f.message, 64000),
      ...(f.evidence ? { raw_details: truncate(f.evidence, 64000) } : {}),
    }));
}

/** How a state is shown as a check run. A pending gate stays in progress, which blocks a required check. */
export function checkRunStatusOf(state: GateState): { status: "in_progress" | "completed"; conclusion?: "success" | "failure" } {
  switch (state) {
    case "success":
      return { status: "completed", conclusion: "success" };
    case "pending":
      return { status: "in_progress" };
    default:
      return { status: "completed", conclusion: "failure" };
  }
}
