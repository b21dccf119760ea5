import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { policySchema } from "../../src/config/schema.js";
import { CATALOG } from "../../src/detect/catalog.js";
import { renderCatalogTable } from "../../src/detect/catalog-table.js";

const docs = readFileSync(new URL("../../docs/agents.md", import.meta.url), "utf8");

describe("docs/agents.md", () => {
  it("holds the catalog table exactly as the data renders it", () => {
    const between = /<!-- catalog:start -->\n([\s\S]*?)\n<!-- catalog:end -->/.exec(docs);
    expect(between?.[1]).toBe(renderCatalogTable());
  });

  it("documents every key of the agents: policy section", () => {
    const keys = Object.keys(policySchema.parse({}).agents);
    for (const key of keys) expect(docs).toContain(`| \`${key}\` |`);
  });
});

describe("catalog data", () => {
  it("has unique agent ids and marker ids, each marker prefixed by its agent", () => {
    const agentIds = CATALOG.map((a) => a.id);
    expect(new Set(agentIds).size).toBe(agentIds.length);
    const markerIds = CATALOG.flatMap((a) => a.markers.map((m) => m.id));
    expect(new Set(markerIds).size).toBe(markerIds.length);
    for (const a of CATALOG) for (const m of a.markers) expect(m.id.startsWith(`${a.id}/`)).toBe(true);
  });

  it("names every agent the brief and the guide list", () => {
    const ids = new Set(CATALOG.map((a) => a.id));
    for (const id of ["copilot", "copilot-review", "claude-code", "codex", "devin", "cursor", "jules", "gemini", "amazon-q", "kiro", "aider", "openhands", "sweep", "replit", "factory", "amp", "antigravity", "cosine", "warp-oz", "opencode", "qwen-code", "firebender", "twill", "mentat", "cline", "windsurf", "codegen", "tembo", "ellipsis", "codeflash", "engine-labs", "claude-flow", "dependabot", "renovate", "github-actions"]) {
      expect(ids).toContain(id);
    }
    expect(CATALOG.filter((a) => a.kind === "automation").map((a) => a.id)).toEqual(["dependabot", "renovate", "github-actions"]);
  });
});
