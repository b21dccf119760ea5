/**
 * The pitfalls of the field guide (section 2), the policy keys of `agents:`, and steering humans.
 */
import { describe, expect, it } from "@jest/globals";
import { policySchema } from "../../src/config/schema.js";
import { compileDetector, detectAgents, detectCommit } from "../../src/detect/detect.js";
import { commit, HUMAN, pr, WEB_FLOW, who } from "./helpers.js";

const detector = compileDetector();
const agentsPolicy = (agents: object) => policySchema.parse({ agents }).agents;

describe("guide pitfalls", () => {
  it("1: a squash by a human keeps only the co-author trailer, and that is enough", () => {
    const squash = commit(
      "Aaron Steers <aj@airbyte.io>",
      "ci: Add linting (#774)\n\nCo-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
      WEB_FLOW,
    );
    expect(detectCommit(squash, detector).agents).toEqual(["devin"]);
  });

  it("2: the web-flow committer carries no signal", () => {
    const d = detectCommit(commit(HUMAN, "Merge pull request #1 from ada/fix", WEB_FLOW), detector);
    expect(d).toMatchObject({ agents: [], evidence: [] });
  });

  it("3: an identity is keyed on id and local part, not the display name", () => {
    for (const name of ["copilot-swe-agent[bot]", "Copilot", "Someone Renamed"]) {
      expect(detectCommit(commit(`${name} <198982749+Copilot@users.noreply.github.com>`, "x"), detector).agents).toEqual(["copilot"]);
    }
    for (const name of ["openai-code-agent[bot]", "Codex"]) {
      expect(detectCommit(commit(`${name} <242516109+Codex@users.noreply.github.com>`, "x"), detector).agents).toEqual(["codex"]);
    }
  });

  it("4: a deploy commit by the workflow actor name, without an id, is automation", () => {
    for (const actor of ["Copilot <Copilot@users.noreply.github.com>", "Codex <Codex@users.noreply.github.com>"]) {
      const d = detectCommit(commit(actor, "deploy: 916bacdb4f7d"), detector);
      expect(d.agents).toEqual([]);
      expect(d.evidence.map((e) => [e.agent, e.kind, e.source])).toEqual([
        ["github-actions", "automation", "commit-author"],
        ["github-actions", "automation", "commit-committer"],
      ]);
    }
  });

  it("4: the four Copilot identities are told apart", () => {
    const co = (email: string) => detectCommit(commit(HUMAN, `x\n\nCo-authored-by: Copilot <${email}>`), detector).agents;
    expect(co("198982749+Copilot@users.noreply.github.com")).toEqual(["copilot"]);
    expect(co("175728472+Copilot@users.noreply.github.com")).toEqual(["copilot-review"]);
    expect(co("223556219+Copilot@users.noreply.github.com")).toEqual(["copilot-cli"]);
    expect(co("copilot@github.com")).toEqual(["copilot-vscode"]);
  });

  it("6: a human co-author on an agent's commit is a steering human, not evidence of a human author", () => {
    const d = detectAgents(
      {
        commits: [
          commit(
            "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
            "fix\n\nCo-Authored-By: AJ Steers <aj@airbyte.io>\nCo-Authored-By: unknown <>",
          ),
          commit("Cursor Agent <cursoragent@cursor.com>", "x\n\nCo-authored-by: ada <1234+ada@users.noreply.github.com>"),
        ],
      },
      detector,
    );
    expect(d.agents).toEqual(["devin", "cursor"]);
    expect(d.steeringHumans).toEqual([
      expect.objectContaining({ email: "aj@airbyte.io", name: "AJ Steers" }),
      expect.objectContaining({ login: "ada" }),
    ]);
  });

  it("7: humans on AI vendors' domains, and ruv@ruv.net alone, are humans", () => {
    for (const human of [
      "Xingyao Wang <xingyao@all-hands.dev>",
      "Paul Gauthier <paul@aider.chat>",
      "Jonathan <jonathan@factory.ai>",
      "Josh <joshka@openai.com>",
      "Jane <jane@anthropic.com>",
      "Justin <devin.ai@justinisaf.com>",
      "Reuven <ruv@ruv.net>",
      "Someone <someone@cursor.com>",
    ]) {
      expect(detectCommit(commit(human, "fix"), detector).agents).toEqual([]);
      expect(detectCommit(commit(HUMAN, `fix\n\nCo-authored-by: ${human}`), detector).agents).toEqual([]);
    }
  });

  it("7: the words Claude, Devin, Jules, Copilot or cursor in a human message are not markers", () => {
    for (const message of [
      "Add support for Claude 4 models",
      "fix: address second round of Copilot review feedback",
      "feat: add pk and cursor key overrides",
      "add cursor rules file",
      "Ask Devin and Jules later; Gemini and Codex pricing updated",
      "Merge pull request #4547 from mlang/gpt-5-codex",
      "Generated with care, not with Claude Code's help? No: written by hand.",
    ]) {
      expect(detectCommit(commit(HUMAN, message), detector).agents).toEqual([]);
    }
  });

  it("8: a committer-only (aider) is shown as automation and does not gate", () => {
    const d = detectCommit(commit("Paul Gauthier <aider@paulg.org>", "feat: add --exit flag", "Paul Gauthier (aider) <aider@paulg.org>"), detector);
    expect(d.agents).toEqual([]);
    expect(d.evidence).toEqual([expect.objectContaining({ agent: "aider", kind: "automation", marker: "aider/committer-suffix" })]);
    const authored = detectCommit(commit("Paul Gauthier (aider) <aider@paulg.org>", "feat: x"), detector);
    expect(authored.agents).toEqual(["aider"]);
  });

  it("12: one commit can carry several agents", () => {
    expect(detectCommit(commit("Codex <codex@openai.com>", "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), detector).agents).toEqual([
      "codex",
      "claude-code",
    ]);
    const squash = commit(
      "Copilot <198982749+Copilot@users.noreply.github.com>",
      "Fix (#1)\n\n* Initial plan\n\nCo-authored-by: openai-code-agent[bot] <242516109+Codex@users.noreply.github.com>",
      WEB_FLOW,
    );
    expect(detectCommit(squash, detector).agents).toEqual(["copilot", "codex"]);
    expect(detectCommit(commit("Twill <agent@twill.ai>", "x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"), detector).agents).toEqual([
      "twill",
      "claude-code",
    ]);
  });

  it("`Initial plan` only speaks when no identity names the agent (Copilot and Codex both write it)", () => {
    expect(detectCommit(commit("openai-code-agent[bot] <242516109+Codex@users.noreply.github.com>", "Initial plan"), detector).agents).toEqual(["codex"]);
    const rebased = detectCommit(commit(HUMAN, "Initial plan"), detector);
    expect(rebased.agents).toEqual(["copilot"]);
    expect(rebased.evidence[0]).toMatchObject({ confidence: "medium", matched: "Initial plan" });
    expect(detectCommit(commit(HUMAN, "Initial planning notes"), detector).agents).toEqual([]);
  });
});

describe("suggestions and automation", () => {
  const suggestion = commit(HUMAN, "Update a.ts\n\nCo-authored-by: coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>", WEB_FLOW);

  it("counts an accepted suggestion by default, and names the accepting human as steering", () => {
    const d = detectAgents({ commits: [suggestion] }, detector);
    expect(d).toMatchObject({ agentAuthored: true, agents: ["coderabbit"] });
    expect(d.steeringHumans).toEqual([expect.objectContaining({ email: "ada@example.org" })]);
  });

  it("reports but does not count suggestions when count_suggestions is false", () => {
    const d = detectAgents({ commits: [suggestion] }, compileDetector(agentsPolicy({ count_suggestions: false })));
    expect(d).toMatchObject({ agentAuthored: false, agents: [], steeringHumans: [] });
    expect(d.commits[0]!.evidence).toEqual([expect.objectContaining({ agent: "coderabbit", kind: "suggestion" })]);
  });

  it("never calls automation an agent by default, but says what it is", () => {
    const bump = commit(
      "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
      "chore(deps): bump uv\n\nSigned-off-by: dependabot[bot] <support@github.com>\nCo-authored-by: Max <max@example.org>",
      WEB_FLOW,
    );
    const d = detectAgents({ pr: pr({ authorLogin: "dependabot[bot]", authorType: "Bot", headRef: "dependabot/pip/uv-0.9.5" }), commits: [bump] }, detector);
    expect(d).toMatchObject({ agentAuthored: false, agents: [], steeringHumans: [] });
    expect(d.pr.map((e) => [e.agent, e.kind, e.source])).toEqual([
      ["dependabot", "automation", "pr-author"],
      ["dependabot", "automation", "pr-branch"],
    ]);
    expect(d.commits[0]!.evidence.every((e) => e.kind === "automation")).toBe(true);

    const counted = detectAgents({ commits: [bump] }, compileDetector(agentsPolicy({ count_automation: true })));
    expect(counted.agents).toEqual(["dependabot"]);
  });

  it("treats a commit by a bot no entry names as an unknown bot (fail closed)", () => {
    const d = detectCommit(commit("release-helper[bot] <99999+release-helper[bot]@users.noreply.github.com>", "chore: release 1.2.3"), detector);
    expect(d.agents).toEqual(["unknown-bot"]);
    const typed = detectCommit(commit({ name: "Helper", email: "helper@example.org", login: "helper-app", type: "Bot" }, "x"), detector);
    expect(typed.agents).toEqual(["unknown-bot"]);
  });
});

describe("steering humans named in text", () => {
  it("reads requesters from the PR body of an agent PR and from agent commits", () => {
    const d = detectAgents(
      {
        pr: pr({
          authorLogin: "google-labs-jules[bot]",
          authorType: "Bot",
          body: "*PR created automatically by Jules for task [1](https://jules.google.com/task/1) started by @grace*\n\nRequested by: @linus\nThis pull request was created by @kiro-agent on behalf of @ken :ghost:",
        }),
        commits: [commit("Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "x\n\nRequested by: Barbara (@barbara)")],
      },
      detector,
    );
    expect(d.steeringHumans.map((h) => h.login)).toEqual(["barbara", "grace", "linus", "ken"]);
  });

  it("ignores requesters in a human PR", () => {
    const d = detectAgents({ pr: pr({ body: "Requested by: @linus" }), commits: [commit(HUMAN, "fix")] }, detector);
    expect(d.steeringHumans).toEqual([]);
  });

  it("uses the login GitHub linked to the author when there is one", () => {
    const author = { ...who(HUMAN), login: "ada-l", type: "User" };
    const d = detectAgents({ commits: [commit(author, "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>")] }, detector);
    expect(d.steeringHumans).toEqual([expect.objectContaining({ login: "ada-l" })]);
  });
});

describe("policy keys of agents:", () => {
  it("adds logins, emails, trailers, branch globs and labels", () => {
    const d = compileDetector(
      agentsPolicy({
        logins: ["our-agent[bot]"],
        emails: ["robot@corp.example"],
        trailers: ["^AI-Tool:\\s*in-house"],
        branches: ["ai/**"],
        labels: ["ai-generated"],
      }),
    );
    expect(detectAgents({ pr: pr({ authorLogin: "our-agent[bot]", authorType: "Bot" }), commits: [] }, d).agents).toEqual(["our-agent[bot]"]);
    expect(detectCommit(commit("Robot <robot@corp.example>", "x"), d).agents).toEqual(["robot@corp.example"]);
    expect(detectCommit(commit(HUMAN, "x\n\nCo-authored-by: R <Robot@Corp.example>"), d).agents).toEqual(["robot@corp.example"]);
    expect(detectCommit(commit(HUMAN, "x\n\nAI-Tool: in-house v2"), d).evidence[0]).toMatchObject({
      agent: "custom",
      marker: "policy:trailer:0",
      matched: "AI-Tool: in-house v2",
    });
    expect(detectAgents({ pr: pr({ headRef: "ai/fix/thing" }), commits: [] }, d).pr[0]).toMatchObject({ marker: "policy:branch:ai/**" });
    expect(detectAgents({ pr: pr({ headRef: "main-ai/x" }), commits: [] }, d).agents).toEqual([]);
    expect(detectAgents({ pr: pr({ labels: ["AI-Generated"] }), commits: [] }, d).agents).toEqual(["custom"]);
  });

  it("adds custom markers with their own agent id, kind, confidence and default id", () => {
    const d = compileDetector(
      agentsPolicy({
        markers: [
          { agent: "in-house-bot", source: "commit-message", pattern: "^Written-by-robot$" },
          { agent: "lint-fixer", source: "commit-author", pattern: "<lint@corp\\.example>$", kind: "automation", id: "lint/author" },
        ],
      }),
    );
    expect(detectCommit(commit(HUMAN, "x\n\nWritten-by-robot"), d).evidence[0]).toMatchObject({
      agent: "in-house-bot",
      kind: "agent",
      confidence: "high",
      marker: "custom:in-house-bot:0",
    });
    const lint = detectCommit(commit("Lint <lint@corp.example>", "style"), d);
    expect(lint).toMatchObject({ agents: [], evidence: [expect.objectContaining({ marker: "lint/author", kind: "automation" })] });
  });

  it("disables a built-in marker by id, or a whole agent", () => {
    const branchOff = compileDetector(agentsPolicy({ disable: ["codex/branch"] }));
    expect(detectAgents({ pr: pr({ headRef: "codex/x" }), commits: [] }, branchOff).agents).toEqual([]);
    expect(detectCommit(commit("Codex <codex@openai.com>", "x"), branchOff).agents).toEqual(["codex"]);
    const noCodex = compileDetector(agentsPolicy({ disable: ["codex"] }));
    expect(detectCommit(commit("Codex <codex@openai.com>", "x"), noCodex).agents).toEqual([]);
    expect(noCodex.warnings).toEqual([]);
  });

  it("lets the next marker speak when the first one that matched is disabled", () => {
    const d = compileDetector(agentsPolicy({ disable: ["copilot-autofix"] }));
    const c = commit(HUMAN, "x\n\nCo-authored-by: Copilot Autofix powered by AI <175728472+Copilot@users.noreply.github.com>");
    expect(detectCommit(c, d).agents).toEqual(["copilot-review"]);
  });

  it("warns about disable entries that name nothing", () => {
    expect(compileDetector(agentsPolicy({ disable: ["claude_code"] })).warnings).toEqual([
      expect.stringContaining('"claude_code" names no agent or marker'),
    ]);
  });

  it("never: an identity listed there is not an agent, but trailers on its commits still count", () => {
    const d = compileDetector(agentsPolicy({ never: ["robot@corp.example", "cursor[bot]", "sweep-bot"] }));
    expect(detectCommit(commit("Robot <robot@corp.example>", "x", "Robot (aider) <robot@corp.example>"), d).agents).toEqual([]);
    expect(detectCommit(commit("Robot <robot@corp.example>", "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), d).agents).toEqual(["claude-code"]);
    expect(detectAgents({ pr: pr({ authorLogin: "cursor[bot]", authorType: "Bot" }), commits: [] }, d).agents).toEqual([]);
    expect(detectCommit(commit("S <1+sweep-bot@users.noreply.github.com>", "x"), d).agents).toEqual([]);
  });

  it("rejects a pattern that does not compile with the key that holds it", () => {
    expect(() => compileDetector({ trailers: ["(unclosed"] })).toThrow(/agents\.trailers\[0\]: not a valid regular expression/);
  });
});

describe("bad input never crashes", () => {
  it("handles empty and missing fields", () => {
    const broken = { sha: "x", message: undefined, author: { name: undefined, email: null }, committer: undefined, parents: [] };
    expect(() => detectCommit(broken as never, detector)).not.toThrow();
    expect(detectCommit(commit(" <>", ""), detector).agents).toEqual([]);
    expect(detectAgents({ pr: { authorLogin: "", authorType: "", headRef: "", labels: [], title: "", body: "" }, commits: [] }, detector).agentAuthored).toBe(false);
  });
});

describe("adversarial text", () => {
  it("reads a trailer line full of inner spaces in linear time", () => {
    const padded = `x\n\nCo-Authored-By: Claude${" ".repeat(200_000)}<noreply@anthropic.com>\nNote: a${" ".repeat(200_000)}b`;
    const started = Date.now();
    expect(detectCommit(commit(HUMAN, padded), detector).agents).toEqual(["claude-code"]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("still reads a trailer that ends in a Unicode line separator", () => {
    const c = commit(HUMAN, "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>\u2028");
    expect(detectCommit(c, detector).agents).toEqual(["claude-code"]);
  });

  it("names a co-author by the login GitHub links to their email", () => {
    const d = detectAgents(
      { commits: [commit("Claude <noreply@anthropic.com>", "x\n\nCo-authored-by: Ada <ada@home.example>")], linkedEmails: { "ada@home.example": "ada-l" } },
      detector,
    );
    expect(d.steeringHumans).toEqual([expect.objectContaining({ login: "ada-l" })]);
  });
});

describe("steering humans by assignment", () => {
  const agentCommit = () => commit("Cursor Agent <cursoragent@cursor.com>", "x");
  const assignees = [
    { login: "grace", type: "User" },
    { login: "Copilot", type: "Bot" },
    { login: "helper[bot]", type: "User" },
  ];

  it("the humans an agent PR, and the issues it closes, are assigned to", () => {
    const d = detectAgents({ pr: pr({ assignees, closingIssues: [{ number: 4, assignees: [{ login: "linus", type: "User" }] }] }), commits: [agentCommit()] }, detector);
    expect(d.steeringHumans).toEqual([
      { login: "grace", source: "assigned to this pull request" },
      { login: "linus", source: "assigned to issue #4, which this pull request closes" },
    ]);
  });

  it("not on a human PR", () => {
    const d = detectAgents({ pr: pr({ assignees }), commits: [commit(HUMAN, "fix")] }, detector);
    expect(d.steeringHumans).toEqual([]);
  });
});
