import { describe, expect, it } from "@jest/globals";
import { defaultPolicy, policySchema } from "../../src/config/schema.js";
import { detectorFor } from "../../src/decide.js";
import { runIdOf } from "../../src/deploy/gate.js";
import { DEPLOY_COMMENT_MAX, deploymentComment, outcomeText } from "../../src/report/deploy.js";
import {
  environmentRuleFor,
  judgeDeployment,
  type CommitRoute,
  type DeploymentFacts,
  type PullRoute,
} from "../../src/deploy/judge.js";
import type { CommitFacts } from "../../src/facts/types.js";
import { checkRequestBody, OpenApiChecker } from "../simulator/schemas.js";

const policy = defaultPolicy();
const detector = detectorFor(policy);
const sha = (n: number) => n.toString(16).padStart(40, "a");
const human = { name: "Maria", email: "maria@acme.example", login: "maria", type: "User" };
const copilotId = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot", type: "Bot" };

function commit(n: number, author = human): CommitFacts {
  return { sha: sha(n), message: `change ${n}`, author, committer: author, parents: [] };
}

function pull(over: Partial<PullRoute> = {}): PullRoute {
  return {
    number: 7,
    merged: true,
    baseRef: "main",
    headSha: sha(99),
    signals: { authorLogin: "maria", authorType: "User", headRef: "fix", labels: [], title: "Fix", body: "" },
    verdict: { state: "success" },
    memory: { pr: false, commits: [], garbled: false },
    ...over,
  };
}

function facts(commits: CommitFacts[], routes: Record<string, CommitRoute>, over: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return { environment: "production", sha: sha(1), ref: "main", sender: { login: "maria", type: "User" }, commits, routes, problems: [], ...over };
}

describe("environmentRuleFor", () => {
  const p = policySchema.parse({
    environments: [
      { name: "production*", max_commits: 100 },
      { name: "*", allow_agent_deployers: true },
    ],
  });
  it("takes the first rule whose glob matches, case-insensitively", () => {
    expect(environmentRuleFor(p, "Production-EU")).toMatchObject({ name: "production*", max_commits: 100, allow_agent_deployers: false });
    expect(environmentRuleFor(p, "preview")).toMatchObject({ name: "*", allow_agent_deployers: true });
  });
  it("gives the defaults when no rule matches or there is no section", () => {
    expect(environmentRuleFor(policy, "production")).toEqual({ name: "*", allow_agent_deployers: false, max_commits: 500 });
  });
});

describe("runIdOf", () => {
  it("reads the run id from GitHub's callback URL, and nothing else", () => {
    expect(runIdOf("https://api.github.com/repos/acme/app/actions/runs/4242/deployment_protection_rule")).toBe(4242);
    expect(runIdOf("https://api.github.com/repos/acme/app/actions/runs/x/deployment_protection_rule")).toBeUndefined();
    expect(runIdOf("https://api.github.com/repos/acme/app/actions/runs/12")).toBeUndefined();
    expect(runIdOf(undefined)).toBeUndefined();
  });
});

