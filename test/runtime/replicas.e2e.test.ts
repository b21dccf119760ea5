/**
 * Two replicas of the production server (the built lib/server/main.js, child processes) sharing a
 * real redis-server, fed round-robin by the simulator with deliveries that do not wait for each
 * other (test/helpers/replicas.ts). Racing reviews, dismissals and pushes end in the state the
 * latest facts give, on the status and the check run; a replica killed mid-delivery loses nothing
 * (the delivery fails at GitHub and the other replica's catch-up redelivers it). Without Redis, one
 * process keeps what it promises alone. The hazards replicas bring one by one are in
 * replicas-hazards.e2e.test.ts.
 */
import { describe, expect } from "@jest/globals";
import { attack, control } from "../adversarial/suite.js";
import { approve, cluster, race, settledState, sharedRedis, useReplicas } from "../helpers/replicas.js";
import { copilot, copilotPullRequest, people, REPO, TF_CHANGE } from "../e2e/harness.js";

useReplicas();

describe("two replicas sharing Redis", () => {
  attack(
    "c17",
    "racing reviews, dismissals and pushes across the replicas end in the state the latest facts give",
    async () => {
      const { sim: s } = await cluster(2, { redis: true });
      const { number, branch } = await copilotPullRequest(s, TF_CHANGE);
      const { reviewId } = await approve(s, number, people.maintainerA.login);
      await race([
        () => approve(s, number, people.maintainerB.login),
        () => s.submitReview(REPO, number, { reviewer: people.reader.login, event: "COMMENT", body: "looks fine to me" }),
        () => approve(s, number, people.requester.login),
      ]);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");

      // Maria's approval is dismissed, the agent pushes, and Max approves the new head: one approval counts.
      await race([
        () => s.dismissReview(REPO, number, reviewId, people.maintainerB.login),
        () => s.push(REPO, branch, { files: { "src/app.ts": "export const answer = 42;\n" }, message: "Also fix the answer", author: copilot.commitIdentity }),
        () => approve(s, number, people.maintainerB.login),
        () => s.submitReview(REPO, number, { reviewer: people.reader.login, event: "COMMENT", body: "again" }),
      ]);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
    },
    60_000,
  );


  control(
    "c17",
    "racing approvals of the new head across the replicas reach success",
    async () => {
      const { sim: s, replicas: [a, b] } = await cluster(2, { redis: true });
      const { number, branch } = await copilotPullRequest(s, TF_CHANGE);
      await race([
        () => approve(s, number, people.maintainerA.login),
        () => s.push(REPO, branch, { files: { "src/app.ts": "export const answer = 42;\n" }, message: "Also fix the answer", author: copilot.commitIdentity }),
        () => approve(s, number, people.maintainerA.login),
        () => approve(s, number, people.maintainerB.login),
      ]);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      // GitHub redelivers one that a replica handled to the end: the other knows, and asks GitHub nothing.
      // (Which replica got which delivery depends on the race; under load a slow one is answered 202.)
      const handled = s.deliveries.find((d) => (d.target === a!.webhookUrl || d.target === b!.webhookUrl) && d.status === 200 && d.event === "pull_request_review");
      expect(handled).toBeDefined();
      const [first, other] = handled!.target === a!.webhookUrl ? [a!, b!] : [b!, a!];
      s.setWebhookTargets([other.webhookUrl, first.webhookUrl]);
      const asked = () => s.requests.filter((r) => r.token !== "jwt").length;
      const before = asked();
      const again = await s.redeliver(handled!);
      expect(again).toMatchObject({ target: other.webhookUrl, status: 200 });
      expect(asked()).toBe(before);
      // What Redis holds afterwards: the published statuses (a day each), Probot's shared throttle, no turn.
      const c = sharedRedis().client();
      const keys = await c.keys("*");
      const published = keys.filter((k) => k.startsWith("agentgate:published:acme/app@"));
      expect(published.length).toBeGreaterThan(0);
      for (const k of published) expect(await c.pttl(k)).toBeGreaterThan(23 * 3_600_000);
      expect(keys.filter((k) => k.startsWith("agentgate:turn:"))).toEqual([]);
      // Every delivery was handled to the end: none is left in the journal.
      expect(keys.filter((k) => k.startsWith("agentgate:journal:"))).toEqual([]);
      const handledKeys = keys.filter((k) => k.startsWith("agentgate:handled:"));
      expect(handledKeys.length).toBeGreaterThan(0);
      for (const k of handledKeys) expect(await c.pttl(k)).toBeGreaterThan(23 * 3_600_000);
      expect(keys.some((k) => k.startsWith("b_"))).toBe(true);
      // What the base commit holds, read once for both replicas: its policy files (here: none), a day each.
      const atCommit = keys.filter((k) => k.startsWith("agentgate:sha:policy:acme/app@"));
      expect(atCommit.length).toBeGreaterThan(0);
      for (const k of atCommit) expect(await c.pttl(k)).toBeGreaterThan(23 * 3_600_000);
    },
    60_000,
  );


  attack(
    "c17",
    "a replica killed mid-delivery loses nothing: the delivery fails and the other replica's catch-up redelivers it",
    async () => {
      const { sim: s, replicas: [victim, survivor] } = await cluster(2, { redis: true });
      const { number } = await copilotPullRequest(s, TF_CHANGE); // to the victim; the next goes to the survivor
      await approve(s, number, people.maintainerA.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      // The next delivery goes to the victim, which dies while it reads the reviews, holding the turn;
      // the balancer's health check then takes it out of the rotation.
      expect(s.nextWebhookTarget()).toBe(victim!.webhookUrl);
      let killed = false;
      s.on("request", (entry: { path: string; token: string | null }) => {
        if (killed || entry.token === "jwt" || !/\/pulls\/\d+\/reviews/.test(entry.path)) return;
        killed = true;
        victim!.child.kill("SIGKILL");
        s.setWebhookTargets([survivor!.webhookUrl]);
      });
      const { delivery } = await approve(s, number, people.maintainerB.login);
      expect(killed).toBe(true);
      expect(delivery).toMatchObject({ target: victim!.webhookUrl, status: 0 });
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      const again = s.deliveries.filter((d) => d.id === delivery.id);
      expect(again[again.length - 1]).toMatchObject({ target: survivor!.webhookUrl, status: 200 });
      expect(survivor!.output()).toContain("asked GitHub to redeliver failed deliveries");
    },
    60_000,
  );
});

describe("one process without Redis", () => {
  control(
    "c17",
    "keeps its own order and memory: the same reviews and dismissal end where the facts say",
    async () => {
      const { sim: s } = await cluster(1, { redis: false });
      const { number } = await copilotPullRequest(s, TF_CHANGE);
      const { reviewId } = await approve(s, number, people.maintainerA.login);
      await race([() => approve(s, number, people.maintainerB.login), () => approve(s, number, people.requester.login)]);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      await s.dismissReview(REPO, number, reviewId, people.maintainerB.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      expect(await sharedRedis().client().keys("*")).toEqual([]);
    },
    60_000,
  );
});
