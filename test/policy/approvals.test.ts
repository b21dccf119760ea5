import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../src/config/schema.js";
import { contributorsOf, evaluateApprovals, hasPermission, loginFromNoreplyEmail, unresolvedIdentityReasons, type ApprovalInputs } from "../../src/policy/approvals.js";
import { reasonText } from "../../src/report/reasons.js";

/** One line per unresolved identity that holds approvals up, as the check run words it. */
const unresolvedIdentityLines = (inputs: ApprovalInputs) => unresolvedIdentityReasons(inputs).map(reasonText);
import type { DismissalFacts, ReviewFacts } from "../../src/facts/types.js";
import { agentDetection, commit, facts, HEAD, OLD_HEAD, review, reviewer } from "../helpers/facts.js";
import { ignoredText } from "../../src/report/approvals.js";
import type { ApprovalVerdict } from "../../src/policy/approvals.js";

/** The ignored approvals as the check run and the CLI word them (src/report/approvals.ts). */
const shown = (v: ApprovalVerdict) => v.ignored.map((i) => ({ login: i.login, reason: i.reason, detail: ignoredText(i) }));

const notAnAgent = () => false;
const policy = defaultPolicy();

function verdict(f: ReturnType<typeof facts>, det = agentDetection(), p = policy, isAgentLogin: (l: string, t: string) => boolean = notAnAgent) {
  return evaluateApprovals({ facts: f, detection: det, policy: p, isAgentLogin });
}

describe("who counts as an approver", () => {
  it("counts a writer's approval of the current head", () => {
    const v = verdict(facts({ reviews: [review("maria", "APPROVED")] }));
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
    expect(v.ignored).toEqual([]);
  });

  it("ignores the PR author's own approval", () => {
    const v = verdict(facts({ reviews: [review("alice", "APPROVED")] }));
    expect(v.counted).toEqual([]);
    expect(shown(v)).toEqual([{ login: "alice", reason: "pr-author", detail: "opened this pull request" }]);
  });

  it("ignores bots and agents, with the reason", () => {
    const v = verdict(
      facts({ reviews: [review("renovate[bot]", "APPROVED", HEAD, "Bot"), review("Copilot", "APPROVED", HEAD, "Bot")] }),
      agentDetection(),
      policy,
      (login) => login === "Copilot",
    );
    expect(v.counted).toEqual([]);
    expect(v.ignored.map((i) => [i.login, i.reason])).toEqual([
      ["renovate[bot]", "bot"],
      ["Copilot", "agent"],
    ]);
  });

  it("ignores a reviewer below the required permission and says which permission was needed", () => {
    const v = verdict(facts({ reviews: [review("rita", "APPROVED")], reviewers: { rita: reviewer("rita", "read") } }));
    expect(shown(v)).toEqual([{ login: "rita", reason: "permission", detail: "has read permission; write is required" }]);
  });

  it("honours a higher minimum permission", () => {
    const p = { ...policy, approvals: { ...policy.approvals, min_permission: "maintain" as const } };
    const v = verdict(facts({ reviews: [review("wes", "APPROVED")], reviewers: { wes: reviewer("wes", "write") } }), agentDetection(), p);
    expect(v.counted).toEqual([]);
    expect(v.ignored[0]?.reason).toBe("permission");
  });

  it("ignores the human who committed with the agent, and a human co-author", () => {
    const commits = [
      commit("1111111", "Fix it\n\nCo-authored-by: Bob Builder <123+bob@users.noreply.github.com>", { name: "Dan", email: "dan@acme.dev", login: "dan" }),
    ];
    const v = verdict(facts({ commits, reviews: [review("dan", "APPROVED"), review("bob", "APPROVED"), review("maria", "APPROVED")] }));
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
    expect(v.ignored.map((i) => [i.login, i.reason])).toEqual([
      ["dan", "contributor"],
      ["bob", "contributor"],
    ]);
  });

  it("ignores the requester the agent names, even when they wrote no line themselves", () => {
    const det = agentDetection("devin", { steeringHumans: [{ login: "sam", source: "Requested by: in the PR body" }] });
    const v = verdict(facts({ reviews: [review("sam", "APPROVED")] }), det);
    expect(shown(v)).toEqual([{ login: "sam", reason: "steered-agent", detail: "steered the agent (Requested by: in the PR body)" }]);
  });

  it("lets contributors approve when the policy allows it", () => {
    const commits = [commit("2222222", "Fix", { name: "Dan", email: "dan@acme.dev", login: "dan" })];
    const p = { ...policy, approvals: { ...policy.approvals, allow_contributors: true } };
    const v = verdict(facts({ commits, reviews: [review("dan", "APPROVED")] }), agentDetection(), p);
    expect(v.counted.map((a) => a.login)).toEqual(["dan"]);
  });

  it("never lets the requester approve, even when contributors may", () => {
    const det = agentDetection("devin", { steeringHumans: [{ login: "sam", source: "Requested by: in the PR body" }] });
    const p = { ...policy, approvals: { ...policy.approvals, allow_contributors: true } };
    const v = verdict(facts({ reviews: [review("sam", "APPROVED")] }), det, p);
    expect(v.counted).toEqual([]);
    expect(v.ignored[0]?.reason).toBe("steered-agent");
  });

  it("maps a co-author email to a login through another commit of the PR", () => {
    const commits = [
      commit("3333333", "One", { name: "Eve", email: "eve@corp.example", login: "eve" }),
      commit("4444444", "Two\n\nCo-authored-by: Eve <eve@corp.example>", { name: "Agent", email: "agent@x.example" }),
    ];
    const c = contributorsOf(facts({ commits }), agentDetection());
    expect([...c.logins.keys()]).toEqual(["eve"]);
  });

  it("never treats the web-flow committer as a person", () => {
    const commits = [commit("5555555", "Squash", { name: "Ann", email: "ann@x.example", login: "ann" }, { name: "GitHub", email: "noreply@github.com" })];
    const c = contributorsOf(facts({ commits }), agentDetection());
    expect([...c.logins.keys()]).toEqual(["ann"]);
  });
});

