/**
 * Reading what the doctor diagnoses, and keeping it: protection changes rarely, so one read per
 * repository and branch every 10 minutes (and with conditional requests, src/github/conditional.ts,
 * a re-read of unchanged settings is a 304 that costs no rate limit). A failed read is kept as a
 * finding, never thrown: enforcement is information, it does not change a decision's state.
 */
import type { Octokit } from "@octokit/rest";
import { LRUCache } from "lru-cache";
import { cacheSlot, cachesOf } from "../runtime/caches.js";
import type { BranchRule, ClassicProtection, EnforcementInput, Read, RulesetInfo } from "./core.js";

export type EnforcementReads = Omit<EnforcementInput, "checkName" | "appId">;

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

function failed(e: unknown): { ok: false; status?: number; message: string } {
  const status = statusOf(e);
  const message = (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "unknown error";
  return status === undefined ? { ok: false, message } : { ok: false, status, message };
}

/** At most this many rulesets are read per branch (each is one request the first time). */
const RULESETS_READ = 20;

export async function readEnforcement(gh: Octokit, where: { owner: string; repo: string }, branch: string): Promise<EnforcementReads> {
  let rules: Read<BranchRule[]>;
  try {
    // Needs only metadata read; one page of 100 active rules covers any realistic branch.
    const { data } = await gh.rest.repos.getBranchRules({ ...where, branch, per_page: 100 });
    rules = { ok: true, value: data as BranchRule[] };
  } catch (e) {
    rules = failed(e);
  }
  const rulesets = new Map<number, Read<RulesetInfo>>();
  const ids = rules.ok ? [...new Set(rules.value.map((r) => r.ruleset_id).filter((id): id is number => typeof id === "number"))].slice(0, RULESETS_READ) : [];
  for (const id of ids) {
    try {
      const { data } = await gh.rest.repos.getRepoRuleset({ ...where, ruleset_id: id });
      rulesets.set(id, { ok: true, value: data as RulesetInfo });
    } catch (e) {
      rulesets.set(id, failed(e));
    }
  }
  let classic: Read<ClassicProtection | null>;
  try {
    const { data } = await gh.rest.repos.getBranchProtection({ ...where, branch });
    classic = { ok: true, value: data as ClassicProtection };
  } catch (e) {
    // "Branch not protected" is GitHub's answer for a readable branch without classic protection.
    // Any other 404 or a 403 is a token that may not read it (Administration: read).
    const f = failed(e);
    classic = f.status === 404 && /branch not protected/i.test(f.message) ? { ok: true, value: null } : f;
  }
  return { branch, rules, rulesets, classic };
}

/** Whether a read failed for a reason that may pass by itself (GitHub trouble): such reads are not kept. */
function transient(r: Read<unknown>): boolean {
  return !r.ok && (r.status === undefined || r.status >= 500 || r.status === 429);
}

export const ENFORCEMENT_TTL_MS = 10 * 60_000;

const enforcementKept = cacheSlot(() => new LRUCache<string, EnforcementReads>({ max: 5_000, ttl: ENFORCEMENT_TTL_MS }));

/** The reads for a branch, from this process's cache when younger than 10 minutes. */
export async function cachedEnforcement(gh: Octokit, where: { owner: string; repo: string }, branch: string): Promise<EnforcementReads> {
  const key = `${where.owner}/${where.repo}`.toLowerCase() + `:${branch}`;
  const kept = cachesOf(gh).of(enforcementKept);
  const hit = kept.get(key);
  if (hit) return hit;
  const reads = await readEnforcement(gh, where, branch);
  if (![reads.rules, reads.classic, ...reads.rulesets.values()].some(transient)) kept.set(key, reads);
  return reads;
}
