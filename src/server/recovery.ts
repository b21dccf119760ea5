/**
 * Deliveries in the journal (src/runtime/journal.ts): every delivery Probot hands to the handlers is
 * journaled while they run, and on start and on a period this replica claims the entries whose
 * owner stopped renewing (it died, or the handling failed after GitHub had its answer) and hands
 * them to the handlers again, through the same path as a delivery: signature checked, then the
 * app's handlers, which take the repository's turn before publishing and skip what was handled to
 * the end already (src/runtime/handled.ts).
 */
import type { AcceptedDelivery, DeliveryJournal } from "../runtime/journal.js";

/** The part of Probot's `Webhooks` a delivery goes through (signature check, then the handlers). */
export interface Receiver {
  verifyAndReceive(event: AcceptedDelivery): Promise<void>;
  verify(payload: string, signature: string): Promise<boolean>;
}

interface Logger {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
}

export type RecoveryOutcome = "handled" | "failed" | "too-big" | "gave-up" | "bad-signature";

export interface Recovery {
  /** One round: claim what lapsed and handle it again. Resolves once those are handled. */
  round(): Promise<void>;
  /** Rounds on start and every `everyMs`, until stop(). */
  start(everyMs: number): void;
  stop(): void;
}

/**
 * Journals every delivery Probot's middleware hands to `webhooks` (its `verifyAndReceive`, the one
 * call between the middleware and the handlers), and returns the rounds that recover lapsed ones.
 */
export function journalDeliveries(webhooks: Receiver, journal: DeliveryJournal, opts: { log: Logger; onRecovered?: (outcome: RecoveryOutcome) => void }): Recovery {
  // Probot's middleware calls it on this very object; if a Probot upgrade stopped doing so, say it at once.
  if (typeof webhooks.verifyAndReceive !== "function") throw new Error("Probot's webhooks have no verifyAndReceive: deliveries could not be journaled");
  const receive = webhooks.verifyAndReceive.bind(webhooks);
  webhooks.verifyAndReceive = (event) => journal.handle(event, () => receive(event));
  const { log } = opts;
  const told = (outcome: RecoveryOutcome) => opts.onRecovered?.(outcome);

  let running: Promise<void> | undefined;
  let unclaimable = false; // said once while Redis stays away, not every round
  const round = async () => {
    const claimed = await journal.claimLapsed().then(
      (found) => {
        unclaimable = false;
        return found;
      },
      (e: unknown) => {
        if (!unclaimable) log.warn({ err: e instanceof Error ? e.message : String(e) }, "journal: could not claim lapsed deliveries; later rounds will");
        unclaimable = true;
        return [];
      },
    );
    await Promise.all(
      claimed.map(async (entry) => {
        const about = { delivery: entry.id, event: entry.name, attempt: entry.attempt };
        if (entry.status !== "claimed") {
          told(entry.status);
          log.warn(
            about,
            entry.status === "too-big"
              ? "a delivery its replica did not finish cannot be recovered from the journal (its payload was too large to keep); redeliver it from the App's settings if GitHub shows it delivered"
              : "a delivery from the journal failed every time it was handled again; given up (redeliver it from the App's settings)",
          );
          return;
        }
        // Only what a replica verified is journaled; a forged entry in Redis still has to match the secret.
        if (!(await webhooks.verify(entry.payload, entry.signature).catch(() => false))) {
          told("bad-signature");
          await journal.handleClaimed(entry, async () => undefined);
          log.warn(about, "a journal entry does not match the webhook secret: dropped, not handled");
          return;
        }
        log.info(about, "recovering a delivery from the journal: the replica handling it stopped before the end");
        try {
          await journal.handleClaimed(entry, () => receive({ id: entry.id, name: entry.name, payload: entry.payload, signature: entry.signature }));
          told("handled");
          log.info(about, "handled a delivery recovered from the journal");
        } catch (e) {
          told("failed");
          log.warn({ ...about, err: e instanceof Error ? e.message : String(e) }, "a delivery recovered from the journal failed again; it stays there for another round");
        }
      }),
    );
  };

  let timer: NodeJS.Timeout | undefined;
  // A round still handling what it claimed is not overlapped; other replicas claim the rest.
  const next = () => {
    running ??= round().finally(() => (running = undefined));
    return running;
  };
  return {
    round: next,
    start(everyMs) {
      void next();
      timer = setInterval(() => void next(), everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
