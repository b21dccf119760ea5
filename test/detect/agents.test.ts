/**
 * One test (or table row) per marker family of each agent in the field guide, with the exact
 * strings the tools write. Plain values, no mocks.
 */
import { describe, expect, it } from "@jest/globals";
import { compileDetector, detectAgents, detectCommit } from "../../src/detect/detect.js";
import { commit, HUMAN, pr } from "./helpers.js";

const detector = compileDetector();
const agentsOf = (author: string, message: string, committer?: string) => detectCommit(commit(author, message, committer), detector).agents;
const prAgents = (fields: Parameters<typeof pr>[0]) => detectAgents({ pr: pr(fields), commits: [] }, detector);

describe("commit identities and trailers, agent by agent", () => {
  const cases: [string, string, string, string?][] = [
    // [expected agent, author, message, committer]
    ["copilot", "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>", "Add tests"],
    ["copilot", "Copilot <198982749+Copilot@users.noreply.github.com>", "Fix thing (#12)\n\n* Initial plan\n\nCo-authored-by: ada <1+ada@users.noreply.github.com>"],
    ["copilot", HUMAN, "Fix\n\nAgent-Logs-Url: https://github.com/o/r/sessions/3e413637-8eb6-46a4-8bf8-40cb00b14484"],
    ["copilot-review", HUMAN, "Update src/a.ts\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"],
    ["copilot-autofix", HUMAN, "Potential fix\n\nCo-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>"],
    ["copilot-autofix", HUMAN, "Potential fix\n\nCo-authored-by: Copilot Autofix powered by AI <223894421+github-code-quality[bot]@users.noreply.github.com>"],
    ["copilot-cli", HUMAN, "feat: x\n\nCo-authored-by: Copilot App <223556219+Copilot@users.noreply.github.com>"],
    ["copilot-cli", "GitHub Copilot <copilot@github.com>", "chore: agentic workflow"],
    ["copilot-vscode", HUMAN, "feat: x\n\nCo-Authored-By: GitHub Copilot <copilot@github.com>"],
    ["claude-code", HUMAN, "fix\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>"],
    ["claude-code", HUMAN, "fix\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)"],
    ["claude-code", HUMAN, "fix\n\n🤖 Generated with Claude Code"],
    ["claude-code", HUMAN, "fix\n\nCo-Authored-By: Claude Opus 4.7 (1M context) <noreply@anthropic.com>"],
    ["claude-code", HUMAN, "fix\n\nCo-Authored-By: Claude Code 2.1.133 / Claude Opus 4.7 (1M context) <noreply@anthropic.com>"],
    ["claude-code", HUMAN, "fix\n\nCo-Authored-By: Claude Fable 5 <noreply@anthropic.com>"],
    ["claude-code", HUMAN, "fix\n\nCo-authored-by: Claude 3.5 Sonnet <claude-3-5-sonnet@anthropic.com>"],
    ["claude-code", HUMAN, "fix\n\nAssisted-by: Claude <noreply@anthropic.com>"],
    ["claude-code", "Claude <noreply@anthropic.com>", "Add pricing\n\nhttps://claude.ai/code/session_016YDU8sqgSZuM1WgKssV4At"],
    ["claude-code", HUMAN, "fix\n\nClaude-Session: https://claude.ai/code/session_01F9uX7jr4YTfCQ8V34UHDqA"],
    ["claude-github-app", "claude[bot] <209825114+claude[bot]@users.noreply.github.com>", "refactor (#15497)", "GitHub <noreply@github.com>"],
    ["codex", HUMAN, "fix\n\nCo-authored-by: Codex <noreply@openai.com>"],
    ["codex", HUMAN, "fix\n\nCo-Authored-By: Codex (GPT-5) <noreply@openai.com>"],
    ["codex", HUMAN, "fix\n\nAssisted-by: OpenAI <noreply@openai.com>"],
    ["codex", HUMAN, "fix\n\nCo-Authored-By: codex (GPT-5.4) <noreply@openai.com>"],
    ["codex", "Codex <codex@openai.com>", "fix"],
    ["codex", "openai-code-agent[bot] <242516109+Codex@users.noreply.github.com>", "Initial plan"],
    ["codex", HUMAN, "fix\n\nCo-authored-by: Codex"],
    ["devin", "Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>", "fix\n\nCo-Authored-By: AJ Steers <aj@airbyte.io>"],
    ["devin", "devin-ai-integration[bot] <devin-ai-integration[bot]@users.noreply.github.com>", "build: x"],
    ["devin", HUMAN, "ci: x (#774)\n\nCo-authored-by: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>"],
    ["devin", HUMAN, "x\n\nLink to Devin run: https://app.devin.ai/sessions/0123456789abcdef0123456789abcdef"],
    ["cursor", "Cursor Agent <cursoragent@cursor.com>", "Fix tunnel\n\nCo-authored-by: hyb <hyb@gmail.com>"],
    ["cursor", HUMAN, "fix\n\nCo-authored-by: Cursor <cursoragent@cursor.com>"],
    ["cursor", HUMAN, "fix\n\nMade-with: Cursor"],
    ["jules", "google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>", "feat: x"],
    ["gemini", "gemini-cli[bot] <gemini-cli[bot]@users.noreply.github.com>", "fix issue"],
    ["gemini-code-assist", HUMAN, "x\n\nCo-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>"],
    ["antigravity", HUMAN, "x\n\nCo-Authored-By: Antigravity <noreply@google.com>"],
    ["aider", "Paul Gauthier (aider) <paul@aider.chat>", "fix: x"],
    ["aider", "Paul Gauthier <aider@paulg.org>", "aider: Fix regex in setup.py"],
    ["aider", HUMAN, "feat: x\n\nCo-authored-by: aider (deepseek/deepseek-chat) <aider@aider.chat>"],
    ["aider", HUMAN, "feat: x\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.dev>"],
    ["openhands", "openhands <openhands@all-hands.dev>", "refactor"],
    ["openhands", "OpenDevinBot <bot@opendevin.com>", "merge"],
    ["openhands", HUMAN, "x\n\nCo-authored-by: OpenHands-GPT-5 openhands@all-hands.dev"],
    ["openhands", HUMAN, "x\n\nCo-authored-by: OpenHands-Claude <openhands-claude@all-hands.dev>"],
    ["openhands", HUMAN, "x\n\nI am OpenHands-GPT-5, an AI agent."],
    ["sweep", "sweep-nightly[bot] <131841235+sweep-nightly[bot]@users.noreply.github.com>", "x"],
    ["sweep", "sweep-nightly[bot] <team@sweep.dev>", "Start of Merge Conflict Resolution"],
    ["sweep", HUMAN, "x\n\nCo-authored-by: sweep-nightly[bot] <324098+sweep-nightly@users.noreply.github.com>"],
    ["sweep", HUMAN, "Sweep: remove the LiteLLM section (#3265)"],
    ["replit", "quickshoe <5812794-quickshoe@users.noreply.replit.com>", "Improve nav\n\nReplit-Commit-Author: Agent\nReplit-Commit-Session-Id: 8d8f"],
    ["replit", "quickshoe <5812794-quickshoe@users.noreply.replit.com>", "Saved progress at the end of the loop"],
    ["factory", HUMAN, "x\n\nCo-authored-by: factory-droid[bot] <138933559+factory-droid[bot]@users.noreply.github.com>"],
    ["amp", HUMAN, "x\n\nCo-authored-by: Amp <amp@ampcode.com>"],
    ["amp", HUMAN, "x\n\nAmp-Thread-ID: https://ampcode.com/threads/T-019ff677-1cbb-7421-8f06-75609f11f7c2"],
    ["cosine", HUMAN, "x\n\nCo-authored-by: Cosine <agent@cosine.sh>"],
    ["warp-oz", HUMAN, "x\n\nCo-Authored-By: Oz <oz-agent@warp.dev>"],
    ["opencode", HUMAN, "x\n\n🤖 Generated with [opencode](https://opencode.ai)\n\nCo-Authored-By: opencode <noreply@opencode.ai>"],
    ["qwen-code", HUMAN, "x\n\nCo-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>"],
    ["firebender", HUMAN, "x\n\n🤖 Generated with [Firebender](https://firebender.com)"],
    ["twill", "Twill <agent@twill.ai>", "fix(prompts): x"],
    ["mentat", "MentatBot <160964065+MentatBot@users.noreply.github.com>", "Simplify runtime"],
    ["claude-flow", HUMAN, "x\n\nCo-Authored-By: claude-flow <ruv@ruv.net>"],
    ["ellipsis", "ellipsis-dev[bot] <65095814+ellipsis-dev[bot]@users.noreply.github.com>", "implement #183;"],
    ["ellipsis-suggestion", HUMAN, "x\n\nCo-authored-by: ellipsis-dev[bot] <65095814+ellipsis-dev[bot]@users.noreply.github.com>"],
    ["coderabbit", HUMAN, "Apply suggestion\n\nCo-authored-by: coderabbitai[bot] <136622811+coderabbitai[bot]@users.noreply.github.com>"],
    ["greptile", HUMAN, "x\n\nCo-authored-by: greptile-apps[bot] <165735046+greptile-apps[bot]@users.noreply.github.com>"],
    ["codeflash", "codeflash-ai[bot] <148906541+codeflash-ai[bot]@users.noreply.github.com>", "⚡️ Speed up `f` by 36%"],
    ["engine-labs", "engine-labs-app[bot] <140088366+engine-labs-app[bot]@users.noreply.github.com>", "x"],
    ["amazon-q", "amazon-q-developer[bot] <208079219+amazon-q-developer[bot]@users.noreply.github.com>", "x"],
  ];
  // A rest parameter: jest reads a fourth declared parameter as the `done` callback of an async test.
  it.each(cases)("recognizes %s in %s / %j", (...[expected, author, message, committer]) => {
    expect(agentsOf(author, message, committer)).toContain(expected);
  });

  it("reports the exact line that matched, with the marker id", () => {
    const d = detectCommit(commit(HUMAN, "fix\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"), detector);
    expect(d.evidence).toEqual([
      expect.objectContaining({
        agent: "claude-code",
        kind: "agent",
        source: "commit-trailer",
        marker: "claude-code/noreply",
        matched: "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>",
        confidence: "high",
        commit: d.sha,
      }),
    ]);
  });
});

