/**
 * From agentgate's memory to a judgment, and from a judgment to the memory it leaves. Pure.
 *
 * A record applies to a PR when it names the PR, or names one of the PR's commits (the same commits
 * reopened in a twin PR). An applying record makes the PR agent-written whatever its current state
 * says, and its evidence is shown as `remembered`. An own record that cannot be decoded counts as
 * agent-written too (it was agentgate's, and only an agent-written judgment leaves a record).
 */
import type { Detection, Evidence, SteeringHuman } from "../detect/types.js";
import type { PullRequestFacts } from "../facts/types.js";
import { bounded, emptyRecord, isEmpty, MEMORY_VERSION, type MemoryRecord, type RememberedEvidence } from "./record.js";
import type { RememberedFacts } from "./types.js";

export type { RememberedFacts } from "./types.js";


/** Marker id of the evidence an undecodable own record leaves. */
export const UNREADABLE_MARKER = "agentgate/unreadable-record";
/** Agent id when the agent is not known (the record that named it cannot be read). */
export const UNKNOWN_AGENT = "unknown";
/** Remembered evidence shown on one PR (the record itself keeps more). */
const SHOWN = 20;

const short = (sha: string) => sha.slice(0, 7);

function commitsOf(facts: Pick<PullRequestFacts, "commits" | "headSha">): Set<string> {
  return new Set([facts.headSha, ...facts.commits.map((c) => c.sha)]);
}

/** The records that speak about this PR or one of its commits. */
export function applicableRecords(facts: Pick<PullRequestFacts, "number" | "commits" | "headSha">, mem: RememberedFacts): MemoryRecord[] {
  const mine = commitsOf(facts);
  return mem.found
    .filter(({ record }) => record.prs.includes(facts.number) || record.commits.some((c) => mine.has(c)))
    .map((f) => f.record);
}

function rememberedEvidence(e: RememberedEvidence): Evidence {
  const detail = e.marker === UNREADABLE_MARKER ? "agentgate's own record there could not be read" : `${e.marker}, #${e.pr}`;
  return {
    agent: e.agent,
    kind: e.kind,
    source: "remembered",
    marker: e.marker,
    matched: `on ${short(e.on)} (${detail})`,
    confidence: "high",
    commit: e.on,
    remembered: { pr: e.pr, on: e.on, source: e.source },
  };
}

function unreadable(pr: number, sha: string): RememberedEvidence {
  return { pr, on: sha, agent: UNKNOWN_AGENT, kind: "agent", source: "remembered", marker: UNREADABLE_MARKER };
}

const humanKey = (h: SteeringHuman) => (h.login ? `@${h.login}` : `${h.email ?? ""}\0${h.name ?? ""}`).toLowerCase();

/** The current detection with what agentgate remembers about this PR and its commits. */
export function withMemory(current: Detection, facts: PullRequestFacts): Detection {
  const mem = facts.memory;
  if (!mem) return current;
  const records = applicableRecords(facts, mem);
  if (!records.length && !mem.garbled.length) return current;

  const evidence = [
    ...records.flatMap((r) => r.evidence),
    ...mem.garbled.map((sha) => unreadable(facts.number, sha)),
  ];
  const seen = new Set(current.pr.map((e) => `${e.agent}\0${e.source}\0${e.marker}`));
  // What the PR still shows needs no memory to be seen: only what is gone is shown as remembered
  // (and a judgment that is merely repeated does not rewrite the check run).
  const stillThere = new Set([...current.pr, ...current.commits.flatMap((c) => c.evidence)].map((e) => `${e.agent}\0${e.marker}`));
  const remembered: Evidence[] = [];
  for (const e of evidence) {
    const key = `${e.agent}\0remembered\0${e.marker}\0${e.pr}\0${e.on}`;
    if (stillThere.has(`${e.agent}\0${e.marker}`)) continue;
    if (seen.has(key) || remembered.length >= SHOWN) continue;
    seen.add(key);
    remembered.push(rememberedEvidence(e));
  }
  const agents = [...new Set([...current.agents, ...records.flatMap((r) => r.agents), ...(mem.garbled.length ? [UNKNOWN_AGENT] : [])])];

  const humans = new Map(current.steeringHumans.map((h) => [humanKey(h), h]));
  for (const h of records.flatMap((r) => r.steering)) {
    if (!humans.has(humanKey(h))) humans.set(humanKey(h), { ...h, source: `${h.source}, remembered` });
  }
  return {
    ...current,
    agentAuthored: current.agentAuthored || agents.length > 0,
    agents,
    pr: [...current.pr, ...remembered],
    steeringHumans: [...humans.values()],
  };
}

/** The evidence of a judgment made now, as the record keeps it: marker ids and places, no text. */
function evidenceNow(current: Detection, facts: PullRequestFacts): RememberedEvidence[] {
  const counting = new Set(current.agents);
  const all = [...current.pr, ...current.commits.flatMap((c) => c.evidence)].filter((e) => e.source !== "remembered" && counting.has(e.agent));
  const seen = new Set<string>();
  const out: RememberedEvidence[] = [];
  for (const e of all) {
    // One entry per marker and place: a hundred commits by the same agent say the same thing.
    const key = `${e.agent}\0${e.source}\0${e.marker}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pr: facts.number, on: facts.headSha, agent: e.agent, kind: e.kind, source: e.source, marker: e.marker, ...(e.commit ? { commit: e.commit } : {}) });
  }
  return out;
}

/**
 * What the check run on this head remembers: every record found on the head (they stay on this SHA),
 * the records that applied, and this judgment when it is agent-written. Null when nothing is
 * remembered. This PR and its newest commits first (within the bounds), then what was carried; the
 * evidence about this PR that was remembered comes before what is seen now (it is what was erased).
 */
export function memoryRecordOf(facts: PullRequestFacts, current: Detection, judged: Detection): MemoryRecord | null {
  const mem = facts.memory ?? { found: [], garbled: [], unread: [] };
  const carried = [...mem.found.filter((f) => f.sha === facts.headSha).map((f) => f.record), ...applicableRecords(facts, mem)];
  const now = emptyRecord();
  if (judged.agentAuthored) {
    now.prs = [facts.number];
    now.agents = judged.agents;
    now.evidence = [...evidenceNow(current, facts), ...mem.garbled.map((sha) => unreadable(facts.number, sha))];
    now.commits = [facts.headSha, ...facts.commits.map((c) => c.sha).reverse()];
    now.steering = current.steeringHumans;
  }
  now.unread = mem.unread;
  // Within the bounds this PR comes first, so no flood of other PRs or commits can push it out.
  const aboutThis = (e: RememberedEvidence) => e.pr === facts.number;
  const carriedEvidence = carried.flatMap((r) => r.evidence);
  const record = bounded({
    v: MEMORY_VERSION,
    prs: [...now.prs, ...carried.flatMap((r) => r.prs)],
    agents: [...now.agents, ...carried.flatMap((r) => r.agents)],
    evidence: [...carriedEvidence.filter(aboutThis), ...now.evidence, ...carriedEvidence.filter((e) => !aboutThis(e))],
    commits: [...now.commits, ...carried.flatMap((r) => r.commits)],
    steering: [...carried.flatMap((r) => r.steering), ...now.steering],
    // The reader followed the carried pointers; what it still could not read is in mem.unread.
    unread: now.unread,
  });
  return isEmpty(record) ? null : record;
}
