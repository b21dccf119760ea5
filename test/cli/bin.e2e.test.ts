/**
 * The built package, as `npx agentgate` runs it: compiled with the build config into a scratch
 * copy of the package (bin/ + lib/ + package.json), so a stale or concurrent lib/ in the tree is
 * never what is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { buildScratchPackage } from "../helpers/built.js";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

let pkg: string;
beforeAll(() => {
  pkg = buildScratchPackage("agentgate-pkg-");
}, 120_000);
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

function bin(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [join(pkg, "bin/agentgate.js"), ...args], { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the built agentgate command", () => {
  it("validates a policy and names the line and key of each problem", () => {
    const dir = mkdtempSync(join(tmpdir(), "agentgate-policy-"));
    writeFileSync(join(dir, ".agentgate.yml"), "approvals:\n  required: 2\n  min_permision: write\n");
    const r = bin(["validate"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(".agentgate.yml:3:3: approvals.min_permision: unknown key");
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers --help and refuses an unknown command in one line", () => {
    expect(bin(["--help"], ROOT).stdout).toContain("explain");
    const r = bin(["deploy"], ROOT);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("prints the package's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const r = bin(["--version"], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("in a clone that was never built, says to build first in one line", () => {
    const clone = mkdtempSync(join(tmpdir(), "agentgate-unbuilt-"));
    mkdirSync(join(clone, "bin"));
    copyFileSync(join(ROOT, "bin/agentgate.js"), join(clone, "bin/agentgate.js"));
    const r = spawnSync(process.execPath, [join(clone, "bin/agentgate.js"), "validate"], { cwd: clone, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("agentgate: the CLI is not built here; run `npm run build` first\n");
    rmSync(clone, { recursive: true, force: true });
  });
});
