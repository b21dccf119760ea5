/**
 * Regular expressions written in a policy. A policy can sit on any branch an agent creates, so its
 * patterns are untrusted: they run on RE2 (re2js), whose matching is linear in the input, never on
 * the backtracking RegExp engine, where `(a+)+$` and 40 characters stall the process for hours.
 *
 * RE2 has no backreferences or lookaround; such a pattern is a mistake in the policy, reported at
 * validation with its key and line. Error messages never repeat the pattern (it is file content).
 */
import { LRUCache } from "lru-cache";
import { RE2JS, RE2JSSyntaxException } from "re2js";

/** Matching cost is linear, but in the input too: a policy pattern sees at most this many characters
 *  of one text, its first and last halves (markers sit at the top or the foot of a body or message). */
export const MAX_PATTERN_INPUT = 16 * 1024;

/** A long text cut to its first and last `max / 2` characters, joined by a newline. */
export function boundedText(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n${text.slice(text.length - half)}`;
}

const UNSUPPORTED = "uses syntax RE2 does not support (lookahead, lookbehind or a backreference); policy patterns run on RE2, in linear time";

/** Why a policy pattern is refused, without quoting it; undefined when it compiles on RE2. */
export function patternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    return undefined;
  } catch (e) {
    if (/\(\?<?[=!]|\\[1-9]/.test(pattern)) return `not a valid regular expression: ${UNSUPPORTED}`;
    // RE2's description names the kind of error only ("missing closing )"); its message would quote.
    const why = e instanceof RE2JSSyntaxException ? e.getDescription() : "does not compile";
    return `not a valid regular expression: ${why}`;
  }
}

/**
 * Linear is not free: 50 patterns over 250 commit messages of 16 KiB each is 200 MB of matching,
 * seconds on the event loop that every repository's deliveries share. Each synchronous pass that
 * runs policy patterns (one detection, one infra analysis) may read at most this many characters
 * with them; more is PatternBudgetError, which the gate publishes as an error: never a success.
 */
export const PATTERN_BUDGET_CHARS = 4 * 1024 * 1024;

export class PatternBudgetError extends Error {
  override name = "PatternBudgetError";
  constructor(readonly budget: number) {
    super(`the policy's patterns would read more than ${budget} characters of this pull request; agentgate stops there`);
  }
}

let budgetLeft = Number.POSITIVE_INFINITY;

/** Run `pass` (synchronous) with a fresh budget for policy patterns; nested passes share the outer one. */
export function withPatternBudget<T>(pass: () => T, chars: number = PATTERN_BUDGET_CHARS): T {
  if (Number.isFinite(budgetLeft)) return pass();
  budgetLeft = chars;
  try {
    return pass();
  } finally {
    budgetLeft = Number.POSITIVE_INFINITY;
  }
}

function charge(chars: number): void {
  budgetLeft -= chars;
  if (budgetLeft < 0) throw new PatternBudgetError(PATTERN_BUDGET_CHARS);
}

export interface UserPattern {
  /** Index of the first match in `text` cut by boundedText, or -1. Callers index the cut text. */
  search(text: string): number;
  /** Whether `text` matches; a text longer than the bound does not (used where a match loosens). */
  testWhole(text: string): boolean;
}

const compiled = new LRUCache<string, RE2JS>({ max: 2_000 });

/**
 * Compile a policy pattern (case-insensitive; `multiline`: `^`/`$` at line ends). Throws an Error
 * naming `where` (not the pattern) when it does not compile; the schema normally refuses it first.
 */
export function compileUserPattern(pattern: string, where: string, options: { multiline?: boolean } = {}): UserPattern {
  const flags = RE2JS.CASE_INSENSITIVE | (options.multiline ? RE2JS.MULTILINE : 0);
  const key = `${flags}\0${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const problem = patternProblem(pattern);
    if (problem) throw new Error(`${where}: ${problem}`);
    re = RE2JS.compile(pattern, flags);
    compiled.set(key, re);
  }
  const r = re;
  return {
    search(text) {
      const input = boundedText(text, MAX_PATTERN_INPUT);
      charge(input.length);
      const m = r.matcher(input);
      return m.find() ? m.start() : -1;
    },
    testWhole(text) {
      if (text.length > MAX_PATTERN_INPUT) return false;
      charge(text.length);
      return r.matcher(text).find();
    },
  };
}
