/**
 * Every code the core returns has its words in src/report/: each table below is typed by the code
 * union, so a code added without a sample here fails to compile (ts-jest type-checks), and a
 * sample whose sentence is empty, says "undefined" or drops the data it names fails at run time.
 * The data is arbitrary (fast-check): logins, causes and SHAs of any shape render, bounded.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { AcceptRefusal, IgnoredPress } from "../../src/bypass/accept.js";
import type { Unchecked } from "../../src/bypass/find.js";
import type { BypassKind, BypassRecord } from "../../src/bypass/record.js";
import { defaultEnvironmentRule, type CommitOutcome, type CommitOutcomeKind, type DeployProblem, type DeploymentJudgment, type RejectedOutcome } from "../../src/deploy/judge.js";
import type { Contribution, IgnoredApproval, IgnoredReason, Ineligibility, Reason } from "../../src/policy/types.js";
import { contributionText, ignoredText, ineligibilityText } from "../../src/report/approvals.js";
import { bypassHeadline, bypassSummary, bypassTitle, ignoredPressText, refusalText, statusDescription, STATUS_DESCRIPTION_MAX, uncheckedDescription, uncheckedText } from "../../src/report/bypass.js";
import { DEPLOY_COMMENT_MAX, deployProblemText, deploymentComment, outcomeText } from "../../src/report/deploy.js";
import { reasonText } from "../../src/report/reasons.js";

/** The data a sample is filled with. */
interface Fill {
  login: string;
  cause: string;
  sha: string;
  n: number;
}

const fill: fc.Arbitrary<Fill> = fc.record({
  login: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/),
  cause: fc.string({ minLength: 1, maxLength: 120 }).filter((s) => s.trim() !== "" && !/undefined|NaN|\[object /.test(s)),
  sha: fc.stringMatching(/^[0-9a-f]{40}$/),
  n: fc.integer({ min: 1, max: 100_000 }),
});

/** One sample (or several, for variants) per code: the key set is the union's, no more, no less. */
type ByCode<U extends { code: string }> = { [C in U["code"]]: (f: Fill) => Extract<U, { code: C }>[] };

// IgnoredReason (documented per member) and the data-carrying IgnoredApproval name the same reasons.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const reasonsAgree: Same<IgnoredReason, IgnoredApproval["reason"]> = true;

const contributions = (f: Fill): Contribution[] => [
  { role: "author", sha: f.sha },
  { role: "committer", sha: f.sha },
  { role: "co-author", sha: f.sha },
  { role: "steering", source: f.cause },
];

const ineligibilities: { [C in Ineligibility["reason"]]: (f: Fill) => Extract<Ineligibility, { reason: C }>[] } = {
  agent: () => [{ reason: "agent" }],
  bot: () => [{ reason: "bot" }],
  "pr-author": () => [{ reason: "pr-author" }],
  "steered-agent": (f) => contributions(f).map((contribution) => ({ reason: "steered-agent" as const, contribution })),
  contributor: (f) => contributions(f).map((contribution) => ({ reason: "contributor" as const, contribution })),
  "unknown-reviewer": () => [{ reason: "unknown-reviewer" }],
  permission: () => [{ reason: "permission", permission: "read", required: "write" }],
  "unresolved-identity": (f) => [0, 2].map((others) => ({ reason: "unresolved-identity" as const, identity: `Dana <${f.login}@home.example>`, contribution: contributions(f)[2]!, others })),
};
const allIneligibilities = (f: Fill) => Object.values(ineligibilities).flatMap((s) => s(f) as Ineligibility[]);

const ignored: { [C in IgnoredApproval["reason"]]: (f: Fill) => IgnoredApproval[] } = {
  ...Object.fromEntries(Object.entries(ineligibilities).map(([k, s]) => [k, (f: Fill) => s(f).map((i) => ({ login: f.login, ...i }))])),
  superseded: (f) => [
    { login: f.login, reason: "superseded", by: "changes-requested" },
    { login: f.login, reason: "superseded", by: "dismissal" },
    { login: f.login, reason: "superseded", by: "dismissal", dismisser: "max" },
  ],
  stale: (f) => [
    { login: f.login, reason: "stale", approved: f.sha, head: "b".repeat(40) },
    { login: f.login, reason: "stale", approved: null, head: "b".repeat(40) },
  ],
  retargeted: (f) => [{ login: f.login, reason: "retargeted", base: "main", changedAt: "2026-12-01T10:00:00Z" }],
  dismissal: (f) => [
    { login: f.login, reason: "dismissal", reviewer: f.login, dismissal: "unseen" },
    ...(["CHANGES_REQUESTED", null] as const).map((dismissed) => ({ login: "max", reason: "dismissal" as const, reviewer: f.login, dismissal: "unnamed" as const, dismissed })),
    ...allIneligibilities(f).map((because) => ({ login: "max", reason: "dismissal" as const, reviewer: f.login, dismissal: "ineligible" as const, dismissed: "CHANGES_REQUESTED", because })),
  ],
} as { [C in IgnoredApproval["reason"]]: (f: Fill) => IgnoredApproval[] };

