/**
 * Trailer reading on the forms real commits use: wrapped values, a trailer block that is not last,
 * squash bodies with indented trailers.
 */
import { describe, expect, it } from "@jest/globals";
import { normalizeText, trailerLines } from "../../src/detect/text.js";

const read = (message: string) => trailerLines(normalizeText(message)).map((t) => [t.key, t.value]);

describe("trailerLines", () => {
  it("joins a value continued on indented lines, as git interpret-trailers does", () => {
    const message = "Fix\n\nBody.\n\nAssisted-by: Claude:claude-opus-4-6\n  coccinelle sparse\nSigned-off-by: Ada <ada@example.org>";
    expect(read(message)).toEqual([
      ["assisted-by", "Claude:claude-opus-4-6 coccinelle sparse"],
      ["signed-off-by", "Ada <ada@example.org>"],
    ]);
  });

  it("takes the value of an empty trailer from a lone URL on the next line", () => {
    expect(read("Fix\n\nAmp-Thread:\nhttps://ampcode.com/threads/T-1234abcd")).toEqual([["amp-thread", "https://ampcode.com/threads/T-1234abcd"]]);
  });

  it("joins an indented URL continuation even though it looks like `https: //…`", () => {
    expect(read("Fix\n\nAmp-Thread-ID:\n  https://ampcode.com/threads/T-1234abcd")).toEqual([["amp-thread-id", "https://ampcode.com/threads/T-1234abcd"]]);
  });

  it("keeps indented trailers of a squash body apart", () => {
    const message = "Squash (#12)\n\n* Initial plan\n\n  Co-authored-by: A <a@example.org>\n  Co-authored-by: B <b@example.org>";
    expect(read(message)).toEqual([
      ["co-authored-by", "A <a@example.org>"],
      ["co-authored-by", "B <b@example.org>"],
    ]);
  });

  it("reads a trailer block that is not last (a footer or text follows)", () => {
    const message = "Fix\n\nCo-Authored-By: Crush <crush@charm.land>\n\n💘 Generated with Crush\n\nMore notes after the trailers.";
    expect(read(message)).toEqual([["co-authored-by", "Crush <crush@charm.land>"]]);
  });

  it("skips an empty trailer with nothing to take", () => {
    expect(read("Fix\n\nAssisted-by:\n\nBody")).toEqual([]);
  });

  it("does not run a continuation into the next paragraph", () => {
    expect(read("Fix\n\nAssisted-by: Cursor\n\n  indented code after a blank line")).toEqual([["assisted-by", "Cursor"]]);
  });

  it("reads CRLF and tab-indented continuations alike", () => {
    expect(read("Fix\r\n\r\nAssisted-by: Cursor\r\n\t(claude-4-sonnet)\r\n")).toEqual([["assisted-by", "Cursor (claude-4-sonnet)"]]);
  });

  it("reads a 1 MB line of spaces in linear time", () => {
    const start = performance.now();
    read(`Fix\n\nAssisted-by: a${" ".repeat(1_000_000)}b\n${" x".repeat(100_000)}`);
    // A stall guard, not a speed test: a quadratic reading takes minutes on this input.
    expect(performance.now() - start).toBeLessThan(3000);
  });
});
