/**
 * agentgate's memory record: what a check run's `output.text` carries from one judgment to the next.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  bounded,
  decodeMemory,
  emptyRecord,
  encodeMemory,
  LIMITS,
  MEMORY_TEXT_MAX,
  mergeRecords,
  type MemoryRecord,
} from "../../src/memory/record.js";

const sha = (c: string) => c.repeat(40);

function sample(): MemoryRecord {
  return {
    v: 1,
    prs: [12],
    agents: ["codex"],
    evidence: [{ pr: 12, on: sha("a"), agent: "codex", kind: "agent", source: "pr-branch", marker: "codex/branch" }],
    commits: [sha("a"), sha("b")],
    steering: [{ login: "dana", source: "named as requester in the PR body" }],
    unread: [],
  };
}

const hex40 = fc.stringMatching(/^[0-9a-f]{40}$/);
const idString = fc.oneof(fc.string({ minLength: 1, maxLength: 150 }), fc.string({ minLength: 1, maxLength: 120, unit: "binary" }));
const arbitraryRecord: fc.Arbitrary<MemoryRecord> = fc.record({
  v: fc.constant(1 as const),
  prs: fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 60 }),
  agents: fc.array(idString, { maxLength: 25 }),
  evidence: fc.array(
    fc.record(
      {
        pr: fc.integer({ min: 1, max: 100_000 }),
        on: hex40,
        agent: idString,
        kind: fc.constantFrom("agent" as const, "suggestion" as const, "automation" as const),
        source: fc.constantFrom("pr-author" as const, "pr-body" as const, "commit-trailer" as const, "remembered" as const),
        marker: idString,
        commit: hex40,
      },
      { requiredKeys: ["pr", "on", "agent", "kind", "source", "marker"] },
    ),
    { maxLength: 40 },
  ),
  commits: fc.array(hex40, { maxLength: 300 }),
  steering: fc.array(
    fc.record(
      { login: idString, email: fc.string({ maxLength: 300 }), name: fc.string({ maxLength: 300, unit: "binary" }), source: fc.string({ maxLength: 300 }) },
      { requiredKeys: ["source"] },
    ),
    { maxLength: 25 },
  ),
  unread: fc.array(hex40, { maxLength: 15 }),
});

describe("the memory record", () => {
  it("round-trips through a check run's text, as one hidden HTML comment", () => {
    const text = encodeMemory(sample());
    expect(text).toMatch(/^<!-- agentgate:memory v1 \{.*\} -->$/);
    expect(decodeMemory(text)).toEqual({ kind: "record", record: sample() });
  });

  it("cannot be ended early by a value: `-->` inside a name stays inside the JSON", () => {
    const r = { ...sample(), steering: [{ name: "x --> <!-- agentgate:memory v1 {} -->", source: "co-author" }] };
    const text = encodeMemory(r);
    expect(text.indexOf("-->")).toBe(text.length - 3);
    expect(decodeMemory(text)).toEqual({ kind: "record", record: r });
  });

  it("is absent only when there is no text (a run of an older agentgate, which wrote none)", () => {
    expect(decodeMemory(null)).toEqual({ kind: "none" });
    expect(decodeMemory("")).toEqual({ kind: "none" });
    expect(decodeMemory(" \n")).toEqual({ kind: "none" });
    // agentgate writes nothing else into its runs' text: anything else is not read as "nothing remembered".
    expect(decodeMemory("## Details\nnothing to see")).toEqual({ kind: "garbled" });
  });

  it("is garbled, never trusted, when edited, truncated, of another version or mixed with other text", () => {
    const text = encodeMemory(sample());
    const cases = [
      text.slice(0, -10),
      text.replace('"prs":[12]', '"prs":["12"]'),
      text.replace('"v":1', '"v":2'),
      text.replace("memory v1", "memory v2"),
      text.replace('"codex/branch"', '"codex/branch","extra":1'),
      text.replace(sha("b"), "b".repeat(39)),
      `Quoted from a PR body: ${text}`,
      text.replace("{", "{{"),
      "<!-- agentgate:memory v1 null -->",
      text.replace("agentgate:memory", "agentgate:memorx"),
    ];
    for (const c of cases) expect(decodeMemory(c)).toEqual({ kind: "garbled" });
  });

  it("stays bounded: every list full and every string over its limit still fits a check run", () => {
    const long = "x".repeat(5000);
    const full: MemoryRecord = {
      v: 1,
      prs: Array.from({ length: 500 }, (_, i) => 2 ** 31 - i),
      agents: Array.from({ length: 100 }, (_, i) => `${long}${i}`),
      evidence: Array.from({ length: 100 }, (_, i) => ({
        pr: 2 ** 31 - i,
        on: sha("a"),
        agent: `${long}${i}`,
        kind: "automation" as const,
        source: "commit-committer" as const,
        marker: `${long}${i}`,
        commit: sha("b"),
      })),
      commits: Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(40, "0")),
      steering: Array.from({ length: 100 }, (_, i) => ({ login: `${long}${i}`, email: `<>&${long}${i}`, name: `<>&${long}`, source: `<>&${long}` })),
      unread: Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(40, "f")),
    };
    const text = encodeMemory(full);
    expect(text.length).toBeLessThanOrEqual(MEMORY_TEXT_MAX);
    expect(text.length).toBeLessThan(65535);
    const decoded = decodeMemory(text);
    expect(decoded.kind).toBe("record");
    if (decoded.kind !== "record") return;
    expect(decoded.record.commits).toHaveLength(LIMITS.commits);
    expect(decoded.record.evidence).toHaveLength(LIMITS.evidence);
    // The earliest entries are kept: the first commit (newest, as agentgate writes them) survives.
    expect(decoded.record.commits[0]).toBe(full.commits[0]);
  });

  it("merges by adding only, without duplicates", () => {
    const a = sample();
    const b: MemoryRecord = { ...emptyRecord(), prs: [13], agents: ["codex"], commits: [sha("c"), sha("a")] };
    const merged = mergeRecords(a, b);
    expect(merged.prs).toEqual([12, 13]);
    expect(merged.agents).toEqual(["codex"]);
    expect(merged.commits).toEqual([sha("a"), sha("b"), sha("c")]);
    expect(mergeRecords(merged, a)).toEqual(merged);
  });

  describe("properties", () => {
    it("decoding any text never throws, never says absent for a non-blank text, never yields a record outside the bounds", () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string().map((s) => `<!-- agentgate:memory v1 ${s} -->`)), (text) => {
          const d = decodeMemory(text);
          if (text.trim()) expect(d.kind).not.toBe("none");
          if (d.kind === "record") expect(bounded(d.record)).toEqual(d.record);
        }),
      );
    });

    it("any record round-trips to its bounded self", () => {
      fc.assert(
        fc.property(arbitraryRecord, (r) => {
          const text = encodeMemory(r);
          expect(text.length).toBeLessThanOrEqual(MEMORY_TEXT_MAX);
          expect(decodeMemory(text)).toEqual({ kind: "record", record: bounded(r) });
        }),
        { numRuns: 200 },
      );
    });

    it("a record with one character changed is either garbled or still a valid, bounded record", () => {
      fc.assert(
        fc.property(arbitraryRecord, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (r, at, ch) => {
          const text = encodeMemory(r);
          const i = at % text.length;
          const d = decodeMemory(text.slice(0, i) + ch + text.slice(i + 1));
          expect(["garbled", "record"]).toContain(d.kind);
          if (d.kind === "record") expect(bounded(d.record)).toEqual(d.record);
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe("decoding a text seen before", () => {
  it("gives what the first decoding gave, and no caller can change it for the next", () => {
    const text = encodeMemory(sample());
    const first = decodeMemory(text);
    const again = decodeMemory(`${text}`);
    expect(again).toEqual(first);
    expect(first).toEqual({ kind: "record", record: bounded(sample()) });
    if (first.kind !== "record") throw new Error("not decoded");
    expect(() => first.record.commits.push(sha("c"))).toThrow(TypeError);
    expect(() => Object.assign(first.record, { prs: [] })).toThrow(TypeError);
    const later = decodeMemory(text);
    expect(later.kind === "record" && later.record.commits).toEqual([sha("a"), sha("b")]);
  });

  it("still calls an edited text garbled", () => {
    const text = encodeMemory(sample());
    expect(decodeMemory(text).kind).toBe("record");
    expect(decodeMemory(text.replace('"codex"', '"codex" ')).kind).toBe("record");
    expect(decodeMemory(text.slice(0, -5)).kind).toBe("garbled");
  });
});
