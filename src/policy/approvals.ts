/**
 * Who counts as an approver, and why each ignored approval was ignored. Pure: facts in, verdict out.
 */
import type { Policy, PermissionLevel } from "../config/schema.js";
import { noreplyLogin, normalizeText, parseIdentity, trailerLines, WEB_FLOW_EMAIL } from "../detect/text.js";
import type { Detection } from "../detect/types.js";
import type { Permission, PullRequestFacts, ReviewFacts } from "../facts/types.js";
import type { CountedApproval, IgnoredApproval, IgnoredReason } from "./types.js";

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
 * The people who wrote, committed, co-wrote or steered the change, by lower-case login and by email.
 * Emails matter because a co-author trailer names an email; we map it to a login where any commit
 * of the PR links that email to an account.
 */
export interface Contributors {
  logins: Map<string, string>; // login -> why (for the ignored-approval detail)
  steering: Map<string, string>;
}

export function contributorsOf(facts: PullRequestFacts, detection: Detection): Contributors {
  const emailToLogin = new Map<string, string>();
  for (const c of facts.commits) {
    for (const who of [c.author, c.committer]) {
      if (who.login && who.email) emailToLogin.set(who.email.toLowerCase(), key(who.login));
    }
  }
  const resolve = (email?: string, login?: string | null): string | undefined => {
    if (login) return key(login);
    // GitHub's web-flow committer signs web merges and suggestions: it is nobody.
    if (!email || email.toLowerCase() === WEB_FLOW_EMAIL) return undefined;
    return emailToLogin.get(email.toLowerCase()) ?? loginFromNoreplyEmail(email)?.toLowerCase();
  };

  const logins = new Map<string, string>();
  for (const c of facts.commits) {
    const short = c.sha.slice(0, 7);
    const author = resolve(c.author.email, c.author.login);
    if (author && !logins.has(author)) logins.set(author, `authored commit ${short}`);
    const committer = resolve(c.committer.email, c.committer.login);
    if (committer && !logins.has(committer)) logins.set(committer, `committed ${short}`);
    for (const t of trailerLines(normalizeText(c.message))) {
      if (t.key !== "co-authored-by") continue;
      const coauthor = resolve(parseIdentity(t.value).email);
      if (coauthor && !logins.has(coauthor)) logins.set(coauthor, `co-authored commit ${short}`);
    }
  }
  const steering = new Map<string, string>();
  for (const h of detection.steeringHumans) {
    const login = resolve(h.email, h.login);
    if (login && !steering.has(login)) steering.set(login, `steered the agent (${h.source})`);
  }
  return { logins, steering };
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
): { reason: IgnoredReason; detail: string } | undefined {
  const { facts, policy } = inputs;
  const login = review.user.login;
  const k = key(login);
  if (inputs.isAgentLogin(login, review.user.type)) {
    return { reason: "agent", detail: "is an AI agent; agents cannot approve" };
  }
  if (review.user.type === "Bot" || /\[bot\]$/i.test(login)) {
    return { reason: "bot", detail: "is a bot; only humans approve" };
  }
  if (k === key(facts.author.login)) {
    return { reason: "pr-author", detail: "opened this pull request" };
  }
  // The human who asked the agent for the change never approves it: that is the two-person rule.
  const steered = contributors.steering.get(k);
  if (steered) return { reason: "steered-agent", detail: steered };
  if (!policy.approvals.allow_contributors) {
    const contributed = contributors.logins.get(k);
    if (contributed) return { reason: "contributor", detail: contributed };
  }
  const reviewer = facts.reviewers[k];
  if (!reviewer) {
    return { reason: "unknown-reviewer", detail: "their repository permission could not be read" };
  }
  if (!hasPermission(reviewer.permission, policy.approvals.min_permission)) {
    return {
      reason: "permission",
      detail: `has ${reviewer.permission} permission; ${policy.approvals.min_permission} is required`,
    };
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
  const until = `it stands until @${login} approves`;
  const d = inputs.facts.dismissals.find((x) => x.reviewId === review.id);
  if (!d) {
    const detail = `their review was dismissed, but GitHub's events do not say by whom or what it said; as it may have requested changes, ${until}`;
    return { stands: true, note: { login, reason: "dismissal", detail } };
  }
  // Dismissing an approval or a comment withdraws nothing that blocks.
  if (d.dismissedState === "APPROVED" || d.dismissedState === "COMMENTED") return { stands: false, ...(d.by ? { by: d.by.login } : {}) };
  const what = d.dismissedState === "CHANGES_REQUESTED" ? `@${login}'s change request` : `@${login}'s review (it may have requested changes)`;
  if (!d.by) {
    return { stands: true, note: { login, reason: "dismissal", detail: `${what} was dismissed by an account GitHub no longer names; ${until}` } };
  }
  const dismisser: ReviewFacts = { ...review, user: d.by };
  const why = ineligibility(dismisser, inputs, contributors);
  if (!why) return { stands: false, by: d.by.login };
  return {
    stands: true,
    note: {
      login: d.by.login,
      reason: "dismissal",
      detail: `dismissed ${what}, but ${why.detail}; only someone who could approve lifts a change request, so ${until}`,
    },
  };
}

export function evaluateApprovals(inputs: ApprovalInputs): ApprovalVerdict {
  const { facts, policy } = inputs;
  const contributors = contributorsOf(facts, inputs.detection);
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
      const by = dismissal.by ? ` by @${dismissal.by}` : "";
      ignored.push({ login, reason: "superseded", detail: `their latest review was dismissed${by}` });
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
      ignored.push({
        login,
        reason: "retargeted",
        detail: `approved before the base branch was changed to ${facts.baseRef} (${retargeted}); the change against this base needs a new approval`,
      });
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
      const on = review.commitId ? review.commitId.slice(0, 7) : "an unknown commit";
      ignored.push({
        login,
        reason: "stale",
        detail: `approved ${on}; the changes differ at the current head ${facts.headSha.slice(0, 7)}`,
      });
    }
  }

  // Earlier approvals that a later change request or dismissal withdrew are worth naming too.
  const latest = latestDecisiveReviews(facts.reviews);
  for (const r of facts.reviews) {
    const now = latest.get(key(r.user.login));
    if (r.state === "APPROVED" && now && now.state === "CHANGES_REQUESTED") {
      if (!ignored.some((i) => key(i.login) === key(r.user.login))) {
        ignored.push({ login: r.user.login, reason: "superseded", detail: "later requested changes" });
      }
    }
  }
  return { counted, ignored, changesRequestedBy };
}
