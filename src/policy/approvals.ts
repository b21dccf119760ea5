/**
 * Who counts as an approver, and why each ignored approval was ignored. Pure: facts in, verdict out.
 */
import type { Policy, PermissionLevel } from "../config/schema.js";
import { noreplyLogin } from "../detect/text.js";
import type { Detection } from "../detect/types.js";
import type { Permission, PullRequestFacts, ReviewFacts } from "../facts/types.js";
import type { Contribution, CountedApproval, IgnoredApproval, Ineligibility, Reason } from "./types.js";
import { commitIdentities, describeIdentity, resolverFor, type CommitIdentity } from "./identities.js";

const PERMISSION_RANK: Record<Permission, number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

export function hasPermission(actual: Permission, needed: PermissionLevel): boolean {
  return PERMISSION_RANK[actual] >= PERMISSION_RANK[needed];
}

const key = (login: string) => login.toLowerCase();

/** `12345+login@users.noreply.github.com` and `login@users.noreply.github.com` name a login. */
export const loginFromNoreplyEmail = (email: string | undefined): string | undefined => noreplyLogin(email);

/**
 * The people who wrote, committed, co-wrote or steered the change, by lower-case login, and those
 * of them GitHub links to no account. Emails are resolved the way GitHub links them (identities.ts):
 * REST's commit author and committer, GraphQL's `Commit.authors` (facts.linkedEmails) and noreply
 * addresses; an email linked in one commit of the PR is linked in all of them.
 */
export interface Contributors {
  logins: Map<string, Contribution>; // login -> how (the first commit naming them)
  steering: Map<string, Contribution>;
  /** People of no known account, one per email (a steering entry wins over a contributor one). */
  unresolved: UnresolvedIdentity[];
}

export interface UnresolvedIdentity {
  /** `Name <email>` as the commit writes it. */
  identity: string;
  email: string;
  /** How they took part, e.g. co-authored a commit, or steered the agent (src/report/approvals.ts words it). */
  contribution: Contribution;
  steering: boolean;
}

/** Whether a commit identity is an agent or bot (no account needed); without it every identity is a person. */
export type IsMachineIdentity = (who: CommitIdentity) => boolean;

export function contributorsOf(facts: PullRequestFacts, detection: Detection, isMachine: IsMachineIdentity = () => false): Contributors {
  const resolve = resolverFor(facts);
  const logins = new Map<string, Contribution>();
  const unresolved = new Map<string, UnresolvedIdentity>();
  for (const id of commitIdentities(facts.commits)) {
    const why: Contribution = { role: id.role, sha: id.sha };
    const r = resolve(id.email, id.login, id.name);
    if (r.kind === "accounts") {
      for (const login of r.logins) if (!logins.has(login)) logins.set(login, why);
    } else if (r.kind === "unlinked" && !isMachine(id)) {
      const k = id.email.trim().toLowerCase() || `name:${id.name.trim().toLowerCase()}`;
      if (!unresolved.has(k)) unresolved.set(k, { identity: describeIdentity(id), email: id.email.trim(), contribution: why, steering: false });
    }
  }
  const steering = new Map<string, Contribution>();
  for (const h of detection.steeringHumans) {
    const why: Contribution = { role: "steering", source: h.source };
    const r = resolve(h.email, h.login, h.name);
    if (r.kind === "accounts") {
      for (const login of r.logins) if (!steering.has(login)) steering.set(login, why);
    } else if (r.kind === "unlinked") {
      const k = (h.email ?? "").trim().toLowerCase() || `name:${(h.name ?? "").trim().toLowerCase()}`;
      if (!unresolved.get(k)?.steering) unresolved.set(k, { identity: describeIdentity(h), email: (h.email ?? "").trim(), contribution: why, steering: true });
    }
  }
  return { logins, steering, unresolved: [...unresolved.values()] };
}

/**
 * The unresolved people whose approval must not count: steering humans always, contributors unless
 * the policy lets contributors approve.
 *
 * "Cannot tell apart": GitHub links an email to an account only when that account verified it, and
 * the name in a commit or trailer is free text. So an identity GitHub links to no account may be
 * any account, each reviewer's included, and no fact we hold (REST, GraphQL, names) rules a reviewer
 * out. (Asking one extra approval per such person would still count theirs among the others.) So
 * every approval is one we cannot tell apart from them: while one is present, no approval counts
 * (their change requests still block) until GitHub links the email or the commit is rewritten.
 */
