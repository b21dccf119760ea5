/**
 * The check run's text: the memory record, then the result record, each a whole line. Old texts (the
 * memory record alone) still read; anything else is not agentgate's text (garbled).
 */
import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../src/config/schema.js";
import { decide } from "../../src/decide.js";
import { composeCheckText, decodeCheckText, decodeMemory, encodeMemory, MEMORY_TEXT_MAX, type MemoryRecord } from "../../src/memory/record.js";
import { decodeResultLine, encodeResult, RESULT_TEXT_MAX, resultRecordOf } from "../../src/memory/result.js";
import { memoryTextFor } from "../../src/memory/publish.js";
import type { Finding } from "../../src/rules/types.js";
import { commit, facts, review, reviewer } from "../helpers/facts.js";

const sha = (c: string) => c.repeat(40);
const memory: MemoryRecord = {
  v: 1,
  prs: [12],
  agents: ["claude-code"],
  evidence: [{ pr: 12, on: sha("a"), agent: "claude-code", kind: "agent", source: "commit-trailer", marker: "claude-code/trailer" }],
  commits: [sha("a")],
  steering: [],
  unread: [],
};
const claude = commit("1a2b3c4", "Tune\n\nCo-Authored-By: Claude <noreply@anthropic.com>", { name: "Dana", email: "dana@acme.example", login: "dana" });
const loaded = { policy: defaultPolicy(), problems: [], sources: ["acme/app@main:.agentgate.yml"], files: [{ source: "acme/app@main:.agentgate.yml", sha: sha("c") }] };

function approvedDecision() {
  return decide(
    facts({
      commits: [claude],
      reviews: [review("maria", "APPROVED"), review("max", "APPROVED"), review("dana", "APPROVED")],
      reviewers: { maria: reviewer("maria", "maintain"), max: reviewer("max", "write"), dana: reviewer("dana", "write") },
    }),
    loaded,
  );
}

describe("the result record", () => {
  it("keeps who approved, who was ignored and why, the agents, the rules, the reason codes and the policy blobs", () => {
    const d = approvedDecision();
    const r = resultRecordOf(d, [12], "0.1.0");
    expect(r).toMatchObject({
      v: 1,
      state: "success",
      sha: d.headSha,
      check: "agentgate",
      prs: [12],
      agents: ["claude-code"],
      approvals: { required: 2, counted: ["maria", "max"], ignored: [{ login: "dana", reason: "steered-agent" }] },
      policy: [{ source: "acme/app@main:.agentgate.yml", sha: sha("c") }],
      app: "0.1.0",
    });
    expect(decodeResultLine(encodeResult(r))).toEqual(r);
  });

  it("fits beside a full memory record: lists are cut and `cut` says so", () => {
    expect(MEMORY_TEXT_MAX + 1 + RESULT_TEXT_MAX).toBeLessThanOrEqual(65_535);
    const d = approvedDecision();
    const many: Finding[] = Array.from({ length: 2000 }, (_, i) => ({ rule: `path:rule-${i}`, severity: "require", file: `${"d/".repeat(150)}${i}.tf`, message: "m" }));
    const line = encodeResult(resultRecordOf({ ...d, findings: many }, [12], "0.1.0"));
    expect(line.length).toBeLessThanOrEqual(RESULT_TEXT_MAX);
    expect(decodeResultLine(line)).toMatchObject({ cut: true, state: "success" });
  });
});

describe("the check run's text", () => {
  const resultLine = () => encodeResult(resultRecordOf(approvedDecision(), [12], "0.1.0"));

  it("memory then result: both read", () => {
    const text = composeCheckText(encodeMemory(memory), resultLine())!;
    expect(text.split("\n")).toHaveLength(2);
    const t = decodeCheckText(text);
    expect(t).toMatchObject({ kind: "parts", memory: { prs: [12] }, result: { state: "success" } });
    expect(decodeMemory(text)).toMatchObject({ kind: "record", record: { prs: [12] } });
  });

  it("an old text, the memory record alone, still reads (no result)", () => {
    expect(decodeCheckText(encodeMemory(memory))).toMatchObject({ kind: "parts", result: null, memory: { prs: [12] } });
  });

  it("the result alone remembers nothing", () => {
    expect(decodeMemory(resultLine())).toEqual({ kind: "none" });
    expect(decodeCheckText(resultLine())).toMatchObject({ kind: "parts", memory: null, result: { state: "success" } });
  });

  it("anything else is garbled: three lines, the wrong order, two memories, two results, a line beside", () => {
    const m = encodeMemory(memory);
    const r = resultLine();
    for (const text of [`${m}\n${r}\n${r}`, `${r}\n${m}`, `${m}\n${m}`, `${r}\n${r}`, `${m}\nhello`, `hello\n${r}`, `${m} ${r}`, r.replace('"v":1', '"v":1,"x":1')]) {
      expect([text.slice(0, 40), decodeCheckText(text).kind]).toEqual([text.slice(0, 40), "garbled"]);
      expect(decodeMemory(text).kind).toBe("garbled");
    }
  });

  it("the publisher writes memory then result, and carries an older run's memory forward", () => {
    const d = approvedDecision();
    const text = memoryTextFor(encodeMemory(memory), { ...d, memory: { record: null } }, true, resultLine());
    expect(decodeCheckText(text)).toMatchObject({ kind: "parts", memory: { prs: [12] }, result: { state: "success" } });
    // Nothing to remember: the result alone.
    expect(decodeCheckText(memoryTextFor(null, d, true, resultLine()))).toMatchObject({ kind: "parts", memory: null });
  });
});
