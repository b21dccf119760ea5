/**
 * The sentences of ignored approvals (src/policy/types.ts `IgnoredApproval`): the check run's
 * "Ignored" list and the CLI's `detail` say what these say. Pure.
 */
import type { Contribution, IgnoredApproval, Ineligibility } from "../policy/types.js";

const short = (sha: string) => sha.slice(0, 7);

/** How someone took part, e.g. `co-authored commit 1a2b3c4` or `steered the agent (Co-authored-by on 1a2b3c4)`. */
export function contributionText(c: Contribution): string {
  switch (c.role) {
    case "author":
      return `authored commit ${short(c.sha)}`;
    case "committer":
      return `committed ${short(c.sha)}`;
    case "co-author":
      return `co-authored commit ${short(c.sha)}`;
    case "steering":
      return `steered the agent (${c.source})`;
  }
}

/** Why someone cannot approve, as a predicate of them (`@x ` + this reads as a sentence). */
export function ineligibilityText(i: Ineligibility): string {
  switch (i.reason) {
    case "agent":
      return "is an AI agent; agents cannot approve";
    case "bot":
      return "is a bot; only humans approve";
    case "pr-author":
      return "opened this pull request";
    case "steered-agent":
    case "contributor":
      return contributionText(i.contribution);
    case "unknown-reviewer":
      return "their repository permission could not be read";
    case "permission":
      return `has ${i.permission} permission; ${i.required} is required`;
    case "unresolved-identity": {
      const more = i.others > 0 ? ` (and ${i.others} more)` : "";
      return `cannot be told apart from ${i.identity}${more}, who ${contributionText(i.contribution)} and whom GitHub links to no account`;
    }
  }
}

/** One ignored approval as the sentence shown after `@login: `. */
export function ignoredText(i: IgnoredApproval): string {
  switch (i.reason) {
    case "superseded":
      if (i.by === "changes-requested") return "later requested changes";
      return `their latest review was dismissed${i.dismisser ? ` by @${i.dismisser}` : ""}`;
    case "stale":
      return `approved ${i.approved ? short(i.approved) : "an unknown commit"}; the changes differ at the current head ${short(i.head)}`;
    case "retargeted":
      return `approved before the base branch was changed to ${i.base} (${i.changedAt}); the change against this base needs a new approval`;
    case "dismissal": {
      const until = `it stands until @${i.reviewer} approves`;
      if (i.dismissal === "unseen") {
        return `their review was dismissed, but GitHub's events do not say by whom or what it said; as it may have requested changes, ${until}`;
      }
      const what = i.dismissed === "CHANGES_REQUESTED" ? `@${i.reviewer}'s change request` : `@${i.reviewer}'s review (it may have requested changes)`;
      if (i.dismissal === "unnamed") return `${what} was dismissed by an account GitHub no longer names; ${until}`;
      return `dismissed ${what}, but ${ineligibilityText(i.because)}; only someone who could approve lifts a change request, so ${until}`;
    }
    default:
      return ineligibilityText(i);
  }
}
