/**
 * The built-in catalog of agents and the markers they leave, as data.
 *
 * Adding an agent is adding an entry here; detect.ts has no per-agent code. The markers come from
 * the public history of real repositories (see docs/agents.md); `docs/agents.md` renders this
 * table and a test keeps the two in step.
 *
 * Every pattern is a regular expression, matched case-insensitively unless `caseSensitive`.
 * What a pattern is matched against depends on its source:
 * - `identity`: `Name <email>` of the commit author, the committer and every co-author trailer
 *   (`Co-authored-by`, `Assisted-by`, ...). Case does not matter (see above); a missing email is `<>`.
 * - `co-author`: the same, but only for co-author trailers (suggestion bots are co-authors).
 * - `commit-author` / `commit-committer`: `Name <email>` of that role only.
 * - `login`: a GitHub login (the PR author, the `login` GitHub linked to a commit identity).
 * - `commit-trailer`: one `Key: value` line of the message.
 * - `commit-message` / `pr-body`: the whole text, multi-line (`^` is the start of a line).
 * - `pr-title`, `pr-branch`, `pr-label`, `pr-author`: that one value.
 *
 * Never match bare words or a vendor's domain (humans work there): match exact agent emails,
 * exact bot ids and logins, and the exact footers and trailers the tools write.
 */
import {
  AI_YES,
  ALL_ATTRIBUTION_KEYS,
  ATTRIBUTION_KEYS,
  attributedTo,
  GENERIC_AI,
  MODEL_FAMILIES,
  VENDORS,
  type AttributionNames,
} from "./attribution.js";
import type { AgentKind, Confidence, EvidenceSource } from "./types.js";

/** Where a catalog marker is matched: an evidence source or a group of them (see above). */
export type MarkerSource = EvidenceSource | "identity" | "co-author" | "login";

export interface MarkerSpec {
  /** Stable id, `<agent>/<what>`: reported with the evidence and accepted by `agents.disable`. */
  id: string;
  source: MarkerSource | readonly MarkerSource[];
  pattern: string;
  confidence: Confidence;
  /** Overrides the agent's kind for this marker (e.g. aider committing a human's own edits). */
  kind?: AgentKind;
  caseSensitive?: boolean;
  /** `commit-message` only: match the subject line alone. */
  subjectOnly?: boolean;
  /** Reported only when nothing else on the same commit names an agent (shared by several agents). */
  fallbackOnly?: boolean;
  /** Matches only accounts whose GitHub type is `Bot`. */
  botTypeOnly?: boolean;
  /** `commit-trailer` only: the lower-case keys it can match; other lines skip it unread (speed). */
  trailerKeys?: readonly string[];
}

