/**
 * Property tests for trailer reading and attribution trailers: wrapped values read back whole,
 * where the trailer block sits does not matter, and prose or people named like models stay human.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { compileDetector, detectCommit } from "../../src/detect/detect.js";
import { normalizeText, trailerLines } from "../../src/detect/text.js";
import type { CommitFacts } from "../../src/facts/types.js";

const RUNS = { numRuns: 300 };
const detector = compileDetector();

const trailerKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/);
const word = fc.stringMatching(/^[!-9;-~][!-~]{0,12}$/).filter((w) => !w.includes(":"));
const words = fc.array(word, { minLength: 1, maxLength: 8 });
const indent = fc.stringMatching(/^[ \t]{1,4}$/);
const subject = fc.stringMatching(/^[A-Za-z][ -~]{0,40}$/).filter((s) => !s.includes("\\n"));
// Prose: lines that do not start like `Key:` (no colon at all keeps it simple and strict).
const proseLine = fc.stringMatching(/^[A-Za-z0-9 ,.'()!?-]{1,60}$/);

function commitOf(message: string): CommitFacts {
  const who = { name: "Ada Lovelace", email: "ada@example.org" };
  return { sha: "a".repeat(40), message, author: who, committer: who, parents: [] };
}

describe("wrapped trailer values", () => {
  it("read back as the words joined by one space, wherever the value wraps", () => {
    fc.assert(
      fc.property(subject, trailerKey, words, fc.array(fc.boolean(), { maxLength: 8 }), indent, (subj, key, ws, breaks, pad) => {
        let value = ws[0]!;
        for (let i = 1; i < ws.length; i++) value += (breaks[i] ? `\n${pad}` : " ") + ws[i]!;
        const found = trailerLines(normalizeText(`${subj}\n\n${key}: ${value}\n`));
        expect(found[0]).toEqual({ key: key.toLowerCase(), value: ws.join(" "), line: `${key}: ${ws.join(" ")}` });
      }),
      RUNS,
    );
  });

  it("an attribution trailer names the same agents folded or not", () => {
    const line = fc.constantFrom(
      ["Assisted-by:", "Cursor", "(claude-4-sonnet)"],
      ["Assisted-by:", "Claude:claude-3-opus", "coccinelle", "sparse"],
      ["Generated-by:", "Claude", "Code", "(claude-opus-4-6)"],
      ["Amp-Thread-ID:", "https://ampcode.com/threads/T-019fa9fa-a0a9-7607-b551-df57797d3054"],
      ["Co-authored-by:", "Qwen-Coder", "<qwen-coder@alibabacloud.com>"],
      ["Assisted-by:", "gpt-5", "via", "Crush", "<crush@charm.land>"],
    );
    fc.assert(
      fc.property(line, fc.integer({ min: 1, max: 4 }), indent, (parts, at, pad) => {
        const cut = Math.min(at, parts.length - 1);
        const flat = parts.join(" ");
        const folded = `${parts.slice(0, cut).join(" ")}\n${pad}${parts.slice(cut).join(" ")}`;
        const a = detectCommit(commitOf(`Fix\n\n${flat}`), detector).agents;
        const b = detectCommit(commitOf(`Fix\n\n${folded}`), detector).agents;
        expect(a.length).toBeGreaterThan(0);
        expect(b).toEqual(a);
      }),
      RUNS,
    );
  });
});

describe("the trailer block's position", () => {
  it("does not matter: prose before or after it changes no trailer read", () => {
    fc.assert(
      fc.property(
        subject,
        fc.array(fc.tuple(trailerKey, word), { minLength: 1, maxLength: 4 }),
        fc.array(proseLine, { maxLength: 4 }),
        fc.array(proseLine, { maxLength: 4 }),
        (subj, pairs, before, after) => {
          const block = pairs.map(([k, v]) => `${k}: ${v}`).join("\n");
          const last = trailerLines(normalizeText(`${subj}\n\n${block}`));
          const middle = trailerLines(normalizeText(`${subj}\n\n${before.join("\n")}\n\n${block}\n\n${after.join("\n")}`));
          expect(middle).toEqual(last);
        },
      ),
      RUNS,
    );
  });
});

describe("what must stay human", () => {
  const modelWord = fc.constantFrom("Claude", "GPT-4", "GPT-5", "Gemini 2.5", "o3", "Qwen3", "Llama 3", "DeepSeek", "Mistral", "Grok", "Kimi K2", "GLM-4", "Copilot", "Cursor", "Codex", "Devin", "Amp", "Kiro");
  it("prose that mentions models, on any line, names no agent", () => {
    fc.assert(
      fc.property(subject, fc.array(fc.tuple(proseLine, modelWord, proseLine), { minLength: 1, maxLength: 5 }), (subj, lines) => {
        const body = lines.map(([a, m, b]) => `${a} ${m} ${b}`).join("\n");
        expect(detectCommit(commitOf(`${subj}\n\n${body}`), detector).agents).toEqual([]);
      }),
      RUNS,
    );
  });

  it("a person whose first name is a model or tool name is a person", () => {
    const first = fc.constantFrom("Claude", "Kimi", "Gemma", "Devin", "Jules", "Zed", "Amp", "Kiro", "Cline", "Crush", "Warp", "Cascade");
    const last = fc.stringMatching(/^[A-Z][a-z]{2,12}$/).filter((l) => !/^(?:Code|Cli|Pro|Max|Plus|Ultra|Agent|Assistant|Ai|Chat|Mini|Nano|Lite|Fast|Flash|Opus|Sonnet|Haiku|Coder|Model|Chatbot|Latest|Exp|Ide|Turbo|Preview|Thinking|Instruct|Reasoner|Oss|Llm|Via|With|Using|And|In|On|For|Through)$/.test(l));
    const key = fc.constantFrom("Co-authored-by", "Co-Authored-By", "Co-developed-by", "Assisted-by", "Reviewed-by", "Signed-off-by");
    const mail = fc.constantFrom("", " <person@example.org>", " <first.last@uni.example>");
    fc.assert(
      fc.property(subject, key, first, last, mail, (subj, k, f, l, m) => {
        expect(detectCommit(commitOf(`${subj}\n\n${k}: ${f} ${l}${m}`), detector).agents).toEqual([]);
      }),
      RUNS,
    );
  });

  it("never throws on messages full of colons, indents and URLs", () => {
    const piece = fc.oneof(fc.constantFrom("Assisted-by:", "  ", "\t", "\n", "https://x.example/a", ":", "Claude", "GPT-5"), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (ps) => {
        const text = normalizeText(ps.join(""));
        for (const t of trailerLines(text)) {
          expect(t.value).toBe(t.value.trim());
          expect(t.value.length).toBeGreaterThan(0);
        }
        detectCommit(commitOf(ps.join("")), detector);
      }),
      RUNS,
    );
  });
});
