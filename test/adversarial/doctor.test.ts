/**
 * c15: settings that look like a gate but are not one. The doctor holds when it does not call such
 * a branch "enforced"; each control is a branch that is.
 */
import { describe, expect } from "@jest/globals";
import { diagnose, type BranchRule, type EnforcementInput, type Read, type RulesetInfo } from "../../src/doctor/core.js";
import { attack, control } from "./suite.js";

const APP = 4242;
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const checks = (list: { context: string; integration_id?: number }[]): BranchRule => ({
  type: "required_status_checks",
  parameters: { required_status_checks: list, strict_required_status_checks_policy: true },
  ruleset_id: 7,
});
const others: BranchRule[] = ["pull_request", "non_fast_forward", "deletion"].map((type) => ({ type, ruleset_id: 7 }));
const ruleset = (over: Partial<RulesetInfo> = {}): RulesetInfo => ({ id: 7, name: "protect main", enforcement: "active", bypass_actors: [], ...over });

function branch(rules: BranchRule[], rs: Read<RulesetInfo> = ok(ruleset()), classic: EnforcementInput["classic"] = ok(null)): EnforcementInput {
  return { branch: "main", checkName: "agentgate", appId: APP, rules: ok(rules), rulesets: new Map([[7, rs]]), classic };
}

describe("[c15] a gate in name only", () => {
  control("c15", "required, pinned to agentgate, no bypass, pull requests, no force push: enforced", () => {
    expect(diagnose(branch([checks([{ context: "agentgate", integration_id: APP }]), ...others])).verdict).toBe("enforced");
  });

  attack("c15", "a lookalike app is the required source of `agentgate`", () => {
    const r = diagnose(branch([checks([{ context: "agentgate", integration_id: 999 }]), ...others]));
    expect(r.verdict).toBe("not-enforced");
    expect(r.findings.map((f) => f.code)).toEqual(["check-pinned-to-other-app"]);
  });

  attack("c15", "the check is required under another spelling", () => {
    const r = diagnose(branch([checks([{ context: "agentgate ", integration_id: APP }, { context: "Agentgate", integration_id: APP }]), ...others]));
    expect(r.findings.map((f) => f.code)).toEqual(["check-not-required"]);
  });

  attack("c15", "the ruleset that requires it is only evaluated, not enforced", () => {
    expect(diagnose(branch([checks([{ context: "agentgate", integration_id: APP }]), ...others], ok(ruleset({ enforcement: "evaluate" })))).verdict).toBe("not-enforced");
  });

  attack("c15", "an exempt bypass actor (an app whose pushes the rules never see)", () => {
    const rs = ok(ruleset({ bypass_actors: [{ actor_id: 321, actor_type: "Integration", bypass_mode: "exempt" }] }));
    const r = diagnose(branch([checks([{ context: "agentgate", integration_id: APP }]), ...others], rs));
    expect(r.findings).toEqual([expect.objectContaining({ code: "bypass-actors", data: expect.objectContaining({ actors: ["Integration 321 (exempt)"] }) })]);
  });

  attack("c15", "bypass actors hidden from the reader are unknown, never none", () => {
    expect(diagnose(branch([checks([{ context: "agentgate", integration_id: APP }]), ...others], ok(ruleset({ bypass_actors: undefined })))).verdict).toBe("unknown");
  });

  attack("c15", "a ruleset that cannot be read, and protection that cannot be read, are never 'enforced'", () => {
    const r = diagnose(branch([checks([{ context: "agentgate", integration_id: APP }]), ...others], { ok: false, status: 502, message: "Bad Gateway" }, { ok: false, status: 404, message: "Not Found" }));
    expect(r.verdict).toBe("unknown");
    expect(r.findings.map((f) => f.code)).toEqual(["protection-unreadable", "ruleset-unreadable"]);
  });

  attack("c15", "classic protection that requires the check pinned but lets admins and force pushes through", () => {
    const classic = ok({
      required_status_checks: { checks: [{ context: "agentgate", app_id: APP }], contexts: ["agentgate"] },
      enforce_admins: { enabled: false },
      required_pull_request_reviews: {},
      allow_force_pushes: { enabled: true },
      allow_deletions: { enabled: false },
    });
    const r = diagnose({ branch: "main", checkName: "agentgate", appId: APP, rules: ok([]), rulesets: new Map(), classic });
    expect(r.findings.map((f) => f.code)).toEqual(["admins-not-enforced", "force-push-allowed"]);
  });
});
