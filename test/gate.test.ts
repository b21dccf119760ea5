import { describe, expect, it } from "@jest/globals";
import { oneAtATime } from "../src/gate.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("one delivery at a time per repository", () => {
  it("lets an earlier evaluation finish publishing before a later one starts", async () => {
    const log: string[] = [];
    const slow = oneAtATime("acme/app", async () => {
      log.push("A reads");
      await tick(30);
      log.push("A publishes");
    });
    const fast = oneAtATime("acme/app", async () => {
      log.push("B reads");
      log.push("B publishes");
    });
    await Promise.all([slow, fast]);
    expect(log).toEqual(["A reads", "A publishes", "B reads", "B publishes"]);
  });

  it("does not hold other repositories back, and survives a failure", async () => {
    const log: string[] = [];
    const failing = oneAtATime("acme/one", async () => {
      await tick(30);
      throw new Error("GitHub is down");
    });
    const other = oneAtATime("acme/two", async () => void log.push("two"));
    const after = oneAtATime("acme/one", async () => void log.push("one again"));
    await expect(failing).rejects.toThrow("GitHub is down");
    await Promise.all([other, after]);
    expect(log).toEqual(["two", "one again"]);
  });
});
