/**
 * Random sequences of what the agent and the humans around it do to one agent PR, end to end (the
 * real app over HTTP, signed webhooks, the simulator), with a model of the two-person rule beside
 * the gate. After every step the model says what the rule allows, and the test compares:
 *
 * - attack: whenever the PR's head shows `success` (the latest `agentgate` status, which is what a
 *   branch protection that does not pin the App reads, or the check run), the model finds two
 *   eligible humans who approved this change (this head, or one holding the same change) against
 *   this base, and no change request of an eligible reviewer that only someone who could approve
 *   may lift; also while GitHub fails some of the reads a step causes (5xx beyond the retries, or
 *   answers that are not what GitHub documents);
 * - control: whenever the model finds that beyond doubt, the head shows `success` (not asserted
 *   from a step with failed reads until the next review, the event that judges the PR again).
 *
 * The model is lenient for the attack (it gives the gate every benefit of the doubt) and strict for
 * the control, so where the two differ (a human whose commit a reset took out of the PR, a reviewer
 * promoted after approving) neither is asserted.
 *
 * The model knows each head by what it holds (the notes in src/app.ts, src/extra.ts, a policy file
 * of the agent's, main's commits), so it can tell when a force-push recreates a change that was
 * approved, which may carry. Maria's commits to main add docs or change the policy the PR is judged
 * by (`approvals.required`); a PR into `release` is judged by the defaults and holds those commits.
 * `AGENTGATE_SEQUENCE_RUNS` and `AGENTGATE_SEQUENCE_SEED` explore further than CI does.
 */
import { describe, expect } from "@jest/globals";
import fc from "fast-check";
import { startStack, type Stack } from "../../devtools/demo/stack.js";
import type { Permission } from "../../devtools/simulator/model.js";
import { checkRunOf, copilot, people, REPO, SECRET, seedRepo } from "../e2e/harness.js";
import { attack, control } from "./suite.js";

const RUNS = Number(process.env.AGENTGATE_SEQUENCE_RUNS ?? 100);
const SEED = Number(process.env.AGENTGATE_SEQUENCE_SEED ?? 20261202);
const BRANCH = "copilot/answer";

const mona = { login: "mona", name: "Mona Maintainer", email: "mona@acme.example" };
const olga = { login: "olga", name: "Olga Owner", email: "olga@acme.example" };
const { requester: dana, maintainerA: maria, maintainerB: max, platform: pat, reader: rita } = people;
/** Dana asked the agent for the change: its commits name her, so she steers and never approves. */
const DANA_TRAILER = `Co-authored-by: ${dana.name} <1001+${dana.login}@users.noreply.github.com>`;

/** Who may review; `renovate[bot]` has write access and Copilot wrote the PR. */
const REVIEWERS = [maria.login, max.login, mona.login, pat.login, rita.login, dana.login, "renovate[bot]"] as const;
const HUMANS = [maria, max, mona, dana] as const;
const DISMISSERS = [copilot.login, maria.login, max.login, mona.login, dana.login, rita.login] as const;

/** Reads a step causes that GitHub may fail: the gate must then fail closed, never pass. */
const READS = {
  "the PR": /\/pulls\/\d+(?:\?|$)/,
  "the reviews": /\/pulls\/\d+\/reviews/,
  "the PR's events": /\/issues\/\d+\/events/,
  "the commits and files": /\/pulls\/\d+\/(?:commits|files)|\/compare\//,
  "a permission": /\/collaborators\/[^/]+\/permission/,
  "the check runs": /\/commits\/[^/]+\/check-runs/,
  "the statuses": /\/commits\/[^/]+\/status/,
  "the PRs of a commit": /\/commits\/[^/]+\/pulls/,
  "the co-authors (GraphQL)": /^\/(?:api\/)?graphql/,
} as const;
type Read = keyof typeof READS;

