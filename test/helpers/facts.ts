/** Plain-value builders for core tests: a pull request's facts, without GitHub. */
import type { CommitFacts, FileFacts, PullRequestFacts, ReviewFacts, ReviewerFacts, Permission } from "../../src/facts/types.js";
import type { Detection } from "../../src/detect/types.js";

export const HEAD = "a".repeat(40);
export const OLD_HEAD = "b".repeat(40);

export function commit(sha: string, message: string, author: { name: string; email: string; login?: string | null }, committer = author): CommitFacts {
  return { sha: sha.padEnd(40, "0"), message, author, committer, parents: [] };
}

export function file(filename: string, patch = "@@ -1 +1 @@\n-a\n+b", extra: Partial<FileFacts> = {}): FileFacts {
  return { filename, status: "modified", patch, additions: 1, deletions: 1, ...extra };
}

let reviewId = 1;
/** A new file as GitHub lists it: every line added. */
export function addedFile(filename: string, lines: string[]): FileFacts {
  return { filename, status: "added", additions: lines.length, deletions: 0, patch: [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n") };
}

export function review(login: string, state: ReviewFacts["state"], commitId: string | null = HEAD, type = "User"): ReviewFacts {
  return { id: reviewId++, user: { login, type }, state, commitId, submittedAt: null };
}

export function reviewer(login: string, permission: Permission = "write", activeTeams: string[] = []): ReviewerFacts {
  return { login, permission, activeTeams };
}

export function facts(over: Partial<PullRequestFacts> = {}): PullRequestFacts {
  const reviewers: Record<string, ReviewerFacts> = {};
  for (const r of over.reviews ?? []) reviewers[r.user.login.toLowerCase()] ??= reviewer(r.user.login);
  return {
    repo: { owner: "acme", name: "app", defaultBranch: "main" },
    number: 7,
    title: "Change things",
    body: "",
    draft: false,
    state: "open",
    author: { login: "alice", type: "User" },
    headSha: HEAD,
    headRef: "feature",
    baseRef: "main",
    baseSha: "c".repeat(40),
    labels: [],
    changedFiles: over.files?.length ?? 1,
    commitCount: over.commits?.length ?? 0,
    commits: [],
    files: [file("src/app.ts")],
    reviews: [],
    baseChangedAt: [],
    dismissals: [],
    diffUnchangedSince: {},
    incomplete: [],
    ...over,
    reviewers: { ...reviewers, ...(over.reviewers ?? {}) },
  };
}

export function detection(over: Partial<Detection> = {}): Detection {
  return { agentAuthored: false, agents: [], pr: [], commits: [], steeringHumans: [], ...over };
}

export function agentDetection(agent = "claude-code", over: Partial<Detection> = {}): Detection {
  return detection({ agentAuthored: true, agents: [agent], ...over });
}
