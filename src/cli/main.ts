/** The `agentgate` command: bin/agentgate.js imports the built form of this file. */
import { runCli } from "./program.js";

// `agentgate check | head`: the reader went away; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  });
} catch (e) {
  // Not a user mistake (those are handled in runCli): a bug, so the stack helps.
  process.stderr.write(`agentgate: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 70;
}
