/**
 * The package as a user gets it: `npm pack` on this checkout (prepack builds), installed into an
 * empty project, and the installed `agentgate` command run from there.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

let dir: string;
let project: string;
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, stdio: "pipe", encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "agentgate-pack-"));
  npm(["pack", "--silent", "--pack-destination", dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");
  project = join(dir, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-agentgate", private: true }));
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, tarball)], project);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const installed = (args: string[]) => {
  const r = spawnSync(join(project, "node_modules/.bin/agentgate"), args, { cwd: project, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe("the packed package", () => {
  it("installs a working agentgate command with the package's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(installed(["--version"])).toEqual({ code: 0, out: `${version}\n` });
  });

  it("validates the project's policy, and names the line and key of a mistake", () => {
    writeFileSync(join(project, ".agentgate.yml"), "version: 1\napprovals:\n  required: 2\n");
    expect(installed(["validate"]).code).toBe(0);
    writeFileSync(join(project, ".agentgate.yml"), "version: 1\napprovals:\n  requird: 2\n");
    const bad = installed(["validate"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(".agentgate.yml:3:3: approvals.requird: unknown key");
  });

  it("ships the JSON Schema and the App manifest where the docs say", () => {
    const shipped = join(project, "node_modules/agentgate-github");
    expect(JSON.parse(readFileSync(join(shipped, "schema/agentgate.schema.json"), "utf8"))).toMatchObject({ $id: "agentgate.schema.json" });
    expect(readFileSync(join(shipped, "app.yml"), "utf8")).toContain("default_permissions:");
  });
});
