/**
 * How agentgate's memory changes a decision, and what a decision leaves in memory. Through `decide`,
 * the pure core, with facts built by hand.
 */
import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../src/config/schema.js";
import type { LoadedPolicy } from "../../src/config/load.js";
import { decide } from "../../src/decide.js";
import { emptyRecord, type MemoryRecord } from "../../src/memory/record.js";
import type { RememberedFacts } from "../../src/memory/remember.js";
import { renderSummary } from "../../src/report/markdown.js";
import { commit, facts, HEAD, OLD_HEAD, review } from "../helpers/facts.js";

const loaded: LoadedPolicy = { policy: defaultPolicy(), problems: [], sources: [] };
const dana = { name: "Dana", email: "dana@acme.example", login: "dana" };
const humanCommit = commit(HEAD, "Bump the answer", dana);

function agentRecord(over: Partial<MemoryRecord> = {}): MemoryRecord {
  return {
    ...emptyRecord(),
    prs: [7],
    agents: ["codex"],
    evidence: [{ pr: 7, on: OLD_HEAD, agent: "codex", kind: "agent", source: "pr-branch", marker: "codex/branch" }],
    commits: [OLD_HEAD],
    steering: [{ login: "maria", source: "named as requester in the PR body" }],
    ...over,
  };
}

const remembered = (found: RememberedFacts["found"], more: Partial<RememberedFacts> = {}): RememberedFacts => ({ found, garbled: [], unread: [], ...more });

describe("memory in a decision", () => {
  it("makes a PR it names agent-written, shows the earlier evidence, and keeps its steering humans out", () => {
    const d = decide(
      facts({
        commits: [humanCommit],
        reviews: [review("maria", "APPROVED"), review("max", "APPROVED")],
        memory: remembered([{ sha: OLD_HEAD, record: agentRecord() }]),
      }),
      loaded,
    );
    expect(d.detection.agentAuthored).toBe(true);
    expect(d.detection.agents).toEqual(["codex"]);
    expect(d.state).toBe("pending");
    expect(d.approvals.ignored).toContainEqual(expect.objectContaining({ login: "maria", reason: "steered-agent" }));
    expect(renderSummary(d)).toContain(`judged agent-written earlier on ${OLD_HEAD.slice(0, 7)} (\`codex/branch\`, branch in #7) → codex`);
  });

  it("makes a PR agent-written when one of its commits was an agent PR's commit", () => {
    const d = decide(facts({ number: 9, commits: [humanCommit], memory: remembered([{ sha: HEAD, record: agentRecord({ commits: [HEAD] }) }]) }), loaded);
    expect(d.detection.agentAuthored).toBe(true);
    expect(d.memory?.record?.prs).toEqual([9, 7]);
  });

  it("ignores a record about another PR and other commits", () => {
    const d = decide(facts({ number: 9, commits: [humanCommit], memory: remembered([{ sha: OLD_HEAD, record: agentRecord() }]) }), loaded);
    expect(d.detection.agentAuthored).toBe(false);
    expect(d.state).toBe("success");
    expect(d.memory?.record).toBeNull();
  });

  it("counts an own record it cannot decode as agent-written, and says so", () => {
    const d = decide(facts({ commits: [humanCommit], memory: remembered([], { garbled: [HEAD] }) }), loaded);
    expect(d.detection.agentAuthored).toBe(true);
    expect(d.state).toBe("pending");
    expect(renderSummary(d)).toContain(`agentgate's own record on ${HEAD.slice(0, 7)} could not be read, so it counts as agent-written`);
    expect(d.memory?.record?.evidence[0]).toMatchObject({ marker: "agentgate/unreadable-record", on: HEAD });
  });

  it("leaves a record of a judgment made now: marker ids and places, the commits, no matched text", () => {
    const trailer = commit(HEAD, "Bump\n\nCo-Authored-By: Claude <noreply@anthropic.com>", dana);
    const d = decide(facts({ commits: [trailer], body: "Secret plan: drop the database", memory: remembered([]) }), loaded);
    const record = d.memory?.record;
    expect(record).toMatchObject({ prs: [7], agents: ["claude-code"], commits: [HEAD] });
    expect(record?.evidence.map((e) => e.source)).toContain("commit-trailer");
    expect(JSON.stringify(record)).not.toContain("noreply@anthropic.com");
    expect(JSON.stringify(record)).not.toContain("Secret plan");
  });

  it("carries forward every record on the head and what is still unread", () => {
    const other = agentRecord({ prs: [3], commits: ["d".repeat(40)] });
    const d = decide(facts({ commits: [humanCommit], memory: remembered([{ sha: HEAD, record: other }], { unread: [OLD_HEAD] }) }), loaded);
    // The record on this head is about PR #3 and its commits: it stays on this head, but does not apply.
    expect(d.detection.agentAuthored).toBe(false);
    expect(d.memory?.record).toMatchObject({ prs: [3], unread: [OLD_HEAD] });
  });

  it("keeps this PR and its commits when the head's record is already full of other PRs and commits", () => {
    const full = agentRecord({
      prs: Array.from({ length: 50 }, (_, i) => 100 + i),
      commits: [HEAD, ...Array.from({ length: 249 }, (_, i) => i.toString(16).padStart(40, "e"))],
    });
    const newCommit = commit("f".repeat(40), "More", dana);
    const d = decide(facts({ commits: [humanCommit, newCommit], headSha: newCommit.sha, memory: remembered([{ sha: HEAD, record: full }]) }), loaded);
    expect(d.memory?.record?.prs[0]).toBe(7);
    expect(d.memory?.record?.commits.slice(0, 2)).toEqual([newCommit.sha, HEAD]);
  });

  it("is not read without memory facts (the CLI): the current state alone decides", () => {
    const d = decide(facts({ commits: [humanCommit] }), loaded);
    expect(d.memory).toBeUndefined();
    expect(d.state).toBe("success");
  });
});