describe("format drift (guide pitfalls 1 and 9)", () => {
  it.each([
    ["lower-case key from a squash", "x\n\nco-authored-by: Claude <noreply@anthropic.com>"],
    ["upper-case key", "x\n\nCO-AUTHORED-BY: Claude <noreply@anthropic.com>"],
    ["CRLF line ends", "x\r\n\r\nCo-Authored-By: Claude <noreply@anthropic.com>\r\n"],
    ["a bullet in front", "x\n\n* Co-Authored-By: Claude <noreply@anthropic.com>"],
    ["a quote and indentation in front", "x\n\n>   Co-Authored-By: Claude <noreply@anthropic.com>"],
    ["upper-case email", "x\n\nCo-Authored-By: Claude <NoReply@Anthropic.com>"],
    ["a missing closing bracket", "x\n\nCo-Authored-By: Claude <noreply@anthropic.com"],
    ["a byte-order mark", "x\n\n\uFEFFCo-Authored-By: Claude <noreply@anthropic.com>"],
    ["literal \\n from a shell", "fix: x\\n\\nCo-Authored-By: Claude <noreply@anthropic.com>"],
  ])("still finds the trailer with %s", (_, message) => {
    expect(agentsOf(HUMAN, message)).toEqual(["claude-code"]);
  });

  it("ignores a trailer quoted in the middle of a sentence", () => {
    expect(agentsOf(HUMAN, "docs: explain why `Co-Authored-By: Claude <noreply@anthropic.com>` is matched")).toEqual([]);
  });

  it("does not read a conventional-commit subject as a trailer", () => {
    expect(agentsOf(HUMAN, "Made-with: Cursor")).toEqual([]);
  });
});