/** Answers that are not what GitHub documents: an error page, or objects without their parts. */
const MALFORMED = {
  "an HTML page": () => "<html>upstream error</html>",
  "objects without their parts": (body: unknown) => {
    const strip = (o: unknown) => (o && typeof o === "object" ? Object.fromEntries(Object.entries(o).filter(([, v]) => !v || typeof v !== "object")) : o);
    return Array.isArray(body) ? body.map(strip) : strip(body);
  },
} as const;

type Fault = { read: Read; fail: number } | { read: Read; malformed: keyof typeof MALFORMED };

type Action =
  | { kind: "review"; who: string; event: "APPROVE" | "REQUEST_CHANGES" | "COMMENT" }
  | { kind: "dismiss"; reviewer: string; by: string }
  | { kind: "agent-push" }
  | { kind: "human-push"; who: string }
  | { kind: "reset"; back: number }
  | { kind: "rewrite"; notes: number; extra: boolean; trailer: boolean }
  | { kind: "retarget" }
  | { kind: "assign"; who: string }
  | { kind: "permission"; who: string; to: "read" | "write" }
  | { kind: "forge" }
  | { kind: "edit-body" }
  | { kind: "main-moves" }
  | { kind: "main-policy"; required: 1 | 2 | 3 }
  | { kind: "agent-policy" }
  | { kind: "twin" }
  | { kind: "faulty"; fault: Fault; then: Action };

const plainAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 18, arbitrary: fc.record({ kind: fc.constant("review" as const), who: fc.constantFrom(...REVIEWERS), event: fc.constantFrom("APPROVE" as const, "APPROVE" as const, "REQUEST_CHANGES" as const, "COMMENT" as const) }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant("dismiss" as const), reviewer: fc.constantFrom(...REVIEWERS), by: fc.constantFrom(...DISMISSERS) }) },
  { weight: 6, arbitrary: fc.constant({ kind: "agent-push" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("human-push" as const), who: fc.constantFrom(...HUMANS.map((h) => h.login)) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("reset" as const), back: fc.nat(4) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("rewrite" as const), notes: fc.nat(3), extra: fc.boolean(), trailer: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: "retarget" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("assign" as const), who: fc.constantFrom(maria.login, max.login, mona.login) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("permission" as const), who: fc.constantFrom(maria.login, max.login, mona.login, rita.login), to: fc.constantFrom("read" as const, "write" as const) }) },
  { weight: 3, arbitrary: fc.constant({ kind: "forge" as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: "edit-body" as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: "main-moves" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("main-policy" as const), required: fc.constantFrom(1 as const, 2 as const, 3 as const) }) },
  { weight: 3, arbitrary: fc.constant({ kind: "agent-policy" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "twin" as const }) },
);

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ read: fc.constantFrom(...(Object.keys(READS) as Read[])), fail: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ read: fc.constantFrom(...(Object.keys(READS) as Read[])), malformed: fc.constantFrom(...(Object.keys(MALFORMED) as (keyof typeof MALFORMED)[])) }),
);

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: plainAction },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("faulty" as const), fault, then: plainAction }) },
);

const isHuman = (login: string) => login !== copilot.login && !login.endsWith("[bot]");

interface ModelReview {
  id: number;
  login: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  commit: string;
  step: number;
  permissionThen: Permission | "none";
  dismissedBy?: string;
}

/** What a head holds beyond the base: the notes added to src/app.ts, src/extra.ts, main's commits. */
interface Content {
  notes: number;
  extra: boolean;
  /** The agent wrote its own `.agentgate.yml` (a protected path: never success). */
  agentPolicy: boolean;
  /** How many of main's commits since the start the head holds (they differ from `release`, not from main). */
  fromMain: number;
}

/** What the model knows of the PR: every review, who pushed into which head, the base's changes. */
class Model {
  readonly reviews: ModelReview[] = [];
  readonly assigned = new Set<string>();
  readonly everPushed = new Set<string>();
  /** The humans whose commits each head's history holds. */
  readonly pushersAt = new Map<string, ReadonlySet<string>>();
  readonly heads: string[] = [];
  readonly contentAt = new Map<string, Content>();
  lastRetarget = -1;
  /** A second PR of the agent's, from the same branch into `release`: it shares every head, unapproved. */
  twin = false;
  /** Main's commits since the start, in order: docs, or the policy with its `approvals.required`. */
  readonly mainLog: ({ docs: true } | { required: number })[] = [];
  base = "main";
  head = "";

