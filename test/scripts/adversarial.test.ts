import { describe, expect, it } from "@jest/globals";
import { renderTable, rowsOf } from "../../scripts/adversarial.js";

const report = (assertions: { title: string; status: "passed" | "failed" | "skipped" }[]) => ({
  testResults: [{ name: "test/adversarial/x.test.ts", message: "", assertionResults: assertions }],
});

describe("the attack suite's table", () => {
  it("counts a failed attack as a bypass and a failed control as failed, class by class", () => {
    const rows = rowsOf(
      report([
        { title: "[c10] attack: catastrophic pattern", status: "passed" },
        { title: "[c2] attack: assignee approves", status: "failed" },
        { title: "[c2] control: unrelated maintainers approve", status: "failed" },
        { title: "an ordinary test", status: "failed" },
      ]),
    );
    expect(rows.map((r) => [r.cls, r.kind, r.outcome])).toEqual([
      ["c2", "attack", "BYPASS"],
      ["c2", "control", "FAILED"],
      ["c10", "attack", "held"],
    ]);
    const table = renderTable(rows);
    expect(table.split("\n").at(-1)).toBe("2 attacks, 1 bypasses");
    expect(table).toContain("1 controls, 1 failed");
  });

  it("ends with N attacks, 0 bypasses when every attack held", () => {
    const table = renderTable(rowsOf(report([{ title: "[c1] attack: retarget", status: "passed" }])));
    expect(table.split("\n").at(-1)).toBe("1 attacks, 0 bypasses");
  });
});