describe("approvals of earlier commits", () => {
  it("ignores an approval of an older head when the changes differ", () => {
    const v = verdict(facts({ reviews: [review("maria", "APPROVED", OLD_HEAD)] }));
    expect(v.counted).toEqual([]);
    expect(v.ignored[0]).toMatchObject({ login: "maria", reason: "stale" });
    expect(shown(v)[0]?.detail).toContain("bbbbbbb");
  });

  it("carries an approval over when the diff is unchanged since, and says from where", () => {
    const v = verdict(facts({ reviews: [review("maria", "APPROVED", OLD_HEAD)], diffUnchangedSince: { [OLD_HEAD]: true } }));
    expect(v.counted).toEqual([{ login: "maria", commitId: HEAD, carriedFrom: OLD_HEAD }]);
  });

  it("does not carry it when the policy says so", () => {
    const p = { ...policy, approvals: { ...policy.approvals, keep_on_identical_diff: false } };
    const v = verdict(facts({ reviews: [review("maria", "APPROVED", OLD_HEAD)], diffUnchangedSince: { [OLD_HEAD]: true } }), agentDetection(), p);
    expect(v.counted).toEqual([]);
  });
});

describe("the latest review decides", () => {
  it("a later change request withdraws an approval and blocks", () => {
    const v = verdict(facts({ reviews: [review("maria", "APPROVED"), review("maria", "CHANGES_REQUESTED")] }));
    expect(v.counted).toEqual([]);
    expect(v.changesRequestedBy).toEqual(["maria"]);
    expect(shown(v)).toEqual([{ login: "maria", reason: "superseded", detail: "later requested changes" }]);
  });

  it("a comment after an approval does not withdraw it", () => {
    const v = verdict(facts({ reviews: [review("maria", "APPROVED"), review("maria", "COMMENTED")] }));
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
  });

  it("a dismissed approval does not count", () => {
    const dismissed = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [dismissed], dismissals: [dismissal(dismissed.id, "Copilot", "APPROVED", "Bot")] }));
    expect(v.counted).toEqual([]);
    expect(v.changesRequestedBy).toEqual([]);
    expect(shown(v)).toEqual([{ login: "maria", reason: "superseded", detail: "their latest review was dismissed by @Copilot" }]);
  });

  it("an approval after a change request clears the request", () => {
    const v = verdict(facts({ reviews: [review("maria", "CHANGES_REQUESTED"), review("maria", "APPROVED")] }));
    expect(v.changesRequestedBy).toEqual([]);
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
  });

  it("a change request from someone who could not approve does not block", () => {
    const v = verdict(facts({ reviews: [review("rita", "CHANGES_REQUESTED")], reviewers: { rita: reviewer("rita", "read") } }));
    expect(v.changesRequestedBy).toEqual([]);
  });
});