  constructor(readonly permissions: Map<string, Permission | "none">) {}

  /** A push on the head (`content` given) or a branch rewritten from the base (`rewritten`). */
  moveTo(head: string, how: { pusher?: string; content?: Content; rewritten?: boolean } = {}): void {
    const { pusher } = how;
    const before = how.rewritten ? new Set<string>() : (this.pushersAt.get(this.head) ?? new Set<string>());
    if (!this.pushersAt.has(head)) this.pushersAt.set(head, pusher ? new Set([...before, pusher]) : before);
    if (how.content && !this.contentAt.has(head)) this.contentAt.set(head, how.content);
    if (pusher) this.everPushed.add(pusher);
    this.head = head;
    this.heads.push(head);
  }

  private writes(login: string, permission = this.permissions.get(login) ?? "none"): boolean {
    return permission === "write" || permission === "maintain" || permission === "admin";
  }

  /** Could approve, giving the gate the benefit of the doubt (lenient) or none (strict). */
  eligible(login: string, strict: boolean): boolean {
    if (!isHuman(login) || !this.writes(login)) return false;
    if (login === dana.login || this.assigned.has(login)) return false;
    return !this.contributors().has(login) && !(strict && this.everPushed.has(login));
  }

  /**
   * The humans whose commits the PR holds now: pushes to the agent's branch, and maria's docs
   * commits on main when a head built on main is compared with `release`.
   */
  private contributors(): ReadonlySet<string> {
    const pushers = this.pushersAt.get(this.head) ?? new Set<string>();
    return this.base === "release" && this.contentAt.get(this.head)!.fromMain > 0 ? new Set([...pushers, maria.login]) : pushers;
  }

  /** The PR's change at a head, against the current base: identical changes carry approvals. */
  private change(head: string): string {
    const c = this.contentAt.get(head)!;
    return `${c.notes}|${c.extra}|${c.agentPolicy}|${this.base === "main" ? "" : c.fromMain}`;
  }

  /** The approvals the base branch's policy asks for: main's latest, the defaults on `release`. */
  required(): number {
    if (this.base !== "main") return 2;
    return this.mainLog.filter((e): e is { required: number } => "required" in e).at(-1)?.required ?? 2;
  }

  /** A policy file in the PR's change: the agent's own, or main's when compared with `release`. */
  blockedPath(): boolean {
    const c = this.contentAt.get(this.head)!;
    return c.agentPolicy || (this.base === "release" && this.mainLog.slice(0, c.fromMain).some((e) => "required" in e));
  }

  private latestDecisive(login: string): ModelReview | undefined {
    return this.reviews.filter((r) => r.login === login && r.state !== "COMMENTED").at(-1);
  }

  approvals(strict: boolean): string[] {
    const logins = [...new Set(this.reviews.map((r) => r.login))];
    return logins.filter((login) => {
      const latest = this.latestDecisive(login);
      if (!this.eligible(login, strict) || latest?.state === "CHANGES_REQUESTED") return false;
      // Lenient: an approval of an identical change carries; strict: only of this very head.
      const covers = (r: ModelReview) => (strict ? r.commit === this.head : this.change(r.commit) === this.change(this.head));
      const here = this.reviews.filter((r) => r.login === login && r.state === "APPROVED" && !r.dismissedBy && covers(r) && r.step > this.lastRetarget);
      if (!strict) return here.length > 0;
      // Strict: it is the reviewer's latest word, given with the permission it needs.
      return latest !== undefined && latest === here.at(-1) && this.writes(login, latest.permissionThen);
    });
  }

