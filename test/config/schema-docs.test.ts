import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { JSON_SCHEMA_PATH, buildJsonSchema, policyKeyPaths, renderJsonSchema } from "../../src/config/json-schema.js";
import { formatProblem, parsePolicy } from "../../src/config/parse.js";

const docs = readFileSync("docs/config.md", "utf8");

/** The ```yaml blocks of docs/config.md that are whole policies (not the `_extends` one-liners). */
function yamlExamples(): string[] {
  return [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((t) => !t.startsWith("_extends"));
}

describe("schema/agentgate.schema.json", () => {
  it("is what `npm run schema` generates from the zod schema (run it after changing src/config/schema.ts)", () => {
    expect(readFileSync(JSON_SCHEMA_PATH, "utf8")).toBe(renderJsonSchema());
  });

  it("accepts the documented examples and rejects an unknown key, as the app does", () => {
    const validate = new Ajv({ strict: false }).compile(buildJsonSchema());
    for (const text of yamlExamples()) {
      const value = parseYaml(text) ?? {};
      expect({ text, valid: validate(value), errors: validate.errors }).toMatchObject({ valid: true });
    }
    expect(validate({ approvals: { requird: 2 } })).toBe(false);
  });
});

describe("docs/config.md", () => {
  it("documents every key of the schema", () => {
    const missing = policyKeyPaths().filter((path) => !docs.includes(`\`${path}\``));
    expect(missing).toEqual([]);
  });

  it("has examples that agentgate accepts", () => {
    const examples = yamlExamples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const text of examples) {
      const result = parsePolicy(text, "docs/config.md");
      expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    }
  });
});
