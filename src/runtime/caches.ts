/**
 * The caches of one app: made once at its composition root (createAgentgate) and attached to every
 * delivery's GitHub client, so two apps in one process (two GitHub hosts, two test stacks) never
 * answer from each other's copies. A module declares what it keeps as a slot (its shape and bounds);
 * the app's caches hold the state.
 *
 * A client no app attached (the CLI, a unit test's fake) uses the caches of code run outside an app,
 * one per process: what it keeps is then as before, and never mixed with an app's.
 *
 * Not here: pure memos (parsed policies by blob, compiled globs and patterns, split lines). They
 * hold what a given text parses or compiles to, no fact about GitHub, so apps may share them.
 */

/** What one module keeps: made the first time an app's caches are asked for it. */
export interface CacheSlot<T> {
  make(): T;
}

export function cacheSlot<T>(make: () => T): CacheSlot<T> {
  return { make };
}

/** Anything a slot may hold that can be emptied (an LRU cache, a map). */
interface Clearable {
  clear(): void;
}

export class AppCaches {
  readonly #held = new Map<CacheSlot<unknown>, unknown>();

  /** The app's copy for this slot, made on first use. */
  of<T>(slot: CacheSlot<T>): T {
    if (!this.#held.has(slot)) this.#held.set(slot, slot.make());
    return this.#held.get(slot) as T;
  }

  /** Forget everything this app keeps (what a slot holds that cannot be emptied is made anew). */
  clear(): void {
    for (const [slot, held] of this.#held) {
      if (typeof (held as Partial<Clearable>).clear === "function") (held as Clearable).clear();
      else this.#held.delete(slot);
    }
  }
}

const attached = new WeakMap<object, AppCaches>();
const outsideAnApp = new AppCaches();

/** This client belongs to the app whose caches these are (each of its deliveries' clients). */
export function attachCaches(client: object, caches: AppCaches): void {
  attached.set(client, caches);
}

/** The caches of the app a client belongs to; outside an app, the process's own. */
export function cachesOf(client: object | undefined): AppCaches {
  return (client && attached.get(client)) || outsideAnApp;
}

/** The caches used where no app attached any: the CLI's, and unit tests' (which empty them between cases). */
export function cachesOutsideAnApp(): AppCaches {
  return outsideAnApp;
}
