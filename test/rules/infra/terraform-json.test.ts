/**
 * Terraform's JSON syntax: removals are read from the whole file on both sides and reasoned with the
 * rest of the PR, HCL files included, as for `.tf` files.
 */
import { describe, expect, it } from "@jest/globals";
import { structuredPatch } from "diff";
import { defaultPolicy } from "../../../src/config/schema.js";
import type { FileFacts } from "../../../src/facts/types.js";
import { analyzeInfra, contextNeeded } from "../../../src/rules/infra/index.js";
import { addedFile as added } from "../../helpers/facts.js";

const infra = defaultPolicy().infra;
const found = (files: FileFacts[]) => analyzeInfra(files, infra).map((f) => [f.rule, f.severity, f.file, f.line ?? null]);

const json = (value: unknown) => JSON.stringify(value, null, 2);
const BASE = json({
  resource: {
    aws_db_instance: { main: { engine: "postgres" } },
    aws_instance: { web: { instance_type: "t3.small" } },
  },
  module: { vpc: { source: "./vpc" } },
});

/** A modified file as GitHub lists it (its hunks, no file header); both contents if read. */
function modified(filename: string, base: string, head: string, withContents: boolean): FileFacts {
  const { hunks } = structuredPatch(filename, filename, `${base}\n`, `${head}\n`, "", "", { context: 3 });
  const patch = hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join("\n")).join("\n");
  return { filename, status: "modified", additions: 0, deletions: 1, patch, ...(withContents ? { baseContent: base, headContent: head } : {}) };
}

const withoutDb = json({ resource: { aws_instance: { web: { instance_type: "t3.small" } } }, module: { vpc: { source: "./vpc" } } });

describe("*.tf.json", () => {
  it("a stateful resource removed from a modified file blocks, pointing at its name in the base", () => {
    const file = modified("infra/main.tf.json", BASE, withoutDb, true);
    expect(found([file])).toEqual([["TF-01", "block", "infra/main.tf.json", 4]]);
  });

  it("asks for both versions of a modified file, and without them fails closed", () => {
    const file = modified("infra/main.tf.json", BASE, withoutDb, false);
    expect(contextNeeded([file], infra)).toEqual([
      { filename: "infra/main.tf.json", side: "base" },
      { filename: "infra/main.tf.json", side: "head" },
    ]);
    expect(found([file])).toEqual([["META-02", "require", "infra/main.tf.json", null]]);
  });

  it("a deleted file's resources and module calls are read from its patch", () => {
    const lines = BASE.split("\n");
    const file: FileFacts = { filename: "infra/main.tf.json", status: "removed", additions: 0, deletions: lines.length, patch: [`@@ -1,${lines.length} +0,0 @@`, ...lines.map((l) => `-${l}`)].join("\n") };
    expect(found([file]).map(([rule, severity]) => `${rule} ${severity}`).sort()).toEqual(["TF-01 block", "TF-01 require", "TF-02 block"]);
  });

  it("a resource that moves between a .tf.json and a .tf file of the same directory is not removed", () => {
    const toHcl = [modified("infra/main.tf.json", BASE, withoutDb, true), added("infra/db.tf", ['resource "aws_db_instance" "main" {', '  engine = "postgres"', "}"])];
    expect(found(toHcl)).toEqual([]);

    const hclGone: FileFacts = { filename: "infra/db.tf", status: "removed", additions: 0, deletions: 3, patch: ["@@ -1,3 +0,0 @@", '-resource "aws_db_instance" "main" {', '-  engine = "postgres"', "-}"].join("\n") };
    expect(found([hclGone, added("infra/db.tf.json", json({ resource: { aws_db_instance: { main: { engine: "postgres" } } } }).split("\n"))])).toEqual([]);
  });

  it("a rename with a moved block is a note; a removed block with destroy = false is a note", () => {
    const renamed = json({
      resource: { aws_db_instance: { primary: { engine: "postgres" } }, aws_instance: { web: { instance_type: "t3.small" } } },
      module: { vpc: { source: "./vpc" } },
      moved: [{ from: "aws_db_instance.main", to: "aws_db_instance.primary" }],
    });
    expect(found([modified("infra/main.tf.json", BASE, renamed, true)])).toEqual([["TF-03", "note", "infra/main.tf.json", 4]]);

    const forgotten = json({
      resource: { aws_instance: { web: { instance_type: "t3.small" } } },
      module: { vpc: { source: "./vpc" } },
      removed: { from: "aws_db_instance.main", lifecycle: { destroy: false } },
    });
    expect(found([modified("infra/main.tf.json", BASE, forgotten, true)])).toEqual([["TF-04", "note", "infra/main.tf.json", 4]]);
  });

  it("a file that is not JSON is reported, and the rest of the PR is still checked", () => {
    const broken = modified("infra/main.tf.json", BASE, "{ not json", true);
    const rules = found([broken, added("scripts/reset.sh", ["terraform destroy -auto-approve"])]).map(([rule]) => rule);
    expect(rules).toContain("META-02");
    expect(rules).toContain("SH-01");
  });
});
