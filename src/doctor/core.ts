/**
 * The enforcement doctor's core: from what GitHub says about a branch (its active rules, the
 * rulesets they come from, classic protection), what makes agentgate's check advisory rather than a
 * gate. Pure: reading is in read.ts, wording in report/enforcement.ts. Never guesses "protected":
 * what could not be read is a finding of its own, and with one the verdict is at best "unknown".
 */

/** One answer GitHub gave, or why there is none. */
export type Read<T> = { ok: true; value: T } | { ok: false; status?: number; message: string };

/** An active rule on the branch, as `GET /repos/{o}/{r}/rules/branches/{branch}` lists it. */
export interface BranchRule {
  type: string;
  parameters?: Record<string, unknown>;
  ruleset_id?: number;
  ruleset_source?: string;
  ruleset_source_type?: string;
}

export interface BypassActor {
  actor_id?: number | null;
  actor_type: string;
  bypass_mode?: string;
}

/** The parts of `GET /repos/{o}/{r}/rulesets/{id}` the doctor uses. */
export interface RulesetInfo {
  id: number;
  name: string;
  enforcement: string;
  source_type?: string;
  source?: string;
  /** Absent when the reader may not see them (GitHub shows them to those who can edit the ruleset). */
  bypass_actors?: BypassActor[];
}

/** The parts of `GET /repos/{o}/{r}/branches/{b}/protection` the doctor uses. */
export interface ClassicProtection {
  required_status_checks?: { checks?: { context: string; app_id: number | null }[]; contexts?: string[] } | null;
  enforce_admins?: { enabled: boolean } | null;
  required_pull_request_reviews?: object | null;
  restrictions?: { users?: { login: string }[]; teams?: { slug: string }[]; apps?: { slug?: string; id?: number }[] } | null;
  allow_force_pushes?: { enabled?: boolean } | null;
  allow_deletions?: { enabled?: boolean } | null;
}

export interface EnforcementInput {
  branch: string;
  /** The policy's `check_name` on that branch. */
  checkName: string;
  /** agentgate's App id: a required check pinned to it cannot be posted by anyone else. */
  appId: number;
  rules: Read<BranchRule[]>;
  /** By ruleset id, for each ruleset the rules name. */
  rulesets: ReadonlyMap<number, Read<RulesetInfo>>;
  /** `null`: the branch has no classic protection (GitHub's 404 "Branch not protected"). */
  classic: Read<ClassicProtection | null>;
  /** The policy's `publish` on that branch, when the caller knows it: then the report may suggest another. */
  publish?: "both" | "check_run" | "status";
}

export type EnforcementCode =
  | "check-not-required"
  | "check-not-pinned"
  | "check-pinned-to-other-app"
  | "bypass-actors"
  | "admins-not-enforced"
  | "pull-request-not-required"
  | "force-push-allowed"
  | "deletion-allowed"
  | "merge-queue-without-check"
  | "rules-unreadable"
  | "ruleset-unreadable"
  | "bypass-unreadable"
  | "protection-unreadable";

/** `advisory`: the gate can be gone around. `unknown`: the doctor could not read enough to say. */
export type EnforcementSeverity = "advisory" | "unknown";

export interface EnforcementFinding {
  code: EnforcementCode;
  severity: EnforcementSeverity;
  /** Plain values for the wording (report/enforcement.ts) and the CLI's JSON. */
  data: Record<string, string | number | boolean | null | readonly (string | number)[]>;
}

export type EnforcementVerdict = "enforced" | "not-enforced" | "unknown";

export interface EnforcementReport {
  branch: string;
  checkName: string;
  appId: number;
  verdict: EnforcementVerdict;
  findings: EnforcementFinding[];
  /**
   * `check_run`: the policy publishes both, yet every layer was read and each requires the check
   * pinned to the App, so a commit status of that name counts for nothing (`publish: check_run`
   * saves a write per changed decision). `status`: every layer was read and each requires the name
   * from any source, which the commit status satisfies (`publish: status` writes the check run only
   * where agentgate keeps a memory). Information only.
   */
  suggestPublish?: "check_run" | "status";
}

/** Where the check is required, and by which source (integration id / app id; null: any source). */
interface Requirement {
  layer: "ruleset" | "classic";
  rulesetId?: number;
  source: number | null;
}

const UNKNOWN: EnforcementSeverity = "unknown";
const ADVISORY: EnforcementSeverity = "advisory";

function describeActor(a: BypassActor): string {
  return `${a.actor_type}${a.actor_id === null || a.actor_id === undefined ? "" : ` ${a.actor_id}`}${a.bypass_mode ? ` (${a.bypass_mode})` : ""}`;
}

function requiredChecksOf(rule: BranchRule): { context: string; integration_id?: number }[] {
  const list = rule.parameters?.required_status_checks;
  return Array.isArray(list) ? (list as { context: string; integration_id?: number }[]) : [];
}

