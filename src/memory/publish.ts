/**
 * The memory's side of publishing: which record a new check run carries. Pure.
 */
import type { Decision, DecisionMemory } from "../policy/types.js";
import { composeCheckText, decodeMemory, encodeMemory, isEmpty, mergeRecords } from "./record.js";

/** Several PRs on one head: the run on it remembers what each of them was judged. */
export function groupMemory(sha: string, decisions: readonly Decision[]): DecisionMemory | undefined {
  const withMemory = decisions.filter((d) => d.memory);
  if (!withMemory.length) return undefined;
  const merged = mergeRecords(...withMemory.map((d) => d.memory?.record));
  const previous = withMemory.map((d) => d.memory?.previous).find((p) => p?.sha === sha);
  return { record: isEmpty(merged) ? null : merged, ...(previous ? { previous } : {}) };
}

/**
 * The `output.text` of the run to write: what the decision remembers merged with what the run being
 * replaced remembered, so memory never shrinks (also when the decision is an error that read no
 * memory). A replaced text that cannot be decoded is kept as it is unless the decision read it
 * (and then already counts it as agent-written; such a kept text gets no result line). With
 * `resultLine` (src/memory/result.ts) the text is the memory line, then the result line. Null: nothing to write.
 */
export function memoryTextFor(replacedText: string | null | undefined, d: Decision, decisionReadIt: boolean, resultLine: string | null = null): string | null {
  const replaced = decodeMemory(replacedText);
  if (replaced.kind === "garbled" && !decisionReadIt) return replacedText ?? null;
  const record = mergeRecords(d.memory?.record, replaced.kind === "record" ? replaced.record : null);
  return composeCheckText(isEmpty(record) ? null : encodeMemory(record), resultLine);
}

/**
 * Under `publish: status`, whether the check run must be written all the same: agentgate already
 * has a run of the name on the commit (left alone, it would show a stale verdict, and an update must
 * carry its record on), or the decision has a record to keep (the check run is the only place only
 * agentgate can write: a status would not survive the agent erasing its markers). Pure.
 */
export function checkRunNeeded(d: Decision, existingRun: boolean): boolean {
  return existingRun || memoryTextFor(null, d, true) !== null;
}
