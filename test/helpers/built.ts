/**
 * The package compiled with the build config into a scratch folder (lib/ + bin/ + package.json, and
 * the checkout's node_modules linked), so a stale or concurrent lib/ in the tree is never tested.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export function buildScratchPackage(prefix: string): string {
  const pkg = mkdtempSync(join(tmpdir(), prefix));
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(pkg, "lib")], {
    stdio: "pipe",
  });
  mkdirSync(join(pkg, "bin"));
  copyFileSync(join(ROOT, "bin/agentgate.js"), join(pkg, "bin/agentgate.js"));
  copyFileSync(join(ROOT, "package.json"), join(pkg, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"), "dir");
  return pkg;
}