export function blockingIdentities(contributors: Contributors, policy: Policy): UnresolvedIdentity[] {
  return contributors.unresolved.filter((u) => u.steering || !policy.approvals.allow_contributors);
}

/** The unresolved identities that hold approvals up, as reasons (src/report/reasons.ts words them). */
export function unresolvedIdentityReasons(inputs: ApprovalInputs): Reason[] {
  const contributors = contributorsOf(inputs.facts, inputs.detection, inputs.isAgentIdentity);
  // Without GitHub's links (the CLI on a local range) agentgate only knows it could not link them.
  const linksAsked = inputs.facts.linkedEmails !== undefined;
  return blockingIdentities(contributors, inputs.policy).map((u) => ({
    code: "unresolved-identity" as const,
    identity: u.identity,
    email: u.email,
    contribution: u.contribution,
    steering: u.steering,
    linksAsked,
  }));
}

/** The latest review of each reviewer that says approve, request changes or dismissed. */
export function latestDecisiveReviews(reviews: readonly ReviewFacts[]): Map<string, ReviewFacts> {
  const latest = new Map<string, ReviewFacts>();
  for (const r of reviews) {
    // A comment does not withdraw an approval or a change request (as on GitHub).
    if (r.state === "COMMENTED" || r.state === "PENDING") continue;
    latest.set(key(r.user.login), r);
  }
  return latest;
}

/**
 * The base change a review did not see (it was submitted at or before it: GitHub's times are whole
 * seconds, and a tie is a doubt), or undefined when it saw the current base. A review without a
 * time, or a change whose time cannot be read, counts as not seen.
 */
export function baseChangedSince(review: Pick<ReviewFacts, "submittedAt">, baseChangedAt: readonly string[]): string | undefined {
  if (!baseChangedAt.length) return undefined;
  let latest = baseChangedAt[0] as string;
  let latestAt = -Infinity;
  for (const t of baseChangedAt) {
    const at = Date.parse(t);
    if (Number.isNaN(at)) return t;
    if (at > latestAt) [latest, latestAt] = [t, at];
  }
  const submitted = review.submittedAt === null ? NaN : Date.parse(review.submittedAt);
  return Number.isNaN(submitted) || submitted <= latestAt ? latest : undefined;
}

export interface ApprovalInputs {
  facts: PullRequestFacts;
  detection: Detection;
  policy: Policy;
  /** Whether a login is a known agent (from the catalog and the policy). */
  isAgentLogin: (login: string, type: string) => boolean;
  /** Whether a commit identity is an agent or bot; absent: every unlinked identity is a person. */
  isAgentIdentity?: IsMachineIdentity;
}

export interface ApprovalVerdict {
  counted: CountedApproval[];
  ignored: IgnoredApproval[];
  changesRequestedBy: string[];
}

/** Why a reviewer cannot count, or undefined when they are eligible (staleness aside). */
function ineligibility(
  review: ReviewFacts,
  inputs: ApprovalInputs,
  contributors: Contributors,
): Ineligibility | undefined {
  const { facts, policy } = inputs;
  const login = review.user.login;
  const k = key(login);
  if (inputs.isAgentLogin(login, review.user.type)) {
    return { reason: "agent" };
  }
  if (review.user.type === "Bot" || /\[bot\]$/i.test(login)) {
    return { reason: "bot" };
  }
  if (k === key(facts.author.login)) {
    return { reason: "pr-author" };
  }
  // The human who asked the agent for the change never approves it: that is the two-person rule.
  const steered = contributors.steering.get(k);
  if (steered) return { reason: "steered-agent", contribution: steered };
  if (!policy.approvals.allow_contributors) {
    const contributed = contributors.logins.get(k);
    if (contributed) return { reason: "contributor", contribution: contributed };
  }
  const reviewer = facts.reviewers[k];
  if (!reviewer) {
    return { reason: "unknown-reviewer" };
  }
  if (!hasPermission(reviewer.permission, policy.approvals.min_permission)) {
    return { reason: "permission", permission: reviewer.permission, required: policy.approvals.min_permission };
  }
  // Only approvals: a change request from someone who may be that person still blocks (fail closed).
  const blocking = review.state === "APPROVED" ? blockingIdentities(contributors, policy) : [];
  if (blocking.length) {
    const first = blocking[0]!;
    return { reason: "unresolved-identity", identity: first.identity, contribution: first.contribution, others: blocking.length - 1 };
  }
  return undefined;
}

