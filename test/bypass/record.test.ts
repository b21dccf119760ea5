/**
 * The bypass record (src/bypass/record.ts): what the audit CLI and the deploy gate parse. Only a
 * text that is exactly one valid, bounded record decodes; anything else is garbled, never a record.
 */
import { describe, expect, it } from "@jest/globals";
import { acceptedOn, BYPASS_CHECK_NAME, BYPASS_LIMITS, BYPASS_TEXT_MAX, decodeBypass, encodeBypass, type BypassRecord } from "../../src/bypass/record.js";

const SHA = "a".repeat(40);
const base: BypassRecord = { v: 1, kind: "direct-push", sha: SHA, branch: "main", agents: ["copilot"], by: "maria" };

describe("the bypass record", () => {
  it("round-trips, with every optional field", () => {
    const full: BypassRecord = { ...base, kind: "merged-not-passing", pr: 7, shown: "pending", accepted: { by: "pat", at: "2026-12-01T00:00:00.000Z" } };
    expect(decodeBypass(encodeBypass(base))).toEqual({ kind: "record", record: base });
    expect(decodeBypass(encodeBypass(full))).toEqual({ kind: "record", record: full });
  });

  it("escapes what could end the comment", () => {
    const text = encodeBypass({ ...base, branch: "x-->y<z&" });
    expect(text.slice(0, -4)).not.toContain("-->");
    expect(decodeBypass(text)).toMatchObject({ kind: "record", record: { branch: "x-->y<z&" } });
  });

  it("stays bounded with every list full and every string at its limit", () => {
    const long = "x".repeat(10_000);
    const text = encodeBypass({ ...base, branch: long, by: long, shown: long, agents: Array.from({ length: 500 }, (_, i) => `${i}${long}`), accepted: { by: long, at: long } });
    expect(text.length).toBeLessThanOrEqual(BYPASS_TEXT_MAX);
    const d = decodeBypass(text);
    expect(d.kind).toBe("record");
    if (d.kind === "record") expect(d.record.agents).toHaveLength(BYPASS_LIMITS.agents);
  });

  it("reads nothing from no text", () => {
    expect(decodeBypass(null)).toEqual({ kind: "none" });
    expect(decodeBypass("  ")).toEqual({ kind: "none" });
  });

  it.each([
    ["prose around the record", `see ${encodeBypass(base)}`],
    ["a truncated record", encodeBypass(base).slice(0, -10)],
    ["invalid JSON", "<!-- agentgate:bypass v1 {nope} -->"],
    ["a newer version", encodeBypass(base).replace("v1 ", "v2 ")],
    ["an unknown kind", encodeBypass(base).replace("direct-push", "approved")],
    ["an unknown key", encodeBypass(base).replace('"v":1,', '"v":1,"passes":true,')],
    ["a short sha", encodeBypass(base).replace(SHA, "abc")],
    ["an acceptance without its author", encodeBypass(base).replace('"by":"maria"', '"accepted":{"at":"now"}')],
    ["a memory record", '<!-- agentgate:memory v1 {"v":1,"prs":[],"agents":[],"evidence":[],"commits":[],"steering":[],"unread":[]} -->'],
    ["something too long", `<!-- agentgate:bypass v1 ${"x".repeat(BYPASS_TEXT_MAX)} -->`],
  ])("is garbled for %s", (_, text) => {
    expect(decodeBypass(text)).toEqual({ kind: "garbled" });
  });

  describe("acceptedOn", () => {
    const run = (r: Partial<{ name: string; status: string; conclusion: string | null; text: string | null }>) => ({
      name: r.name ?? BYPASS_CHECK_NAME,
      status: r.status ?? "completed",
      conclusion: r.conclusion === undefined ? "success" : r.conclusion,
      output: { text: r.text === undefined ? encodeBypass({ ...base, accepted: { by: "pat", at: "t" } }) : r.text },
    });

    it("finds a completed, successful bypass run whose record is accepted", () => {
      expect(acceptedOn([run({})], { sha: SHA })).toEqual({ by: "pat", at: "t" });
    });

    it.each([
      ["a failing run", run({ conclusion: "failure" })],
      ["a run in progress", run({ status: "in_progress", conclusion: null })],
      ["a record not accepted", run({ text: encodeBypass(base) })],
      ["a garbled record", run({ text: "accepted by pat" })],
      ["another name", run({ name: "agentgate" })],
    ])("clears nothing from %s", (_, r) => {
      expect(acceptedOn([r], { sha: SHA })).toBeUndefined();
    });

    it("clears nothing for another commit or pull request", () => {
      expect(acceptedOn([run({})], { sha: "b".repeat(40) })).toBeUndefined();
      const merged = run({ text: encodeBypass({ ...base, kind: "merged-not-passing", pr: 3, accepted: { by: "pat", at: "t" } }) });
      expect(acceptedOn([merged], { sha: SHA, pr: 4 })).toBeUndefined();
      expect(acceptedOn([merged], { sha: SHA, pr: 3 })).toEqual({ by: "pat", at: "t" });
    });
  });
});
