/**
 * The attack suite's vocabulary. An `attack` is a test that passes when the gate held (no success
 * without what the policy requires); a failing attack is a bypass. Beside each attack a `control`
 * must still reach success, so a gate that never passes scores nothing.
 *
 * Test names carry the class and the kind, e.g. `[c1] attack: retarget after approval`, which
 * `npm run adversarial` (scripts/adversarial.ts) reads to print its table.
 */
import { it } from "@jest/globals";

/** The classes of issue #9, by number: `c1` .. `c13`; of issue #11: `c14` the deploy gate, `c15` the enforcement doctor, `c16` bypasses;
 *  of issue #10: `c17` replicas sharing Redis (test/runtime). */
export type AttackClass = `c${number}`;

export function attack(cls: AttackClass, name: string, fn: () => Promise<void> | void, timeout?: number): void {
  it(`[${cls}] attack: ${name}`, fn, timeout);
}

export function control(cls: AttackClass, name: string, fn: () => Promise<void> | void, timeout?: number): void {
  it(`[${cls}] control: ${name}`, fn, timeout);
}