  /** Change requests that still stand: by someone who could approve, lifted only by such a person. */
  blockers(strict: boolean): string[] {
    const logins = [...new Set(this.reviews.map((r) => r.login))];
    return logins.filter((login) => {
      const latest = this.latestDecisive(login);
      if (latest?.state !== "CHANGES_REQUESTED") return false;
      const reviewerCounts = strict ? isHuman(login) : this.eligible(login, true);
      if (!reviewerCounts) return false;
      return latest.dismissedBy === undefined || !this.eligible(latest.dismissedBy, strict);
    });
  }

  /** Lenient: the rule allows success. Strict: the rule certainly allows it. */
  allows(strict: boolean): boolean {
    // A twin shares the head's status and check run, and nobody reviewed it: the strictest wins.
    return !this.twin && !this.blockedPath() && this.approvals(strict).length >= this.required() && this.blockers(strict).length === 0;
  }
}

interface Findings {
  bypasses: string[];
  withheld: string[];
  successes: number;
  steps: number;
}

type PublishMode = "both" | "check_run" | "status";

/**
 * Under `publish: check_run` only the App's check run is read (branch protection then requires it
 * from the App, and statuses on the name are not agentgate's to answer); otherwise the status too.
 */
async function play(actions: Action[], publish: PublishMode, findings: Findings): Promise<void> {
  let now = Date.now();
  const stack: Stack = await startStack({
    webhookSecret: SECRET,
    clock: () => new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
  const { sim } = stack;
  const trace: string[] = [];
  try {
    seedRepo(sim, { ".agentgate.yml": `publish: ${publish}\n` });
    for (const u of [mona, olga]) sim.addUser(u);
    sim.setPermission(REPO, mona.login, "write");
    sim.setPermission(REPO, olga.login, "admin");
    sim.setPermission(REPO, "renovate[bot]", "write");
    sim.createBranch(REPO, "release", "main");
    sim.createBranch(REPO, BRANCH, "main");
    sim.commit(REPO, {
      branch: BRANCH,
      files: { "src/app.ts": "export const answer = 42;\n" },
      message: `Fix the answer\n\n${DANA_TRAILER}`,
      author: copilot.commitIdentity,
    });
    const { number } = await sim.openPullRequest(REPO, { head: BRANCH, title: "Fix the answer", body: "Fixes the answer.", author: copilot.login });
    const model = new Model(new Map([[maria.login, "maintain"], [max.login, "write"], [mona.login, "write"], [pat.login, "write"], [rita.login, "read"], [dana.login, "write"], ["renovate[bot]", "write"]]));
    const currentHead = () => sim.pullRequest(REPO, number).head.sha;
    model.moveTo(currentHead(), { content: { notes: 0, extra: false, agentPolicy: false, fromMain: 0 } });
    let notes = 0;
    const appWith = (n: number) => ({ "src/app.ts": `export const answer = 42;\n${Array.from({ length: n }, (_, i) => `// note ${i + 1}\n`).join("")}` });
    const fileWithNewLine = () => appWith(++notes);
    const grown = (): Content => ({ ...model.contentAt.get(model.head)!, notes });

    /** Does what the action says and tells the model; false when it had nothing to act on. */
    const perform = async (a: Action, s: number): Promise<boolean> => {
      switch (a.kind) {
        case "faulty": {
          // GraphQL queries are POSTs; every other read is a GET.
          const match = a.fault.read === "the co-authors (GraphQL)" ? { pathPattern: READS[a.fault.read] } : { method: "GET", pathPattern: READS[a.fault.read] };
          if ("fail" in a.fault) sim.failNext(match, 502, a.fault.fail);
          else sim.malformNext(match, MALFORMED[a.fault.malformed], 2);
          const label = "fail" in a.fault ? `${a.fault.fail} × 502 on ${a.fault.read}` : `${a.fault.malformed} as ${a.fault.read}`;
          trace.push(`GitHub answers ${label}, then:`);
          try {
            return await perform(a.then, s);
          } finally {
            sim.clearFaults();
          }
        }
        case "review": {
          const { reviewId } = await sim.submitReview(REPO, number, { reviewer: a.who, event: a.event });
          const state = a.event === "APPROVE" ? "APPROVED" : a.event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
          model.reviews.push({ id: reviewId, login: a.who, state, commit: model.head, step: s, permissionThen: model.permissions.get(a.who) ?? "none" });
          trace.push(`${a.who} ${state.toLowerCase()}`);
          return true;
        }
        case "dismiss": {
          const review = model.reviews.filter((r) => r.login === a.reviewer && r.state !== "COMMENTED" && !r.dismissedBy).at(-1);
          if (!review) return false;
          await sim.dismissReview(REPO, number, review.id, a.by);
          review.dismissedBy = a.by;
          trace.push(`${a.by} dismissed ${a.reviewer}'s ${review.state.toLowerCase()}`);
          return true;
        }
        case "agent-push":
          await sim.push(REPO, BRANCH, { files: fileWithNewLine(), message: "Tidy", author: copilot.commitIdentity });
          model.moveTo(currentHead(), { content: grown() });
          trace.push("agent pushed");
          return true;
        case "human-push": {
          const who = HUMANS.find((h) => h.login === a.who)!;
          await sim.push(REPO, BRANCH, { files: fileWithNewLine(), message: "Nudge", author: who });
          model.moveTo(currentHead(), { pusher: who.login, content: grown() });
          trace.push(`${who.login} pushed to the agent's branch`);
          return true;
        }
        case "reset": {
          const target = model.heads[Math.max(0, model.heads.length - 1 - (a.back % model.heads.length))]!;
          if (target === model.head) return false;
          await sim.resetBranch(REPO, BRANCH, target, copilot.login);
          model.moveTo(target);
          trace.push(`agent reset its branch to ${target.slice(0, 7)}`);
          return true;
        }
        case "rewrite": {
          // A force-push of one new commit on the base's tip: the same notes as an earlier head, or not.
          const n = Math.min(a.notes, notes);
          const trailer = a.trailer ? `\n\n${DANA_TRAILER}` : "";
          await sim.forcePush(REPO, BRANCH, [{ files: { ...appWith(n), ...(a.extra ? { "src/extra.ts": "export const extra = true;\n" } : {}) }, message: `Redo${trailer}`, author: copilot.commitIdentity }], { by: copilot.login });
          model.moveTo(currentHead(), { rewritten: true, content: { notes: n, extra: a.extra, agentPolicy: false, fromMain: model.base === "main" ? model.mainLog.length : 0 } });
          trace.push(`agent force-pushed ${n} notes${a.extra ? " and src/extra.ts" : ""}${a.trailer ? "" : ", without the co-author trailer"}`);
          return true;
        }
        case "twin":
          if (model.twin || model.base === "release") return false;
          await sim.openPullRequest(REPO, { head: BRANCH, base: "release", title: "Fix the answer on release", body: "Backport.", author: copilot.login });
          model.twin = true;
          trace.push("agent opened a twin PR into release");
          return true;
        case "retarget":
          // GitHub refuses a second open PR of the same head and base.
          if (model.twin && model.base === "main") return false;
          model.base = model.base === "main" ? "release" : "main";
          await sim.editPullRequest(REPO, number, { base: model.base }, copilot.login);
          model.lastRetarget = s;
          trace.push(`agent retargeted to ${model.base}`);
          return true;
        case "assign":
          await sim.assign(REPO, number, [a.who], copilot.login);
          model.assigned.add(a.who);
          trace.push(`agent assigned ${a.who}`);
          return true;
        case "permission":
          if (model.permissions.get(a.who) === a.to) return false;
          await sim.changePermission(REPO, a.who, a.to, olga.login);
          model.permissions.set(a.who, a.to);
          trace.push(`${a.who} now has ${a.to}`);
          return true;
        case "forge":
          await sim.postStatus(REPO, model.head, { state: "success", context: "agentgate", description: "2/2 approvals" }, copilot.login);
          trace.push("agent posted a success status");
          return true;
        case "edit-body":
          await sim.editPullRequest(REPO, number, { body: "Nothing to see." }, copilot.login);
          trace.push("agent edited the body");
          return true;
        case "main-moves":
          await sim.push(REPO, "main", { files: { [`docs/step-${s}.md`]: "notes\n" }, message: "Docs", author: maria });
          model.mainLog.push({ docs: true });
          trace.push("main moved on");
          return true;
        case "main-policy":
          await sim.push(REPO, "main", { files: { ".agentgate.yml": `# step ${s}\npublish: ${publish}\napprovals:\n  required: ${a.required}\n` }, message: "Policy", author: maria });
          model.mainLog.push({ required: a.required });
          trace.push(`maria set main's policy to ${a.required} approvals`);
          return true;
        case "agent-policy":
          await sim.push(REPO, BRANCH, { files: { ...fileWithNewLine(), ".agentgate.yml": `# step ${s}\napprovals:\n  required: 1\n` }, message: "Relax", author: copilot.commitIdentity });
          model.moveTo(currentHead(), { content: { ...grown(), agentPolicy: true } });
          trace.push("agent wrote its own .agentgate.yml");
          return true;
      }
    };

    // Liveness holds from the next review after a step with failed reads: that review judges again.
    let judgedSinceFault = true;
    for (const [step, a] of actions.entries()) {
      now += 1000; // GitHub's times are whole seconds: each step in its own second.
      if (!(await perform(a, step + 1))) continue;
      if (a.kind === "faulty") judgedSinceFault = false;
      else if (a.kind === "review") judgedSinceFault = true;
      expect(currentHead()).toBe(model.head);
      findings.steps++;
      const status = sim.latestStatus(REPO, model.head, "agentgate");
      const run = checkRunOf(sim, model.head);
      const shown = `status ${status?.state ?? "none"} "${status?.description ?? ""}", check run ${run?.conclusion ?? run?.status ?? "none"}`;
      const statusRead = publish !== "check_run";
      const success = (statusRead && status?.state === "success") || run?.conclusion === "success";
      if (success) findings.successes++;
      const story = () => `publish: ${publish}: ${trace.map((t, i) => `${i + 1}. ${t}`).join("; ")} → ${shown}; lenient approvals [${model.approvals(false).join(", ")}], blockers [${model.blockers(false).join(", ")}]; the check run says: ${run?.output.summary ?? ""} ${(run?.output.text ?? "").slice(0, 3000)}`;
      if (success && !model.allows(false)) findings.bypasses.push(story());
      if (judgedSinceFault && model.allows(true) && !((!statusRead || status?.state === "success") && run?.conclusion === "success")) findings.withheld.push(story());
    }
  } finally {
    await stack.stop();
  }
}

describe("random sequences against a model of the two-person rule", () => {
  let explored: Promise<Findings> | undefined;
  const explore = () =>
    (explored ??= (async () => {
      const findings: Findings = { bypasses: [], withheld: [], successes: 0, steps: 0 };
      await fc.assert(
        // The random steps, then the eligible humans' approvals: most runs then reach a state
        // where success is possible, which is where a bypass would show.
        fc.asyncProperty(
          fc.array(action, { minLength: 4, maxLength: 16 }),
          fc.shuffledSubarray([maria.login, max.login, mona.login, pat.login], { minLength: 2 }),
          fc.constantFrom<PublishMode>("both", "check_run", "status"),
          async (actions, finale, publish) => {
            await play([...actions, ...finale.map((who) => ({ kind: "review" as const, who, event: "APPROVE" as const }))], publish, findings);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      console.log(`${RUNS} sequences (seed ${SEED}): ${findings.steps} steps, ${findings.successes} showed success`);
      return findings;
    })());

  attack("c1", "random pushes, force-pushes, resets, retargets, reviews, dismissals, assignments, permission changes and forged statuses never show success the rule does not allow", async () => {
    const findings = await explore();
    expect(findings.bypasses).toEqual([]);
  }, 600_000);

  control("c1", "in the same sequences, every state the rule certainly allows shows success (and some do)", async () => {
    const findings = await explore();
    expect(findings.withheld).toEqual([]);
    expect(findings.successes).toBeGreaterThan(0);
  }, 600_000);
});
