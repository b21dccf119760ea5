/**
 * What replicas sharing Redis must not get wrong, one hazard a test (test/helpers/replicas.ts):
 * the memory of what was posted, copies that only a webhook forgets, a replica killed after GitHub
 * had its answer, and Redis going away.
 */
import { describe, expect } from "@jest/globals";
import { attack, control } from "../adversarial/suite.js";
import { approve, cluster, eventually, settledState, sharedRedis, tick, useReplicas } from "../helpers/replicas.js";
import { startRedis } from "../helpers/redis.js";
import { checkRunOf, copilotPullRequest, headOf, people, REPO, statusOf, TF_CHANGE } from "../e2e/harness.js";

useReplicas();

describe("two replicas sharing Redis", () => {
  attack(
    "c17",
    "a dismissal reaching the replica that last posted 'pending' takes back the success the other replica posted",
    async () => {
      const { sim: s, replicas: [a, b] } = await cluster(2, { redis: true });
      // Each replica is named, not left to the rotation: a redelivery under load would shift it.
      s.setWebhookTarget(a!.webhookUrl);
      const { number } = await copilotPullRequest(s, TF_CHANGE);
      const opened = s.deliveries[s.deliveries.length - 1]!;
      s.setWebhookTarget(b!.webhookUrl);
      const { reviewId, delivery: first } = await approve(s, number, people.maintainerA.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      s.setWebhookTarget(a!.webhookUrl);
      const { delivery: second } = await approve(s, number, people.maintainerB.login);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      // Replica b last posted "1/2 approvals"; the dismissal takes the result back to exactly that.
      s.setWebhookTarget(b!.webhookUrl);
      const dismissed = await s.dismissReview(REPO, number, reviewId, people.maintainerB.login);
      expect([opened, first, second, dismissed].map((d) => d.target)).toEqual([a!.webhookUrl, b!.webhookUrl, a!.webhookUrl, b!.webhookUrl]);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
    },
    60_000,
  );


  attack(
    "c17",
    "an organization's stricter defaults, pushed to one replica, hold on the other at once",
    async () => {
      const { sim: s, replicas: [a, b] } = await cluster(2, { redis: true });
      s.addRepo({ owner: "acme", name: ".github", files: { ".agentgate.yml": "approvals:\n  required: 1\n" } });
      s.setWebhookTargets([a!.webhookUrl, b!.webhookUrl]);
      const { number } = await copilotPullRequest(s, { "src/app.ts": "export const answer = 42;\n" }); // a reads the defaults
      await approve(s, number, people.maintainerA.login); // b reads them too
      await settledState(s, number, "success", "1/1 approvals · agent: copilot");
      // Each replica is named, not left to the rotation: a redelivery under load would shift it.
      s.setWebhookTarget(a!.webhookUrl);
      const [push] = await s.push("acme/.github", "main", { files: { ".agentgate.yml": "approvals:\n  required: 2\n" }, message: "two approvals", author: people.maintainerA });
      expect(push!.target).toBe(a!.webhookUrl);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      // b still held the old defaults in its own memory; a label makes it judge the PR again.
      s.setWebhookTarget(b!.webhookUrl);
      const labeled = await s.addLabel(REPO, number, "ready", people.requester.login);
      expect(labeled.target).toBe(b!.webhookUrl);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      // The copies they share: the push moved acme/.github to generation 1, and b read it there.
      const keys = await sharedRedis().client().keys("agentgate:policy*");
      expect(keys).toContain("agentgate:policy-gen:acme/.github");
      expect(keys).toContain("agentgate:policy:acme/.github:1:.agentgate.yml");
    },
    60_000,
  );


  control(
    "c17",
    "the stricter defaults still pass with the approvals they ask for, whichever replica judges",
    async () => {
      const { sim: s } = await cluster(2, { redis: true });
      s.addRepo({ owner: "acme", name: ".github", files: { ".agentgate.yml": "approvals:\n  required: 2\n" } });
      const { number } = await copilotPullRequest(s, { "src/app.ts": "export const answer = 42;\n" });
      await approve(s, number, people.maintainerA.login);
      await approve(s, number, people.maintainerB.login);
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
    },
    60_000,
  );
});

describe("a replica killed after GitHub had its answer", () => {
  attack(
    "c17",
    "a delivery answered 202 whose replica is then killed is recovered from the journal by the other",
    async () => {
      const { sim: s, replicas: [victim, survivor] } = await cluster(2, { redis: true });
      const { number } = await copilotPullRequest(s, TF_CHANGE); // to the victim; the next goes to the survivor
      await approve(s, number, people.maintainerA.login);
      await settledState(s, number, "pending", "1/2 approvals · agent: copilot");
      // The victim's reads of the reviews are never answered (nor its retries): past 9 s Probot
      // answers 202 and carries on. GitHub counts the delivery delivered; then the victim dies.
      expect(s.nextWebhookTarget()).toBe(victim!.webhookUrl);
      s.hangNext({ pathPattern: /\/pulls\/\d+\/reviews/ }, 4);
      const { delivery } = await approve(s, number, people.maintainerB.login);
      expect(delivery).toMatchObject({ target: victim!.webhookUrl, status: 202 });
      victim!.child.kill("SIGKILL");
      s.clearFaults();
      s.setWebhookTargets([survivor!.webhookUrl]);

      // Every delivery is answered 2xx already, so "settled" says nothing here: wait for the check run too.
      await eventually("the recovered approval published on the check run", () => checkRunOf(s, headOf(s, number))?.conclusion === "success");
      await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      // Nobody asked GitHub for it again (it was not failed there): the journal brought it back.
      expect(s.deliveries.filter((d) => d.id === delivery.id)).toHaveLength(1);
      expect(survivor!.output()).toContain("handled a delivery recovered from the journal");
      expect(await sharedRedis().client().keys("agentgate:journal:*")).toEqual([]);
    },
    90_000,
  );
});

describe("when Redis goes away", () => {
  attack(
    "c17",
    "nothing passes while Redis is down: readiness fails, deliveries fail, and they are caught up once it is back",
    async () => {
      let own = await startRedis();
      try {
        const { sim: s, replicas: [a] } = await cluster(2, { redis: true, redisUrl: own.url });
        const { number } = await copilotPullRequest(s, TF_CHANGE);
        await settledState(s, number, "pending", "0/2 approvals · agent: copilot");
        await own.stop();
        const readyz = `${new URL(a!.webhookUrl).origin}/readyz`;
        // Probot's throttle waits on Redis too, so the credentials check times out beside it.
        const redisCheck = async () => {
          const res = await fetch(readyz);
          const body = (await res.json()) as { checks: { name: string; ok: boolean; reason?: string }[] };
          return { status: res.status, check: body.checks.find((c) => c.name === "redis") };
        };
        let seen = await redisCheck();
        for (let i = 0; i < 50 && seen.check?.ok !== false; i++) seen = await tick(200).then(redisCheck);
        expect(seen).toMatchObject({ status: 503, check: { ok: false, reason: expect.stringContaining("Redis is unreachable") } });

        const first = await approve(s, number, people.maintainerA.login);
        const second = await approve(s, number, people.maintainerB.login);
        expect([first.delivery.status, second.delivery.status]).toEqual([500, 500]);
        await tick(1_500); // a catch-up round or more while Redis is away
        expect(statusOf(s, number)).toMatchObject({ state: "pending", description: "0/2 approvals · agent: copilot" });

        own = await startRedis(own.port);
        await settledState(s, number, "success", "2/2 approvals · agent: copilot");
      } finally {
        await own.stop();
      }
    },
    60_000,
  );
});

