/**
 * Property tests for the parsers an attacker feeds: commit trailers and identities, unified diffs,
 * policy YAML. Each property states what must hold for every input, not for a hand-picked one.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { normalizeText, parseIdentity, trailerLines } from "../../src/detect/text.js";
import { parseHunks, UnreadablePatchError } from "../../src/rules/infra/diff.js";
import { parsePolicy } from "../../src/config/parse.js";

const RUNS = { numRuns: 300 };

const trailerKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
// A value on one line, starting with a non-space (git trims what follows the colon).
const trailerValue = fc.stringMatching(/^[!-~][ -~]{0,40}$/).map((v) => v.trimEnd()).filter((v) => v.length > 0);
const subject = fc.stringMatching(/^[A-Za-z][ -~]{0,40}$/).filter((s) => !s.includes("\\n"));

describe("trailers", () => {
  it("finds every trailer of a trailer block, key lower-cased, value as written", () => {
    fc.assert(
      fc.property(subject, fc.array(fc.tuple(trailerKey, trailerValue), { minLength: 1, maxLength: 6 }), (subj, pairs) => {
        const message = `${subj}\n\nSome explanation.\n\n${pairs.map(([k, v]) => `${k}: ${v}`).join("\n")}\n`;
        const found = trailerLines(normalizeText(message)).map((t) => [t.key, t.value]);
        for (const [k, v] of pairs) expect(found).toContainEqual([k.toLowerCase(), v]);
      }),
      RUNS,
    );
  });

  it("reads the same trailers whatever the line endings", () => {
    fc.assert(
      fc.property(subject, fc.array(fc.tuple(trailerKey, trailerValue), { minLength: 1, maxLength: 4 }), (subj, pairs) => {
        const lf = `${subj}\n\n${pairs.map(([k, v]) => `${k}: ${v}`).join("\n")}`;
        const crlf = lf.replace(/\n/g, "\r\n");
        expect(trailerLines(normalizeText(crlf))).toEqual(trailerLines(normalizeText(lf)));
      }),
      RUNS,
    );
  });

  it("never throws, and never reads the subject line as a trailer", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const normalized = normalizeText(text);
        const trailers = trailerLines(normalized);
        if (!normalized.includes("\n")) expect(trailers).toEqual([]);
        for (const t of trailers) {
          expect(t.key).toBe(t.key.toLowerCase());
          expect(t.value).toBe(t.value.trimEnd());
          expect(t.value.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it("a conventional-commit subject is not a trailer", () => {
    fc.assert(
      fc.property(fc.constantFrom("fix", "feat", "Co-authored-by", "Assisted-by"), trailerValue, (key, rest) => {
        expect(trailerLines(normalizeText(`${key}: ${rest}`))).toEqual([]);
      }),
      RUNS,
    );
  });

  it("normalizing twice changes nothing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(normalizeText(normalizeText(text))).toBe(normalizeText(text));
      }),
      RUNS,
    );
  });

  it("reads back the name and email of `Name <email>`", () => {
    const name = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,20}[A-Za-z]$/);
    const email = fc.emailAddress();
    fc.assert(
      fc.property(name, email, (n, e) => {
        expect(parseIdentity(`${n} <${e}>`)).toEqual({ name: n, email: e });
      }),
      RUNS,
    );
  });
});

type Line = { kind: "+" | "-" | " "; text: string };
const diffLine = fc.record({
  kind: fc.constantFrom("+" as const, "-" as const, " " as const),
  text: fc.stringMatching(/^[ -~]{0,30}$/),
});

function hunkText(oldStart: number, newStart: number, lines: readonly Line[], heading: string): string {
  const oldCount = lines.filter((l) => l.kind !== "+").length;
  const newCount = lines.filter((l) => l.kind !== "-").length;
  return [`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@${heading ? ` ${heading}` : ""}`, ...lines.map((l) => l.kind + l.text)].join("\n");
}

describe("unified diffs", () => {
  it("reads every line of a well-formed hunk with its kind, text, heading and line numbers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(diffLine, { minLength: 1, maxLength: 30 }).filter((ls) => ls.some((l) => l.kind !== " ")),
        fc.stringMatching(/^[A-Za-z][ -~]{0,20}$/),
        (oldStart, newStart, lines, heading) => {
          const [hunk, ...rest] = parseHunks(hunkText(oldStart, newStart, lines, heading));
          expect(rest).toHaveLength(0);
          expect(hunk!.heading).toBe(heading);
          expect(hunk!.lines.map((l) => ({ kind: l.kind, text: l.text }))).toEqual(lines);
          const news = hunk!.lines.filter((l) => l.kind !== "-").map((l) => l.newLine);
          const olds = hunk!.lines.filter((l) => l.kind !== "+").map((l) => l.oldLine);
          const hasOld = lines.some((l) => l.kind !== "+");
          const hasNew = lines.some((l) => l.kind !== "-");
          if (hasNew) expect(news).toEqual(news.map((_, i) => news[0]! + i));
          if (hasOld) expect(olds).toEqual(olds.map((_, i) => olds[0]! + i));
          if (hasNew && hasOld) {
            expect(news[0]).toBe(newStart);
            expect(olds[0]).toBe(oldStart);
          }
        },
      ),
      RUNS,
    );
  });

  it("either reads a patch or refuses it as unreadable; never anything else", () => {
    const patchish = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.oneof(fc.constant("@@ -1,2 +1,3 @@"), fc.constant("--- a/x"), fc.constant("+++ b/x"), fc.stringMatching(/^[ +-\\][ -~]{0,10}$/)), { maxLength: 12 }).map((ls) => ls.join("\n")),
    );
    fc.assert(
      fc.property(patchish, (patch) => {
        try {
          const hunks = parseHunks(patch);
          for (const h of hunks) for (const l of h.lines) expect(["+", "-", " "]).toContain(l.kind);
        } catch (e) {
          expect(e).toBeInstanceOf(UnreadablePatchError);
        }
      }),
      RUNS,
    );
  });
});

describe("policy YAML", () => {
  it("any text gives a policy or problems that name the file; it never throws", () => {
    const yamlish = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .array(fc.tuple(fc.constantFrom("version", "approvals", "required", "paths", "agents", "applies_to", "_extends", "x"), fc.constantFrom("1", "2", "all", "[", "{a: 1}", "- a", "", "'")), { maxLength: 8 })
        .map((kv) => kv.map(([k, v], i) => `${"  ".repeat(i % 3)}${k}: ${v}`).join("\n")),
    );
    fc.assert(
      fc.property(yamlish, (text) => {
        const result = parsePolicy(text, "acme/app@main:.agentgate.yml");
        if (result.ok) return;
        expect(result.problems.length).toBeGreaterThan(0);
        for (const p of result.problems) {
          expect(p.file).toBe("acme/app@main:.agentgate.yml");
          if (p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });
});
