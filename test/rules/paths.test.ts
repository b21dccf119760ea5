import { describe, expect, it } from "@jest/globals";
import { defaultPolicy, policySchema } from "../../src/config/schema.js";
import { localActionsUsedBy, protectedPathFindings } from "../../src/rules/paths.js";
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

  it.each([
    ".circleci/config.yml",
    "Jenkinsfile",
    "ci/deploy/Jenkinsfile",
    "Jenkinsfile.release",
    ".gitlab-ci.yml",
    ".gitlab/ci/deploy.yml",
    "azure-pipelines.yml",
    ".azure-pipelines/release.yml",
    ".buildkite/pipeline.yml",
    ".travis.yml",
    "bitbucket-pipelines.yml",
    ".drone.yml",
    ".woodpecker.yml",
    ".woodpecker/build.yaml",
    "appveyor.yml",
    "cloudbuild.yaml",
    "buildspec.yml",
    ".github/dependabot.yml",
  ])("blocks CI that lives outside .github: %s", (name) => {
    expect(protectedPathFindings([file(name)], defaultPolicy()).map((f) => [f.rule, f.severity])).toEqual([["path:ci", "block"]]);
  });

  it("leaves look-alikes alone", () => {
    expect(protectedPathFindings([file("docs/jenkins.md"), file("src/buildspec.ts"), file("circleci/readme.md")], defaultPolicy())).toEqual([]);
  });

  it("blocks the files of the policy's _extends chain in this repository, by exact name", () => {
    const extras = { extendsPaths: [".agentgate.yml", "policy/base[1].yml"] };
    const findings = protectedPathFindings([file("policy/base[1].yml"), file("policy/base1.yml"), file(".agentgate.yml")], defaultPolicy(), extras);
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ["path:agentgate-policy", ".agentgate.yml"],
      ["path:agentgate-policy-extends", "policy/base[1].yml"],
    ]);
  });

  it("blocks a local action's directory when the PR touches its action.yml, and any directory the caller knows holds one", () => {
    const findings = protectedPathFindings(
      [file("tools/deploy/action.yml"), file("tools/deploy/dist/index.js"), file("ci/lint/index.js"), file("src/app.ts")],
      defaultPolicy(),
      { actionDirs: ["ci/lint"] },
    );
    expect(findings.map((f) => [f.rule, f.file])).toEqual([
      ["path:local-actions", "tools/deploy/action.yml"],
      ["path:local-actions", "tools/deploy/dist/index.js"],
      ["path:local-actions", "ci/lint/index.js"],
    ]);
  });

  it("an action at the repository root protects its action.yml, not the whole repository", () => {
    const findings = protectedPathFindings([file("action.yml"), file("src/main.ts")], defaultPolicy());
    expect(findings.map((f) => f.file)).toEqual(["action.yml"]);
  });

  it("reads the local actions a workflow runs, not remote ones, nor paths that leave the repository", () => {
    const workflow = [
      "jobs:",
      "  deploy:",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - uses: ./tools/deploy",
      "      - name: lint",
      "        uses: './ci/lint/'",
      '      - uses: "./"',
      "      - uses: ./../elsewhere",
      "      - uses: ./.github/actions/setup # already protected, listed all the same",
      "  reuse:",
      "    uses: ./.github/workflows/reusable.yml",
    ].join("\n");
    expect(localActionsUsedBy(workflow).sort()).toEqual(["", ".github/actions/setup", ".github/workflows/reusable.yml", "ci/lint", "tools/deploy"]);
  });

  it("matches dotfiles inside globs", () => {
    const policy = policySchema.parse({ paths: [{ name: "deploy", paths: ["deploy/**"], block: true }] });
    expect(protectedPathFindings([file("deploy/.env.production")], policy)).toHaveLength(1);
  });
});
