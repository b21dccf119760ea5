import { describe, expect, it } from "@jest/globals";
import { newPrivateKey } from "../../devtools/demo/keys.js";
import { InFlight } from "../../src/server/http.js";
import { readinessProbe } from "../../src/server/readiness.js";
import { isProductionStart, startMode } from "../../src/server/settings.js";

const KEY = newPrivateKey();
const noFile = () => {
  throw Object.assign(new Error("nope"), { code: "ENOENT" });
};

describe("which start is safe", () => {
  it("without credentials outside production, hands over to the setup page", () => {
    expect(startMode({}, noFile)).toEqual({ mode: "setup" });
  });

  it("treats APP_ID without NODE_ENV=development as production", () => {
    expect(isProductionStart({ APP_ID: "1" })).toBe(true);
    expect(isProductionStart({ APP_ID: "1", NODE_ENV: "development" })).toBe(false);
    expect(isProductionStart({ NODE_ENV: "production" })).toBe(true);
  });

  it("in production lists every problem at once", () => {
    const r = startMode({ NODE_ENV: "production", PORT: "http" }, noFile);
    expect(r.mode).toBe("refuse");
    expect(r.mode === "refuse" && r.problems).toEqual([
      "APP_ID is not set",
      "no private key: set PRIVATE_KEY or PRIVATE_KEY_PATH",
      'WEBHOOK_SECRET is not set (Probot would accept webhooks signed with "development")',
      "PORT is not a port number",
    ]);
  });

  it('refuses the well-known "development" secret in production, and an unreadable key path', () => {
    const r = startMode({ APP_ID: "3", PRIVATE_KEY_PATH: "/nowhere/key.pem", WEBHOOK_SECRET: "development" }, noFile);
    expect(r.mode === "refuse" && r.problems).toEqual([
      "PRIVATE_KEY_PATH /nowhere/key.pem cannot be read (ENOENT)",
      'WEBHOOK_SECRET is "development", the well-known default',
    ]);
  });

  it("takes the audit trail's sinks, and refuses an endpoint that is not https or a token without one", () => {
    const base = { APP_ID: "3", PRIVATE_KEY: KEY, WEBHOOK_SECRET: "s" };
    const ok = startMode({ ...base, AUDIT_FILE: "/var/log/agentgate/audit.jsonl", AUDIT_URL: "https://audit.example/events", AUDIT_TOKEN: "t" }, noFile);
    expect(ok.mode === "run" && ok.settings.audit).toEqual({ file: "/var/log/agentgate/audit.jsonl", url: "https://audit.example/events", token: "t", queueMax: 1000 });
    expect(startMode(base, noFile)).toMatchObject({ mode: "run", settings: { audit: { queueMax: 1000 } } });
    const bad = startMode({ ...base, AUDIT_URL: "http://audit.example/events", AUDIT_QUEUE_MAX: "0" }, noFile);
    expect(bad.mode === "refuse" && bad.problems).toEqual(["AUDIT_QUEUE_MAX is not a positive integer", "AUDIT_URL must be https:// (http:// only to localhost)"]);
    const tokenAlone = startMode({ ...base, AUDIT_TOKEN: "t" }, noFile);
    expect(tokenAlone.mode === "refuse" && tokenAlone.problems).toEqual(["AUDIT_TOKEN is set without AUDIT_URL"]);
    expect(startMode({ ...base, AUDIT_URL: "http://127.0.0.1:9999/audit" }, noFile).mode).toBe("run");
  });

  it("reads a key with escaped newlines, as env files hold it", () => {
    const r = startMode({ APP_ID: "3", PRIVATE_KEY: KEY.replace(/\n/g, "\\n"), WEBHOOK_SECRET: "s", GHE_HOST: "ghe.example", PORT: "8080" }, noFile);
    expect(r.mode).toBe("run");
    expect(r.mode === "run" && r.settings).toMatchObject({ appId: 3, port: 8080, baseUrl: "https://ghe.example/api/v3", webhookSecret: "s" });
  });

  it("lets development run with Probot's default secret", () => {
    const r = startMode({ APP_ID: "3", PRIVATE_KEY: KEY, NODE_ENV: "development" }, noFile);
    expect(r.mode === "run" && r.settings.webhookSecret).toBe("development");
  });
});

describe("waiting for deliveries in flight", () => {
  it("reports idle once the work ends, and gives up at the bound", async () => {
    const inFlight = new InFlight();
    let release!: () => void;
    const work = inFlight.track(() => new Promise<void>((r) => (release = r)));
    expect(inFlight.count).toBe(1);
    expect(await inFlight.idle(20)).toBe(false);
    const idle = inFlight.idle(5_000);
    release();
    await work;
    expect(await idle).toBe(true);
    expect(inFlight.count).toBe(0);
  });
});

describe("readiness", () => {
  it("keeps an answer briefly, and asks again after a failure sooner than after a success", async () => {
    let calls = 0;
    let fail = true;
    let clock = 0;
    const check = {
      name: "x",
      async run() {
        calls++;
        if (fail) throw new Error("down");
      },
    };
    const probe = readinessProbe([check], { okForMs: 1000, failedForMs: 100, now: () => clock });
    expect(await probe()).toEqual({ ready: false, checks: [{ name: "x", ok: false, reason: "down" }] });
    clock = 50;
    await probe();
    expect(calls).toBe(1);
    clock = 150;
    fail = false;
    expect((await probe()).ready).toBe(true);
    clock = 900;
    await probe();
    expect(calls).toBe(2);
  });
});
