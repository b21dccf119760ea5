import { describe, expect, it } from "@jest/globals";
import { policySchema, type InfraPolicy, type PolicyInput } from "../../../src/config/schema.js";
import type { FileFacts } from "../../../src/facts/types.js";
import { addedFile as added } from "../../helpers/facts.js";
import { analyzeInfra } from "../../../src/rules/infra/index.js";

function infra(section: PolicyInput["infra"] = {}): InfraPolicy {
  return policySchema.parse({ infra: section }).infra;
}


const dropColumn = (path = "migrations/001_up.sql") => added(path, ["ALTER TABLE orders DROP COLUMN legacy;"]);
const destroyScript = (path = "scripts/reset.sh") => added(path, ["#!/bin/sh", "terraform destroy -auto-approve"]);

describe("infra policy", () => {
  it("does nothing when infra rules are off", () => {
    expect(analyzeInfra([destroyScript()], infra({ enabled: false }))).toEqual([]);
  });

  it("drops a rule that is switched off, and only that rule", () => {
    const findings = analyzeInfra([destroyScript(), dropColumn()], infra({ rules: { "SH-01": { enabled: false } } }));
    expect(findings.map((f) => f.rule)).toEqual(["DB-02"]);
  });

  it("changes a rule's severity", () => {
    const [f] = analyzeInfra([dropColumn()], infra({ rules: { "DB-02": { severity: "block" } } }));
    expect(f!.severity).toBe("block");
  });

  it("uses the first scope whose paths match", () => {
    const policy = infra({
      rules: { "DB-02": { scopes: [{ paths: ["services/billing/**"], severity: "block" }, { paths: ["**"], severity: "note" }] } },
    });
    const findings = analyzeInfra([dropColumn("services/billing/migrations/1.sql"), dropColumn("services/blog/migrations/1.sql")], policy);
    expect(findings.find((f) => f.file.startsWith("services/billing"))!.severity).toBe("block");
    expect(findings.find((f) => f.file.startsWith("services/blog"))!.severity).toBe("note");
  });

  it("a scope can switch a rule off for some paths", () => {
    const policy = infra({ rules: { "SH-01": { scopes: [{ paths: ["scripts/preview/**"], enabled: false }] } } });
    expect(analyzeInfra([destroyScript("scripts/preview/teardown.sh")], policy)).toEqual([]);
    expect(analyzeInfra([destroyScript("scripts/prod/teardown.sh")], policy)[0]!.severity).toBe("block");
  });

  it("downgrades an allowed finding to a note that still says why", () => {
    const policy = infra({ allow: [{ rule: "DB-02", pattern: "DROP COLUMN legacy", reason: "legacy column unused since v3" }] });
    const [f] = analyzeInfra([dropColumn()], policy);
    expect(f!.severity).toBe("note");
    expect(f!.message).toMatch(/^allowed: legacy column unused since v3/);
  });

  it("does not allow what the entry's pattern or paths do not match", () => {
    const policy = infra({
      allow: [
        { rule: "DB-02", pattern: "DROP COLUMN other", reason: "x" },
        { rule: "*", paths: ["elsewhere/**"], reason: "y" },
      ],
    });
    expect(analyzeInfra([dropColumn()], policy)[0]!.severity).toBe("require");
  });

  it("caps findings in test and example paths at note, with configurable paths", () => {
    expect(analyzeInfra([destroyScript("tests/e2e/reset.sh")], infra())[0]!.severity).toBe("note");
    expect(analyzeInfra([destroyScript("examples/basic/reset.sh")], infra())[0]!.severity).toBe("note");
    const custom = infra({ non_deployed_paths: ["sandbox/**"] });
    expect(analyzeInfra([destroyScript("sandbox/reset.sh")], custom)[0]!.severity).toBe("note");
    expect(analyzeInfra([destroyScript("tests/e2e/reset.sh")], custom)[0]!.severity).toBe("block");
  });

  it("skips documentation, with configurable paths", () => {
    const doc = added("ops/RUNBOOK.md", ["terraform destroy -auto-approve"]);
    expect(analyzeInfra([doc], infra())).toEqual([]);
    const script = destroyScript("runbooks/reset.sh");
    expect(analyzeInfra([script], infra({ docs_paths: ["runbooks/**"] }))).toEqual([]);
  });

  it("asks the policy's teams for require findings, unless the rule names its own", () => {
    const policy = infra({ teams: ["acme/platform"], rules: { "DB-02": { teams: ["acme/dba"] } } });
    const findings = analyzeInfra([dropColumn(), added(".github/workflows/ci.yml", ["jobs:", "  a:", "    permissions: write-all"])], policy);
    expect(findings.find((f) => f.rule === "DB-02")!.teams).toEqual(["acme/dba"]);
    expect(findings.find((f) => f.rule === "GHA-02")!.teams).toEqual(["acme/platform"]);
    const blocked = analyzeInfra([destroyScript()], policy)[0]!;
    expect(blocked.teams).toBeUndefined();
  });

  it("never raises a 'covered' note by a severity override", () => {
    const removed: FileFacts = {
      filename: "infra/main.tf",
      status: "modified",
      additions: 4,
      deletions: 1,
      patch: '@@ -1,3 +1,7 @@\n-resource "aws_sqs_queue" "a" {\n+resource "aws_sqs_queue" "b" {\n   name = "q"\n }\n+moved {\n+  from = aws_sqs_queue.a\n+  to   = aws_sqs_queue.b\n+}',
    };
    const findings = analyzeInfra([removed], infra({ rules: { "TF-03": { severity: "block" } } }));
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([["TF-03", "note"]]);
  });
});
