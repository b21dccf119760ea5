import { describe, expect, it } from "@jest/globals";
import type { Decision } from "../../src/policy/types.js";
import { headlineOf, STATUS_DESCRIPTION_LIMIT } from "../../src/report/headline.js";
import { annotationsOf, checkRunStatusOf, code, renderSummary } from "../../src/report/markdown.js";
import { agentDetection, detection, HEAD } from "../helpers/facts.js";

function decision(over: Partial<Decision> = {}): Decision {
  const d: Decision = {
    state: "pending",
    headline: "",
    headSha: HEAD,
    checkName: "agentgate",
    detection: agentDetection("claude-code"),
    findings: [],
    requirement: { applies: true, approvals: 2, teams: [], blocked: false, reasons: [] },
    approvals: { counted: [{ login: "maria", commitId: HEAD }], ignored: [] },
    changesRequestedBy: [],
    reasons: [{ code: "approvals-missing", required: 2, counted: 1, missing: 1 }],
    missing: ["1 more approval"],
    problems: [],
    ...over,
  };
  return { ...d, headline: headlineOf(d) };
}

describe("the status description", () => {
  it("says approvals, agent and the team still needed", () => {
    const d = decision({
      requirement: {
        applies: true,
        approvals: 2,
        teams: [{ team: "acme/platform", because: ["path:terraform"], satisfiedBy: [] }],
        blocked: false,
        reasons: [],
      },
    });
    expect(d.headline).toBe("1/2 approvals · agent: claude-code · needs @acme/platform");
  });

  it("never exceeds GitHub's 140 characters, whatever the input", () => {
    const d = decision({ state: "error", problems: ["x".repeat(500)] });
    expect(d.headline.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_LIMIT);
    expect(d.headline.endsWith("…")).toBe(true);
    const many = decision({ detection: agentDetection("a", { agents: Array.from({ length: 40 }, (_, i) => `agent-${i}`) }) });
    expect(many.headline.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_LIMIT);
  });

  it("names the rule and file that block", () => {
    const d = decision({
      state: "failure",
      requirement: { applies: true, approvals: 2, teams: [], blocked: true, reasons: [] },
      findings: [{ rule: "TF-01", severity: "block", file: "infra/db.tf", line: 3, message: "the database is destroyed" }],
    });
    expect(d.headline).toBe("blocked: TF-01 on infra/db.tf · agent: claude-code");
  });

  it("tells a human PR that no approval is needed", () => {
    const d = decision({ state: "success", detection: detection(), requirement: { applies: false, approvals: 2, teams: [], blocked: false, reasons: [] } });
    expect(d.headline).toBe("not agent-authored: no approval needed");
  });
});

describe("the check run", () => {
  it("explains ignored approvals and what is missing", () => {
    const d = decision({ approvals: { counted: [], ignored: [{ login: "dana", reason: "steered-agent", contribution: { role: "steering", source: "Co-authored-by" } }] } });
    const md = renderSummary(d);
    expect(md).toContain("### Still needed\n\n- 1 more approval");
    expect(md).toContain("- @dana: steered the agent (Co-authored-by)");
  });

  it("shows agent evidence per commit", () => {
    const d = decision({
      detection: agentDetection("claude-code", {
        commits: [
          {
            sha: "1234567890".repeat(4),
            agents: ["claude-code"],
            evidence: [
              {
                agent: "claude-code",
                kind: "agent",
                source: "commit-trailer",
                marker: "claude-code/co-author",
                matched: "Co-Authored-By: Claude <noreply@anthropic.com>",
                confidence: "high",
                commit: "1234567890".repeat(4),
              },
            ],
          },
        ],
      }),
    });
    expect(renderSummary(d)).toContain("| 1234567 | claude-code | trailer `Co-Authored-By: Claude <noreply@anthropic.com>` → claude-code |");
  });

  it("stays within GitHub's 65535 characters for huge PRs", () => {
    const findings = Array.from({ length: 5000 }, (_, i) => ({
      rule: "TF-01",
      severity: "require" as const,
      file: `infra/module-${i}/main.tf`,
      line: i + 1,
      message: "a long message ".repeat(20),
    }));
    expect(renderSummary(decision({ findings })).length).toBeLessThanOrEqual(65535);
  });

  it("keeps a pending gate in progress so a required check blocks merge", () => {
    expect(checkRunStatusOf("pending")).toEqual({ status: "in_progress" });
    expect(checkRunStatusOf("error")).toEqual({ status: "completed", conclusion: "failure" });
    expect(checkRunStatusOf("success")).toEqual({ status: "completed", conclusion: "success" });
  });

  it("turns findings with lines into annotations at the right level", () => {
    const d = decision({
      findings: [
        { rule: "TF-01", severity: "block", file: "db.tf", line: 4, message: "removed" },
        { rule: "path:x", severity: "require", file: "x", message: "no line" },
      ],
    });
    expect(annotationsOf(d)).toEqual([
      { path: "db.tf", start_line: 4, end_line: 4, annotation_level: "failure", title: "TF-01 (block)", message: "removed" },
    ]);
  });

  it("escapes table pipes and backticks in evidence", () => {
    expect(code("a | b")).toBe("`a \\| b`");
    expect(code("run `x`")).toBe("`` run `x` ``");
  });
});
