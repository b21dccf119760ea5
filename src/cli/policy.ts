/**
 * The policy for local commands: a given file, the repository's file, or the defaults. Same parser
 * and same fail-closed rules as the App; `_extends` needs GitHub, so offline it is a problem.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LoadedPolicy } from "../config/load.js";
import { parsePolicy } from "../config/parse.js";
import { defaultPolicy, POLICY_PATHS } from "../config/schema.js";
import { UserError, firstLine } from "./errors.js";

export async function readPolicyFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${firstLine(e)})`);
  }
}

/** Parse one policy text; `_extends` cannot be followed without GitHub, so it fails closed. */
export function policyFromText(text: string, label: string): LoadedPolicy {
  const parsed = parsePolicy(text, label);
  if (!parsed.ok) return { policy: null, problems: parsed.problems, sources: [label] };
  const warnings = parsed.warnings.length ? { warnings: parsed.warnings } : {};
  if (typeof parsed.input._extends === "string") {
    return {
      policy: null,
      problems: [
        {
          kind: "unreadable",
          file: label,
          key: "_extends",
          message: `the base "${parsed.input._extends}" is on GitHub: use \`agentgate explain\`, or a --config file without _extends`,
        },
      ],
      sources: [label],
      ...warnings,
    };
  }
  return { policy: parsed.policy, problems: [], sources: [label], ...warnings };
}

export function defaultsLoaded(): LoadedPolicy {
  return { policy: defaultPolicy(), problems: [], sources: [] };
}

/** The policy files present in a working tree, in precedence order (the first one is used). */
export function policyFilesIn(dir: string): string[] {
  return POLICY_PATHS.map((p) => join(dir, p)).filter((p) => existsSync(p));
}

/** The policy of a working tree, else the defaults. */
export async function workingTreePolicy(dir: string): Promise<LoadedPolicy> {
  const [first] = policyFilesIn(dir);
  if (!first) return defaultsLoaded();
  return policyFromText(await readPolicyFile(first), first);
}

/** The policy on a commit (the base, as the App reads it), else the defaults. */
export async function policyAtCommit(show: (path: string) => Promise<string | null>, label: (path: string) => string): Promise<LoadedPolicy> {
  for (const path of POLICY_PATHS) {
    const text = await show(path);
    if (text !== null) return policyFromText(text, label(path));
  }
  return defaultsLoaded();
}