function dismissal(reviewId: number, by: string | null, dismissedState: DismissalFacts["dismissedState"] = "CHANGES_REQUESTED", type = "User"): DismissalFacts {
  return { reviewId, by: by === null ? null : { login: by, type }, at: "2026-12-01T10:00:00Z", dismissedState };
}

const at = (r: ReviewFacts, submittedAt: string | null): ReviewFacts => ({ ...r, submittedAt });

describe("an approval covers the base it saw", () => {
  const RETARGET = "2026-12-01T10:00:00Z";

  it("does not count an approval of the head given before the base branch was changed", () => {
    const v = verdict(facts({ reviews: [at(review("maria", "APPROVED"), "2026-12-01T09:59:59Z")], baseChangedAt: [RETARGET] }));
    expect(v.counted).toEqual([]);
    expect(shown(v)).toEqual([
      {
        login: "maria",
        reason: "retargeted",
        detail: `approved before the base branch was changed to main (${RETARGET}); the change against this base needs a new approval`,
      },
    ]);
    expect(v.ignored).toEqual([{ login: "maria", reason: "retargeted", base: "main", changedAt: RETARGET }]);
  });

  it("counts an approval given after the last base change", () => {
    const v = verdict(facts({ reviews: [at(review("maria", "APPROVED"), "2026-12-01T10:00:01Z")], baseChangedAt: ["2026-12-01T08:00:00Z", RETARGET] }));
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
  });

  it("judges by the latest of several base changes, in whatever order they are listed", () => {
    const v = verdict(facts({ reviews: [at(review("maria", "APPROVED"), "2026-12-01T09:00:00Z")], baseChangedAt: [RETARGET, "2026-12-01T08:00:00Z"] }));
    expect(v.ignored[0]?.reason).toBe("retargeted");
  });

  it("treats the same second, an unknown review time and an unreadable change time as not seen", () => {
    for (const [submitted, changed] of [[RETARGET, RETARGET], [null, RETARGET], ["2026-12-01T11:00:00Z", "not a time"]] as const) {
      const v = verdict(facts({ reviews: [at(review("maria", "APPROVED"), submitted)], baseChangedAt: [changed] }));
      expect(v.counted).toEqual([]);
    }
  });

  it("never carries an approval of an earlier head across a base change, even with an identical diff", () => {
    const v = verdict(
      facts({ reviews: [at(review("maria", "APPROVED", OLD_HEAD), "2026-12-01T09:00:00Z")], baseChangedAt: [RETARGET], diffUnchangedSince: { [OLD_HEAD]: true } }),
    );
    expect(v.counted).toEqual([]);
    expect(v.ignored[0]?.reason).toBe("retargeted");
  });

  it("leaves a change request standing across a base change", () => {
    const v = verdict(facts({ reviews: [at(review("maria", "CHANGES_REQUESTED"), "2026-12-01T09:00:00Z")], baseChangedAt: [RETARGET] }));
    expect(v.changesRequestedBy).toEqual(["maria"]);
  });
});

