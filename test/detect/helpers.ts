import type { CommitFacts, GitIdentity } from "../../src/facts/types.js";
import type { PullRequestSignals } from "../../src/detect/detect.js";

export const WEB_FLOW: GitIdentity = { name: "GitHub", email: "noreply@github.com", login: "web-flow", type: "User" };

/** `Name <email>` as a GitIdentity. */
export function who(text: string): GitIdentity {
  const m = /^(.*?)\s*<([^>]*)>$/.exec(text);
  if (!m) throw new Error(`write identities as "Name <email>": ${text}`);
  return { name: m[1]!, email: m[2]! };
}

let counter = 0;

/** A commit by `author` (and committed by them unless `committer` is given). */
export function commit(author: string | GitIdentity, message: string, committer?: string | GitIdentity): CommitFacts {
  const a = typeof author === "string" ? who(author) : author;
  const c = committer === undefined ? a : typeof committer === "string" ? who(committer) : committer;
  counter++;
  return { sha: `c0ffee${String(counter).padStart(34, "0")}`, message, author: a, committer: c, parents: [] };
}

export const HUMAN = "Ada Lovelace <ada@example.org>";

export function pr(fields: Partial<PullRequestSignals> = {}): PullRequestSignals {
  return { authorLogin: "ada", authorType: "User", headRef: "feature/thing", labels: [], title: "Add a thing", body: "", ...fields };
}
