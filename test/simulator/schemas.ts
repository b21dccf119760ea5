/**
 * Validators built from GitHub's own descriptions: the OpenAPI document (REST responses) and the
 * webhook JSON schemas. The OpenAPI document is OpenAPI 3.0, whose `nullable` JSON Schema lacks.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;

type Schema = Record<string, unknown>;

/** OpenAPI 3.0 → JSON Schema: `nullable: true` becomes "or null". */
export function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (!node || typeof node !== "object") return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    // `properties` and `patternProperties` hold names, not schemas with keywords.
    out[k] = k === "example" || k === "examples" ? v : convertNullable(v);
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === "string" && !out.oneOf && !out.anyOf && !out.allOf) {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  literalLength: number;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  /** The JSON schema of the request body, for writes. */
  requestBody?: Schema;
}

export class OpenApiChecker {
  private readonly operations: Operation[] = [];
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    const file = require.resolve("@octokit/openapi/generated/api.github.com.deref.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as { paths: Record<string, Record<string, Operation["responses"] | unknown>> };
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const responses = (op as { responses?: Operation["responses"] }).responses;
        if (!responses) continue;
        const requestBody = (op as { requestBody?: { content?: Record<string, { schema?: Schema }> } }).requestBody?.content?.["application/json"]?.schema;
        // Keep only what the checks need: the whole document is large.
        const slim: Operation["responses"] = {};
        for (const [code, r] of Object.entries(responses)) slim[code] = { content: r.content ?? {} };
        const source = template.replace(/\{(path|basehead)\}/g, "(.+)").replace(/\{[^}]+\}/g, "[^/]+");
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          literalLength: template.replace(/\{[^}]+\}/g, "").length,
          responses: slim,
          ...(requestBody ? { requestBody } : {}),
        });
      }
    }
  }

  /** The operation a concrete request path belongs to (the most literal template wins). */
  operationFor(method: string, path: string): Operation | undefined {
    const bare = path.split("?")[0] as string;
    return this.operations
      .filter((o) => o.method === method && o.pattern.test(bare))
      .sort((a, b) => b.literalLength - a.literalLength)[0];
  }

  /** A validator of the operation's documented request body (compiled once). */
  compileRequest(op: Operation): ValidateFunction {
    const key = `request ${op.method} ${op.template}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(convertNullable(op.requestBody) as Schema);
      this.cache.set(key, validate);
    }
    return validate;
  }

  /** Errors of `body` against the documented response, or a reason why there is no such schema. */
  check(method: string, path: string, status: number, body: unknown): string[] {
    const op = this.operationFor(method, path);
    if (!op) return [`no documented operation for ${method} ${path}`];
    const response = op.responses[String(status)];
    if (!response) return [`${method} ${op.template} documents no ${status} response`];
    const schema = response.content?.["application/json"]?.schema;
    // Some documented errors (a 404) have no body in the description, though GitHub sends its usual JSON.
    if (!schema) return body === undefined || status >= 400 ? [] : [`${method} ${op.template} ${status} documents no JSON body`];
    const key = `${method} ${op.template} ${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(convertNullable(schema) as Schema);
      this.cache.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 10).map((e) => `${key}: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

/** Errors of a request body the app sent, against what GitHub documents it accepts. */
export function checkRequestBody(checker: OpenApiChecker, method: string, path: string, body: unknown): string[] {
  const op = checker.operationFor(method, path);
  if (!op) return [`no documented operation for ${method} ${path}`];
  if (!op.requestBody) return body === undefined ? [] : [`${method} ${op.template} documents no JSON request body`];
  const validate = checker.compileRequest(op);
  if (validate(body)) return [];
  return (validate.errors ?? []).slice(0, 10).map((e) => `${method} ${op.template} request: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
}

export class WebhookChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly definitions: Set<string>;

  constructor() {
    addFormats(this.ajv);
    const schema = require("@octokit/webhooks-schemas/schema.json") as { definitions: Record<string, unknown> };
    this.definitions = new Set(Object.keys(schema.definitions));
    const { $schema: _ignored, ...rest } = schema as Schema;
    this.ajv.addSchema({ ...rest, $id: "webhooks" });
  }

  /** `pull_request$opened` for events with actions, `push$event` / `status$event` for the others. */
  definitionFor(event: string, action: string | undefined): string {
    const withAction = `${event}$${action}`;
    return action && this.definitions.has(withAction) ? withAction : `${event}$event`;
  }

  check(event: string, payload: Record<string, unknown>): string[] {
    const action = typeof payload.action === "string" ? payload.action : undefined;
    const name = this.definitionFor(event, action);
    if (!this.definitions.has(name)) return [`no webhook schema ${name}`];
    const validate = this.ajv.getSchema(`webhooks#/definitions/${name}`);
    if (!validate) return [`schema ${name} did not compile`];
    if (validate(payload)) return [];
    return (validate.errors ?? []).slice(0, 10).map((e) => `${name}: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