describe("a change request is lifted only by someone who could approve", () => {
  const isCopilot = (login: string) => login === "Copilot";

  it("stands when the agent dismissed it, and says who and why", () => {
    const cr = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [cr], dismissals: [dismissal(cr.id, "Copilot", "CHANGES_REQUESTED", "Bot")] }), agentDetection(), policy, isCopilot);
    expect(v.changesRequestedBy).toEqual(["maria"]);
    expect(shown(v)).toEqual([
      {
        login: "Copilot",
        reason: "dismissal",
        detail:
          "dismissed @maria's change request, but is an AI agent; agents cannot approve; only someone who could approve lifts a change request, so it stands until @maria approves",
      },
    ]);
  });

  it("stands when a bot, the PR author, the requester or a read-only user dismissed it", () => {
    const det = agentDetection("devin", { steeringHumans: [{ login: "sam", source: "Requested by: in the PR body" }] });
    for (const [by, type, why] of [
      ["renovate[bot]", "Bot", "is a bot"],
      ["alice", "User", "opened this pull request"],
      ["sam", "User", "steered the agent"],
      ["rita", "User", "has read permission; write is required"],
    ] as const) {
      const cr = review("maria", "DISMISSED");
      const f = facts({ reviews: [cr], dismissals: [dismissal(cr.id, by, "CHANGES_REQUESTED", type)], reviewers: { rita: reviewer("rita", "read") } });
      const v = verdict(f, det);
      expect(v.changesRequestedBy).toEqual(["maria"]);
      expect(shown(v).find((i) => i.login === by)?.detail).toContain(why);
    }
  });

  it("stands when the dismisser's permission is unknown, below the policy's minimum, or they contributed", () => {
    const p = { ...policy, approvals: { ...policy.approvals, min_permission: "maintain" as const } };
    const cr = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [cr], dismissals: [dismissal(cr.id, "wes")], reviewers: { maria: reviewer("maria", "admin"), wes: reviewer("wes", "write") } }), agentDetection(), p);
    expect(v.changesRequestedBy).toEqual(["maria"]);

    const unknown = facts({ reviews: [cr], dismissals: [dismissal(cr.id, "zed")] });
    delete unknown.reviewers.zed;
    expect(shown(verdict(unknown))[0]?.detail).toContain("their repository permission could not be read");

    const commits = [commit("8888888", "Fix", { name: "Dan", email: "dan@acme.dev", login: "dan" })];
    expect(verdict(facts({ commits, reviews: [cr], dismissals: [dismissal(cr.id, "dan")], reviewers: { dan: reviewer("dan") } })).changesRequestedBy).toEqual(["maria"]);
  });

  it("stands when GitHub names no dismisser, or shows no dismissal at all", () => {
    const cr = review("maria", "DISMISSED");
    const ghost = verdict(facts({ reviews: [cr], dismissals: [dismissal(cr.id, null)] }));
    expect(ghost.changesRequestedBy).toEqual(["maria"]);
    expect(shown(ghost)[0]?.detail).toContain("dismissed by an account GitHub no longer names");
    const none = verdict(facts({ reviews: [cr] }));
    expect(none.changesRequestedBy).toEqual(["maria"]);
    expect(shown(none)[0]?.detail).toContain("GitHub's events do not say by whom");
  });

  it("stands when an ineligible account dismissed a review whose earlier state is unknown", () => {
    const cr = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [cr], dismissals: [dismissal(cr.id, "Copilot", null, "Bot")] }), agentDetection(), policy, isCopilot);
    expect(v.changesRequestedBy).toEqual(["maria"]);
    expect(shown(v)[0]?.detail).toContain("@maria's review (it may have requested changes)");
  });

  it("is lifted when a maintainer who could approve dismissed it", () => {
    const cr = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [cr], dismissals: [dismissal(cr.id, "max")], reviewers: { max: reviewer("max", "maintain") } }));
    expect(v.changesRequestedBy).toEqual([]);
    expect(shown(v)).toEqual([{ login: "maria", reason: "superseded", detail: "their latest review was dismissed by @max" }]);
  });

  it("is lifted by the same reviewer's later approval, whoever dismissed it", () => {
    const cr = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [cr, review("maria", "APPROVED")], dismissals: [dismissal(cr.id, "Copilot", "CHANGES_REQUESTED", "Bot")] }));
    expect(v.changesRequestedBy).toEqual([]);
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
  });

  it("is not lifted by another reviewer's approval", () => {
    const cr = review("maria", "DISMISSED");
    const v = verdict(facts({ reviews: [cr, review("max", "APPROVED")], dismissals: [dismissal(cr.id, "Copilot", "CHANGES_REQUESTED", "Bot")] }));
    expect(v.changesRequestedBy).toEqual(["maria"]);
  });

  it("never blocks for a reviewer who could not approve in the first place", () => {
    const cr = review("rita", "DISMISSED");
    const v = verdict(facts({ reviews: [cr], dismissals: [dismissal(cr.id, "Copilot", "CHANGES_REQUESTED", "Bot")], reviewers: { rita: reviewer("rita", "read") } }));
    expect(v.changesRequestedBy).toEqual([]);
  });
});

