/** Writes schema/agentgate.schema.json from the zod schema: `npm run schema`. */
import { writeFileSync } from "node:fs";
import { JSON_SCHEMA_PATH, renderJsonSchema } from "../src/config/json-schema.js";

writeFileSync(JSON_SCHEMA_PATH, renderJsonSchema());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
