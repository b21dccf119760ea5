/**
 * The demo: the local GitHub simulator, the real app as `npm start` runs it, over HTTP, and a story told
 * in the terminal. No GitHub account needed. Run with `npm run demo`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GitHubSimulator, type Delivery } from "../simulator/index.js";
import { newPrivateKey } from "./keys.js";
import { freePort } from "./net.js";
import { simulatorServerEnv, spawnServer, waitForReady } from "./server.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REPO = "acme/infra-app";
const SECRET = "demo-secret";
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint("1");
const dim = paint("2");
const STATE_PAINT: Record<string, (s: string) => string> = {
  success: paint("32"),
  pending: paint("33"),
  failure: paint("31"),
  error: paint("35"),
};

const copilot = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
const dana = { login: "dana", name: "Dana Developer", email: "dana@acme.example" };
const maria = { login: "maria", name: "Maria Maintainer", email: "maria@acme.example" };
const max = { login: "max", name: "Max Maintainer", email: "max@acme.example" };


const requestTotals: { step: string; event: string; count: number; writes: number }[] = [];

function step(title: string) {
  console.log(`\n${bold("▶ " + title)}`);
}

function report(sim: GitHubSimulator, number: number, deliveries: Delivery[]) {
  for (const d of deliveries) {
    const writes = d.requests.filter((r) => r.method !== "GET" && !r.path.includes("graphql")).length;
    // A 304 answer to a conditional request costs no rate limit: counted apart.
    const free = d.requests.filter((r) => r.status === 304).length;
    const counted = d.requests.length - free;
    const name = d.action ? `${d.event}.${d.action}` : d.event;
    requestTotals.push({ step: `#${number}`, event: name, count: counted, writes });
    console.log(dim(`  webhook ${name} → ${counted} rate-limited GitHub requests (${counted - writes} reads, ${writes} writes) and ${free} free 304s`));
  }
  const pr = sim.pullRequest(REPO, number);
  const status = sim.latestStatus(REPO, pr.head.sha, "agentgate");
  if (!status) {
    console.log("  (no status yet)");
    return;
  }
  console.log(`  status ${STATE_PAINT[status.state]?.(status.state) ?? status.state}: ${status.description}`);
  const runs = sim.checkRuns(REPO, pr.head.sha).filter((r) => r.name === "agentgate");
  const summary = runs[runs.length - 1]?.output.summary ?? "";
  // The parts of the check run a reviewer reads first: what is missing and which approvals were ignored.
  const lines = summary.split("\n");
  const keep = (from: string) => {
    const at = lines.findIndex((l) => l.startsWith(from));
    if (at < 0) return [];
    const out: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (l.startsWith("### ")) break;
      if (l.startsWith("- ") || l.startsWith("Ignored") || l.startsWith("Counted") || l.startsWith("Agent-authored")) out.push(l);
    }
    return out;
  };
  // Findings are table rows: show rule, severity, file and why.
  const findings = lines
    .filter((l) => /^\| (⛔|🔐|ℹ️) /.test(l))
    .map((l) => l.split(" | ").map((c) => c.replace(/^\| /, "").replace(/<br>.*$/, "").replace(/`/g, "")))
    .map(([severity, rule, where, why]) => `- ${rule} (${severity?.replace(/^\S+ /, "")}) ${where}: ${why?.replace(/ \|$/, "")}`);
  for (const l of [...keep("### Still needed"), ...findings, ...keep("### Agents"), ...keep("### Approvals")]) {
    console.log(dim("  │ ") + l);
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "agentgate-demo-"));
  const sim = await GitHubSimulator.start({ webhookSecret: SECRET, appId: 1, appSlug: "agentgate" });
  const port = await freePort();
  const privateKey = newPrivateKey();
  // What `npm start` runs, from a clean working directory (no stray .env or *.pem is read).
  const { child: app, output: appOutput } = spawnServer(ROOT, work, {
    ...simulatorServerEnv({ simulatorUrl: sim.url, privateKey, webhookSecret: SECRET, port }),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  const stop = async () => {
    app.kill("SIGTERM");
    await sim.stop();
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await waitForReady(`http://127.0.0.1:${port}/readyz`, app, appOutput);
    sim.setWebhookTarget(`http://127.0.0.1:${port}/api/github/webhooks`);
    console.log(bold("agentgate demo") + dim(` — simulator at ${sim.url}, app (npm start) at http://127.0.0.1:${port}`));
    console.log(dim("No .agentgate.yml: the built-in default applies (agent PRs need 2 approvals; the policy file, workflows and CODEOWNERS are off-limits to agents)."));

    sim.addOrg("acme");
    for (const u of [dana, maria, max]) sim.addUser(u);
    sim.addUser({ login: "Copilot", type: "Bot" });
    sim.addRepo({
      owner: "acme",
      name: "infra-app",
      files: {
        "README.md": "# infra-app\n",
        "infra/main.tf": 'resource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.small"\n}\n',
        "infra/db.tf": 'resource "aws_db_instance" "main" {\n  engine              = "postgres"\n  instance_class      = "db.t3.micro"\n  deletion_protection = true\n}\n',
      },
    });
    for (const u of [dana, maria, max]) sim.setPermission(REPO, u.login, "write");

    step("Dana asks Copilot's coding agent to resize the web server. The agent opens a PR touching Terraform.");
    sim.createBranch(REPO, "copilot/resize-web", "main");
    sim.commit(REPO, { branch: "copilot/resize-web", files: {}, message: "Initial plan", author: copilot });
    sim.commit(REPO, {
      branch: "copilot/resize-web",
      files: { "infra/main.tf": 'resource "aws_instance" "web" {\n  ami           = "ami-123"\n  instance_type = "t3.medium"\n}\n' },
      message: `Resize the web instance\n\nCo-authored-by: ${dana.name} <1001+dana@users.noreply.github.com>`,
      author: copilot,
    });
    const opened = await sim.openPullRequest(REPO, { head: "copilot/resize-web", title: "Resize the web instance", body: "Fixes #12", author: "Copilot" });
    const pr = opened.number;
    report(sim, pr, [opened.delivery]);

    step("Dana, who asked the agent, approves her own request.");
    report(sim, pr, [(await sim.submitReview(REPO, pr, { reviewer: "dana", event: "APPROVE" })).delivery]);

    step("Maria, a maintainer, approves.");
    report(sim, pr, [(await sim.submitReview(REPO, pr, { reviewer: "maria", event: "APPROVE" })).delivery]);

    step("The agent pushes again: Maria's approval no longer covers what is in the PR.");
    const pushed = await sim.push(REPO, "copilot/resize-web", {
      files: { "README.md": "# infra-app\n\nThe web tier runs on t3.medium.\n" },
      message: "Document the instance size",
      author: copilot,
    });
    report(sim, pr, pushed);

    step("Maria and Max approve the current head.");
    const m1 = (await sim.submitReview(REPO, pr, { reviewer: "maria", event: "APPROVE" })).delivery;
    const m2 = (await sim.submitReview(REPO, pr, { reviewer: "max", event: "APPROVE" })).delivery;
    report(sim, pr, [m1, m2]);

    step("Another agent PR tries to loosen the gate by editing .agentgate.yml.");
    sim.createBranch(REPO, "copilot/relax-policy", "main");
    sim.commit(REPO, {
      branch: "copilot/relax-policy",
      files: { ".agentgate.yml": "approvals:\n  required: 0\n" },
      message: "Initial plan",
      author: copilot,
    });
    const relax = await sim.openPullRequest(REPO, { head: "copilot/relax-policy", title: "Speed up merges", author: "Copilot" });
    report(sim, relax.number, [relax.delivery]);

    step("And one that 'deletes and recreates the environment': the database resource goes.");
    sim.createBranch(REPO, "copilot/recreate-env", "main");
    sim.commit(REPO, { branch: "copilot/recreate-env", files: { "infra/db.tf": null }, message: "Initial plan", author: copilot });
    const recreate = await sim.openPullRequest(REPO, { head: "copilot/recreate-env", title: "Recreate the environment", author: "Copilot" });
    report(sim, recreate.number, [recreate.delivery]);

    const counts = requestTotals.map((t) => t.count);
    const sorted = [...counts].sort((a, b) => a - b);
    console.log(`\n${bold("Rate-limited GitHub requests per webhook")}: ${requestTotals.map((t) => `${t.event}=${t.count}`).join(", ")}`);
    console.log(
      `  ${counts.length} webhooks, ${counts.reduce((a, b) => a + b, 0)} requests in all; median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted[sorted.length - 1]}`,
    );
  } finally {
    await stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