describe("helpers", () => {
  it("orders permissions as GitHub does", () => {
    expect(hasPermission("maintain", "write")).toBe(true);
    expect(hasPermission("triage", "write")).toBe(false);
    expect(hasPermission("admin", "admin")).toBe(true);
  });
  it("reads a login out of GitHub's noreply email forms", () => {
    expect(loginFromNoreplyEmail("198982749+Copilot@users.noreply.github.com")).toBe("Copilot");
    expect(loginFromNoreplyEmail("octocat@users.noreply.github.com")).toBe("octocat");
    expect(loginFromNoreplyEmail("octocat@github.com")).toBeUndefined();
  });
});

describe("hostile commit messages", () => {
  it("reads co-authors in linear time, even from a 200 KB trailer line", () => {
    const hostile = `Fix\n\nCo-authored-by: ${"a".repeat(200_000)}\nCo-authored-by: Bob <123+bob@users.noreply.github.com>`;
    const started = Date.now();
    const c = contributorsOf(facts({ commits: [commit("6666666", hostile, { name: "X", email: "x@x.example" })] }), agentDetection());
    expect(Date.now() - started).toBeLessThan(1000);
    expect([...c.logins.keys()]).toContain("bob");
  });

  it("still finds a co-author written without angle brackets or with a different case", () => {
    const msg = "Fix\n\nCO-AUTHORED-BY: Bob Builder 123+bob@users.noreply.github.com";
    const c = contributorsOf(facts({ commits: [commit("7777777", msg, { name: "X", email: "x@x.example" })] }), agentDetection());
    expect([...c.logins.keys()]).toEqual(["bob"]);
  });
});

