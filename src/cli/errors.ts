/** A mistake by the user (bad argument, missing file, not a git repository): one line, no stack trace. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    /** The process exit code. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** The first line of whatever was thrown. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown error";
}
