/**
 * The notes the gate adds to a decision it publishes for more than one pull request, or where GitHub
 * would not take the status: rendered here, like every other sentence agentgate shows.
 */

/** Several open PRs share the head commit: the strictest result is the one shown. */
export function sharedHeadNote(numbers: readonly number[], shown: number): string {
  return `Pull requests ${numbers.map((n) => "#" + n).join(", ")} share this head commit; the strictest result (#${shown}) is shown.`;
}

/** The merge group's members and each one's state. */
export function mergeGroupNote(members: readonly { number: number; state: string }[]): string {
  return `Merge group of ${members.map((m) => `#${m.number} (${m.state})`).join(", ")}.`;
}

/** GitHub refuses more statuses on the context (1000 per commit): the check run is the decision. */
export function statusCapNote(context: string, lastBy?: string): string {
  return (
    `The commit status "${context}" on this commit ${lastBy ? `was last posted by @${lastBy} and ` : ""}cannot be overwritten: ` +
    "GitHub accepts at most 1000 statuses per commit and context, and this one is full. Ignore that status; this check run is " +
    "agentgate's decision. Only a required check pinned to the agentgate App in branch protection ignores statuses others post."
  );
}