describe("people GitHub links to no account", () => {
  const unlinkedCoAuthor = [commit("8888888", "Fix\n\nCo-authored-by: Dana <dana@home.example>", { name: "Claude", email: "noreply@anthropic.com" })];
  const steeringDana = agentDetection("claude-code", { steeringHumans: [{ email: "dana@home.example", name: "Dana", source: "Co-authored-by on 8888888" }] });
  const isMachine = (who: { email: string }) => who.email === "noreply@anthropic.com";
  const run = (f: ReturnType<typeof facts>, det = steeringDana, p = policy) =>
    evaluateApprovals({ facts: f, detection: det, policy: p, isAgentLogin: notAnAgent, isAgentIdentity: isMachine });

  it("an unlinked steering human holds every approval up, naming them and the commit", () => {
    const v = run(facts({ commits: unlinkedCoAuthor, reviews: [review("maria", "APPROVED"), review("max", "APPROVED")] }));
    expect(v.counted).toEqual([]);
    expect(v.ignored.map((i) => i.reason)).toEqual(["unresolved-identity", "unresolved-identity"]);
    expect(shown(v)[0]?.detail).toBe(
      "cannot be told apart from Dana <dana@home.example>, who steered the agent (Co-authored-by on 8888888) and whom GitHub links to no account",
    );
  });

  it("says what unblocks it", () => {
    const lines = unresolvedIdentityLines({ facts: facts({ commits: unlinkedCoAuthor, linkedEmails: { "dana@home.example": null } }), detection: steeringDana, policy, isAgentLogin: notAnAgent, isAgentIdentity: isMachine });
    expect(lines).toEqual([
      "no approval counts while GitHub links Dana <dana@home.example> to no account; they steered the agent (Co-authored-by on 8888888). To unblock: link dana@home.example to that person's GitHub account (Settings → Emails), or rewrite the commit to name them by an email of their account or their noreply address (ID+login@users.noreply.github.com)",
    ]);
  });

  it("without GitHub's links (a local range), says only that agentgate knows no account", () => {
    const lines = unresolvedIdentityLines({ facts: facts({ commits: unlinkedCoAuthor }), detection: steeringDana, policy, isAgentLogin: notAnAgent, isAgentIdentity: isMachine });
    expect(lines[0]).toMatch(/^no approval counts while Dana <dana@home\.example> is linked to no GitHub account agentgate knows of; they steered/);
  });

  it("a change request from such a reviewer still blocks", () => {
    const v = run(facts({ commits: unlinkedCoAuthor, reviews: [review("maria", "CHANGES_REQUESTED")] }));
    expect(v.changesRequestedBy).toEqual(["maria"]);
  });

  it("once GitHub links the email, only that person is kept out", () => {
    const v = run(facts({ commits: unlinkedCoAuthor, linkedEmails: { "dana@home.example": "dana" }, reviews: [review("dana", "APPROVED"), review("maria", "APPROVED")] }));
    expect(v.counted.map((a) => a.login)).toEqual(["maria"]);
    expect(shown(v)).toEqual([{ login: "dana", reason: "steered-agent", detail: "steered the agent (Co-authored-by on 8888888)" }]);
  });

  it("an unlinked contributor holds approvals up unless contributors may approve; an agent's own email never does", () => {
    const pushed = [commit("9999999", "Tweak", { name: "Maria", email: "maria@laptop.local" })];
    const det = agentDetection();
    expect(run(facts({ commits: pushed, reviews: [review("max", "APPROVED")] }), det).ignored[0]?.reason).toBe("unresolved-identity");
    const allow = { ...policy, approvals: { ...policy.approvals, allow_contributors: true } };
    expect(run(facts({ commits: pushed, reviews: [review("max", "APPROVED")] }), det, allow).counted.map((a) => a.login)).toEqual(["max"]);
    const agentOnly = [commit("7777777", "Fix", { name: "Claude", email: "noreply@anthropic.com" })];
    expect(run(facts({ commits: agentOnly, reviews: [review("max", "APPROVED")] }), det).counted.map((a) => a.login)).toEqual(["max"]);
  });

  it("a steering human holds approvals up even when contributors may approve", () => {
    const allow = { ...policy, approvals: { ...policy.approvals, allow_contributors: true } };
    expect(run(facts({ commits: unlinkedCoAuthor, reviews: [review("max", "APPROVED")] }), steeringDana, allow).counted).toEqual([]);
  });

  it("the reason names the first identity and how many more", () => {
    const commits = [commit("1212121", "Fix\n\nCo-authored-by: A <a@x.example>\nCo-authored-by: B <b@x.example>", { name: "Claude", email: "noreply@anthropic.com" })];
    const v = run(facts({ commits, reviews: [review("max", "APPROVED")] }), agentDetection());
    expect(shown(v)[0]?.detail).toMatch(/^cannot be told apart from A <a@x\.example> \(and 1 more\), who co-authored commit 1212121/);
  });
});