const reasons: ByCode<Reason> = {
  "facts-incomplete": (f) => [{ code: "facts-incomplete", message: f.cause }],
  "policy-unreadable": (f) => [{ code: "policy-unreadable", file: ".agentgate.yml", message: f.cause }],
  "policy-invalid": (f) => [{ code: "policy-invalid", file: ".agentgate.yml", line: 3, column: 1, key: "approvals", message: f.cause }],
  "finding-blocks": () => [{ code: "finding-blocks", rule: "TF-01", file: "main.tf" }],
  "finding-requires": (f) => [{ code: "finding-requires", rule: "path:infra", file: "infra/a.tf", teams: [`acme/${f.login}`] }],
  "unresolved-identity": (f) =>
    contributions(f).flatMap((contribution) =>
      [true, false].map((linksAsked) => ({ code: "unresolved-identity" as const, identity: `Dana <${f.login}@x.example>`, email: `${f.login}@x.example`, contribution, steering: contribution.role === "steering", linksAsked })),
    ),
  "changes-requested": (f) => [{ code: "changes-requested", by: [f.login] }],
  "approvals-missing": (f) => [{ code: "approvals-missing", required: f.n + 1, counted: 1, missing: f.n }],
  "team-approval-missing": (f) => [{ code: "team-approval-missing", team: `acme/${f.login}` }],
};

const problems: ByCode<DeployProblem> = {
  "policy-unusable": (f) => [{ code: "policy-unusable", branch: "main", problem: { kind: "invalid", file: ".agentgate.yml", line: 1, column: 1, key: "environments", message: f.cause } }],
  "read-failed": (f) => [{ code: "read-failed", cause: f.cause }],
  "too-many-commits": (f) => [
    { code: "too-many-commits", count: f.n + 10, since: f.sha, max: 10 },
    { code: "too-many-commits", count: null, max: f.n },
  ],
  "range-cut-short": (f) => [{ code: "range-cut-short", listed: 1, total: f.n + 1, since: f.sha }],
  "agent-deployer": (f) => [{ code: "agent-deployer", login: f.login, environment: "production" }],
};

const rejectedOutcomes: { [K in RejectedOutcome["kind"]]: (f: Fill) => Extract<RejectedOutcome, { kind: K }>[] } = {
  "direct-push": (f) => [
    { kind: "direct-push", branch: "main", bases: ["main"] },
    { kind: "direct-push", branch: "", bases: ["", "main"], elsewhere: { pr: f.n, base: "" } },
    { kind: "direct-push", branch: "release", bases: ["release", "main"], elsewhere: { pr: f.n, base: "lax" } },
  ],
  "merged-not-passing": (f) => [
    { kind: "merged-not-passing", pr: f.n, shown: "pending", judged: true },
    { kind: "merged-not-passing", pr: f.n, shown: "none", judged: false },
  ],
  unread: (f) => [
    { kind: "unread", branch: "main", cause: f.cause },
    { kind: "unread", branch: "" },
  ],
};

const judgment = (over: Partial<DeploymentJudgment>): DeploymentJudgment => ({
  state: "approved",
  environment: "production",
  rule: defaultEnvironmentRule(),
  problems: [],
  senderIsAgent: false,
  rejectedCommits: [],
  passedCommits: [],
  commitCount: 1,
  ...over,
});

