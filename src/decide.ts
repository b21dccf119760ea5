/**
 * The core: facts and the loaded policy in, one Decision out. Pure, no I/O, no clock.
 * The App, the CLI and the tests all decide through this one function.
 */
import { defaultPolicy, type Policy } from "./config/schema.js";
import type { LoadedPolicy } from "./config/load.js";
import { formatWarning, type PolicyProblem } from "./config/parse.js";
import { compileDetector, detectAgents, isMachineIdentity, type Detector } from "./detect/detect.js";
import type { Detection } from "./detect/types.js";
import type { PullRequestFacts } from "./facts/types.js";
import { evaluateApprovals, unresolvedIdentityReasons, type ApprovalInputs } from "./policy/approvals.js";
import { knownLinks } from "./policy/identities.js";
import { findingReasons, judgeState, requirementOf, withTeamApprovers } from "./policy/requirement.js";
import type { Decision, Reason } from "./policy/types.js";
import { missingLines, problemLines } from "./report/reasons.js";
import { headlineOf } from "./report/headline.js";
import { memoryRecordOf, withMemory } from "./memory/remember.js";
import { analyzeInfra } from "./rules/infra/index.js";
import { protectedPathFindings, type ProtectedExtras } from "./rules/paths.js";
import { SEVERITY_RANK, type Finding } from "./rules/types.js";

// Compiling the catalog is the costly part of detection; a policy object is immutable once loaded.
const detectors = new WeakMap<Policy["agents"], Detector>();
export function detectorFor(policy: Policy): Detector {
  let d = detectors.get(policy.agents);
  if (!d) {
    d = compileDetector(policy.agents);
    detectors.set(policy.agents, d);
  }
  return d;
}

export function detectPullRequest(facts: PullRequestFacts, detector: Detector): Detection {
  return detectAgents(
    {
      pr: {
        authorLogin: facts.author.login,
        authorType: facts.author.type,
        headRef: facts.headRef,
        labels: facts.labels,
        title: facts.title,
        body: facts.body,
        assignees: facts.assignees ?? [],
        closingIssues: facts.closingIssues ?? [],
      },
      commits: facts.commits,
      linkedEmails: knownLinks(facts),
    },
    detector,
  );
}

/** Path and infra findings, strictest first. Listed whether or not the PR is agent-authored. */
export function findingsFor(facts: PullRequestFacts, policy: Policy, extras: ProtectedExtras = {}): Finding[] {
  const findings = [
    ...protectedPathFindings(facts.files, policy, extras),
    ...(policy.infra.enabled ? analyzeInfra(facts.files, policy.infra) : []),
  ];
  return findings.sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0),
  );
}

/**
 * Steering humans named by email (a trailer, or a remembered judgment from before GitHub linked the
 * email) carry the account GitHub now links it to, once each: the check run then names @login, not an
 * unlinked address that no longer holds approvals up.
 */
export function withLinkedSteering(detection: Detection, links: Record<string, string>): Detection {
  const seen = new Set<string>();
  const steeringHumans = [];
  for (const h of detection.steeringHumans) {
    const linked = h.login ?? (h.email ? links[h.email.trim().toLowerCase()] : undefined);
    const who = linked ? { ...h, login: linked } : h;
    const key = who.login ? `@${who.login.toLowerCase()}` : `<${(who.email ?? "").toLowerCase()}>${who.name ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    steeringHumans.push(who);
  }
  return { ...detection, steeringHumans };
}

/** A policy problem as a reason: unreadable (error) or invalid (failure), with its place. */
export function policyReason(p: PolicyProblem): Reason {
  const { kind, ...where } = p;
  if (kind === "unreadable") return { code: "policy-unreadable", file: p.file, ...(p.key ? { key: p.key } : {}), message: p.message };
  return { code: "policy-invalid", ...where };
}

export function decide(facts: PullRequestFacts, loaded: LoadedPolicy): Decision {
  const unreadable = loaded.problems.filter((p) => p.kind === "unreadable").map(policyReason);
  const invalid = loaded.problems.filter((p) => p.kind === "invalid").map(policyReason);
  const incomplete: Reason[] = facts.incomplete.map((message) => ({ code: "facts-incomplete", message }));
  // With a broken policy we still show what we can see, judged by the defaults, but never pass.
  const policy = loaded.policy ?? defaultPolicy();
  const detector = detectorFor(policy);
  // What agentgate once judged agent-written stays so, whatever the PR says now (src/memory/).
  const current = detectPullRequest(facts, detector);
  const detection = withLinkedSteering(withMemory(current, facts), knownLinks(facts));
  // The bases of the policy's `_extends` chain in this repository are as protected as the policy file.
  // So are the local actions the base branch's workflows run.
  const findings = findingsFor(facts, policy, { extendsPaths: loaded.extendsPaths ?? [], actionDirs: facts.localActionDirs ?? [] });
  const requirement = requirementOf(detection, findings, policy);
  const approvalInputs: ApprovalInputs = {
    facts,
    detection,
    policy,
    isAgentLogin: (login, type) =>
      detectAgents(
        { pr: { authorLogin: login, authorType: type, headRef: "", labels: [], title: "", body: "" }, commits: [] },
        detector,
      ).agentAuthored,
    isAgentIdentity: (who) => isMachineIdentity(who, who.role, detector),
  };
  const verdict = evaluateApprovals(approvalInputs);
  const teams = withTeamApprovers(requirement.teams, verdict.counted, facts.reviewers);
  const fullRequirement = { ...requirement, teams };
  const { state, missing } = judgeState({
    requirement: fullRequirement,
    counted: verdict.counted.length,
    changesRequestedBy: verdict.changesRequestedBy,
    cannotDecide: [...unreadable, ...incomplete],
    invalidPolicy: invalid,
    unresolvedIdentities: unresolvedIdentityReasons(approvalInputs),
  });
  // Problems first (in the order they are shown), then what the rules require, then what is missing.
  const reasons: Reason[] = [...unreadable, ...incomplete, ...invalid, ...findingReasons(findings), ...missing];
  const decision: Decision = {
    state,
    headline: "",
    headSha: facts.headSha,
    checkName: policy.check_name,
    detection,
    findings,
    requirement: fullRequirement,
    approvals: { counted: verdict.counted, ignored: verdict.ignored },
    changesRequestedBy: verdict.changesRequestedBy,
    reasons,
    missing: missingLines(reasons, fullRequirement.blocked),
    problems: problemLines(reasons),
    policyFiles: loaded.files ?? loaded.sources.map((source) => ({ source, sha: null })),
    ...(loaded.warnings?.length ? { policyWarnings: loaded.warnings.map(formatWarning) } : {}),
    ...(facts.memory ? { memory: { record: memoryRecordOf(facts, current, detection) } } : {}),
  };
  return { ...decision, headline: headlineOf(decision) };
}
