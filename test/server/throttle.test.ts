/**
 * Probot's shared write throttle after Redis lost its keys: Bottleneck must see its own scripts'
 * answers as it expects them, or every GitHub request fails until a restart (the end-to-end case is
 * in test/runtime/replicas.e2e.test.ts, "when Redis goes away").
 */
import { describe, expect, it } from "@jest/globals";
import { bottleneckMessage, mendThrottleConnection } from "../../src/server/throttle.js";

describe("the mended throttle connection", () => {
  it("gives Bottleneck its scripts' answers without the prefix Redis 7 adds", () => {
    expect(bottleneckMessage("ERR SETTINGS_KEY_NOT_FOUND")).toBe("SETTINGS_KEY_NOT_FOUND");
    expect(bottleneckMessage("ERR UNKNOWN_CLIENT")).toBe("UNKNOWN_CLIENT");
    expect(bottleneckMessage("SETTINGS_KEY_NOT_FOUND")).toBe("SETTINGS_KEY_NOT_FOUND");
    expect(bottleneckMessage("ERR unknown command 'EVALSHA'")).toBe("ERR unknown command 'EVALSHA'");
    expect(bottleneckMessage("Connection is closed.")).toBe("Connection is closed.");
  });

  it("mends a connection once, and leaves options without one alone", () => {
    const seen: string[] = [];
    const connection = {
      __scriptArgs__: (_n: string, _i: string, _a: unknown[], cb: (err: Error | null) => void) => {
        cb(new Error("ERR SETTINGS_KEY_NOT_FOUND"));
        return [];
      },
    };
    mendThrottleConnection(connection);
    mendThrottleConnection(connection);
    mendThrottleConnection(undefined);
    connection.__scriptArgs__("init", "id", [], (err) => seen.push(err?.message ?? ""));
    expect(seen).toEqual(["SETTINGS_KEY_NOT_FOUND"]);
  });
});
