/**
 * What replica B's first delivery costs after a merge to main that replica A already judged a PR
 * against, with and without the commit facts replicas share in Redis (src/runtime/commit-facts.ts).
 * Two built servers (`npm run build` first) as child processes, a redis-server, the simulator.
 * "Without" is the same delivery after the shared copies were deleted from Redis. Two repositories:
 * one with its own policy file, one without (it falls back to the organization's defaults).
 *
 *   npm run build && npx tsx devtools/commit-facts-cost.ts [--rounds 3]
 */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { GitHubSimulator, type Delivery } from "./simulator/index.js";
import { newPrivateKey } from "./demo/keys.js";
import { freePort } from "./demo/net.js";
import { simulatorServerEnv, spawnServer } from "./demo/server.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SECRET = "commit-facts-cost";
const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] ?? 3) || 3;
const copilot = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
const maria = { login: "maria", name: "Maria Maintainer", email: "maria@acme.example" };
const WORKFLOW = (job: string) => `on: push\njobs:\n  ${job}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./tools/setup\n`;

async function waitFor(ok: () => boolean, what: string) {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!ok()) throw new Error(`${what} did not happen`);
}

const rateLimited = (d: Delivery) => d.requests.filter((r) => r.status !== 304 && r.token !== "jwt").length;
const atCommit = (d: Delivery, sha: string) => d.requests.filter((r) => r.path.includes(`ref=${sha}`) && r.status !== 304).length;

async function main() {
  if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not installed");
  const redisPort = await freePort();
  const redisServer = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const redis = new Redis({ port: redisPort, host: "127.0.0.1", maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined); // refused until redis-server listens
  await waitFor(() => redis.status === "ready", "redis-server starting");

  const sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate" });
  sim.addOrg("acme");
  sim.addUser(maria);
  sim.addUser({ login: "Copilot", type: "Bot" });
  const files = {
    "README.md": "# app\n",
    "src/app.ts": "export const answer = 41;\n",
    ".github/workflows/ci.yml": WORKFLOW("build"),
    ".github/workflows/lint.yml": WORKFLOW("lint"),
    "tools/setup/action.yml": "runs:\n  using: node20\n  main: index.js\n",
  };
  sim.addRepo({ owner: "acme", name: "app", files: { ...files, ".agentgate.yml": "approvals:\n  required: 1\n" } });
  sim.addRepo({ owner: "acme", name: "lib", files });
  for (const repo of ["acme/app", "acme/lib"]) sim.setPermission(repo, maria.login, "maintain");

  const key = newPrivateKey();
  const replicas = await Promise.all(
    ["a", "b"].map(async (name) => {
      const port = await freePort();
      const env = { ...simulatorServerEnv({ simulatorUrl: sim.url, privateKey: key, webhookSecret: SECRET, port }), REDIS_URL: `redis://127.0.0.1:${redisPort}`, CATCHUP_INTERVAL_MS: "0" };
      const server = spawnServer(ROOT, ROOT, env);
      await waitFor(() => server.output().includes('"msg":"ready for deliveries"'), `replica ${name} ready`);
      return { ...server, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks` };
    }),
  );
  const [a, b] = replicas as [(typeof replicas)[number], (typeof replicas)[number]];

  try {
    process.stdout.write("| repository | commit facts | A's delivery: rate-limited | B's first delivery: rate-limited | of them at the new tip | B: 304s |\n| --- | --- | --- | --- | --- | --- |\n");
    for (const repo of ["acme/app", "acme/lib"]) await measure(repo);
  } finally {
    for (const r of replicas) r.child.kill("SIGKILL");
    await sim.stop();
    redis.disconnect();
    redisServer.kill();
  }

  async function measure(REPO: string) {
    const policy = REPO === "acme/app" ? "own policy file" : "organization defaults";
    sim.setWebhookTarget(a.webhookUrl);
    sim.createBranch(REPO, "copilot/tune", "main");
    sim.commit(REPO, { branch: "copilot/tune", files: { "src/app.ts": "export const answer = 42;\n" }, message: "Fix the answer", author: copilot });
    const { number } = await sim.openPullRequest(REPO, { head: "copilot/tune", title: "Fix the answer", body: "", author: "Copilot" });
    sim.setWebhookTarget(b.webhookUrl);
    await sim.addLabel(REPO, number, "warm-b", maria.login); // both replicas have judged the PR once

    const rows: string[] = [];
    for (let round = 0; round < rounds * 2; round++) {
      const shared = round % 2 === 0;
      const tip = sim.commit(REPO, { branch: "main", files: { "README.md": `# app, merge ${round}\n` }, message: `Merge #${100 + round}`, author: maria });
      sim.setWebhookTarget(a.webhookUrl);
      const onA = await sim.addLabel(REPO, number, `a-${round}`, maria.login);
      if (!shared) {
        const keys = await redis.keys("agentgate:sha:*");
        if (keys.length) await redis.del(...keys);
      }
      sim.setWebhookTarget(b.webhookUrl);
      const onB = await sim.addLabel(REPO, number, `b-${round}`, maria.login);
      if (onA.status !== 200 || onB.status !== 200) throw new Error(`a delivery failed: ${onA.status}, ${onB.status}`);
      if (process.argv.includes("--trace")) for (const d of [onA, onB]) process.stdout.write(`${d === onA ? "A" : "B"} ${shared ? "shared" : "not shared"}:\n${d.requests.map((r) => `  ${r.status} ${r.method} ${r.path}`).join("\n")}\n`);
      rows.push(`| ${REPO} (${policy}) | ${shared ? "shared" : "not shared"} | ${rateLimited(onA)} | ${rateLimited(onB)} | ${atCommit(onB, tip)} | ${onB.requests.filter((r) => r.status === 304).length} |`);
    }
    process.stdout.write(rows.join("\n") + "\n");
    const status = sim.latestStatus(REPO, sim.pullRequest(REPO, number).head.sha, "agentgate");
    process.stderr.write(`${REPO} at the end: ${status?.state} "${status?.description}"\n`);
  }
}

await main();
