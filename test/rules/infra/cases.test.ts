import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultPolicy } from "../../../src/config/schema.js";
import { CaseFormatError, parseCase, verdictName } from "../../../src/rules/infra/cases.js";
import { analyzeInfra, verdictOf } from "../../../src/rules/infra/index.js";

const DIR = "test/fixtures/infra-cases";
const cases = readdirSync(DIR)
  .filter((f) => f.endsWith(".diff"))
  .sort()
  .map((f) => parseCase(readFileSync(join(DIR, f), "utf8")));

describe("infra cases (the reference's corpus)", () => {
  it("reads every case file", () => {
    expect(cases.length).toBeGreaterThanOrEqual(41);
    for (const c of cases) expect(c.files.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s gets its expected verdict", (_id, c) => {
    const findings = analyzeInfra(c.files, defaultPolicy().infra);
    expect(verdictName(verdictOf(findings))).toBe(c.expect);
    // The rule the case is about is among those that decided the verdict.
    if (c.expect !== "PASS" && c.rules.length) {
      const top = findings.filter((f) => f.severity === verdictOf(findings)).map((f) => f.rule);
      expect(c.rules.some((r) => top.includes(r))).toBe(true);
    }
  });

  it("points findings at real lines with their evidence", () => {
    const tf01 = cases.find((c) => c.id.startsWith("tf-01"))!;
    const [finding] = analyzeInfra(tf01.files, defaultPolicy().infra);
    expect(finding).toMatchObject({ rule: "TF-01", severity: "block", file: "modules/db_instance/main.tf", line: 126 });
    expect(finding!.evidence).toBe('resource "aws_db_instance" "this_mssql" {');
    expect(finding!.message).toContain("aws_db_instance.this_mssql");
  });
});

describe("parseCase", () => {
  it("reads an absent patch as a file GitHub sent no diff for", () => {
    const c = parseCase("case: x\nexpect: APPROVE - big\nrules: META-02\n=== file: infra/huge.tf\nstatus: modified\npatch: (absent)\n");
    expect(c.files[0]!.patch).toBeUndefined();
    expect(verdictName(verdictOf(analyzeInfra(c.files, defaultPolicy().infra)))).toBe("APPROVE");
  });

  it("rejects a file without a header", () => {
    expect(() => parseCase("=== file: a.tf\nstatus: added\n+x")).toThrow(CaseFormatError);
  });
});
