/**
 * The JSON Schema of `.agentgate.yml`, generated from the zod schema (the input form, so keys with
 * defaults are optional). Editors use it for completion and checking; `npm run schema` writes it to
 * schema/agentgate.schema.json and a test keeps the committed file equal to a fresh generation.
 */
import { policyJsonSchema } from "./parse.js";

export const JSON_SCHEMA_PATH = "schema/agentgate.schema.json";

export function buildJsonSchema(): Record<string, unknown> {
  // `$schema` (a draft URI) is left out on purpose: the repository names no outside host. Validators and
  // editors default to draft-07, the draft it is generated for.
  const rest = policyJsonSchema();
  delete rest.$schema;
  return {
    // A relative id: the file ships in the package and editors point at it by path.
    $id: "agentgate.schema.json",
    title: "agentgate policy (.agentgate.yml)",
    description: "Who must approve pull requests written by AI agents, and which changes they may not make. See docs/config.md.",
    ...rest,
  };
}

export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

type SchemaNode = {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
};

/**
 * Every key path a policy can contain, as docs/config.md writes them: `approvals.required`,
 * `paths[].teams`, `infra.rules.<id>.severity`. (A test checks each one is documented.)
 */
export function policyKeyPaths(): string[] {
  const out: string[] = [];
  const walk = (node: SchemaNode | undefined, prefix: string): void => {
    if (!node) return;
    for (const alt of node.anyOf ?? []) walk(alt, prefix);
    if (node.items) walk(node.items, `${prefix}[]`);
    if (typeof node.additionalProperties === "object") walk(node.additionalProperties, `${prefix}.<id>`);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push(path);
      walk(child, path);
    }
  };
  walk(policyJsonSchema() as SchemaNode, "");
  return out;
}
