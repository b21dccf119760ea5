#!/usr/bin/env node
// The built CLI (npm run build → lib/). Kept tiny so that the package's entry never changes.
import { existsSync } from "node:fs";
import { URL } from "node:url";

const main = new URL("../lib/cli/main.js", import.meta.url);
// A clone that was never built has no lib/: say what to do, not a module-resolution stack trace.
if (!existsSync(main)) {
  process.stderr.write("agentgate: the CLI is not built here; run `npm run build` first\n");
  process.exit(2);
}
await import(main.href);
