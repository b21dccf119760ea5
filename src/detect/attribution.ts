/**
 * The vocabulary of attribution trailers: the keys projects use to say a tool or a model took part
 * in a commit, and the words that name one. catalog.ts turns them into ordinary `commit-trailer`
 * markers (one per tool, matched against `Key: value`), so a named tool maps to its own catalog
 * entry and a model or vendor alone maps to the `assisted` entry. Prose never counts: a marker only
 * reads a trailer line whose key is in this vocabulary.
 *
 * Where the keys come from (docs/agents.md has the sources):
 * - `Assisted-by`: the Linux kernel (`Assisted-by: AGENT_NAME:MODEL_VERSION [TOOLS]`), Fedora,
 *   OpenInfra/OpenStack, Charm's Crush (`Assisted-by: <model> via Crush <crush@charm.land>`).
 * - `Generated-by`: Apache (ASF generative tooling guidance), OpenInfra (`Generated-By: <tool> [model]`).
 * - `Co-authored-by`, `Co-developed-by`: what most tools write; the kernel's first proposal used
 *   `Co-developed-by: Claude claude-opus-4-20250514`.
 * - `Co-authored-by-AI`: Open Liberty (`Co-authored-by-AI: GitHub Copilot (gpt-4.1)`).
 * - `AI-assisted`, `AI-Tool`, `AI-Model`: proposed commit headers (dspinellis/ai-commit-headers,
 *   gmail-processor's contributor guide: `AI-Assisted: true`, `AI-Tool: Claude Code`).
 * - `Made-with`: Cursor (`Made-with: Cursor`).
 *
 * Patterns are bounded and non-backtracking: alternations of literals, single-level quantifiers,
 * no lookaround (RE2-compatible), anchored at the start of the line.
 */

/** Keys whose value names the tool or model that helped (an attribution, not a person). */
export const ATTRIBUTION_KEYS: readonly string[] = [
  "assisted-by",
  "generated-by",
  "co-authored-by-ai",
  "ai-assisted",
  "ai-tool",
  "ai-model",
  "made-with",
];

/** Keys that usually name a person: a name there needs a model-like shape to count. */
export const CO_AUTHOR_KEYS: readonly string[] = ["co-authored-by", "co-developed-by"];

export const ALL_ATTRIBUTION_KEYS: readonly string[] = [...ATTRIBUTION_KEYS, ...CO_AUTHOR_KEYS];

/** What may follow a tool or model name for it to be a name and not a person's first name. */
const TIERS = [
  "opus", "sonnet", "haiku", "code", "cli", "pro", "flash", "lite", "mini", "nano", "turbo", "max",
  "plus", "ultra", "coder", "chat", "instruct", "preview", "thinking", "reasoner", "oss", "agent",
  "assistant", "ai", "llm", "model", "chatbot", "k2", "r1", "v3", "fast", "latest", "exp", "ide",
];
// A following model id (`Claude claude-opus-4-20250514`) counts: a hyphenated token with a digit.
const FOLLOW =
  "(?:[ \\t]*$|[ \\t]*[:(\\[,;/+|]|[ \\t]+(?:via|with|using|and|in|on|for|through)\\b|[ \\t]+[a-z]{1,20}-[a-z0-9.-]{0,40}\\d|[ _.-]?v?\\d|[ _.-](?:" +
  TIERS.join("|") +
  ")\\b)";

/** Vendor words that may stand before a tool name (`GitHub Copilot`, `Charm's Crush`). */
const PREFIX =
  "(?:(?:github|google|openai|anthropic|sourcegraph|amazon|aws|charm|charm's|factory|factory's|warp|warp's|zed|zed's|windsurf|codeium|alibaba|qwen|moonshot|mistral|meta|xai|zhipu|z\\.ai|cognition|jetbrains)[ \\t]+)?";

/**
 * Under `Co-authored-by` people are named, so the shape must be a model's: a version, a model id,
 * a tier no surname has, or nothing after the name. `Jules (intern)`, `Claude Max` are people.
 */