/**
 * A dismissed review that is its reviewer's latest word: whether it still stands as a change request.
 * Only someone who could approve lifts one; a dismissal by anyone else, by an account GitHub no
 * longer names, or one GitHub's events do not show, leaves it standing (with the sentence saying so).
 */
function dismissalOf(
  review: ReviewFacts,
  inputs: ApprovalInputs,
  contributors: Contributors,
): { stands: false; by?: string } | { stands: true; note: IgnoredApproval } {
  const login = review.user.login;
  const d = inputs.facts.dismissals.find((x) => x.reviewId === review.id);
  if (!d) return { stands: true, note: { login, reason: "dismissal", reviewer: login, dismissal: "unseen" } };
  // Dismissing an approval or a comment withdraws nothing that blocks.
  if (d.dismissedState === "APPROVED" || d.dismissedState === "COMMENTED") return { stands: false, ...(d.by ? { by: d.by.login } : {}) };
  if (!d.by) return { stands: true, note: { login, reason: "dismissal", reviewer: login, dismissal: "unnamed", dismissed: d.dismissedState } };
  const dismisser: ReviewFacts = { ...review, user: d.by };
  const why = ineligibility(dismisser, inputs, contributors);
  if (!why) return { stands: false, by: d.by.login };
  return {
    stands: true,
    note: { login: d.by.login, reason: "dismissal", reviewer: login, dismissal: "ineligible", dismissed: d.dismissedState, because: why },
  };
}

export function evaluateApprovals(inputs: ApprovalInputs): ApprovalVerdict {
  const { facts, policy } = inputs;
  const contributors = contributorsOf(facts, inputs.detection, inputs.isAgentIdentity);
  const counted: CountedApproval[] = [];
  const ignored: IgnoredApproval[] = [];
  const changesRequestedBy: string[] = [];

  for (const review of latestDecisiveReviews(facts.reviews).values()) {
    const login = review.user.login;
    const reason = ineligibility(review, inputs, contributors);

    if (review.state === "DISMISSED") {
      // A change request of someone who could not approve never blocked: its dismissal changes nothing.
      const dismissal = reason ? { stands: false as const } : dismissalOf(review, inputs, contributors);
      if (dismissal.stands) {
        changesRequestedBy.push(login);
        ignored.push(dismissal.note);
        continue;
      }
      // Listed so that a maintainer sees why a once-given approval no longer counts.
      ignored.push({ login, reason: "superseded", by: "dismissal", ...(dismissal.by ? { dismisser: dismissal.by } : {}) });
      continue;
    }
    if (review.state === "CHANGES_REQUESTED") {
      if (!reason) changesRequestedBy.push(login);
      continue;
    }
    // APPROVED
    if (reason) {
      ignored.push({ login, ...reason });
      continue;
    }
    // An approval covers the (base, head) it saw: after a retarget the same head is another change.
    const retargeted = baseChangedSince(review, facts.baseChangedAt);
    if (retargeted) {
      ignored.push({ login, reason: "retargeted", base: facts.baseRef, changedAt: retargeted });
      continue;
    }
    if (review.commitId === facts.headSha) {
      counted.push({ login, commitId: review.commitId });
    } else if (
      review.commitId &&
      policy.approvals.keep_on_identical_diff &&
      facts.diffUnchangedSince[review.commitId] === true
    ) {
      counted.push({ login, commitId: facts.headSha, carriedFrom: review.commitId });
    } else {
      ignored.push({ login, reason: "stale", approved: review.commitId, head: facts.headSha });
    }
  }

  // Earlier approvals that a later change request or dismissal withdrew are worth naming too.
  const latest = latestDecisiveReviews(facts.reviews);
  for (const r of facts.reviews) {
    const now = latest.get(key(r.user.login));
    if (r.state === "APPROVED" && now && now.state === "CHANGES_REQUESTED") {
      if (!ignored.some((i) => key(i.login) === key(r.user.login))) {
        ignored.push({ login: r.user.login, reason: "superseded", by: "changes-requested" });
      }
    }
  }
  return { counted, ignored, changesRequestedBy };
}
