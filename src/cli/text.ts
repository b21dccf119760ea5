/** The plain-text output of `check` and `explain`: the same facts as the JSON, for a terminal. */
import type { DecisionJson } from "../report/json.js";

function short(sha: string): string {
  return sha.slice(0, 7);
}

function firstLineOf(message: string | undefined): string {
  return (message ?? "").split("\n")[0]!.slice(0, 72);
}

function requirementLines(r: DecisionJson["requirement"]): string[] {
  if (!r.applies) return ["requirement: none (not agent-authored; the policy gates agent changes only)"];
  if (r.blocked) return ["requirement: BLOCKED: no number of approvals lets this change through", ...r.reasons.map((x) => `  - ${x}`)];
  const teams = r.teams.length ? `, including one from each of ${r.teams.map((t) => `@${t}`).join(", ")}` : "";
  return [`requirement: ${r.approvals} approval${r.approvals === 1 ? "" : "s"} from eligible humans${teams}`, ...r.reasons.map((x) => `  - ${x}`)];
}

export function renderText(json: DecisionJson, messages: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  const c = json.change;
  const what = c.number ? `${c.repo}#${c.number}` : `${c.baseRef || "base"}...${c.headRef || short(c.headSha)}`;
  lines.push(`change: ${what} (head ${short(c.headSha) || "unknown"})`);
  if (json.state) lines.push(`state: ${json.state}: ${json.headline ?? ""}`);
  lines.push(`agent-authored: ${json.agentAuthored ? `yes (${json.agents.join(", ")})` : "no"}`);
  for (const e of json.pullRequestEvidence) lines.push(`  pull request: ${e.evidence} → ${e.agent}`);

  lines.push("", `commits (${json.commits.length}):`);
  for (const commit of json.commits) {
    const who = commit.agents.length ? commit.agents.join(", ") : "human";
    lines.push(`  ${short(commit.sha)}  ${who.padEnd(14)} ${firstLineOf(messages.get(commit.sha))}`.trimEnd());
    for (const e of commit.evidence) lines.push(`           ${e}`);
  }

  lines.push("", `findings (${json.findings.length}):`);
  for (const f of json.findings) {
    const at = f.line !== null ? `${f.file}:${f.line}` : f.file;
    lines.push(`  ${f.severity.padEnd(7)} ${f.rule.padEnd(8)} ${at}: ${f.message}`);
  }

  lines.push("", ...requirementLines(json.requirement));

  if (json.approvals) {
    lines.push("", `approvals counted (${json.approvals.counted.length}):`);
    for (const a of json.approvals.counted) {
      lines.push(`  ${a.login} on ${a.commitId ? short(a.commitId) : "?"}${a.carriedFrom ? ` (carried from ${short(a.carriedFrom)}: same diff)` : ""}`);
    }
    lines.push(`approvals ignored (${json.approvals.ignored.length}):`);
    for (const a of json.approvals.ignored) lines.push(`  ${a.login}: ${a.reason}: ${a.detail}`);
    if (json.changesRequestedBy?.length) lines.push(`changes requested by: ${json.changesRequestedBy.join(", ")}`);
    if (json.missing?.length) lines.push("missing:", ...json.missing.map((m) => `  - ${m}`));
  }
  if (json.problems.length) lines.push("", "problems:", ...json.problems.map((p) => `  - ${p}`));
  if (json.policyWarnings?.length) lines.push("", "policy warnings:", ...json.policyWarnings.map((w) => `  - ${w}`));
  return `${lines.join("\n")}\n`;
}
