/**
 * `agentgate doctor OWNER/REPO [--branch B]`: whether GitHub enforces agentgate's check on a branch
 * (src/doctor/). Read-only. The check name is the policy's on that branch, as the App reads it.
 */
import { Octokit } from "@octokit/rest";
import { loadPolicy } from "../config/load.js";
import { defaultPolicy } from "../config/schema.js";
import { diagnose, type EnforcementReport } from "../doctor/core.js";
import { readEnforcement } from "../doctor/read.js";
import { githubPolicyReader } from "../facts/github.js";
import { describeEnforcementFinding } from "../report/enforcement.js";
import { UserError } from "./errors.js";
import { explainApiError } from "./explain.js";

export function parseRepoRef(text: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!m) throw new UserError(`"${text}" is not a repository: write OWNER/REPO`);
  return { owner: m[1]!, repo: m[2]! };
}

export interface DoctorOptions {
  token?: string;
  apiUrl?: string;
  branch?: string;
  appId: number;
}

/** `doctor --format json`, version 1. */
export interface DoctorJson {
  version: 1;
  kind: "doctor";
  repo: string;
  branch: string;
  checkName: string;
  appId: number;
  verdict: EnforcementReport["verdict"];
  enforced: boolean;
  findings: { code: string; severity: string; message: string; data: EnforcementReport["findings"][number]["data"] }[];
}

export function doctorJson(repo: string, r: EnforcementReport): DoctorJson {
  return {
    version: 1,
    kind: "doctor",
    repo,
    branch: r.branch,
    checkName: r.checkName,
    appId: r.appId,
    verdict: r.verdict,
    enforced: r.verdict === "enforced",
    findings: r.findings.map((f) => ({ code: f.code, severity: f.severity, message: describeEnforcementFinding(f), data: f.data })),
  };
}

/** The CLI's Octokit: the token and API root given, no logging. */
export function client(opts: Pick<DoctorOptions, "token" | "apiUrl">): Octokit {
  return new Octokit({
    ...(opts.token ? { auth: opts.token } : {}),
    ...(opts.apiUrl ? { baseUrl: opts.apiUrl.replace(/\/+$/, "") } : {}),
    userAgent: "agentgate-cli",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

export async function doctorRepository(where: { owner: string; repo: string }, opts: DoctorOptions, gh: Octokit = client(opts)): Promise<EnforcementReport> {
  const asRef = { ...where, number: 0 };
  try {
    const branch = opts.branch ?? (await gh.rest.repos.get(where)).data.default_branch;
    const loaded = await loadPolicy(githubPolicyReader(gh), { ...where, ref: branch });
    const checkName = loaded.policy?.check_name ?? defaultPolicy().check_name;
    const publish = loaded.policy?.publish ?? defaultPolicy().publish;
    return diagnose({ ...(await readEnforcement(gh, where, branch)), checkName, appId: opts.appId, publish });
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = explainApiError(e, asRef, opts.apiUrl);
    throw new UserError(err.message.replace(`${where.owner}/${where.repo}#0`, `${where.owner}/${where.repo}`), err.exitCode);
  }
}

/** One repository of a sweep: its report, or why there is none. */
export type SweepEntry = { repo: string; report: EnforcementReport } | { repo: string; error: string };

/**
 * Every repository an installation token can see, each on its default branch (an App's token:
 * `GET /installation/repositories`). One failing repository does not stop the sweep.
 */
export async function doctorInstallation(opts: Omit<DoctorOptions, "branch">): Promise<SweepEntry[]> {
  const gh = client(opts);
  let repos: { owner: { login: string }; name: string; default_branch?: string; archived?: boolean }[];
  try {
    repos = await gh.paginate(gh.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
  } catch (e) {
    const status = typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
    if (status === 401 || status === 403) {
      throw new UserError(`--installation needs an installation token of the agentgate App (GitHub answered ${status} to GET /installation/repositories)`);
    }
    throw new UserError(`could not list the installation's repositories: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
  const out: SweepEntry[] = [];
  for (const r of repos.filter((r) => !r.archived)) {
    const repo = `${r.owner.login}/${r.name}`;
    try {
      out.push({ repo, report: await doctorRepository({ owner: r.owner.login, repo: r.name }, { ...opts, ...(r.default_branch ? { branch: r.default_branch } : {}) }, gh) });
    } catch (e) {
      out.push({ repo, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/** The sweep's exit: 1 when any repository's gate is advisory, else 2 when any is unknown or failed, else 0. */
export function sweepExit(entries: readonly SweepEntry[]): 0 | 1 | 2 {
  if (entries.some((e) => "report" in e && e.report.verdict === "not-enforced")) return 1;
  return entries.some((e) => "error" in e || e.report.verdict !== "enforced") ? 2 : 0;
}
