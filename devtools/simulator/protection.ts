/**
 * Branch rules, rulesets and classic branch protection, as the enforcement doctor reads them. A new
 * repository has none (rules `[]`, protection 404 "Branch not protected"), as on GitHub. The App
 * reads classic protection and rulesets' bypass actors only with Administration: read, which
 * agentgate does not ask for: without it GitHub answers 403 and leaves `bypass_actors` out.
 */
import { ApiError, ok, type ApiResponse } from "./http.js";

export interface SimRulesetInput {
  name: string;
  enforcement?: "active" | "evaluate" | "disabled";
  source_type?: "Repository" | "Organization";
  bypass_actors?: { actor_id: number | null; actor_type: "Integration" | "OrganizationAdmin" | "RepositoryRole" | "Team" | "DeployKey" | "User"; bypass_mode?: "always" | "pull_request" | "exempt" }[];
  rules: { type: string; parameters?: Record<string, unknown> }[];
}

export interface SimProtectionInput {
  requiredChecks?: { context: string; appId?: number | null }[];
  enforceAdmins?: boolean;
  requirePullRequest?: boolean;
  allowForcePushes?: boolean;
  allowDeletions?: boolean;
}

interface StoredRuleset extends SimRulesetInput {
  id: number;
  repo: string;
  branch: string;
}

export class ProtectionStore {
  administration = false;
  private nextId = 1000;
  readonly rulesets = new Map<number, StoredRuleset>();
  readonly protection = new Map<string, SimProtectionInput>();

  private key(repo: string, branch: string) {
    return `${repo.toLowerCase()}:${branch}`;
  }

  setBranchRules(repo: string, branch: string, rulesets: readonly SimRulesetInput[]): number[] {
    for (const [id, r] of this.rulesets) if (r.repo === repo.toLowerCase() && r.branch === branch) this.rulesets.delete(id);
    return rulesets.map((r) => {
      const id = this.nextId++;
      this.rulesets.set(id, { ...r, id, repo: repo.toLowerCase(), branch });
      return id;
    });
  }

  setBranchProtection(repo: string, branch: string, p: SimProtectionInput | null): void {
    if (p) this.protection.set(this.key(repo, branch), p);
    else this.protection.delete(this.key(repo, branch));
  }

  /** `GET /repos/{o}/{r}/rules/branches/{branch}`: the active rules, each naming its ruleset. */
  branchRules(repo: string, owner: string, branch: string): ApiResponse {
    const out: object[] = [];
    for (const r of this.rulesets.values()) {
      if (r.repo !== repo.toLowerCase() || r.branch !== branch || (r.enforcement ?? "active") !== "active") continue;
      const source = r.source_type === "Organization" ? owner : repo;
      for (const rule of r.rules) {
        out.push({ ...rule, ruleset_source_type: r.source_type ?? "Repository", ruleset_source: source, ruleset_id: r.id });
      }
    }
    return ok(out);
  }

  ruleset(repo: string, owner: string, id: number, api: string): ApiResponse {
    const r = this.rulesets.get(id);
    if (!r || r.repo !== repo.toLowerCase()) throw new ApiError(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/repos/rules#get-a-repository-ruleset", status: "404" });
    return ok({
      id,
      name: r.name,
      target: "branch",
      source_type: r.source_type ?? "Repository",
      source: r.source_type === "Organization" ? owner : repo,
      enforcement: r.enforcement ?? "active",
      ...(this.administration ? { bypass_actors: (r.bypass_actors ?? []).map((a) => ({ bypass_mode: "always", ...a })) } : {}),
      current_user_can_bypass: "never",
      node_id: Buffer.from(`RRS_${id}`).toString("base64"),
      _links: { self: { href: `${api}/repos/${repo}/rulesets/${id}` }, html: { href: `${api.replace("api.", "")}/${repo}/rules/${id}` } },
      conditions: { ref_name: { include: [`refs/heads/${r.branch}`], exclude: [] } },
      rules: r.rules,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
    });
  }

  /** `GET /repos/{o}/{r}/branches/{b}/protection`. */
  classic(repo: string, branch: string, api: string): ApiResponse {
    const docs = "https://docs.github.com/rest/branches/branch-protection#get-branch-protection";
    if (!this.administration) throw new ApiError(403, { message: "Resource not accessible by integration", documentation_url: docs, status: "403" });
    const p = this.protection.get(this.key(repo, branch));
    if (!p) throw new ApiError(404, { message: "Branch not protected", documentation_url: docs, status: "404" });
    const url = `${api}/repos/${repo}/branches/${encodeURIComponent(branch)}/protection`;
    const checks = (p.requiredChecks ?? []).map((c) => ({ context: c.context, app_id: c.appId ?? null }));
    return ok({
      url,
      ...(p.requiredChecks
        ? {
            required_status_checks: {
              url: `${url}/required_status_checks`,
              strict: false,
              contexts: checks.map((c) => c.context),
              contexts_url: `${url}/required_status_checks/contexts`,
              checks,
            },
          }
        : {}),
      ...(p.requirePullRequest
        ? {
            required_pull_request_reviews: {
              url: `${url}/required_pull_request_reviews`,
              dismiss_stale_reviews: true,
              require_code_owner_reviews: false,
              required_approving_review_count: 1,
              require_last_push_approval: false,
            },
          }
        : {}),
      required_signatures: { url: `${url}/required_signatures`, enabled: false },
      enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins ?? false },
      required_linear_history: { enabled: false },
      allow_force_pushes: { enabled: p.allowForcePushes ?? false },
      allow_deletions: { enabled: p.allowDeletions ?? false },
      block_creations: { enabled: false },
      required_conversation_resolution: { enabled: false },
      lock_branch: { enabled: false },
      allow_fork_syncing: { enabled: false },
    });
  }
}

const stores = new WeakMap<object, ProtectionStore>();

/** The store of one simulated GitHub (keyed by its state object). */
export function protectionOf(state: object): ProtectionStore {
  let s = stores.get(state);
  if (!s) stores.set(state, (s = new ProtectionStore()));
  return s;
}
