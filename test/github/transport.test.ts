import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { githubFetch } from "../../src/github/transport.js";

/** A small GitHub: a PR, a renamed repository's redirect, a raw file, an error and a slow answer. */
let server: Server;
let base = "";
const seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const json = { "content-type": "application/json; charset=utf-8" };
      if (req.url === "/repos/acme/old-name/pulls/1") return res.writeHead(301, { location: `${base}/repos/acme/app/pulls/1` }).end();
      if (req.url === "/repos/acme/app/pulls/1") {
        if (req.headers["if-none-match"] === 'W/"1"') return res.writeHead(304, { ...json, etag: 'W/"1"' }).end();
        return res.writeHead(200, { ...json, etag: 'W/"1"', "x-ratelimit-remaining": "4999" }).end(JSON.stringify({ number: 1, title: "Ünïcode ✓" }));
      }
      if (req.url === "/repos/acme/app/contents/logo.png") return res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from([0, 1, 2, 255]));
      if (req.url === "/repos/acme/app/statuses/abc" && req.method === "POST") return res.writeHead(201, json).end(JSON.stringify({ state: JSON.parse(body).state }));
      if (req.url === "/slow") return void setTimeout(() => res.writeHead(200, json).end("{}"), 2_000);
      res.writeHead(404, json).end(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.example/404" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const octokit = () => new Octokit({ baseUrl: base, request: { fetch: githubFetch } });

describe("agentgate's transport to GitHub", () => {
  it("gives Octokit the status, the headers and the JSON body, UTF-8 intact", async () => {
    const answer = await octokit().rest.pulls.get({ owner: "acme", repo: "app", pull_number: 1 });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ number: 1, title: "Ünïcode ✓" });
    expect(answer.headers.etag).toBe('W/"1"');
    expect(answer.headers["x-ratelimit-remaining"]).toBe("4999");
  });

  it("sends a write's JSON body and Octokit's headers, and asks for no compression", async () => {
    const answer = await octokit().rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha: "abc", state: "pending", context: "agentgate" });
    expect(answer.status).toBe(201);
    expect(answer.data).toEqual({ state: "pending" });
    const sent = seen.find((s) => s.method === "POST")!;
    expect(JSON.parse(sent.body)).toEqual({ state: "pending", context: "agentgate" });
    expect(sent.headers["user-agent"]).toMatch(/octokit/);
    expect(sent.headers["accept-encoding"]).toBeUndefined();
  });

  it("answers a 304 as Octokit's Not modified error", async () => {
    const asked = octokit().request("GET /repos/acme/app/pulls/1", { headers: { "if-none-match": 'W/"1"' } });
    // No body, so no type for one.
    await expect(asked).rejects.toMatchObject({ status: 304, response: { data: "", headers: { etag: 'W/"1"' } } });
    await expect(asked.catch((e: { response: { headers: object } }) => e.response.headers)).resolves.not.toHaveProperty("content-type");
  });

  it("turns GitHub's error body into Octokit's error message", async () => {
    await expect(octokit().rest.pulls.get({ owner: "acme", repo: "app", pull_number: 9 })).rejects.toMatchObject({
      status: 404,
      message: "Not Found - https://docs.example/404",
    });
  });

  it("follows a renamed repository's redirect, as fetch does", async () => {
    const answer = await octokit().request("GET /repos/acme/old-name/pulls/1");
    expect(answer.data).toEqual({ number: 1, title: "Ünïcode ✓" });
  });

  it("hands bytes over as they came", async () => {
    const answer = await octokit().request("GET /repos/acme/app/contents/logo.png");
    expect([...new Uint8Array(answer.data as ArrayBuffer)]).toEqual([0, 1, 2, 255]);
  });

  it("stops when its signal is aborted", async () => {
    const controller = new AbortController();
    const asked = githubFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("given up")), 50);
    const started = Date.now();
    await expect(asked).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("fails with the connection's error when nothing listens", async () => {
    const nowhere = new Octokit({ baseUrl: "http://127.0.0.1:1", request: { fetch: githubFetch } });
    // Octokit makes it a 500 (so it is retried) and keeps the cause.
    await expect(nowhere.request("GET /zen")).rejects.toMatchObject({ status: 500, cause: { code: "ECONNREFUSED" } });
  });
});