export interface AgentSpec {
  id: string;
  name: string;
  kind: AgentKind;
  markers: readonly MarkerSpec[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** A GitHub noreply address, keyed on the account id and the local part (never the display name). */
const noreply = (id: number, local: string): string =>
  `<${id}\\+${escapeRegExp(local.toLowerCase())}@users\\.noreply\\.github\\.com>$`;
/** An exact email, whatever display name goes with it. */
const email = (address: string): string => `<${escapeRegExp(address.toLowerCase())}>$`;
/** An exact login. */
const login = (...logins: string[]): string => `^(?:${logins.map(escapeRegExp).join("|")})$`;
/**
 * A co-author written as a bare name, without an email (`Co-authored-by: Codex`, `codex (GPT-5.4)`).
 * Only the name alone, or with a parenthesized model: `Claude Paroz` (curl credits people with
 * `Assisted-by:` and no email) is a person, and `Gemini 2.5 Pro` is a model (the `assisted` entry).
 */
const bareName = (name: string): string => `^${escapeRegExp(name)}(?:[ \\t]*\\([^()<]{0,80}\\))? <>$`;

/** A trailer of the attribution vocabulary (`Assisted-by: Cursor (…)`) naming this tool (attribution.ts). */
const attribution = (agent: string, names: AttributionNames, confidence: Confidence = "high"): MarkerSpec => ({
  id: `${agent}/attribution`,
  source: "commit-trailer",
  pattern: attributedTo(names),
  confidence,
  trailerKeys: ALL_ATTRIBUTION_KEYS,
});

const ALL_TEXT: readonly MarkerSource[] = ["commit-message", "pr-body"];
const AUTHOR_OR_COMMITTER: readonly MarkerSource[] = ["commit-author", "commit-committer"];

export const CATALOG: readonly AgentSpec[] = [
  // ---------------------------------------------------------------- GitHub Copilot family
  {
    id: "copilot",
    name: "GitHub Copilot coding agent",
    kind: "agent",
    markers: [
      { id: "copilot/login", source: "login", pattern: login("Copilot", "copilot-swe-agent[bot]"), confidence: "high" },
      { id: "copilot/noreply-198982749", source: "identity", pattern: noreply(198982749, "Copilot"), confidence: "high" },
      { id: "copilot/branch", source: "pr-branch", pattern: "^copilot/", confidence: "high" },
      {
        id: "copilot/agent-logs-url",
        source: "commit-trailer",
        pattern: "^agent-logs-url:\\s*https://github\\.com/[^/\\s]+/[^/\\s]+/sessions/",
        confidence: "high",
        fallbackOnly: true,
      },
      // The Codex GitHub agent writes the same subjects, so they only speak when nothing else does.
      {
        id: "copilot/initial-plan",
        source: "commit-message",
        pattern: "^(?:Initial plan|Changes before error encountered)$",
        subjectOnly: true,
        caseSensitive: true,
        confidence: "medium",
        fallbackOnly: true,
      },
    ],
  },
  {
    id: "copilot-autofix",
    name: "Copilot Autofix (accepted fix)",
    kind: "suggestion",
    markers: [
      // Listed before copilot-review: Autofix may use the review bot's id 175728472.
      { id: "copilot-autofix/name", source: "co-author", pattern: "^copilot autofix powered by ai <", confidence: "high" },
      {
        id: "copilot-autofix/noreply-62310815",
        source: "identity",
        pattern: noreply(62310815, "github-advanced-security[bot]"),
        confidence: "high",
      },
      {
        id: "copilot-autofix/noreply-223894421",
        source: "identity",
        pattern: noreply(223894421, "github-code-quality[bot]"),
        confidence: "high",
      },
    ],
  },
  {
    id: "copilot-review",
    name: "Copilot review suggestion (accepted)",
    kind: "suggestion",
    markers: [
      { id: "copilot-review/noreply-175728472", source: "identity", pattern: noreply(175728472, "Copilot"), confidence: "high" },
    ],
  },
  {
    id: "copilot-cli",
    name: "GitHub Copilot CLI / agentic workflows",
    kind: "agent",
    markers: [
      { id: "copilot-cli/noreply-223556219", source: "identity", pattern: noreply(223556219, "Copilot"), confidence: "high" },
      { id: "copilot-cli/author", source: AUTHOR_OR_COMMITTER, pattern: email("copilot@github.com"), confidence: "high" },
      attribution("copilot-cli", { distinct: ["copilot[ -]cli"] }),
    ],
  },
  {
    id: "copilot-vscode",
    name: "GitHub Copilot in VS Code",
    kind: "agent",
    markers: [
      // Medium: VS Code has added this trailer to hand-written code (vscode#313064).
      { id: "copilot-vscode/co-author", source: "co-author", pattern: email("copilot@github.com"), confidence: "medium" },
      // `Generated-by: GitHub Copilot`: which Copilot is not said; the IDE is the common case.
      attribution("copilot-vscode", { distinct: ["copilot"] }, "medium"),
    ],
  },
  // ---------------------------------------------------------------- Anthropic
  {
    id: "claude-github-app",
    name: "Claude GitHub app",
    kind: "agent",
    markers: [
      {
        id: "claude-github-app/login",
        source: "login",
        pattern: login("claude[bot]", "anthropic-claude[bot]", "claude-code-action[bot]"),
        confidence: "high",
      },
      { id: "claude-github-app/noreply-209825114", source: "identity", pattern: noreply(209825114, "claude[bot]"), confidence: "high" },
      {
        id: "claude-github-app/noreply-other",
        source: "identity",
        pattern: `${noreply(215619710, "anthropic-claude[bot]")}|${noreply(208546643, "claude-code-action[bot]")}`,
        confidence: "medium",
      },
    ],
  },
  {
    id: "claude-code",
    name: "Claude Code",
    kind: "agent",
    markers: [
      { id: "claude-code/noreply", source: "identity", pattern: email("noreply@anthropic.com"), confidence: "high" },
      // `Claude 3.5 Sonnet <claude-3-5-sonnet@anthropic.com>`: the name and the domain together.
      { id: "claude-code/model-identity", source: "identity", pattern: "^claude\\b[^<]*<[^>]*@anthropic\\.com>$", confidence: "high" },
      { id: "claude-code/bare-name", source: "co-author", pattern: bareName("claude"), confidence: "low" },
      { id: "claude-code/session-trailer", source: "commit-trailer", pattern: "^claude-session:\\s*https://claude\\.ai/code/", confidence: "high" },
      { id: "claude-code/session-url", source: ALL_TEXT, pattern: "^[ \\t]*https://claude\\.ai/code/session_", confidence: "high" },
      {
        id: "claude-code/footer",
        source: ALL_TEXT,
        pattern: "generated with \\[claude code\\]\\(https://claude\\.(?:ai|com)/",
        confidence: "high",
      },
      { id: "claude-code/footer-plain", source: ALL_TEXT, pattern: "^[^\\w\\n]*generated with claude code[^\\w\\n]*$", confidence: "medium" },
      { id: "claude-code/branch", source: "pr-branch", pattern: "^claude/", confidence: "medium" },
      attribution("claude-code", { distinct: ["claude[ -]code"] }),
    ],
  },
  {
    id: "claude-flow",
    name: "claude-flow",
    kind: "agent",
    markers: [
      // ruv@ruv.net is a person's address: only the name and the email together mean the tool.
      { id: "claude-flow/co-author", source: "identity", pattern: "^claude-flow <ruv@ruv\\.net>$", confidence: "medium" },
    ],
  },
  // ---------------------------------------------------------------- OpenAI
  {
    id: "codex",
    name: "OpenAI Codex",
    kind: "agent",
    markers: [
      { id: "codex/login", source: "login", pattern: login("chatgpt-codex-connector[bot]", "openai-code-agent[bot]"), confidence: "high" },
      { id: "codex/noreply-242516109", source: "identity", pattern: noreply(242516109, "Codex"), confidence: "high" },
      {
        id: "codex/noreply-199175422",
        source: "identity",
        pattern: noreply(199175422, "chatgpt-codex-connector[bot]"),
        confidence: "high",
      },
      { id: "codex/identity", source: "identity", pattern: email("codex@openai.com"), confidence: "high" },
      // `Codex`, `OpenAI Codex`, `OpenAI`, `codex (GPT-5.4)`: all with the noreply address.
      { id: "codex/noreply", source: "identity", pattern: email("noreply@openai.com"), confidence: "high" },
      { id: "codex/bare-name", source: "co-author", pattern: bareName("codex"), confidence: "low" },
      { id: "codex/branch", source: "pr-branch", pattern: "^(?:[a-z0-9]{6}-)?codex/", confidence: "high" },
      { id: "codex/task-link", source: ALL_TEXT, pattern: "https://chatgpt\\.com/codex/tasks/task_", confidence: "high" },
      attribution("codex", { distinct: ["codex", "chatgpt[ -]codex"] }),
    ],
  },
  // ---------------------------------------------------------------- Cognition, Cursor, Google
  {
    id: "devin",
    name: "Devin",
    kind: "agent",
    markers: [
      { id: "devin/login", source: "login", pattern: login("devin-ai-integration[bot]"), confidence: "high" },
      {
        id: "devin/noreply-158243242",
        source: "identity",
        pattern: noreply(158243242, "devin-ai-integration[bot]"),
        confidence: "high",
      },
      {
        id: "devin/noreply-without-id",
        source: "identity",
        pattern: email("devin-ai-integration[bot]@users.noreply.github.com"),
        confidence: "high",
      },
      { id: "devin/run-link", source: ALL_TEXT, pattern: "https://app\\.devin\\.ai/sessions/", confidence: "high" },
      { id: "devin/branch", source: "pr-branch", pattern: "^devin/\\d{9,}-", confidence: "high" },
      attribution("devin", { ambiguous: ["devin"] }),
    ],
  },
  {
    id: "cursor",
    name: "Cursor (agent, IDE, CLI)",
    kind: "agent",
    markers: [
      { id: "cursor/login", source: "login", pattern: login("cursor[bot]"), confidence: "high" },
      { id: "cursor/noreply-206951365", source: "identity", pattern: noreply(206951365, "cursor[bot]"), confidence: "high" },
      { id: "cursor/identity", source: "identity", pattern: email("cursoragent@cursor.com"), confidence: "high" },
      { id: "cursor/made-with", source: "commit-trailer", pattern: "^made-with:\\s*cursor\\s*$", confidence: "high" },
      { id: "cursor/agent-link", source: ALL_TEXT, pattern: "https://cursor\\.com/agents/bc-", confidence: "high" },
      { id: "cursor/branch", source: "pr-branch", pattern: "^cursor/", confidence: "high" },
      attribution("cursor", { distinct: ["cursor"] }),
    ],
  },
  {
    id: "jules",
    name: "Google Jules",
    kind: "agent",
    markers: [
      { id: "jules/login", source: "login", pattern: login("google-labs-jules[bot]"), confidence: "high" },
      {
        id: "jules/noreply-161369871",
        source: "identity",
        pattern: noreply(161369871, "google-labs-jules[bot]"),
        confidence: "high",
      },
      { id: "jules/pr-footer", source: ALL_TEXT, pattern: "PR created automatically by Jules for task", confidence: "high" },
      { id: "jules/task-link", source: ALL_TEXT, pattern: "https://jules\\.google\\.com/task/", confidence: "high" },
      { id: "jules/branch", source: "pr-branch", pattern: "^[a-z0-9][a-z0-9-]*-\\d{15,20}$", confidence: "low" },
      attribution("jules", { ambiguous: ["jules"] }),
    ],
  },
  {
    id: "gemini",
    name: "Gemini CLI",
    kind: "agent",
    markers: [
      { id: "gemini/login", source: "login", pattern: login("gemini-cli[bot]"), confidence: "medium" },
      { id: "gemini/noreply-218312386", source: "identity", pattern: noreply(218312386, "gemini-cli[bot]"), confidence: "medium" },
      {
        id: "gemini/noreply-without-id",
        source: "identity",
        pattern: email("gemini-cli[bot]@users.noreply.github.com"),
        confidence: "medium",
      },
      // The identity Gemini CLI gives its own checkpoint repository (gitService.ts); people copy it
      // into co-author trailers. Specific to the tool, unlike google.com.
      { id: "gemini/identity", source: "identity", pattern: email("gemini-cli@google.com"), confidence: "medium" },
      { id: "gemini/bare-name", source: "co-author", pattern: bareName("gemini"), confidence: "low" },
      { id: "gemini/branch", source: "pr-branch", pattern: "^gemini-issue-\\d+$", confidence: "low" },
      attribution("gemini", { distinct: ["gemini[ -]cli"] }),
    ],
  },
  {
    id: "gemini-code-assist",
    name: "Gemini Code Assist suggestion (accepted)",
    kind: "suggestion",
    markers: [
      { id: "gemini-code-assist/login", source: "login", pattern: login("gemini-code-assist[bot]"), confidence: "medium" },
      {
        id: "gemini-code-assist/noreply-176961590",
        source: "identity",
        pattern: noreply(176961590, "gemini-code-assist[bot]"),
        confidence: "medium",
      },
    ],
  },
  {
    id: "antigravity",
    name: "Google Antigravity",
    kind: "agent",
    markers: [
      // noreply@google.com alone is generic: the name must say Antigravity.
      { id: "antigravity/co-author", source: "identity", pattern: "^antigravity\\b[^<]*<noreply@google\\.com>$", confidence: "high" },
      attribution("antigravity", { distinct: ["antigravity"] }),
    ],
  },
  // ---------------------------------------------------------------- Amazon
  {
    id: "amazon-q",
    name: "Amazon Q Developer",
    kind: "agent",
    markers: [
      { id: "amazon-q/login", source: "login", pattern: login("amazon-q-developer[bot]"), confidence: "medium" },
      {
        id: "amazon-q/noreply-208079219",
        source: "identity",
        pattern: noreply(208079219, "amazon-q-developer[bot]"),
        confidence: "low",
      },
      attribution("amazon-q", { distinct: ["amazon[ -]q", "q developer"] }),
    ],
  },
  {
    id: "kiro",
    name: "Kiro autonomous agent",
    kind: "agent",
    markers: [
      { id: "kiro/login", source: "login", pattern: login("kiro-agent[bot]"), confidence: "medium" },
      { id: "kiro/on-behalf", source: ALL_TEXT, pattern: "created by @kiro-agent on behalf of @", confidence: "medium" },
      { id: "kiro/link", source: ALL_TEXT, pattern: "kiro\\.dev/autonomous-agent", confidence: "medium" },
      // The autonomous agent's commit identity, as quoted from `kiro/*` branch history.
      { id: "kiro/noreply-244629292", source: "identity", pattern: noreply(244629292, "kiro-agent"), confidence: "medium" },
      // `Kiro AI <kiro@kiro.dev>`, `Kiro <noreply@kiro.dev>`: the name and Kiro's domain together.
      { id: "kiro/named-identity", source: "identity", pattern: "^kiro\\b[^<]*<[^>]*@kiro\\.(?:dev|ai)>$", confidence: "medium" },
      { id: "kiro/branch", source: "pr-branch", pattern: "^kiro/", confidence: "low" },
      attribution("kiro", { ambiguous: ["kiro"] }),
    ],
  },
  // ---------------------------------------------------------------- open-source and other agents
  {
    id: "aider",
    name: "aider",
    kind: "agent",
    markers: [
      { id: "aider/author-suffix", source: "commit-author", pattern: " \\(aider\\) <[^>]*>$", confidence: "high" },
      { id: "aider/subject-prefix", source: "commit-message", pattern: "^aider: ", subjectOnly: true, confidence: "high" },
      {
        id: "aider/co-author",
        source: "identity",
        pattern: "<(?:noreply@aider\\.dev|noreply@aider\\.chat|aider@aider\\.chat)>$",
        confidence: "high",
      },
      // aider names itself committer when it commits the user's own edits (guide pitfall 8):
      // shown, never gated on its own.
      {
        id: "aider/committer-suffix",
        source: "commit-committer",
        pattern: " \\(aider\\) <[^>]*>$",
        confidence: "low",
        kind: "automation",
      },
      attribution("aider", { distinct: ["aider"] }),
    ],
  },
  {
    id: "openhands",
    name: "OpenHands (OpenDevin)",
    kind: "agent",
    markers: [
      {
        id: "openhands/identity",
        source: "identity",
        pattern: "<(?:openhands@all-hands\\.dev|opendevin@all-hands\\.dev|bot@opendevin\\.com|opendevin@opendevin\\.ai)>$",
        confidence: "high",
      },
      // `OpenHands-Claude <openhands-claude@all-hands.dev>`: the agent's name and its vendor's domain together.
      {
        id: "openhands/named-identity",
        source: "identity",
        pattern: "^(?:openhands|opendevin)[^<]*<[^>]*@(?:all-hands\\.dev|openhands\\.ai|opendevin\\.(?:ai|com))>$",
        confidence: "medium",
      },
      { id: "openhands/self-introduction", source: ALL_TEXT, pattern: "^I am OpenHands[\\w.-]*, an AI agent", confidence: "high" },
      { id: "openhands/branch", source: "pr-branch", pattern: "^openhands/", confidence: "high" },
      attribution("openhands", { distinct: ["openhands", "opendevin"] }),
    ],
  },
  {
    id: "sweep",
    name: "Sweep",
    kind: "agent",
    markers: [
      { id: "sweep/login", source: "login", pattern: login("sweep-ai[bot]", "sweep-nightly[bot]", "sweep-canary[bot]"), confidence: "high" },
      {
        id: "sweep/noreply",
        source: "identity",
        pattern: `${noreply(128439645, "sweep-ai[bot]")}|${noreply(131841235, "sweep-nightly[bot]")}|${noreply(132422995, "sweep-canary[bot]")}`,
        confidence: "high",
      },
      // The bot name is unique; seen with team@sweep.dev and with a wrong id.
      { id: "sweep/bot-name", source: "identity", pattern: "^sweep-(?:ai|nightly|canary)\\[bot\\] <", confidence: "high" },
      { id: "sweep/title", source: ["pr-title", "commit-message"], pattern: "^Sweep: ", subjectOnly: true, caseSensitive: true, confidence: "medium" },
      { id: "sweep/footer", source: ALL_TEXT, pattern: "automated message generated by \\[Sweep", confidence: "high" },
      { id: "sweep/branch", source: "pr-branch", pattern: "^sweep/", confidence: "high" },
    ],
  },
  {
    id: "replit",
    name: "Replit Agent",
    kind: "agent",
    markers: [
      { id: "replit/commit-author", source: "commit-trailer", pattern: "^replit-commit-author:\\s*(?:agent|assistant)\\s*$", confidence: "high" },
      {
        id: "replit/deployment",
        source: "commit-trailer",
        pattern: "^replit-commit-author:\\s*deployment\\s*$",
        confidence: "high",
        kind: "automation",
      },
      {
        id: "replit/checkpoint-subject",
        source: "commit-message",
        pattern: "^(?:Saved progress at the end of the loop|Transitioned from Plan to Build mode)$",
        subjectOnly: true,
        caseSensitive: true,
        confidence: "medium",
      },
      attribution("replit", { distinct: ["replit"] }),
    ],
  },
  {
    id: "factory",
    name: "Factory Droid",
    kind: "agent",
    markers: [
      { id: "factory/login", source: "login", pattern: login("factory-droid[bot]"), confidence: "high" },
      { id: "factory/noreply-138933559", source: "identity", pattern: noreply(138933559, "factory-droid[bot]"), confidence: "high" },
      { id: "factory/bot-name", source: "identity", pattern: "^factory-droid\\[bot\\] <", confidence: "high" },
      attribution("factory", { distinct: ["factory[ -]droid"], ambiguous: ["droid"] }),
    ],
  },
  {
    id: "amp",
    name: "Amp",
    kind: "agent",
    markers: [
      { id: "amp/identity", source: "identity", pattern: email("amp@ampcode.com"), confidence: "high" },
      // `Amp-Thread-ID:` (older) and `Amp-Thread:` (newer), a URL or a bare `T-<uuid>`; a wrapped
      // value is joined back by trailerLines.
      {
        id: "amp/thread-trailer",
        source: "commit-trailer",
        pattern: "^amp-thread(?:-id)?:\\s*(?:https://ampcode\\.com/threads/|T-[0-9a-f]{4})",
        confidence: "high",
      },
      { id: "amp/thread-link", source: "pr-body", pattern: "https://ampcode\\.com/threads/T-", confidence: "high" },
      attribution("amp", { ambiguous: ["amp"] }),
    ],
  },
  {
    id: "cosine",
    name: "Cosine",
    kind: "agent",
    markers: [{ id: "cosine/identity", source: "identity", pattern: email("agent@cosine.sh"), confidence: "high" }],
  },
  {
    id: "warp-oz",
    name: "Warp agent (Oz)",
    kind: "agent",
    markers: [
      { id: "warp-oz/identity", source: "identity", pattern: email("oz-agent@warp.dev"), confidence: "high" },
      { id: "warp-oz/agent-identity", source: "identity", pattern: email("agent@warp.dev"), confidence: "high" },
      attribution("warp-oz", { ambiguous: ["warp"] }),
    ],
  },
  {
    id: "opencode",
    name: "opencode",
    kind: "agent",
    markers: [
      { id: "opencode/login", source: "login", pattern: login("opencode-agent[bot]"), confidence: "medium" },
      { id: "opencode/identity", source: "identity", pattern: email("noreply@opencode.ai"), confidence: "high" },
      // The GitHub workflow commits as `opencode-agent[bot] <id+opencode-agent[bot]@…>`; the id is not known.
      { id: "opencode/bot-name", source: "identity", pattern: "^opencode-agent\\[bot\\] <", confidence: "medium" },
      { id: "opencode/footer", source: ALL_TEXT, pattern: "generated with \\[opencode\\]\\(https://opencode\\.ai", confidence: "high" },
      attribution("opencode", { distinct: ["opencode"] }),
    ],
  },
  {
    id: "qwen-code",
    name: "Qwen Code",
    kind: "agent",
    markers: [
      // Appended by default (setting `general.gitCoAuthor`), name `Qwen-Coder`.
      { id: "qwen-code/identity", source: "identity", pattern: email("qwen-coder@alibabacloud.com"), confidence: "high" },
      attribution("qwen-code", { distinct: ["qwen[ -]code"] }),
    ],
  },
  {
    id: "firebender",
    name: "Firebender",
    kind: "agent",
    markers: [
      { id: "firebender/footer", source: ALL_TEXT, pattern: "generated with \\[firebender\\]\\(https://firebender\\.com", confidence: "high" },
      attribution("firebender", { distinct: ["firebender"] }),
    ],
  },
  {
    id: "twill",
    name: "Twill",
    kind: "agent",
    markers: [{ id: "twill/identity", source: "identity", pattern: email("agent@twill.ai"), confidence: "high" }],
  },
  {
    id: "kortix",
    name: "Kortix Agent",
    kind: "agent",
    markers: [
      // Seen as the co-author of kortix-ai/suna commits whose bodies the agent wrote.
      { id: "kortix/noreply-292857086", source: "identity", pattern: noreply(292857086, "agent-kortix"), confidence: "medium" },
    ],
  },
  {
    id: "mentat",
    name: "Mentat",
    kind: "agent",
    markers: [
      { id: "mentat/login", source: "login", pattern: login("mentatbot[bot]", "MentatBot"), confidence: "high" },
      { id: "mentat/noreply-160964065", source: "identity", pattern: noreply(160964065, "MentatBot"), confidence: "high" },
    ],
  },
  {
    id: "ellipsis",
    name: "Ellipsis (authored commits)",
    kind: "agent",
    markers: [
      { id: "ellipsis/login", source: "login", pattern: login("ellipsis-dev[bot]"), confidence: "high" },
      { id: "ellipsis/noreply-65095814", source: AUTHOR_OR_COMMITTER, pattern: noreply(65095814, "ellipsis-dev[bot]"), confidence: "high" },
    ],
  },
  {
    id: "ellipsis-suggestion",
    name: "Ellipsis suggestion (accepted)",
    kind: "suggestion",
    markers: [
      { id: "ellipsis-suggestion/co-author", source: "co-author", pattern: noreply(65095814, "ellipsis-dev[bot]"), confidence: "high" },
    ],
  },
  {
    id: "codeflash",
    name: "Codeflash",
    kind: "agent",
    markers: [
      { id: "codeflash/login", source: "login", pattern: login("codeflash-ai[bot]"), confidence: "high" },
      { id: "codeflash/noreply-148906541", source: "identity", pattern: noreply(148906541, "codeflash-ai[bot]"), confidence: "high" },
    ],
  },
  {
    id: "engine-labs",
    name: "Engine Labs",
    kind: "agent",
    markers: [
      { id: "engine-labs/login", source: "login", pattern: login("engine-labs-app[bot]"), confidence: "high" },
      { id: "engine-labs/noreply-140088366", source: "identity", pattern: noreply(140088366, "engine-labs-app[bot]"), confidence: "high" },
    ],
  },
  {
    id: "codegen",
    name: "Codegen",
    kind: "agent",
    markers: [{ id: "codegen/login", source: "login", pattern: login("codegen-sh[bot]"), confidence: "medium" }],
  },
  {
    id: "tembo",
    name: "Tembo",
    kind: "agent",
    markers: [{ id: "tembo/login", source: "login", pattern: login("tembo[bot]"), confidence: "medium" }],
  },
  {
    id: "cline",
    name: "Cline",
    kind: "agent",
    markers: [
      { id: "cline/login", source: "login", pattern: login("cline[bot]"), confidence: "low" },
      { id: "cline/noreply-205137888", source: "identity", pattern: noreply(205137888, "cline[bot]"), confidence: "low" },
      attribution("cline", { ambiguous: ["cline"] }, "medium"),
    ],
  },
  {
    id: "windsurf",
    name: "Windsurf Cascade (Codeium)",
    kind: "agent",
    markers: [
      { id: "windsurf/login", source: "login", pattern: login("windsurf-bot[bot]"), confidence: "low" },
      // Cascade writes no trailer of its own; asked to, it names itself `Cascade AI <cascade@windsurf.ai>`
      // and similar. The name and a Windsurf/Codeium address together.
      {
        id: "windsurf/cascade-identity",
        source: "identity",
        pattern: "^(?:windsurf )?cascade\\b[^<]*<[^>]*@(?:windsurf\\.(?:ai|com)|codeium\\.com)>$",
        confidence: "medium",
      },
      { id: "windsurf/bare-name", source: "co-author", pattern: bareName("cascade"), confidence: "low" },
      attribution("windsurf", { distinct: ["windsurf", "codeium"], ambiguous: ["cascade"] }),
    ],
  },
  {
    id: "crush",
    name: "Crush (Charm)",
    kind: "agent",
    markers: [
      // Both trailer styles carry this address: `Co-Authored-By: Crush <…>`, `Assisted-by: <model> via Crush <…>`.
      { id: "crush/identity", source: "identity", pattern: email("crush@charm.land"), confidence: "high" },
      { id: "crush/footer", source: ALL_TEXT, pattern: "^\\W{0,8}generated with crush\\W{0,4}$", confidence: "high" },
      // `Assisted-by: Crush:<model>` (the kernel form, Crush's default style in its docs).
      attribution("crush", { ambiguous: ["crush"] }),
    ],
  },
  {
    id: "zed",
    name: "Zed agent",
    kind: "agent",
    markers: [
      // Seen in a user's commit template for Zed's external agents, not in Zed's own source: low.
      { id: "zed/identity", source: "identity", pattern: email("noreply@zed.dev"), confidence: "low" },
      attribution("zed", { ambiguous: ["zed(?: agent)?"] }, "medium"),
    ],
  },
  // ---------------------------------------------------------------- review bots whose suggestions get accepted
  {
    id: "coderabbit",
    name: "CodeRabbit suggestion (accepted)",
    kind: "suggestion",
    markers: [
      { id: "coderabbit/login", source: "login", pattern: login("coderabbitai[bot]"), confidence: "high" },
      { id: "coderabbit/noreply-136622811", source: "identity", pattern: noreply(136622811, "coderabbitai[bot]"), confidence: "high" },
    ],
  },
  {
    id: "greptile",
    name: "Greptile suggestion (accepted)",
    kind: "suggestion",
    markers: [
      { id: "greptile/login", source: "login", pattern: login("greptile-apps[bot]"), confidence: "high" },
      { id: "greptile/noreply-165735046", source: "identity", pattern: noreply(165735046, "greptile-apps[bot]"), confidence: "high" },
    ],
  },
  {
    id: "qodo",
    name: "Qodo (CodiumAI) PR agent",
    kind: "suggestion",
    markers: [{ id: "qodo/login", source: "login", pattern: login("codiumai-pr-agent-pro[bot]"), confidence: "low" }],
  },
  // ---------------------------------------------------------------- automation (not AI)
  {
    id: "dependabot",
    name: "Dependabot",
    kind: "automation",
    markers: [
      { id: "dependabot/login", source: "login", pattern: login("dependabot[bot]"), confidence: "high" },
      { id: "dependabot/noreply-49699333", source: "identity", pattern: noreply(49699333, "dependabot[bot]"), confidence: "high" },
      { id: "dependabot/sign-off", source: "identity", pattern: "^dependabot\\[bot\\] <support@github\\.com>$", confidence: "high" },
      { id: "dependabot/branch", source: "pr-branch", pattern: "^dependabot/", confidence: "high" },
    ],
  },
  {
    id: "renovate",
    name: "Renovate",
    kind: "automation",
    markers: [
      { id: "renovate/login", source: "login", pattern: login("renovate[bot]"), confidence: "high" },
      { id: "renovate/noreply-29139614", source: "identity", pattern: noreply(29139614, "renovate[bot]"), confidence: "high" },
      { id: "renovate/branch", source: "pr-branch", pattern: "^renovate/", confidence: "high" },
    ],
  },
  {
    id: "github-actions",
    name: "GitHub Actions",
    kind: "automation",
    markers: [
      { id: "github-actions/login", source: "login", pattern: login("github-actions[bot]"), confidence: "high" },
      { id: "github-actions/noreply-41898282", source: "identity", pattern: noreply(41898282, "github-actions[bot]"), confidence: "high" },
      {
        id: "github-actions/noreply-without-id",
        source: "identity",
        pattern: email("github-actions[bot]@users.noreply.github.com"),
        confidence: "high",
      },
      // gh-pages deploy commits written under the workflow actor's name, with no account id
      // (guide pitfall 4): automation, not the Copilot or Codex agent.
      {
        id: "github-actions/actor-name",
        source: AUTHOR_OR_COMMITTER,
        pattern: "^(?:copilot|codex) <(?:copilot|codex)@users\\.noreply\\.github\\.com>$",
        confidence: "medium",
      },
    ],
  },
  // ---------------------------------------------------------------- a model, no tool
  {
    id: "assisted",
    name: "AI assistant named by model or vendor (tool unknown)",
    kind: "agent",
    markers: [
      // After every tool entry, so `Assisted-by: Cursor (claude-4-sonnet)` is Cursor; only a trailer
      // of the attribution vocabulary counts, never prose that mentions a model (attribution.ts).
      { id: "assisted/model", source: "commit-trailer", pattern: attributedTo(MODEL_FAMILIES), confidence: "medium", trailerKeys: ALL_ATTRIBUTION_KEYS },
      { id: "assisted/vendor", source: "commit-trailer", pattern: attributedTo(VENDORS), confidence: "medium", trailerKeys: ATTRIBUTION_KEYS },
      { id: "assisted/ai-key", source: "commit-trailer", pattern: AI_YES, confidence: "medium", trailerKeys: ["ai-assisted", "co-authored-by-ai"] },
      { id: "assisted/generic-ai", source: "commit-trailer", pattern: GENERIC_AI, confidence: "low", trailerKeys: ATTRIBUTION_KEYS },
    ],
  },
  // ---------------------------------------------------------------- last resort
  {
    id: "unknown-bot",
    name: "A bot no entry names",
    kind: "agent",
    markers: [
      // Last in the catalog, so any entry above that names the bot wins. Fail closed: a bot we do
      // not know wrote this; `agents.never` or `agents.disable` clears a harmless one.
      { id: "unknown-bot/login", source: "login", pattern: "\\[bot\\]$", confidence: "low" },
      { id: "unknown-bot/type-bot", source: "login", pattern: ".", botTypeOnly: true, confidence: "low" },
      { id: "unknown-bot/noreply", source: AUTHOR_OR_COMMITTER, pattern: "\\[bot\\]@users\\.noreply\\.github\\.com>$", confidence: "low" },
    ],
  },
];
