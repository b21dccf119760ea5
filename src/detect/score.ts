/**
 * Scoring detection against the labelled corpus (test/fixtures/agent-commits.jsonl).
 * Pure: rows and a detector in, figures out. Used by bench/detect.ts and the corpus test.
 */
import type { CommitFacts } from "../facts/types.js";
import { detectCommit, type Detector } from "./detect.js";
import type { CommitDetection } from "./types.js";

/** One line of the corpus (field meanings: the end of the field guide). */
export interface CorpusRow {
  repo: string;
  sha: string;
  author_name: string;
  author_email: string;
  committer_name: string;
  committer_email: string;
  message: string;
  /** An agent name, `human`, `automation` or `unknown`. */
  label: string;
  /** Every marker the labeller saw. */
  agents: string[];
  evidence: string[];
  tricky_human: boolean;
  is_merge: boolean;
  /** Where the row was read (test/fixtures/agent-commits-2026.jsonl: a URL or a search-tool file id). */
  source?: string;
  /** The message is the part the source quoted, not the whole commit message. */
  excerpt?: boolean;
}

/** The corpus's agent labels, as catalog ids. `openai_unspecified` is `Assisted-by: OpenAI <noreply@openai.com>`. */
export const LABEL_TO_AGENT: Readonly<Record<string, string>> = {
  aider: "aider",
  amp: "amp",
  antigravity: "antigravity",
  assisted: "assisted",
  claude_code: "claude-code",
  claude_github_app: "claude-github-app",
  codeflash: "codeflash",
  coderabbit_suggestion: "coderabbit",
  codex: "codex",
  copilot_autofix: "copilot-autofix",
  copilot_cli: "copilot-cli",
  copilot_coding_agent: "copilot",
  copilot_review_suggestion: "copilot-review",
  copilot_vscode: "copilot-vscode",
  cosine: "cosine",
  crush: "crush",
  cursor: "cursor",
  devin: "devin",
  ellipsis: "ellipsis",
  ellipsis_suggestion: "ellipsis-suggestion",
  factory_droid: "factory",
  gemini_cli: "gemini",
  greptile_suggestion: "greptile",
  jules: "jules",
  kiro: "kiro",
  kortix: "kortix",
  mentat: "mentat",
  openai_unspecified: "codex",
  openhands: "openhands",
  opencode: "opencode",
  qwen_code: "qwen-code",
  replit: "replit",
  sweep: "sweep",
  twill: "twill",
  warp_oz: "warp-oz",
  windsurf: "windsurf",
  zed: "zed",
};

const NON_AGENT_LABELS = new Set(["human", "automation", "unknown"]);

export function parseCorpus(jsonl: string): CorpusRow[] {
  return jsonl
    .split("\n")
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as CorpusRow;
      } catch {
        throw new Error(`corpus line ${i + 1} is not valid JSON`);
      }
    });
}

export function rowToCommit(row: CorpusRow): CommitFacts {
  return {
    sha: row.sha,
    message: row.message ?? "",
    author: { name: row.author_name ?? "", email: row.author_email ?? "" },
    committer: { name: row.committer_name ?? "", email: row.committer_email ?? "" },
    parents: [],
  };
}

export interface RowResult {
  sha: string;
  repo: string;
  label: string;
  /** Counting agent ids the detector gave. */
  got: string[];
  /** Every agent id with evidence, counting or not, with its kind. */
  seen: string[];
}

export interface AgentScore {
  /** Corpus label. */
  label: string;
  expected: string;
  total: number;
  recognized: number;
  missed: RowResult[];
}

export interface CorpusScore {
  rows: number;
  agentRows: { total: number; recognized: number; missed: RowResult[] };
  /** Rows where every agent the labeller listed was found too (multi-agent commits). */
  allListedAgents: { total: number; complete: number; incomplete: (RowResult & { expected: string[] })[] };
  perAgent: AgentScore[];
  human: { total: number; flagged: RowResult[] };
  trickyHuman: { total: number; flagged: RowResult[] };
  automation: { total: number; asAutomation: number; asAgent: RowResult[]; unrecognized: RowResult[] };
  unknown: RowResult[];
  /** Labels the scorer has no catalog id for: a corpus change the mapping must follow. */
  unmappedLabels: string[];
}

function resultOf(row: CorpusRow, d: CommitDetection): RowResult {
  return {
    sha: row.sha,
    repo: row.repo,
    label: row.label,
    got: d.agents,
    seen: [...new Set(d.evidence.map((e) => `${e.agent}:${e.kind}`))],
  };
}

/**
 * Score a detector on labelled rows. `exceptions` maps a sha to the label we believe is right
 * (where the corpus label is wrong, with the reason kept next to the call).
 */
export function scoreCorpus(rows: readonly CorpusRow[], detector: Detector, exceptions: Readonly<Record<string, string>> = {}): CorpusScore {
  const score: CorpusScore = {
    rows: rows.length,
    agentRows: { total: 0, recognized: 0, missed: [] },
    allListedAgents: { total: 0, complete: 0, incomplete: [] },
    perAgent: [],
    human: { total: 0, flagged: [] },
    trickyHuman: { total: 0, flagged: [] },
    automation: { total: 0, asAutomation: 0, asAgent: [], unrecognized: [] },
    unknown: [],
    unmappedLabels: [],
  };
  const perAgent = new Map<string, AgentScore>();
  const unmapped = new Set<string>();

  for (const original of rows) {
    const label = exceptions[original.sha] ?? original.label;
    const row = { ...original, label };
    const detection = detectCommit(rowToCommit(row), detector);
    const result = resultOf(row, detection);

    if (label === "human") {
      score.human.total++;
      if (row.tricky_human) score.trickyHuman.total++;
      if (detection.agents.length) {
        score.human.flagged.push(result);
        if (row.tricky_human) score.trickyHuman.flagged.push(result);
      }
    } else if (label === "automation") {
      score.automation.total++;
      if (detection.agents.length) score.automation.asAgent.push(result);
      else if (detection.evidence.some((e) => e.kind === "automation")) score.automation.asAutomation++;
      else score.automation.unrecognized.push(result);
    } else if (label === "unknown") {
      score.unknown.push(result);
    } else {
      const expected = LABEL_TO_AGENT[label];
      if (!expected) {
        unmapped.add(label);
        continue;
      }
      score.agentRows.total++;
      const entry = perAgent.get(label) ?? { label, expected, total: 0, recognized: 0, missed: [] };
      perAgent.set(label, entry);
      entry.total++;
      if (detection.agents.includes(expected)) {
        score.agentRows.recognized++;
        entry.recognized++;
      } else {
        score.agentRows.missed.push(result);
        entry.missed.push(result);
      }
      const listed = [...new Set(row.agents.map((a) => LABEL_TO_AGENT[a]).filter((a): a is string => a !== undefined))];
      score.allListedAgents.total++;
      if (listed.every((a) => detection.agents.includes(a))) score.allListedAgents.complete++;
      else score.allListedAgents.incomplete.push({ ...result, expected: listed });
    }
  }
  score.perAgent = [...perAgent.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  score.unmappedLabels = [...unmapped].filter((l) => !NON_AGENT_LABELS.has(l)).sort();
  return score;
}
