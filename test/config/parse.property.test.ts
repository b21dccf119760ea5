/**
 * Property: whatever text a policy reader is handed (a policy, or any file an `_extends` pointed
 * at), no problem it reports repeats a secret written in that text: not in a key, a value, a tag,
 * an anchor, a directive, a comment or a broken quote.
 */
import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { formatProblem, parsePolicy } from "../../src/config/parse.js";

/** `$` is where the secret goes. Each fragment is a line (or a few) someone could write. */
const FRAGMENTS = [
  "$: 1",
  "token: $",
  "- $",
  "a: !$ x",
  "!$",
  "a: &$ b",
  "b: *$",
  "%$",
  "%YAML $",
  'a: "$',
  "a: '$",
  "{ $: [",
  "[$, ",
  "approvals: $",
  "approvals:\n  $: 2",
  "approvals:\n  required: $",
  "approvals:\n  min_permission: $",
  "agents:\n  trailers: ['($']",
  "agents:\n  trailers: ['(?=$)']",
  "agents:\n  trailers: ['$\\1']",
  "agents:\n  markers:\n    - agent: x\n      source: $\n      pattern: '$('",
  "agents:\n  $: [a]",
  "_extends: $",
  "_extends: [$]",
  "applies_to: $",
  "infra:\n  rules:\n    $:\n      severity: note",
  "infra:\n  rules:\n    TF-01:\n      severity: $",
  "infra:\n  allow:\n    - rule: '*'\n      pattern: '$)'\n      reason: x",
  "paths:\n  - name: $ x\n    paths: [$]",
  "paths:\n  - name: x\n    paths: [a/**]\n    teams: [$]",
  "check_name: $",
  "version: $",
  "limits:\n  max_files: $",
  "# $",
  "\t$: x",
  "? $\n: x",
  "key: |\n  $",
  "$",
  "'$': 'x'",
  '"$": [1, 2',
  "a:\n  - b\n c: $",
];

const secretArb = fc
  .stringMatching(/^[A-Za-z0-9]{10,20}$/)
  .map((s) => `ghp_${s}`);

const docArb = secretArb.chain((secret) =>
  fc
    .array(
      fc.record({
        fragment: fc.constantFrom(...FRAGMENTS),
        indent: fc.constantFrom("", "", "  ", " ", "    "),
        noise: fc.constantFrom("", ":", " ]", "}", "- ", "&", "*", "!", "|", ">", "'", '"', "#", "\t", "%"),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((parts) => ({
      secret,
      text: parts
        .map((p) => p.indent + p.fragment.split("$").join(secret) + p.noise)
        .join("\n"),
    })),
);

describe("parsePolicy never quotes the file", () => {
  it("no formatted problem contains a secret from the text (property)", () => {
    fc.assert(
      fc.property(docArb, ({ secret, text }) => {
        const result = parsePolicy(text, ".agentgate.yml");
        if (result.ok) return;
        for (const p of result.problems) {
          expect(formatProblem(p).toLowerCase()).not.toContain(secret.toLowerCase());
          // Not even a good part of it.
          expect(formatProblem(p)).not.toContain(secret.slice(4, 12));
        }
      }),
      { numRuns: 600 },
    );
  });

  it("each fragment alone, secret in place, reports nothing of it", () => {
    const secret = "ghp_S3cr3tT0k3nAbCdEf";
    for (const fragment of FRAGMENTS) {
      const result = parsePolicy(fragment.split("$").join(secret) + "\n", ".agentgate.yml");
      if (result.ok) continue;
      for (const p of result.problems) expect(formatProblem(p)).not.toContain("S3cr3t");
    }
  });
});