describe("judgeDeployment", () => {
  it("approves human commits with no pull request, and agent commits a passing merged PR brought", () => {
    const j = judgeDeployment(
      facts([commit(1), commit(2, copilotId)], { [sha(1)]: { kind: "pulls", pulls: [] }, [sha(2)]: { kind: "pulls", pulls: [pull()] } }),
      policy,
      detector,
    );
    expect(j.state).toBe("approved");
    expect(deploymentComment(j)).toContain("1 agent-written, each through a pull request agentgate passed (#7)");
  });

  it("counts only pull requests into the deployed branch or the default branch", () => {
    const agentCommit = [commit(2, copilotId)];
    const via = (baseRef: string, over: Partial<DeploymentFacts> = {}) =>
      judgeDeployment(facts(agentCommit, { [sha(2)]: { kind: "pulls", pulls: [pull({ baseRef })] } }, over), policy, detector);
    expect(via("main").state).toBe("approved");
    expect(via("release", { ref: "refs/heads/release", defaultBranch: "main" }).state).toBe("approved");
    expect(via("main", { ref: "refs/heads/release", defaultBranch: "main" }).state).toBe("approved");
    const side = via("lax", { defaultBranch: "main" });
    expect(side.state).toBe("rejected");
    expect(side.rejectedCommits[0]?.outcome).toEqual({ kind: "direct-push", branch: "main", bases: ["main"], elsewhere: { pr: 7, base: "lax" } });
    expect(outcomeText(side.rejectedCommits[0]!.outcome)).toBe("merged in #7 into lax, not through a pull request into main");
  });

  it("rejects a commit whose pull requests could not be read, even a human-looking one", () => {
    const j = judgeDeployment(facts([commit(1)], { [sha(1)]: { kind: "unread", cause: "Server Error (HTTP 502)" } }), policy, detector);
    expect(j.state).toBe("rejected");
    expect(deploymentComment(j)).toContain(`${sha(1).slice(0, 7)}: could not tell how it reached main: Server Error (HTTP 502)`);
  });

  it("rejects a commit that was never looked up", () => {
    expect(judgeDeployment(facts([commit(1)], {}), policy, detector).state).toBe("rejected");
  });

  it("counts a human's commit in an agent PR (its branch, or agentgate's memory) as agent-written", () => {
    const agentBranch = pull({ signals: { ...pull().signals, headRef: "copilot/fix" }, verdict: { state: "not-success", shown: "pending" } });
    const remembered = pull({ memory: { pr: true, commits: [], garbled: false }, verdict: { state: "not-success", shown: "failure" } });
    const garbled = pull({ memory: { pr: false, commits: [], garbled: true }, verdict: { state: "none" } });
    for (const [p, why] of [
      [agentBranch, "merged in #7 while agentgate said pending"],
      [remembered, "merged in #7 while agentgate said failure"],
      [garbled, "merged in #7, which agentgate never judged"],
    ] as const) {
      const j = judgeDeployment(facts([commit(1)], { [sha(1)]: { kind: "pulls", pulls: [p] } }), policy, detector);
      expect({ state: j.state, comment: deploymentComment(j) }).toMatchObject({ state: "rejected", comment: expect.stringContaining(why) });
    }
  });

  it("counts a human-looking commit agentgate remembers on itself as agent-written", () => {
    const j = judgeDeployment(facts([commit(1)], { [sha(1)]: { kind: "pulls", pulls: [], remembered: true } }), policy, detector);
    expect(deploymentComment(j)).toContain(`${sha(1).slice(0, 7)} (remembered by agentgate): pushed straight to main`);
  });

  it("does not count an open PR as the way an agent commit came in", () => {
    const j = judgeDeployment(facts([commit(1, copilotId)], { [sha(1)]: { kind: "pulls", pulls: [pull({ merged: false })] } }), policy, detector);
    expect(deploymentComment(j)).toContain("pushed straight to main: no merged pull request brought it");
  });

  it("rejects on any read problem, and an agent deployer unless the environment allows it", () => {
    expect(judgeDeployment(facts([], {}, { problems: [{ code: "read-failed", cause: "HTTP 500" }] }), policy, detector).state).toBe("rejected");
    const byAgent = facts([], {}, { sender: { login: "Copilot", type: "Bot" } });
    expect(judgeDeployment(byAgent, policy, detector).state).toBe("rejected");
    const allowing = policySchema.parse({ environments: [{ name: "production", allow_agent_deployers: true }] });
    expect(judgeDeployment(byAgent, allowing, detectorFor(allowing)).state).toBe("approved");
    // Automation (the workflow's own token) is no agent by default.
    expect(judgeDeployment(facts([], {}, { sender: { login: "github-actions[bot]", type: "Bot" } }), policy, detector).state).toBe("approved");
  });

  it("keeps the comment within GitHub's bound, saying how many reasons were left out", () => {
    const commits = Array.from({ length: 200 }, (_, i) => commit(i + 1, copilotId));
    const routes = Object.fromEntries(commits.map((c) => [c.sha, { kind: "pulls", pulls: [] } as CommitRoute]));
    const comment = deploymentComment(judgeDeployment(facts(commits, routes), policy, detector));
    expect([...comment].length).toBeLessThanOrEqual(DEPLOY_COMMENT_MAX);
    expect(comment).toMatch(/…and \d+ more$/);
  });

  it("answers with a body GitHub's description of the callback accepts", () => {
    const j = judgeDeployment(facts([], {}), policy, detector);
    const errors = checkRequestBody(new OpenApiChecker(), "POST", "/repos/acme/app/actions/runs/1/deployment_protection_rule", {
      environment_name: "production",
      state: j.state,
      comment: deploymentComment(j),
    });
    expect(errors).toEqual([]);
  });
});

describe("accepted bypasses (src/bypass/)", () => {
  const agent = commit(2, copilotId);
  const accepted = { by: "pat", at: "2026-12-01T00:00:00Z" };

  it("passes a commit pushed straight whose bypass was accepted, and says so", () => {
    const j = judgeDeployment(facts([agent], { [agent.sha]: { kind: "pulls", pulls: [], accepted } }), policy, detector);
    expect(j.state).toBe("approved");
    expect(j.acceptedCommits).toEqual([{ sha: agent.sha, by: "pat" }]);
    expect(deploymentComment(j)).toContain(`1 accepted after a bypass (${agent.sha.slice(0, 7)} by @pat)`);
  });

  it("passes a commit merged past the gate when that PR's bypass was accepted", () => {
    const p = pull({ verdict: { state: "not-success", shown: "pending" }, accepted });
    expect(judgeDeployment(facts([agent], { [agent.sha]: { kind: "pulls", pulls: [p] } }), policy, detector).state).toBe("approved");
  });

  it("an acceptance on the commit does not clear a merge past the gate, nor an unread route", () => {
    const p = pull({ verdict: { state: "not-success", shown: "failure" } });
    expect(judgeDeployment(facts([agent], { [agent.sha]: { kind: "pulls", pulls: [p], accepted } }), policy, detector).state).toBe("rejected");
    expect(judgeDeployment(facts([agent], { [agent.sha]: { kind: "unread", cause: "HTTP 502" } }), policy, detector).state).toBe("rejected");
  });

  it("a bypass run's agents make a commit agent-written whatever the policy now says", () => {
    const quiet = commit(3);
    const j = judgeDeployment(facts([quiet], { [quiet.sha]: { kind: "pulls", pulls: [], reported: true, bypassAgents: ["copilot"] } }), policy, detector);
    expect(j.rejectedCommits).toEqual([{ sha: quiet.sha, agents: ["copilot"], outcome: { kind: "direct-push", branch: "main", bases: ["main"] } }]);
    expect(outcomeText(j.rejectedCommits[0]!.outcome)).toBe("pushed straight to main: no merged pull request brought it");
  });
});
