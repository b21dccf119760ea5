/**
 * No container engine runs here, so the image is not built in the tests; what can go wrong without
 * one is checked instead: the image runs what `npm start` runs, as a non-root user listening on all
 * interfaces, and every file it copies exists.
 */
import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/built.js";

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const lines = dockerfile.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
const finalStage = lines.slice(lines.map((l) => l.startsWith("FROM")).lastIndexOf(true));
const start = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start!;

describe("the container image", () => {
  it("runs what npm start runs", () => {
    const cmd = finalStage.find((l) => l.startsWith("CMD"));
    expect(JSON.parse(cmd!.slice(3).trim()).join(" ")).toBe(start);
  });

  it("runs as a non-root user, in production, listening on every interface", () => {
    expect(finalStage).toContain("USER node");
    const env = finalStage.find((l) => l.startsWith("ENV")) ?? "";
    expect(env).toContain("NODE_ENV=production");
    expect(env).toContain("HOST=0.0.0.0");
  });

  it("copies only files that exist in a clean checkout, and never the dev dependencies into the final stage", () => {
    for (const l of lines.filter((x) => x.startsWith("COPY") && !x.includes("--from="))) {
      const sources = l.split(/\s+/).slice(1, -1);
      for (const s of sources) expect([s, existsSync(join(ROOT, s))]).toEqual([s, true]);
    }
    expect(lines.join("\n")).toContain("npm ci --omit=dev");
  });
});
