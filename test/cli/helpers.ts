/**
 * Runs the CLI as a process, as a user would. Through tsx from the sources rather than the built
 * lib/: nothing has to be built first, a stale lib/ can never be what is tested, and parallel test
 * runs (or other people's builds) cannot race on lib/. The bin shim only imports lib/cli/main.js.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { GitHubSimulator } from "../../devtools/simulator/index.js";
import { fakeJwt } from "../simulator/helpers.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "src/cli/main.ts");
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function agentgate(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "", GITHUB_TOKEN: "", GH_TOKEN: "", GITHUB_API_URL: "", ...opts.env };
  const r = spawnSync(process.execPath, ["--import", TSX, CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? "",
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the event loop: for a server (the simulator) in this process. */
export function agentgateAsync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: "", GITHUB_TOKEN: "", GH_TOKEN: "", GITHUB_API_URL: "", ...opts.env };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, CLI, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** A scratch directory removed by `cleanup`, and test repositories inside it. */
export function scratch(): { dir: string; cleanup: () => void; repo: (name: string) => TestRepo } {
  const dir = mkdtempSync(join(tmpdir(), "agentgate-cli-"));
  return {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    /** A new git repository in a subdirectory of the scratch directory. */
    repo: (name) => {
      mkdirSync(join(dir, name));
      return new TestRepo(join(dir, name));
    },
  };
}

export interface Identity {
  name: string;
  email: string;
}

export const HUMAN: Identity = { name: "Dana Human", email: "dana@example.com" };

/** A git repository driven by explicit identities, so tests can commit as agents and as people. */
export class TestRepo {
  constructor(readonly dir: string) {
    this.git("init", "-q", "-b", "main");
    this.git("config", "commit.gpgsign", "false");
  }

  git(...args: string[]): string {
    return execFileSync("git", args, { cwd: this.dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } });
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
    return this;
  }

  commit(message: string, who: Identity = HUMAN): string {
    this.git("add", "-A");
    execFileSync("git", ["commit", "-q", "--allow-empty", "-m", message], {
      cwd: this.dir,
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: who.name,
        GIT_COMMITTER_EMAIL: who.email,
      },
    });
    return this.git("rev-parse", "HEAD").trim();
  }
}

/** An installation token for `repo`, as the App would get one from the simulator. */
export async function installationToken(sim: GitHubSimulator, repo: string): Promise<string> {
  const headers = { authorization: `Bearer ${fakeJwt(1)}`, accept: "application/vnd.github+json" };
  const inst = (await (await fetch(`${sim.url}/repos/${repo}/installation`, { headers })).json()) as { id: number };
  const res = await fetch(`${sim.url}/app/installations/${inst.id}/access_tokens`, { method: "POST", headers });
  return ((await res.json()) as { token: string }).token;
}
