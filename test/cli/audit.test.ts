/** The pieces of `agentgate audit` that need no GitHub: the bypass record, dates, CSV and Markdown cells. */
import { describe, expect, it } from "@jest/globals";
import { auditCsv, auditExit, auditMarkdown, csvCell, parseBypassText, parseSince, type AuditReport } from "../../src/cli/audit.js";

const sha = "a".repeat(40);
const record = { v: 1, kind: "direct-push", sha, branch: "main", agents: ["codex"], by: "dana" };
const text = (r: object) => `<!-- agentgate:bypass v1 ${JSON.stringify(r)} -->`;

describe("the bypass record", () => {
  it("reads a record that is the whole text", () => {
    expect(parseBypassText(text(record))).toEqual(record);
  });
  it("reads nothing else: another line beside it, an unknown key, a wrong kind, a bad SHA", () => {
    expect(parseBypassText(`${text(record)}\n${text(record)}`)).toBeNull();
    expect(parseBypassText(`note\n${text(record)}`)).toBeNull();
    expect(parseBypassText(text({ ...record, extra: 1 }))).toBeNull();
    expect(parseBypassText(text({ ...record, kind: "accepted" }))).toBeNull();
    expect(parseBypassText(text({ ...record, sha: "xyz" }))).toBeNull();
    expect(parseBypassText(null)).toBeNull();
  });
});

describe("--since", () => {
  it("takes a day (midnight UTC) or a date-time", () => {
    expect(parseSince("2026-11-01")).toBe("2026-11-01T00:00:00.000Z");
    expect(parseSince("2026-11-01T12:30:00+01:00")).toBe("2026-11-01T11:30:00.000Z");
  });
  it("refuses anything else", () => {
    expect(() => parseSince("last week")).toThrow(/is not a date/);
    expect(() => parseSince("2026-13-45")).toThrow(/is not a date/);
  });
});

describe("the report's cells", () => {
  it("a name a spreadsheet would run as a formula is not one in the CSV", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell(null)).toBe("");
  });

  const report: AuditReport = {
    version: 1,
    kind: "audit",
    repo: "acme/app",
    since: "2026-11-01T00:00:00.000Z",
    defaultBranch: "main",
    appId: 1,
    merged: [{ number: 3, mergedAt: "2026-11-02T00:00:00Z", head: sha, judged: true, agentAuthored: true, agents: ["codex"], state: "success", approvedBy: ["maria"], ignored: [], rules: ["path:a|b"], policy: [] }],
    bypasses: [{ sha, at: null, record: null }],
    requests: 7,
  };
  it("markdown escapes table pipes in names; an unreadable bypass record is listed, and fails the audit", () => {
    const md = auditMarkdown(report);
    expect(md).toContain("| path:a\\|b |");
    expect(md).toContain("| unreadable record |");
    expect(auditCsv(report).split("\n")[2]).toMatch(/^bypass,,a{40},,unreadable,/);
    expect(auditExit(report)).toBe(1);
    expect(auditExit({ ...report, bypasses: [] })).toBe(0);
  });
});
