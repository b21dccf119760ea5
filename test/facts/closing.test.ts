import { describe, expect, it } from "@jest/globals";
import { closingIssueNumbers, MAX_CLOSING_ISSUES } from "../../src/facts/closing.js";

describe("the issues a pull request body closes", () => {
  it("reads GitHub's closing keywords, with or without a colon, in any case", () => {
    const body = "Fixes #1\ncloses: #2, RESOLVED #3\nFix #4 and close #5";
    expect(closingIssueNumbers(body, "acme", "app")).toEqual([1, 2, 3, 4, 5]);
  });

  it("reads this repository's long form and URL, and skips other repositories", () => {
    const body = "Resolves acme/app#7\nFixes https://github.com/acme/app/issues/8\nFixes other/app#9\nFixes https://github.com/other/app/issues/10";
    expect(closingIssueNumbers(body, "Acme", "App")).toEqual([7, 8]);
  });

  it("ignores a mention without a keyword, and a keyword inside a word", () => {
    expect(closingIssueNumbers("See #1. Prefixes #2. Unfixed #3", "acme", "app")).toEqual([]);
  });

  it("reads at most five issues, each once", () => {
    const body = Array.from({ length: 12 }, (_, i) => `Fixes #${(i % 8) + 1}`).join("\n");
    expect(closingIssueNumbers(body, "acme", "app")).toEqual([1, 2, 3, 4, 5]);
    expect(MAX_CLOSING_ISSUES).toBe(5);
  });

  it("stays fast on a hostile body", () => {
    const started = Date.now();
    closingIssueNumbers(`fixes ${"#".repeat(100_000)} ${"fixes ".repeat(50_000)}`, "acme", "app");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
