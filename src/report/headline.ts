/**
 * The one-line summary used as the commit status description (GitHub refuses more than 140
 * characters) and as the check run title.
 */
import type { Decision } from "../policy/types.js";

export const STATUS_DESCRIPTION_LIMIT = 140;

/** Cut to at most `limit` UTF-16 units (the stricter count), never inside a surrogate pair. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + "…";
}

function agentPart(d: Decision): string | undefined {
  const agents = d.detection.agents;
  if (!agents.length) return undefined;
  return `agent${agents.length > 1 ? "s" : ""}: ${agents.join(", ")}`;
}

function teamPart(d: Decision): string | undefined {
  const open = d.requirement.teams.filter((t) => !t.satisfiedBy.length);
  if (!open.length) return undefined;
  return `needs ${open.map((t) => "@" + t.team).join(", ")}`;
}

function approvalsPart(d: Decision): string {
  return `${d.approvals.counted.length}/${d.requirement.approvals} approvals`;
}

/** Approvals held up by a steering human or contributor GitHub links to no account (see the check run). */
function heldPart(d: Decision): string | undefined {
  return d.approvals.ignored.some((i) => i.reason === "unresolved-identity") ? "approvals held: an email links to no account" : undefined;
}

export function headlineOf(d: Decision): string {
  const parts: (string | undefined)[] = [];
  switch (d.state) {
    case "error":
      parts.push(`error: ${d.problems[0] ?? "could not decide"}`);
      break;
    case "failure":
      if (d.problems.length) {
        parts.push(`invalid policy: ${d.problems[0]}`);
      } else if (d.requirement.blocked) {
        const block = d.findings.find((f) => f.severity === "block");
        parts.push(`blocked: ${block ? `${block.rule} on ${block.file}` : "a rule blocks this change"}`, agentPart(d));
      } else {
        parts.push(`changes requested by ${d.changesRequestedBy.map((l) => "@" + l).join(", ")}`, approvalsPart(d), agentPart(d));
      }
      break;
    case "pending":
    case "success":
      if (!d.requirement.applies) {
        const noted = d.findings.length ? ` · ${d.findings.length} finding${d.findings.length > 1 ? "s" : ""} listed` : "";
        parts.push(`not agent-authored: no approval needed${noted}`);
      } else {
        parts.push(approvalsPart(d), agentPart(d), teamPart(d), heldPart(d));
      }
      break;
  }
  return truncate(parts.filter(Boolean).join(" · "), STATUS_DESCRIPTION_LIMIT);
}