describe("pull request signals", () => {
  it.each([
    ["copilot", { authorLogin: "Copilot", authorType: "Bot" }],
    ["copilot", { authorLogin: "copilot-swe-agent[bot]", authorType: "Bot" }],
    ["claude-github-app", { authorLogin: "claude[bot]", authorType: "Bot" }],
    ["devin", { authorLogin: "devin-ai-integration[bot]", authorType: "Bot" }],
    ["cursor", { authorLogin: "cursor[bot]", authorType: "Bot" }],
    ["jules", { authorLogin: "google-labs-jules[bot]", authorType: "Bot" }],
    ["amazon-q", { authorLogin: "amazon-q-developer[bot]", authorType: "Bot" }],
    ["kiro", { authorLogin: "kiro-agent[bot]", authorType: "Bot" }],
    ["sweep", { authorLogin: "sweep-ai[bot]", authorType: "Bot" }],
    ["factory", { authorLogin: "factory-droid[bot]", authorType: "Bot" }],
    ["opencode", { authorLogin: "opencode-agent[bot]", authorType: "Bot" }],
    ["codegen", { authorLogin: "codegen-sh[bot]", authorType: "Bot" }],
    ["tembo", { authorLogin: "tembo[bot]", authorType: "Bot" }],
    ["mentat", { authorLogin: "mentatbot[bot]", authorType: "Bot" }],
    ["cline", { authorLogin: "cline[bot]", authorType: "Bot" }],
    ["windsurf", { authorLogin: "windsurf-bot[bot]", authorType: "Bot" }],
    ["codex", { authorLogin: "chatgpt-codex-connector[bot]", authorType: "Bot" }],
    ["gemini", { authorLogin: "gemini-cli[bot]", authorType: "Bot" }],
    ["copilot", { headRef: "copilot/sub-pr-12" }],
    ["codex", { headRef: "codex/add-retry-k3j9x2" }],
    ["codex", { headRef: "a1b2c3-codex/add-retry" }],
    ["claude-code", { headRef: "claude/fix-login-q8xk2" }],
    ["cursor", { headRef: "cursor/LFE-7224-make-playground-4f2a" }],
    ["devin", { headRef: "devin/1734193391-improve-instructions" }],
    ["openhands", { headRef: "openhands/fix-issue-12" }],
    ["sweep", { headRef: "sweep/Add-Unit-Tests" }],
    ["jules", { headRef: "bolt-optimize-query-12345678901234567" }],
    ["gemini", { headRef: "gemini-issue-42" }],
    ["sweep", { title: "Sweep: add type hints" }],
    ["claude-code", { body: "## Summary\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" }],
    ["codex", { body: "https://chatgpt.com/codex/tasks/task_e_68a1b2c3d4e5f6" }],
    ["devin", { body: "Link to Devin run: https://app.devin.ai/sessions/0123456789abcdef0123456789abcdef\nRequested by: @aaronsteers" }],
    ["jules", { body: "*PR created automatically by Jules for task [123](https://jules.google.com/task/123) started by @ada*" }],
    ["kiro", { body: "This pull request was created by @kiro-agent on behalf of @ada :ghost:" }],
    ["cursor", { body: "[Open in Web](https://cursor.com/agents/bc-1b2c3d4e-0000-4000-8000-000000000000?cursor_ref=pr_footer)" }],
    ["sweep", { body: "*This is an automated message generated by [Sweep AI](https://sweep.dev)*" }],
    ["openhands", { body: "I am OpenHands-Claude, an AI agent." }],
    ["amp", { body: "Thread: https://ampcode.com/threads/T-019d4fcc-fbba-7678-92bd-d1cfa957e5cb" }],
  ])("recognizes %s from %j", (expected, fields) => {
    const d = prAgents(fields);
    expect(d.agents).toContain(expected);
    expect(d.agentAuthored).toBe(true);
  });

  it("gates a PR whose commits carry the human's identity when the branch is an agent's (pitfall 5)", () => {
    const d = detectAgents({ pr: pr({ headRef: "codex/fix-flaky-test" }), commits: [commit(HUMAN, "Fix flaky test")] }, detector);
    expect(d.agentAuthored).toBe(true);
    expect(d.agents).toEqual(["codex"]);
    expect(d.commits[0]!.agents).toEqual([]);
    expect(d.pr[0]).toMatchObject({ source: "pr-branch", matched: "codex/fix-flaky-test", marker: "codex/branch" });
  });

  it("names an unknown bot author rather than calling it human (fail closed)", () => {
    const d = prAgents({ authorLogin: "release-helper[bot]", authorType: "Bot" });
    expect(d.agents).toEqual(["unknown-bot"]);
    expect(d.pr[0]).toMatchObject({ confidence: "low", matched: "release-helper[bot]" });
    expect(prAgents({ authorLogin: "HelperApp", authorType: "Bot" }).agents).toEqual(["unknown-bot"]);
  });

  it("leaves an ordinary human PR alone", () => {
    const d = prAgents({ authorLogin: "claude", title: "Use cursor pagination", body: "Asked Claude and Copilot for ideas; Devin too." });
    expect(d).toMatchObject({ agentAuthored: false, agents: [], pr: [] });
  });

  it("lists agents in the order their first evidence appears", () => {
    const d = detectAgents(
      {
        pr: pr({ headRef: "cursor/fix-1a2b" }),
        commits: [
          commit(HUMAN, "x\n\nCo-authored-by: Codex <noreply@openai.com>"),
          commit(HUMAN, "y\n\nCo-Authored-By: Claude <noreply@anthropic.com>"),
          commit(HUMAN, "z\n\nCo-authored-by: Codex <noreply@openai.com>"),
        ],
      },
      detector,
    );
    expect(d.agents).toEqual(["cursor", "codex", "claude-code"]);
  });

  it("detects without PR signals (a push, or commits alone)", () => {
    const d = detectAgents({ commits: [commit("Cursor Agent <cursoragent@cursor.com>", "x")] }, detector);
    expect(d).toMatchObject({ agentAuthored: true, agents: ["cursor"], pr: [] });
  });
});
