/**
 * Which pushes re-judge open pull requests: those that change the policy, and those whose payload
 * cannot rule it out. Built on GitHub's own example push payload.
 */
import { describe, expect, it } from "@jest/globals";
import { createRequire } from "node:module";
import { mayChangePolicy, PUSH_COMMITS_LISTED } from "../../src/handlers/push.js";

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: Record<string, any>[];
}[];
const push = examples.find((e) => e.name === "push")!.examples.find((p) => p.commits.length > 0)!;
const withFiles = (files: Partial<Record<"added" | "modified" | "removed", string[]>>) => ({
  ...push,
  commits: [{ ...push.commits[0], added: [], modified: [], removed: [], ...files }],
});

describe("a push may change the policy", () => {
  it("when a commit adds, edits or removes a policy file", () => {
    expect(mayChangePolicy(withFiles({ modified: [".agentgate.yml"] }))).toBe(true);
    expect(mayChangePolicy(withFiles({ added: [".github/agentgate.yml"] }))).toBe(true);
    expect(mayChangePolicy(withFiles({ removed: [".agentgate.yml"] }))).toBe(true);
  });

  it("not when it only touches other files, even ones with a similar name", () => {
    expect(mayChangePolicy(withFiles({ modified: ["README.md", "docs/.agentgate.yml", "agentgate.yml"] }))).toBe(false);
  });

  it("when it was forced: a dropped commit may have changed the policy", () => {
    expect(mayChangePolicy({ ...withFiles({ modified: ["README.md"] }), forced: true })).toBe(true);
  });

  it("when GitHub listed as many commits as it lists at most", () => {
    const many = Array.from({ length: PUSH_COMMITS_LISTED }, () => ({ ...push.commits[0], added: [], modified: ["src/a.ts"], removed: [] }));
    expect(mayChangePolicy({ ...push, commits: many })).toBe(true);
  });

  it("not when the branch was deleted", () => {
    expect(mayChangePolicy({ ...withFiles({}), commits: [], deleted: true, forced: true })).toBe(false);
  });
});
