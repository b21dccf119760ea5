/** agentgate's version, from package.json (one level above src/ and lib/). "unknown" when it cannot be read. */
import { readFileSync } from "node:fs";

let version: string | undefined;

export function appVersion(): string {
  if (version !== undefined) return version;
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    version = typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    version = "unknown";
  }
  return version;
}
