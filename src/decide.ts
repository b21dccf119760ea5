/**
 * The core: facts and the loaded policy in, one Decision out. Pure, no I/O, no clock.
 * The App, the CLI and the tests all decide through this one function.
 */
import { defaultPolicy, type Policy } from "./config/schema.js";
import type { LoadedPolicy } from "./config/load.js";
import { formatProblem } from "./config/parse.js";
import { compileDetector, detectAgents, type Detector } from "./detect/detect.js";
import type { Detection } from "./detect/types.js";
import type { PullRequestFacts } from "./facts/types.js";
import { evaluateApprovals } from "./policy/approvals.js";
import { requirementOf, stateOf, withTeamApprovers } from "./policy/requirement.js";
import type { Decision } from "./policy/types.js";
import { headlineOf } from "./report/headline.js";
import { memoryRecordOf, withMemory } from "./memory/remember.js";
import { analyzeInfra } from "./rules/infra/index.js";
import { protectedPathFindings } from "./rules/paths.js";
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
      },
      commits: facts.commits,
    },
    detector,
  );
}

/** Path and infra findings, strictest first. Listed whether or not the PR is agent-authored. */
export function findingsFor(facts: PullRequestFacts, policy: Policy): Finding[] {
  const findings = [
    ...protectedPathFindings(facts.files, policy),
    ...(policy.infra.enabled ? analyzeInfra(facts.files, policy.infra) : []),
  ];
  return findings.sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0),
  );
}

export function decide(facts: PullRequestFacts, loaded: LoadedPolicy): Decision {
  const unreadable = loaded.problems.filter((p) => p.kind === "unreadable").map(formatProblem);
  const invalid = loaded.problems.filter((p) => p.kind === "invalid").map(formatProblem);
  // With a broken policy we still show what we can see, judged by the defaults, but never pass.
  const policy = loaded.policy ?? defaultPolicy();
  const detector = detectorFor(policy);
  // What agentgate once judged agent-written stays so, whatever the PR says now (src/memory/).
  const current = detectPullRequest(facts, detector);
  const detection = withMemory(current, facts);
  const findings = findingsFor(facts, policy);
  const requirement = requirementOf(detection, findings, policy);
  const verdict = evaluateApprovals({
    facts,
    detection,
    policy,
    isAgentLogin: (login, type) =>
      detectAgents(
        { pr: { authorLogin: login, authorType: type, headRef: "", labels: [], title: "", body: "" }, commits: [] },
        detector,
      ).agentAuthored,
  });
  const teams = withTeamApprovers(requirement.teams, verdict.counted, facts.reviewers);
  const fullRequirement = { ...requirement, teams };
  const { state, missing } = stateOf({
    requirement: fullRequirement,
    counted: verdict.counted.length,
    changesRequestedBy: verdict.changesRequestedBy,
    cannotDecide: [...unreadable, ...facts.incomplete],
    invalidPolicy: invalid,
  });
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
    missing,
    problems: [...unreadable, ...facts.incomplete, ...invalid],
    ...(facts.memory ? { memory: { record: memoryRecordOf(facts, current, detection) } } : {}),
  };
  return { ...decision, headline: headlineOf(decision) };
}
