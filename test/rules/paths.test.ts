import { describe, expect, it } from "@jest/globals";
import { defaultPolicy, policySchema } from "../../src/config/schema.js";
import { protectedPathFindings } from "../../src/rules/paths.js";
import { file } from "../helpers/facts.js";

describe("protected paths", () => {
  it("blocks an agent's change to its own policy file, workflows and CODEOWNERS by default", () => {
    const findings = protectedPathFindings(
      [file(".agentgate.yml"), file(".github/workflows/ci.yml"), file(".github/CODEOWNERS"), file("src/app.ts")],
      defaultPolicy(),
    );
    expect(findings.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ["path:agentgate-policy", "block", ".agentgate.yml"],
      ["path:workflows", "block", ".github/workflows/ci.yml"],
      ["path:codeowners", "block", ".github/CODEOWNERS"],
    ]);
  });

  it("matches both names of a rename, so a protected file cannot be moved out of the way", () => {
    const findings = protectedPathFindings(
      [file("docs/old-ci.yml", "", { status: "renamed", previousFilename: ".github/workflows/ci.yml" })],
      defaultPolicy(),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.file).toBe(".github/workflows/ci.yml");
    expect(findings[0]?.message).toContain("renamed to docs/old-ci.yml");
  });

  it("adds the repo's rules with teams and approval counts", () => {
    const policy = policySchema.parse({
      paths: [{ name: "terraform", paths: ["terraform/**"], teams: ["acme/platform"], approvals: 3 }],
    });
    const [f] = protectedPathFindings([file("terraform/prod/db.tf")], policy);
    expect(f).toMatchObject({ rule: "path:terraform", severity: "require", teams: ["acme/platform"], approvals: 3 });
  });

  it("can drop the defaults", () => {
    const policy = policySchema.parse({ protect_defaults: false });
    expect(protectedPathFindings([file(".github/workflows/ci.yml")], policy)).toEqual([]);
  });

  it("matches dotfiles inside globs", () => {
    const policy = policySchema.parse({ paths: [{ name: "deploy", paths: ["deploy/**"], block: true }] });
    expect(protectedPathFindings([file("deploy/.env.production")], policy)).toHaveLength(1);
  });
});
