/**
 * Whole-file context for infra rules whose hunks do not say enough (the block a line belongs to,
 * a manifest's `kind:`). The rules say which files; the caller says how to read them (GitHub's
 * contents API for the App, `git cat-file` for the CLI).
 */
import type { InfraPolicy } from "../config/schema.js";
import { contextNeeded } from "../rules/infra/index.js";
import type { FileFacts } from "./types.js";

/** A rule may ask for whole files; more than this many reads per evaluation is not worth the cost. */
export const MAX_CONTEXT_READS = 20;

/** Reads a file at the PR's base or head; null when it does not exist there. */
export type ContextReader = (path: string, side: "base" | "head") => Promise<string | null>;

/** Fills FileFacts.baseContent/headContent for the files the infra rules ask for (in their order). */
export async function fillContext(files: FileFacts[], infra: InfraPolicy, read: ContextReader): Promise<void> {
  if (!infra.enabled) return;
  for (const { filename, side } of contextNeeded(files, infra).slice(0, MAX_CONTEXT_READS)) {
    const file = files.find((f) => f.filename === filename || f.previousFilename === filename);
    if (!file) continue;
    const text = await read(side === "base" ? (file.previousFilename ?? file.filename) : file.filename, side);
    if (text === null) continue;
    if (side === "base") file.baseContent = text;
    else file.headContent = text;
  }
}