/** Each outcome kind, as the deploy gate's comment says it: the text that must be in it. */
const outcomeComments: { [K in CommitOutcomeKind]: (f: Fill) => { outcome: Extract<CommitOutcome, { kind: K }>; comment: string; says: string }[] } = {
  human: () => [{ outcome: { kind: "human" }, comment: deploymentComment(judgment({})), says: "none agent-written" }],
  passed: (f) => [{ outcome: { kind: "passed", pr: f.n }, comment: deploymentComment(judgment({ passedCommits: [{ sha: f.sha, pr: f.n }] })), says: `(#${f.n})` }],
  accepted: (f) => [
    {
      outcome: { kind: "accepted", accepted: { by: f.login, at: "2026-12-01T00:00:00Z" } },
      comment: deploymentComment(judgment({ acceptedCommits: [{ sha: f.sha, by: f.login }] })),
      says: `${f.sha.slice(0, 7)} by @${f.login}`,
    },
  ],
  ...(Object.fromEntries(
    Object.entries(rejectedOutcomes).map(([k, s]) => [
      k,
      (f: Fill) =>
        s(f).map((outcome) => ({
          outcome,
          comment: deploymentComment(judgment({ state: "rejected", rejectedCommits: [{ sha: f.sha, agents: ["copilot"], outcome }] })),
          says: `${f.sha.slice(0, 7)} (copilot): ${outcomeText(outcome)}`,
        })),
    ]),
  ) as { [K in RejectedOutcome["kind"]]: (f: Fill) => { outcome: Extract<CommitOutcome, { kind: K }>; comment: string; says: string }[] }),
};

const unchecked: ByCode<Unchecked> = {
  "policy-unusable": (f) => [{ code: "policy-unusable", problem: f.cause }],
  "push-too-long": () => [{ code: "push-too-long", listed: 2048 }],
  "too-many-suspects": (f) => [{ code: "too-many-suspects", suspects: f.n + 100, max: 100 }],
  "route-unread": (f) => rejectedOutcomes.unread(f).map((outcome) => ({ code: "route-unread" as const, outcome })),
  "not-marked": (f) => [{ code: "not-marked", left: f.n, max: 20 }],
  "verdict-unread": (f) => [{ code: "verdict-unread", pr: f.n, cause: f.cause }],
  "commits-unread": (f) => [{ code: "commits-unread", pr: f.n, cause: f.cause }],
};

const refusals: ByCode<AcceptRefusal> = {
  "nobody-named": () => [{ code: "nobody-named" }],
  "not-human": (f) => [{ code: "not-human", login: f.login }],
  "not-named": (f) => [{ code: "not-named", login: f.login }],
  involved: (f) => [{ code: "involved", login: f.login }],
  "no-write": (f) => [{ code: "no-write", login: f.login, permission: "read" }],
  "policy-unusable": (f) => [{ code: "policy-unusable" }, { code: "policy-unusable", problem: f.cause }],
  "policy-tainted": (f) => [{ code: "policy-tainted", branch: "main", sha: f.sha }],
  "read-failed": (f) => [{ code: "read-failed", login: f.login, cause: f.cause }],
};

const presses: ByCode<IgnoredPress> = {
  "not-bypass-run": () => [{ code: "not-bypass-run" }],
  "no-record": () => [{ code: "no-record" }],
  "accepted-already": (f) => [{ code: "accepted-already", by: f.login }],
};

const records: { [K in BypassKind]: (f: Fill) => BypassRecord[] } = {
  "direct-push": (f) => [
    { v: 1, kind: "direct-push", sha: f.sha, branch: "main", agents: ["copilot"], by: f.login },
    { v: 1, kind: "direct-push", sha: f.sha, branch: "main", agents: [], accepted: { by: f.login, at: "2026-12-01T00:00:00Z" } },
  ],
  "merged-not-passing": (f) => [{ v: 1, kind: "merged-not-passing", sha: f.sha, branch: "main", pr: f.n, shown: "pending", agents: ["codex"], by: f.login }],
};

/** Every sample of a table, of the union T its values give. */
const all = <T,>(table: object, f: Fill): T[] => (Object.values(table) as ((f: Fill) => T[])[]).flatMap((s) => s(f));

/** A sentence of report/: said, and no hole where data was missing. */
function worded(s: string): void {
  expect(s.trim().length).toBeGreaterThan(0);
  expect(s).not.toMatch(/\bundefined\b|\[object |\bNaN\b/);
}

/** The data values a sample holds that its sentence must name (logins, causes, PR numbers). */
function named(sample: object): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string) => {
    // A superseded approval's `by` is a kind (changes-requested, dismissal), not a name.
    const kind = key === "by" && (v === "changes-requested" || v === "dismissal");
    if (typeof v === "string" && !kind && ["login", "cause", "by", "dismisser", "problem", "message"].includes(key)) out.push(v);
    else if (typeof v === "number" && ["pr", "missing", "left"].includes(key)) out.push(`${v}`);
    else if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(sample, "");
  return out;
}

