import { createServer } from "node:net";

/**
 * A port free right now on 127.0.0.1. Probot's Server turns `port: 0` into 3000, so suites running
 * side by side would collide on it: ask the OS for a free port and pass that instead.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
