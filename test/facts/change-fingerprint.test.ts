import { describe, expect, it } from "@jest/globals";
import { changeFingerprint } from "../../src/facts/github.js";
import { file } from "../helpers/facts.js";

describe("whether a PR's change is the one that was approved", () => {
  const approved = file("app.py", "@@ -10,4 +10,5 @@ def handler():\n     check()\n+    delete_all()\n     return ok\n");

  it("is the same change when nothing but the commit moved (a rebase onto an unrelated base change)", () => {
    expect(changeFingerprint([{ ...approved }])).toBe(changeFingerprint([approved]));
  });

  it("is another change when the hunk sits elsewhere, even with the same lines", () => {
    const shifted = file("app.py", "@@ -14,4 +14,5 @@ def handler():\n     check()\n+    delete_all()\n     return ok\n");
    expect(changeFingerprint([shifted])).not.toBe(changeFingerprint([approved]));
  });

  it("is another change when the same lines land in another function", () => {
    const otherBlock = file("app.py", "@@ -10,4 +10,5 @@ def cleanup():\n     check()\n+    delete_all()\n     return ok\n");
    expect(changeFingerprint([otherBlock])).not.toBe(changeFingerprint([approved]));
  });

  it("is another change when the same added line now stands between other lines", () => {
    const moved = file("app.py", "@@ -10,4 +10,5 @@ def handler():\n     if dry_run:\n+    delete_all()\n     return ok\n");
    expect(changeFingerprint([moved])).not.toBe(changeFingerprint([approved]));
  });

  it("is another change when a file was added, renamed or changed status", () => {
    expect(changeFingerprint([approved, file("b.py")])).not.toBe(changeFingerprint([approved]));
    expect(changeFingerprint([{ ...approved, previousFilename: "old.py", status: "renamed" }])).not.toBe(changeFingerprint([approved]));
    expect(changeFingerprint([{ ...approved, status: "added" }])).not.toBe(changeFingerprint([approved]));
  });

  it("tells files without a patch apart by their blob sha and line counts", () => {
    const lock = { filename: "package-lock.json", status: "modified" as const, additions: 4000, deletions: 3900, sha: "1".repeat(40) };
    expect(changeFingerprint([lock])).toBe(changeFingerprint([{ ...lock }]));
    expect(changeFingerprint([{ ...lock, sha: "2".repeat(40) }])).not.toBe(changeFingerprint([lock]));
    expect(changeFingerprint([{ ...lock, additions: 4001 }])).not.toBe(changeFingerprint([lock]));
    const png = { filename: "logo.png", status: "modified" as const, additions: 0, deletions: 0, sha: "3".repeat(40) };
    expect(changeFingerprint([{ ...png, sha: "4".repeat(40) }])).not.toBe(changeFingerprint([png]));
  });

  it("cannot tell a change whole when a file has neither a patch nor a sha", () => {
    expect(changeFingerprint([approved, { filename: "blob.bin", status: "modified", additions: 0, deletions: 0 }])).toBeNull();
    expect(changeFingerprint([{ ...approved, patch: undefined }])).toBeNull();
  });

  it("does not let one file's name or patch imitate two files", () => {
    const two = [file("a", "@@ -1 +1 @@\n-x\n+y"), file("b", "@@ -1 +1 @@\n-x\n+y")];
    const forged = [file("a", `@@ -1 +1 @@\n-x\n+y"]\n["b","modified",1,1,"@@ -1 +1 @@\n-x\n+y`)];
    expect(changeFingerprint(forged)).not.toBe(changeFingerprint(two));
  });

  it("does not depend on the order GitHub lists files in", () => {
    expect(changeFingerprint([file("b.py"), approved])).toBe(changeFingerprint([approved, file("b.py")]));
  });
});