/** Diagnose one branch. */
export function diagnose(input: EnforcementInput): EnforcementReport {
  const findings: EnforcementFinding[] = [];
  const { checkName, appId } = input;

  // Rules from rulesets in "evaluate" mode are listed by some GitHub versions but enforce nothing.
  const activeRule = (r: BranchRule) => {
    const rs = r.ruleset_id === undefined ? undefined : input.rulesets.get(r.ruleset_id);
    return !(rs?.ok && rs.value.enforcement !== "active");
  };
  const rules = input.rules.ok ? input.rules.value.filter(activeRule) : [];
  if (!input.rules.ok) findings.push({ code: "rules-unreadable", severity: UNKNOWN, data: { status: input.rules.status ?? null, reason: input.rules.message } });

  const classic = input.classic.ok ? input.classic.value : undefined;
  if (!input.classic.ok) {
    findings.push({ code: "protection-unreadable", severity: UNKNOWN, data: { status: input.classic.status ?? null, reason: input.classic.message } });
  }

  const requirements: Requirement[] = [];
  for (const r of rules.filter((r) => r.type === "required_status_checks")) {
    for (const c of requiredChecksOf(r)) {
      if (c.context === checkName) requirements.push({ layer: "ruleset", rulesetId: r.ruleset_id, source: c.integration_id ?? null });
    }
  }
  for (const c of classic?.required_status_checks?.checks ?? []) {
    if (c.context === checkName) requirements.push({ layer: "classic", source: c.app_id ?? null });
  }
  // Legacy `contexts` without `checks`: any source.
  if (classic?.required_status_checks && !classic.required_status_checks.checks && classic.required_status_checks.contexts?.includes(checkName)) {
    requirements.push({ layer: "classic", source: null });
  }

  const unreadable = !input.rules.ok || !input.classic.ok;
  if (!requirements.length) {
    // Without every layer read, "not required" is a guess; the unreadable finding says what is missing.
    if (!unreadable) findings.push({ code: "check-not-required", severity: ADVISORY, data: { checkName } });
  } else if (!requirements.some((r) => r.source === appId)) {
    const others = [...new Set(requirements.map((r) => r.source).filter((s): s is number => s !== null))];
    findings.push(
      others.length
        ? { code: "check-pinned-to-other-app", severity: ADVISORY, data: { checkName, appId, sources: others } }
        : { code: "check-not-pinned", severity: ADVISORY, data: { checkName, appId } },
    );
  }

  // Who can merge past the check: bypass actors of each ruleset that requires it, admins of classic.
  const gatingRulesets = new Set<number>();
  for (const r of requirements) if (r.rulesetId !== undefined) gatingRulesets.add(r.rulesetId);
  for (const r of rules) if (r.type === "pull_request" && r.ruleset_id !== undefined) gatingRulesets.add(r.ruleset_id);
  for (const id of [...gatingRulesets].sort((a, b) => a - b)) {
    const rs = input.rulesets.get(id);
    if (!rs || !rs.ok) {
      findings.push({ code: "ruleset-unreadable", severity: UNKNOWN, data: { rulesetId: id, status: rs && !rs.ok ? (rs.status ?? null) : null, reason: rs && !rs.ok ? rs.message : "not read" } });
    } else if (rs.value.bypass_actors === undefined) {
      findings.push({ code: "bypass-unreadable", severity: UNKNOWN, data: { rulesetId: id, ruleset: rs.value.name } });
    } else if (rs.value.bypass_actors.length) {
      findings.push({ code: "bypass-actors", severity: ADVISORY, data: { rulesetId: id, ruleset: rs.value.name, actors: rs.value.bypass_actors.map(describeActor) } });
    }
  }
  const classicGates = requirements.some((r) => r.layer === "classic") || !!classic?.required_pull_request_reviews;
  if (classic && classicGates && !classic.enforce_admins?.enabled) findings.push({ code: "admins-not-enforced", severity: ADVISORY, data: {} });

  // Direct pushes: without a required pull request, anyone who may push (agents' accounts and apps
  // included) can put code on the branch that agentgate never judged.
  const prByRule = rules.some((r) => r.type === "pull_request");
  const prByClassic = !!classic?.required_pull_request_reviews;
  if (!prByRule && !prByClassic && classic !== undefined) {
    const r = classic?.restrictions;
    const pushers = r ? [...(r.users ?? []).map((u) => "@" + u.login), ...(r.teams ?? []).map((t) => "team " + t.slug), ...(r.apps ?? []).map((a) => "app " + (a.slug ?? a.id))] : [];
    findings.push({ code: "pull-request-not-required", severity: ADVISORY, data: { restrictedTo: r ? pushers : null } });
  }

  // Force pushes and deletions rewrite or remove what the gate passed. Each is blocked by a rule or by classic.
  if (!rules.some((r) => r.type === "non_fast_forward") && classic !== undefined && (!classic || classic.allow_force_pushes?.enabled !== false)) {
    findings.push({ code: "force-push-allowed", severity: ADVISORY, data: {} });
  }
  if (!rules.some((r) => r.type === "deletion") && classic !== undefined && (!classic || classic.allow_deletions?.enabled !== false)) {
    findings.push({ code: "deletion-allowed", severity: ADVISORY, data: {} });
  }

  // A merge queue runs the branch's required checks on its own commit: without the check there, it merges unjudged.
  if (rules.some((r) => r.type === "merge_queue") && !requirements.length && !unreadable) {
    findings.push({ code: "merge-queue-without-check", severity: ADVISORY, data: { checkName } });
  }

  const verdict: EnforcementVerdict = findings.some((f) => f.severity === ADVISORY)
    ? "not-enforced"
    : findings.length
      ? "unknown"
      : "enforced";
  const suggestPublish = input.publish === "both" && !unreadable && requirements.length > 0 ? publishSuggestion(requirements, appId) : undefined;
  return { branch: input.branch, checkName, appId, verdict, findings, ...(suggestPublish ? { suggestPublish } : {}) };
}

/** What the requirements need of agentgate's two writes: the check run (all pinned to it), the status (none pinned), or both. */
function publishSuggestion(requirements: readonly Requirement[], appId: number): EnforcementReport["suggestPublish"] {
  if (requirements.every((r) => r.source === appId)) return "check_run";
  if (requirements.every((r) => r.source === null)) return "status";
  return undefined;
}
