import { describe, expect, it } from "@jest/globals";
import { diagnose, type BranchRule, type ClassicProtection, type EnforcementInput, type Read, type RulesetInfo } from "../../src/doctor/core.js";
import { describeEnforcementFinding, enforcementSection, renderEnforcementText } from "../../src/report/enforcement.js";
import { renderSummary } from "../../src/report/markdown.js";
import { errorDecision } from "../../src/gate.js";

const APP = 4242;
const OTHER_APP = 15368; // e.g. GitHub Actions

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const statusRule = (checks: { context: string; integration_id?: number }[], ruleset_id = 1): BranchRule => ({
  type: "required_status_checks",
  parameters: { required_status_checks: checks, strict_required_status_checks_policy: false },
  ruleset_id,
  ruleset_source_type: "Repository",
  ruleset_source: "acme/app",
});
const rule = (type: string, ruleset_id = 1): BranchRule => ({ type, ruleset_id, ruleset_source_type: "Repository", ruleset_source: "acme/app" });
const ruleset = (over: Partial<RulesetInfo> = {}): RulesetInfo => ({ id: 1, name: "main", enforcement: "active", bypass_actors: [], ...over });

/** Required, pinned to the App, no bypass, pull requests required, no force push, no deletion. */
function good(over: Partial<EnforcementInput> = {}): EnforcementInput {
  return {
    branch: "main",
    checkName: "agentgate",
    appId: APP,
    rules: ok([statusRule([{ context: "agentgate", integration_id: APP }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]),
    rulesets: new Map([[1, ok(ruleset())]]),
    classic: ok(null),
    ...over,
  };
}

const codes = (input: EnforcementInput) => diagnose(input).findings.map((f) => f.code);

describe("the enforcement doctor's publish hint", () => {
  it("suggests publish: check_run when every requirement is pinned to the App and the policy publishes both", () => {
    const r = diagnose(good({ publish: "both" }));
    expect(r.suggestPublish).toBe("check_run");
    expect(renderEnforcementText("acme/app", r)).toContain("hint: every rule that requires `agentgate` pins it to the App, so its commit status counts for nothing: `publish: check_run`");
  });

  it("says nothing when the policy publishes the check run alone already", () => {
    expect(diagnose(good({ publish: "check_run" })).suggestPublish).toBeUndefined();
  });

  const anySource = (publish: EnforcementInput["publish"]) =>
    good({ publish, rules: ok([statusRule([{ context: "agentgate" }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]) });

  it("suggests publish: status when every requirement accepts any source: the status satisfies them, pinning is still the fix", () => {
    const r = diagnose(anySource("both"));
    expect(r.suggestPublish).toBe("status");
    expect(r.findings.map((f) => f.code)).toContain("check-not-pinned");
    const text = renderEnforcementText("acme/app", r);
    expect(text).toContain("hint: every rule that requires `agentgate` accepts any source, so its commit status satisfies them: `publish: status`");
    expect(text).toContain("pinning the check to the App, then `publish: check_run`");
  });

  it("says nothing when the policy publishes the status already", () => {
    expect(diagnose(anySource("status")).suggestPublish).toBeUndefined();
  });

  it("says nothing when one requirement is pinned to the App and another accepts any source: both writes count", () => {
    const rules = ok([statusRule([{ context: "agentgate", integration_id: APP }]), statusRule([{ context: "agentgate" }], 2), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]);
    const input = good({ publish: "both", rules, rulesets: new Map([[1, ok(ruleset())], [2, ok(ruleset({ id: 2, name: "org" }))]]) });
    expect(diagnose(input).suggestPublish).toBeUndefined();
    expect(renderEnforcementText("acme/app", diagnose(input))).not.toContain("hint:");
  });

  it("says nothing when a layer could not be read: it may require the status from any source", () => {
    const input = good({ publish: "both", classic: { ok: false, status: 403, message: "Resource not accessible by integration" } });
    expect(diagnose(input).suggestPublish).toBeUndefined();
  });

  it("says nothing when the check is not required at all", () => {
    expect(diagnose(good({ publish: "both", rules: ok([rule("pull_request")]) })).suggestPublish).toBeUndefined();
  });
});

describe("the enforcement doctor", () => {
  it("finds nothing when the check is required, pinned to the App, without bypass, PRs required and no force push", () => {
    const r = diagnose(good());
    expect(r).toEqual({ branch: "main", checkName: "agentgate", appId: APP, verdict: "enforced", findings: [] });
    expect(enforcementSection(r)).toBe("");
  });

  it("the same with classic protection alone", () => {
    const classic: ClassicProtection = {
      required_status_checks: { checks: [{ context: "agentgate", app_id: APP }], contexts: ["agentgate"] },
      enforce_admins: { enabled: true },
      required_pull_request_reviews: {},
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
    };
    expect(diagnose(good({ rules: ok([]), rulesets: new Map(), classic: ok(classic) })).verdict).toBe("enforced");
  });

  it("the check is not required", () => {
    const input = good({ rules: ok([statusRule([{ context: "ci" }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]) });
    expect(codes(input)).toEqual(["check-not-required"]);
    expect(diagnose(input).verdict).toBe("not-enforced");
  });

  it("a check required under another letter case is not agentgate's", () => {
    expect(codes(good({ rules: ok([statusRule([{ context: "AgentGate", integration_id: APP }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]) }))).toEqual([
      "check-not-required",
    ]);
  });

  it("required from any source: anyone can post it", () => {
    const input = good({ rules: ok([statusRule([{ context: "agentgate" }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]) });
    expect(codes(input)).toEqual(["check-not-pinned"]);
    expect(describeEnforcementFinding(diagnose(input).findings[0]!)).toMatch(/from any source.*app id 4242/);
  });

  it("required from another app", () => {
    const input = good({ rules: ok([statusRule([{ context: "agentgate", integration_id: OTHER_APP }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion")]) });
    expect(diagnose(input).findings).toEqual([{ code: "check-pinned-to-other-app", severity: "advisory", data: { checkName: "agentgate", appId: APP, sources: [OTHER_APP] } }]);
  });

  it("classic protection's check without an app id is not pinned", () => {
    const classic: ClassicProtection = {
      required_status_checks: { checks: [{ context: "agentgate", app_id: null }], contexts: ["agentgate"] },
      enforce_admins: { enabled: true },
      required_pull_request_reviews: {},
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
    };
    expect(codes(good({ rules: ok([]), rulesets: new Map(), classic: ok(classic) }))).toEqual(["check-not-pinned"]);
  });

  it("bypass actors of the ruleset that requires the check", () => {
    const input = good({ rulesets: new Map([[1, ok(ruleset({ bypass_actors: [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }] }))]]) });
    expect(diagnose(input).findings).toEqual([
      { code: "bypass-actors", severity: "advisory", data: { rulesetId: 1, ruleset: "main", actors: ["RepositoryRole 5 (always)"] } },
    ]);
  });

  it("admins not included in classic protection", () => {
    const classic: ClassicProtection = {
      required_status_checks: { checks: [{ context: "agentgate", app_id: APP }], contexts: ["agentgate"] },
      enforce_admins: { enabled: false },
      required_pull_request_reviews: {},
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
    };
    expect(codes(good({ rules: ok([]), rulesets: new Map(), classic: ok(classic) }))).toEqual(["admins-not-enforced"]);
  });

  it("no pull request required: agents can push directly", () => {
    expect(codes(good({ rules: ok([statusRule([{ context: "agentgate", integration_id: APP }]), rule("non_fast_forward"), rule("deletion")]) }))).toEqual([
      "pull-request-not-required",
    ]);
  });

  it("force pushes and deletions allowed", () => {
    expect(codes(good({ rules: ok([statusRule([{ context: "agentgate", integration_id: APP }]), rule("pull_request")]) }))).toEqual([
      "force-push-allowed",
      "deletion-allowed",
    ]);
    const classic: ClassicProtection = { allow_force_pushes: { enabled: true }, allow_deletions: { enabled: true } };
    expect(codes(good({ rules: ok([statusRule([{ context: "agentgate", integration_id: APP }]), rule("pull_request")]), classic: ok(classic) }))).toEqual([
      "force-push-allowed",
      "deletion-allowed",
    ]);
  });

  it("a merge queue that does not require the check", () => {
    expect(codes(good({ rules: ok([statusRule([{ context: "ci" }]), rule("pull_request"), rule("non_fast_forward"), rule("deletion"), rule("merge_queue")]) }))).toEqual([
      "check-not-required",
      "merge-queue-without-check",
    ]);
  });

  it("rules of a ruleset in evaluate mode enforce nothing", () => {
    expect(codes(good({ rulesets: new Map([[1, ok(ruleset({ enforcement: "evaluate" }))]]) }))).toEqual([
      "check-not-required",
      "pull-request-not-required",
      "force-push-allowed",
      "deletion-allowed",
    ]);
  });

  it("unreadable classic protection is said, with how to grant it, and never guessed protected", () => {
    const input = good({ classic: { ok: false, status: 403, message: "Resource not accessible by integration" } });
    const r = diagnose(input);
    expect(r.verdict).toBe("unknown");
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([["protection-unreadable", "unknown"]]);
    expect(describeEnforcementFinding(r.findings[0]!)).toMatch(/is not readable with this access \(403\).*Administration: read/);
    // Nothing in the rules: "not required" would be a guess; only what is unknown is said.
    const bare = diagnose(good({ rules: ok([]), rulesets: new Map(), classic: { ok: false, status: 403, message: "x" } }));
    expect(bare.verdict).toBe("unknown");
    expect(bare.findings.map((f) => f.code)).toEqual(["protection-unreadable"]);
  });

  it("bypass actors this token may not see are unknown, not none", () => {
    const r = diagnose(good({ rulesets: new Map([[1, ok(ruleset({ bypass_actors: undefined }))]]) }));
    expect(r.verdict).toBe("unknown");
    expect(r.findings.map((f) => f.code)).toEqual(["bypass-unreadable"]);
  });

  it("the check run shows the Enforcement section first, and the state is unchanged", () => {
    const d = { ...errorDecision("a".repeat(40), "agentgate", "x"), state: "pending" as const, enforcement: diagnose(good({ rules: ok([]), rulesets: new Map() })) };
    const summary = renderSummary(d);
    expect(summary.indexOf("### Enforcement")).toBeGreaterThan(0);
    expect(summary.indexOf("### Enforcement")).toBeLessThan(summary.indexOf("### Problems"));
    expect(summary).toMatch(/The gate on `main` is \*\*advisory: GitHub does not enforce it\*\*/);
    expect(summary).toMatch(/The check `agentgate` is not required on this branch/);
    expect(renderEnforcementText("acme/app", d.enforcement)).toMatch(/^acme\/app main: check `agentgate` \(app id 4242\): advisory/);
  });
});