const STRICT_TIERS = [
  "opus", "sonnet", "haiku", "code", "cli", "flash", "coder", "instruct", "preview", "thinking", "reasoner",
  "oss", "agent", "assistant", "ai", "llm", "model", "chatbot", "k2", "r1", "v3", "turbo", "mini", "nano",
];
const FOLLOW_CO_AUTHOR =
  "(?:[ \\t]*$|[ \\t]+[a-z]{1,20}-[a-z0-9.-]{0,40}\\d|[ _.-]?v?\\d|[ _.-](?:" + STRICT_TIERS.join("|") + ")\\b)";

const keys = (list: readonly string[]): string => list.join("|");
const HEAD_ATTRIBUTION = `(?:${keys(ATTRIBUTION_KEYS)})[ \\t]*:[ \\t]*`;
const HEAD_CO_AUTHOR = `(?:${keys(CO_AUTHOR_KEYS)})[ \\t]*:[ \\t]*`;

export interface AttributionNames {
  /** Regex fragments that only ever name the tool (`cursor`, `opencode`): a word boundary is enough
   *  in an attribution trailer. */
  distinct?: readonly string[];
  /** Fragments that are also people's names (`claude`, `devin`, `kimi`): they must be followed by
   *  a version, a tier word, `:`/`(`/`via`, or end the value. */
  ambiguous?: readonly string[];
}

/**
 * A `commit-trailer` pattern for a trailer of the vocabulary whose value starts with one of the
 * names (after an optional vendor word). Under `Co-authored-by`, every name must look like a
 * model or tool name (FOLLOW_CO_AUTHOR), since people are named there.
 */
export function attributedTo(names: AttributionNames): string {
  const distinct = (names.distinct ?? []).join("|");
  const all = [...(names.distinct ?? []), ...(names.ambiguous ?? [])].join("|");
  const branches: string[] = [];
  if (distinct) branches.push(`${HEAD_ATTRIBUTION}${PREFIX}(?:${distinct})\\b`);
  if (all) branches.push(`${HEAD_ATTRIBUTION}${PREFIX}(?:${all})${FOLLOW}`, `${HEAD_CO_AUTHOR}${PREFIX}(?:${all})${FOLLOW_CO_AUTHOR}`);
  return `^(?:${branches.join("|")})`;
}

/** Model families: a model alone means an AI assistant of unknown tool. */
export const MODEL_FAMILIES: AttributionNames = {
  distinct: [
    "chatgpt", "gpt", "o[1-9](?:-mini|-pro|-preview)?", "gemini", "qwen\\d*(?:\\.\\d+)?", "qwq", "llama", "codellama",
    "deepseek", "mistral", "mixtral", "codestral", "devstral", "magistral", "grok", "glm", "chatglm",
    "starcoder", "nemotron", "minimax", "hunyuan", "phi-\\d",
  ],
  ambiguous: ["claude", "kimi", "gemma"],
};

/** AI vendors named alone (`Assisted-by: OpenAI`, `Generated-by: Anthropic`). */
export const VENDORS: AttributionNames = {
  distinct: ["openai", "anthropic", "deepmind", "moonshot ai", "mistral ai", "zhipu ai", "xai", "x\\.ai"],
};

/** `Generated-by: AI`, Fedora's `Assisted-by: generic LLM chatbot`. */
export const GENERIC_AI = `^${HEAD_ATTRIBUTION}(?:an?[ \\t]+|generic[ \\t]+|some[ \\t]+)?(?:ai|llm|llms|genai|gen-ai|large language model|language model|chatbot)${FOLLOW}`;

/** `AI-Assisted: true`, and any `Co-authored-by-AI:` value (the key itself says it). */
export const AI_YES = "^(?:ai-assisted[ \\t]*:[ \\t]*(?:yes|true|y)[ \\t]*$|co-authored-by-ai[ \\t]*:[ \\t]*\\S)";
