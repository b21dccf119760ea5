/**
 * Over the rendered check-run summary: nobody is ever listed as a human who steered the agent (or
 * is a contributor, when contributors may not approve) and counted as an approver, however the
 * people are named (login, noreply address, an email GitHub links, an email it does not link) and
 * whatever roles they hold.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import type { LoadedPolicy } from "../../src/config/load.js";
import { defaultPolicy } from "../../src/config/schema.js";
import { decide } from "../../src/decide.js";
import { renderSummary } from "../../src/report/markdown.js";
import type { CommitFacts } from "../../src/facts/types.js";
import { facts, review } from "../helpers/facts.js";

const PEOPLE = ["ann", "bob", "cy", "dee", "eve"];
type Naming = "login" | "noreply" | "linked-email" | "unlinked-email";
type Role = "co-author" | "pushed" | "assignee" | "issue-assignee" | "requester";

const person = fc.record({
  login: fc.constantFrom(...PEOPLE),
  role: fc.constantFrom<Role>("co-author", "pushed", "assignee", "issue-assignee", "requester"),
  naming: fc.constantFrom<Naming>("login", "noreply", "linked-email", "unlinked-email"),
});

const scenario = fc.record({
  involved: fc.array(person, { maxLength: 4 }),
  approvers: fc.subarray(PEOPLE),
  allowContributors: fc.boolean(),
});

function email(login: string, naming: Naming): string {
  if (naming === "noreply") return `7+${login}@users.noreply.github.com`;
  if (naming === "login") return `${login}@acme.example`;
  return naming === "linked-email" ? `${login}@home.example` : `${login}@laptop.local`;
}

function build(s: { involved: { login: string; role: Role; naming: Naming }[]; approvers: string[]; allowContributors: boolean }) {
  const trailers: string[] = [];
  const commits: CommitFacts[] = [];
  const assignees: { login: string; type: string }[] = [];
  const issueAssignees: { login: string; type: string }[] = [];
  const linkedEmails: Record<string, string | null> = {};
  let body = "";
  for (const p of s.involved) {
    const e = email(p.login, p.naming);
    linkedEmails[e] = p.naming === "unlinked-email" ? null : p.login;
    if (p.role === "co-author") trailers.push(`Co-authored-by: ${p.login} <${e}>`);
    if (p.role === "pushed") {
      const who = { name: p.login, email: e, login: p.naming === "login" || p.naming === "linked-email" ? p.login : null };
      commits.push({ sha: `${commits.length + 1}`.padEnd(40, "e"), message: "Tweak", author: who, committer: who, parents: [] });
    }
    if (p.role === "assignee") assignees.push({ login: p.login, type: "User" });
    if (p.role === "issue-assignee") issueAssignees.push({ login: p.login, type: "User" });
    if (p.role === "requester") body += `Requested by: @${p.login}\n`;
  }
  const agent = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot", type: "Bot" };
  commits.unshift({ sha: "a".repeat(40), message: `Change\n\n${trailers.join("\n")}`, author: agent, committer: agent, parents: [] });
  return facts({
    author: { login: "Copilot", type: "Bot" },
    headRef: "copilot/change",
    body,
    commits,
    assignees,
    closingIssues: issueAssignees.length ? [{ number: 3, assignees: issueAssignees }] : [],
    linkedEmails,
    reviews: s.approvers.map((l) => review(l, "APPROVED")),
  });
}

describe("the check-run summary", () => {
  it("never lists a person both as steering (or a contributor) and as counted", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const policy = defaultPolicy();
        const loaded: LoadedPolicy = { policy: { ...policy, approvals: { ...policy.approvals, allow_contributors: s.allowContributors } }, problems: [], sources: [] };
        const d = decide(build(s), loaded);
        const summary = renderSummary(d);
        const steeringLine = /Humans who steered the agent \(they cannot approve\): (.*)\./.exec(summary)?.[1] ?? "";
        const steering = new Set([...steeringLine.matchAll(/@([a-z]+)/g)].map((m) => m[1]));
        const countedBlock = /Counted \(\d+\):\n((?:- .*\n?)*)/.exec(summary)?.[1] ?? "";
        const counted = [...countedBlock.matchAll(/^- @([a-z]+)/gm)].map((m) => m[1]!);
        // Ground truth, from the scenario: who steered, who contributed.
        const steered = s.involved.filter((p) => p.role !== "pushed").map((p) => p.login);
        const contributed = s.involved.filter((p) => p.role === "pushed").map((p) => p.login);
        for (const login of counted) {
          expect(steering.has(login)).toBe(false);
          expect(steered).not.toContain(login);
          if (!s.allowContributors) expect(contributed).not.toContain(login);
        }
        // Anyone GitHub cannot link holds every approval up, and the summary says how to unblock it.
        const unlinked = s.involved.filter((p) => p.naming === "unlinked-email" && (p.role === "co-author" || (p.role === "pushed" && !s.allowContributors)));
        if (unlinked.length) {
          expect(counted).toEqual([]);
          expect(d.state).not.toBe("success");
          expect(summary).toContain("To unblock: link");
        }
      }),
      { numRuns: 300 },
    );
  });
});