describe("every code the core returns is worded in src/report/", () => {
  it("agrees on the ignored-approval reasons", () => {
    expect(reasonsAgree).toBe(true);
  });

  it("words every reason, ignored approval, contribution and ineligibility, naming their data", () => {
    fc.assert(
      fc.property(fill, (f) => {
        for (const r of all<Reason>(reasons, f)) {
          worded(reasonText(r));
          for (const v of named(r)) expect(reasonText(r)).toContain(v);
        }
        for (const i of all<IgnoredApproval>(ignored, f)) {
          worded(ignoredText(i));
          const { login: _self, ...data } = i;
          for (const v of named(data)) expect(ignoredText(i)).toContain(v);
        }
        for (const c of contributions(f)) worded(contributionText(c));
        for (const i of allIneligibilities(f)) worded(ineligibilityText(i));
      }),
      { numRuns: 50 },
    );
  });

  it("words every deploy problem and commit outcome, in the comment and within its bound", () => {
    fc.assert(
      fc.property(fill, (f) => {
        for (const p of all<DeployProblem>(problems, f)) {
          const text = deployProblemText(p);
          worded(text);
          for (const v of named(p)) expect(text).toContain(v);
          const comment = deploymentComment(judgment({ state: "rejected", problems: [p] }));
          expect([...comment].length).toBeLessThanOrEqual(DEPLOY_COMMENT_MAX);
        }
        for (const { comment, says } of all<{ comment: string; says: string }>(outcomeComments, f)) {
          worded(comment);
          expect([...comment].length).toBeLessThanOrEqual(DEPLOY_COMMENT_MAX);
          if ([...says].length < DEPLOY_COMMENT_MAX - 60) expect(comment).toContain(says);
        }
        for (const o of all<RejectedOutcome>(rejectedOutcomes, f)) {
          worded(outcomeText(o));
          // No dangling word where a branch name belongs (the cause itself may end in any word).
          expect(outcomeText(o).split(f.cause).join("CAUSE")).not.toMatch(/ (to|into|reached|or) [:,]|(to|into|or)$/);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("keeps a comment of any number of rejected commits within its bound", () => {
    fc.assert(
      fc.property(fc.array(fill, { minLength: 1, maxLength: 60 }), (fills) => {
        const rejected = fills.flatMap((f) => (all<RejectedOutcome>(rejectedOutcomes, f)).map((outcome) => ({ sha: f.sha, agents: [f.login], outcome })));
        const comment = deploymentComment(judgment({ state: "rejected", rejectedCommits: rejected }));
        expect([...comment].length).toBeLessThanOrEqual(DEPLOY_COMMENT_MAX);
        expect(comment.startsWith("agentgate rejected the deployment to production:")).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("words every bypass record, unchecked reason, refusal and ignored press, within the status's bound", () => {
    fc.assert(
      fc.property(fill, (f) => {
        for (const r of all<BypassRecord>(records, f)) {
          for (const s of [bypassHeadline(r), bypassTitle(r), statusDescription(r), bypassSummary(r, { accept_by: [] }), bypassSummary(r, { accept_by: ["pat"] })]) worded(s);
          expect(statusDescription(r).length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
        }
        const record = records["direct-push"](f)[0]!;
        for (const why of all<AcceptRefusal>(refusals, f)) {
          worded(refusalText(why));
          for (const v of named(why)) expect(refusalText(why)).toContain(v);
          expect(bypassSummary(record, { accept_by: ["pat"] }, { by: "rob", at: "2026-12-01T00:00:00Z", why })).toContain(`**Not accepted:** @rob pressed Accept bypass at 2026-12-01T00:00:00Z: ${refusalText(why)}.`);
        }
        for (const u of all<Unchecked>(unchecked, f)) {
          worded(uncheckedText(u));
          expect(uncheckedDescription(u).length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
        }
        for (const p of all<IgnoredPress>(presses, f)) worded(ignoredPressText(p));
      }),
      { numRuns: 50 },
    );
  });
});
