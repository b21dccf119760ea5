/** How a piece of agent evidence is named, the same in the check run, the CLI and the JSON. */
import type { Evidence } from "../detect/types.js";

export const SOURCE_LABEL: Record<Evidence["source"], string> = {
  "pr-author": "PR author",
  "pr-branch": "branch",
  "pr-label": "label",
  "pr-title": "PR title",
  "pr-body": "PR body",
  "commit-author": "author",
  "commit-committer": "committer",
  "commit-trailer": "trailer",
  "commit-message": "message",
  remembered: "judged agent-written earlier:",
};

/** ` (suggestion)` / ` (automation)`; nothing for an agent. */
export function kindSuffix(e: Evidence): string {
  return e.kind === "agent" ? "" : ` (${e.kind})`;
}

/** `trailer Co-Authored-By: Claude <noreply@anthropic.com>`: where it matched, then what. */
export function evidenceText(e: Evidence): string {
  return `${SOURCE_LABEL[e.source]} ${e.matched.replace(/\r?\n/g, " ")}${kindSuffix(e)}`;
}
