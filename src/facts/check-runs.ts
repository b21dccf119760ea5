/**
 * agentgate's own check runs as read (the reads list them, the memory reads its records from them,
 * a decision names the one it replaces): types alone, a leaf every side imports without a circle.
 */

/** agentgate's own latest check run on a commit (by app id), as listed. */
export interface OwnCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

/** agentgate's own latest check run on a SHA under a check name, as read before deciding (null: none). */
export interface PriorCheckRun {
  sha: string;
  checkName: string;
  run: OwnCheckRun | null;
}
