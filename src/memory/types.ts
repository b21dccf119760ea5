/**
 * The shapes of agentgate's memory (src/memory/record.ts encodes and decodes them; facts/memory.ts
 * reads them): types alone, so the facts (facts/types.ts) and the decision (policy/types.ts) can
 * name them without importing the code that works on them, which imports those types back.
 */
import type { AgentKind, EvidenceSource, SteeringHuman } from "../detect/types.js";

export const MEMORY_VERSION = 1;

/** One piece of evidence agentgate saw when it judged a PR agent-written. */
export interface RememberedEvidence {
  /** The PR it was judged in. */
  pr: number;
  /** The head SHA it was judged on. */
  on: string;
  agent: string;
  kind: AgentKind;
  /** Where the marker matched then (`remembered` for an unreadable earlier record). */
  source: EvidenceSource;
  /** The marker's id (catalog or policy); the matched text itself is not kept. */
  marker: string;
  /** For commit evidence: the commit. */
  commit?: string;
}

export interface MemoryRecord {
  v: typeof MEMORY_VERSION;
  /** PRs judged agent-written. */
  prs: number[];
  agents: string[];
  evidence: RememberedEvidence[];
  /** Every commit of those PRs when they were judged: they stay agent-written wherever they appear again. */
  commits: string[];
  steering: SteeringHuman[];
  /** SHAs whose check runs could not be read yet (a force-push's `before`): read again next time. */
  unread: string[];
}

/** What was read of agentgate's memory for one PR (facts/memory.ts gathers it). */
export interface RememberedFacts {
  /** Records on agentgate's own check runs, by the SHA the run was on. */
  found: { sha: string; record: MemoryRecord }[];
  /** SHAs where agentgate's own check run holds a record that does not decode. */
  garbled: string[];
  /** SHAs whose check runs could not be read this time; kept in the record to be read next time. */
  unread: string[];
}
