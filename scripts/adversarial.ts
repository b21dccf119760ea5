/**
 * `npm run adversarial`: runs the attack suite (test/adversarial, and the replicas' in test/runtime) and prints one row per attack and
 * control, then `N attacks, M bypasses`. An attack that fails is a bypass; a control that fails
 * means the gate no longer passes what it must. Exits 1 on either.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Assertion {
  title: string;
  status: "passed" | "failed" | "pending" | "skipped" | "todo" | "disabled";
}
interface JestJson {
  testResults: { name: string; assertionResults: Assertion[]; message: string }[];
}

export interface Row {
  cls: string;
  kind: "attack" | "control";
  name: string;
  outcome: "held" | "BYPASS" | "passed" | "FAILED" | "skipped";
}

const NAMED = /^\[(c\d+)\] (attack|control): (.+)$/;

/** The rows of a jest JSON report; tests not named by test/adversarial/suite.ts are left out. */
export function rowsOf(report: JestJson): Row[] {
  const rows: Row[] = [];
  for (const file of report.testResults) {
    for (const a of file.assertionResults) {
      const m = NAMED.exec(a.title);
      if (!m) continue;
      const kind = m[2] as Row["kind"];
      const ok = a.status === "passed";
      const skipped = a.status !== "passed" && a.status !== "failed";
      const outcome: Row["outcome"] = skipped ? "skipped" : kind === "attack" ? (ok ? "held" : "BYPASS") : ok ? "passed" : "FAILED";
      rows.push({ cls: m[1]!, kind, name: m[3]!, outcome });
    }
  }
  const num = (c: string) => Number(c.slice(1));
  return rows.sort((a, b) => num(a.cls) - num(b.cls) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

export function renderTable(rows: readonly Row[]): string {
  const widths = [5, 7, Math.max(6, ...rows.map((r) => r.name.length))];
  const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join("  ");
  const attacks = rows.filter((r) => r.kind === "attack");
  const bypasses = attacks.filter((r) => r.outcome !== "held").length;
  const controls = rows.filter((r) => r.kind === "control");
  const failedControls = controls.filter((r) => r.outcome !== "passed").length;
  return [
    line(["class", "kind", "attack", "result"]),
    ...rows.map((r) => line([r.cls, r.kind, r.name, r.outcome])),
    "",
    `${controls.length} controls, ${failedControls} failed`,
    `${attacks.length} attacks, ${bypasses} bypasses`,
  ].join("\n");
}

function main(): number {
  const dir = mkdtempSync(join(tmpdir(), "agentgate-adversarial-"));
  const out = join(dir, "report.json");
  try {
    const run = spawnSync("npx", ["jest", "--silent", "--json", `--outputFile=${out}`, "test/adversarial", "test/runtime"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, "--experimental-vm-modules"].filter(Boolean).join(" ") },
    });
    let report: JestJson;
    try {
      report = JSON.parse(readFileSync(out, "utf8")) as JestJson;
    } catch {
      console.error(`jest wrote no report (exit ${run.status})`);
      return 1;
    }
    const rows = rowsOf(report);
    console.log(renderTable(rows));
    const broken = report.testResults.filter((f) => f.assertionResults.length === 0 && f.message);
    for (const f of broken) console.error(`could not run ${f.name}`);
    const bad = rows.some((r) => r.outcome === "BYPASS" || r.outcome === "FAILED") || broken.length > 0;
    return bad || run.status !== 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
