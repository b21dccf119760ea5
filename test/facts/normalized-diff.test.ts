import { describe, expect, it } from "@jest/globals";
import { normalizedDiff } from "../../src/facts/github.js";
import { file } from "../helpers/facts.js";

describe("whether a PR's diff is unchanged since an approval", () => {
  const approved = file("app.py", "@@ -10,4 +10,5 @@ def handler():\n     check()\n+    delete_all()\n     return ok\n");

  it("is unchanged when only the hunk's line numbers moved (a rebase onto a longer base)", () => {
    const rebased = file("app.py", "@@ -14,4 +14,5 @@ def handler():\n     check()\n+    delete_all()\n     return ok\n");
    expect(normalizedDiff([rebased])).toBe(normalizedDiff([approved]));
  });

  it("has changed when the same added line now stands somewhere else", () => {
    const moved = file("app.py", "@@ -10,4 +10,5 @@ def handler():\n     if dry_run:\n+    delete_all()\n     return ok\n");
    expect(normalizedDiff([moved])).not.toBe(normalizedDiff([approved]));
  });

  it("has changed when a file was added, or a patch is missing", () => {
    expect(normalizedDiff([approved, file("b.py")])).not.toBe(normalizedDiff([approved]));
    expect(normalizedDiff([{ ...approved, patch: undefined }])).not.toBe(normalizedDiff([approved]));
  });

  it("does not depend on the order GitHub lists files in", () => {
    expect(normalizedDiff([file("b.py"), approved])).toBe(normalizedDiff([approved, file("b.py")]));
  });
});
