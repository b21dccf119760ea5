/** The README's promises: its first commands exist, and its policy example is valid. */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { parsePolicy } from "../src/config/parse.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const scripts = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("README", () => {
  it("opens with the demo and the test command, both real npm scripts", () => {
    const firstScreen = readme.split("\n").slice(0, 12).join("\n");
    expect(firstScreen).toContain("npm install && npm run demo");
    expect(firstScreen).toContain("npm install && npm test");
    expect(scripts.demo).toBeDefined();
    expect(scripts.test).toBeDefined();
  });

  it("shows a policy example that agentgate accepts", () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const parsed = parsePolicy(example!, "README.md");
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
  });
});
