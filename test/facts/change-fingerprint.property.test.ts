/** Properties of the change fingerprint an attacker feeds with file names, patches and blobs of their choice. */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { changeFingerprint } from "../../src/facts/github.js";
import type { FileFacts, FileStatus } from "../../src/facts/types.js";

const statuses: FileStatus[] = ["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"];
const fileArb: fc.Arbitrary<FileFacts> = fc.record(
  {
    filename: fc.string({ minLength: 1, maxLength: 12 }),
    previousFilename: fc.string({ maxLength: 12 }),
    status: fc.constantFrom(...statuses),
    patch: fc.string({ maxLength: 60 }),
    sha: fc.stringMatching(/^[0-9a-f]{40}$/),
    additions: fc.nat(5000),
    deletions: fc.nat(5000),
  },
  { requiredKeys: ["filename", "status", "additions", "deletions", "sha"] },
);
const filesArb = fc.uniqueArray(fileArb, { minLength: 1, maxLength: 6, selector: (f) => f.filename });

describe("the change fingerprint", () => {
  it("does not depend on the order files are listed in", () => {
    fc.assert(
      fc.property(filesArb, fc.nat(), (files, seed) => {
        const shuffled = [...files].sort((a, b) => ((a.filename.length * 31 + seed) % 7) - ((b.filename.length * 31 + seed) % 7));
        expect(changeFingerprint(shuffled)).toBe(changeFingerprint(files));
      }),
    );
  });

  it("changes with any field a reviewer relies on, in any one file", () => {
    const edits: ((f: FileFacts) => FileFacts)[] = [
      (f) => ({ ...f, filename: `${f.filename}x` }),
      (f) => ({ ...f, previousFilename: `${f.previousFilename ?? ""}x` }),
      (f) => ({ ...f, status: f.status === "modified" ? "added" : "modified" }),
      (f) => ({ ...f, additions: f.additions + 1 }),
      (f) => ({ ...f, deletions: f.deletions + 1 }),
      // A patch differing only in its hunk header still differs.
      (f) => ({ ...f, patch: `@@ -1 +1 @@ fn\n${f.patch ?? ""}` }),
      // Without a patch the blob is the change.
      (f) => (f.patch === undefined ? { ...f, sha: f.sha === "f".repeat(40) ? "e".repeat(40) : "f".repeat(40) } : { ...f, patch: `${f.patch}!` }),
    ];
    fc.assert(
      fc.property(filesArb, fc.nat(), fc.nat(edits.length - 1), (files, at, which) => {
        const i = at % files.length;
        const edited = files.map((f, j) => (j === i ? (edits[which] as (f: FileFacts) => FileFacts)(f) : f));
        // Renaming onto another listed file's name is not an edit of one file.
        fc.pre(new Set(edited.map((f) => f.filename)).size === edited.length);
        expect(changeFingerprint(edited)).not.toBe(changeFingerprint(files));
      }),
    );
  });

  it("is never computed for a change with a file that has neither patch nor sha", () => {
    fc.assert(
      fc.property(filesArb, fc.nat(), (files, at) => {
        const i = at % files.length;
        const { patch: _p, sha: _s, ...bare } = files[i] as FileFacts;
        expect(changeFingerprint(files.map((f, j) => (j === i ? bare : f)))).toBeNull();
      }),
    );
  });
});
