import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { defaultPolicy } from "../../../src/config/schema.js";
import type { FileFacts } from "../../../src/facts/types.js";
import { analyzeInfra, contextNeeded, INFRA_RULES } from "../../../src/rules/infra/index.js";

const infra = defaultPolicy().infra;
const destroy: FileFacts = { filename: "scripts/reset.sh", status: "added", additions: 1, deletions: 0, patch: "@@ -0,0 +1 @@\n+terraform destroy" };

function file(filename: string, patch: string | undefined, extra: Partial<FileFacts> = {}): FileFacts {
  return { filename, status: "modified", additions: 1, deletions: 1, ...(patch !== undefined ? { patch } : {}), ...extra };
}

describe("bad input", () => {
  it("fails closed on an infra file GitHub sent no diff for, and still checks the rest", () => {
    const findings = analyzeInfra([file("infra/prod/main.tf", undefined), destroy], infra);
    expect(findings.find((f) => f.rule === "META-02")).toMatchObject({ severity: "require", file: "infra/prod/main.tf" });
    expect(findings.some((f) => f.rule === "SH-01" && f.severity === "block")).toBe(true);
  });

  it("ignores a missing diff on a file that is not infra (e.g. an image)", () => {
    expect(analyzeInfra([file("assets/logo.png", undefined)], infra)).toEqual([]);
  });

  it("reports a malformed patch instead of throwing", () => {
    const findings = analyzeInfra([file("infra/a.tf", "@@ -1,9 +1,9 @@\n+resource \"x\" \"y\" {\n-}"), file("infra/b.tf", "not a diff at all")], infra);
    expect(findings.map((f) => [f.rule, f.file, f.severity])).toEqual([
      ["META-02", "infra/a.tf", "require"],
      ["META-02", "infra/b.tf", "require"],
    ]);
  });

  it("fails closed on a patch that smuggles a second file's hunks after a file header", () => {
    const smuggled = '@@ -1 +1 @@\n-a\n+b\n--- a/db.tf\n+++ b/db.tf\n@@ -1 +0,0 @@\n-resource "aws_db_instance" "main" {}';
    const [f] = analyzeInfra([file("infra/main.tf", smuggled)], infra);
    expect(f).toMatchObject({ rule: "META-02", severity: "require", file: "infra/main.tf" });
  });

  it("treats binary content in a patch as unreadable", () => {
    const [f] = analyzeInfra([file("k8s/app.yaml", "@@ -1 +1 @@\n-a\u0000\n+b")], infra);
    expect(f).toMatchObject({ rule: "META-02", severity: "require" });
  });

  it("refuses a 100 MB generated patch quickly, as a finding", () => {
    const huge = `@@ -0,0 +1,1 @@\n+${"x".repeat(100 * 1024 * 1024)}`;
    const t0 = Date.now();
    const [f] = analyzeInfra([file("infra/generated.tf", huge, { status: "added" })], infra);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(f).toMatchObject({ rule: "META-02", severity: "require" });
  });

  it("reads invalid HCL and YAML without an analyzer failing", () => {
    // Well-formed patches, so the analyzers (not the diff parser) meet the broken text.
    const hcl = file("infra/x.tf", '@@ -1 +1 @@\n-resource "a" {{{ "\n+}}} force_destroy = true "unterminated');
    const yaml = file("k8s/x.yaml", "@@ -1 +1,2 @@\n-kind: [\n+  : : privileged: true\n+\t- {");
    const findings = analyzeInfra([hcl, yaml], infra);
    expect(findings.filter((f) => f.rule === "META-02")).toEqual([]);
  });

  it("fails closed on a PR at GitHub's 3000-file listing cap", () => {
    const many = Array.from({ length: 3000 }, (_, i) => file(`src/f${i}.ts`, "@@ -1 +1 @@\n-a\n+b"));
    expect(analyzeInfra(many, infra).some((f) => f.rule === "META-02")).toBe(true);
  });

  it("uses full file contents when the hunk cannot show the kind", () => {
    const patch = "@@ -10,3 +10,3 @@ spec:\n   selector:\n     matchLabels:\n-      app: web\n+      app: web2";
    const head = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n  type: ClusterIP\n\n  selector:\n    matchLabels:\n      app: web2\n";
    const k8s = file("deploy/svc.yaml", patch);
    expect(contextNeeded([k8s], infra)).toContainEqual({ filename: "deploy/svc.yaml", side: "head" });
    // Without content the selector might be a StatefulSet's: ask. With it, a Service selector is mutable.
    expect(analyzeInfra([k8s], infra).some((f) => f.rule === "K8S-03")).toBe(true);
    expect(analyzeInfra([{ ...k8s, headContent: head, baseContent: head.replace("web2", "web") }], infra).some((f) => f.rule === "K8S-03")).toBe(false);
  });
});

describe("docs/rules.md", () => {
  it("has a section for every rule", () => {
    const docs = readFileSync("docs/rules.md", "utf8");
    for (const r of INFRA_RULES) expect(docs).toMatch(new RegExp(`^#+ ${r.id}\\b`, "m"));
  });
});
