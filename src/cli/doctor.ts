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

export async function doctorRepository(where: { owner: string; repo: string }, opts: DoctorOptions): Promise<EnforcementReport> {
  const gh = new Octokit({
    ...(opts.token ? { auth: opts.token } : {}),
    ...(opts.apiUrl ? { baseUrl: opts.apiUrl.replace(/\/+$/, "") } : {}),
    userAgent: "agentgate-cli",
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const asRef = { ...where, number: 0 };
  try {
    const branch = opts.branch ?? (await gh.rest.repos.get(where)).data.default_branch;
    const loaded = await loadPolicy(githubPolicyReader(gh), { ...where, ref: branch });
    const checkName = loaded.policy?.check_name ?? defaultPolicy().check_name;
    return diagnose({ ...(await readEnforcement(gh, where, branch)), checkName, appId: opts.appId });
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = explainApiError(e, asRef, opts.apiUrl);
    throw new UserError(err.message.replace(`${where.owner}/${where.repo}#0`, `${where.owner}/${where.repo}`), err.exitCode);
  }
}
