/**
 * The `.agentgate.yml` schema: the one source of truth.
 *
 * The TypeScript type (`Policy`) is inferred from it, `schema/agentgate.schema.json` is
 * generated from it (`npm run schema`, checked by a test), and docs/config.md is checked
 * against it by a test so that every key is documented.
 *
 * Every object is strict: an unknown key is an error, never silently ignored.
 */
import { z } from "zod";
import { deepFreeze } from "../frozen.js";
import { globError, isKnownRuleId, unknownRuleMessage, type GlobKind } from "./lint.js";
import { patternProblem } from "./pattern.js";

export const POLICY_VERSION = 1;

const severity = z.enum(["block", "require", "note"]);
const permission = z.enum(["admin", "maintain", "write", "triage", "read"]);
const confidence = z.enum(["high", "medium", "low"]);
/** `org/slug` of a GitHub team. */
const team = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "a team is written org/team-slug");
/** A minimatch glob. A leading `/` (CODEOWNERS-style) is refused by the JSON Schema too, so editors flag it. */
const globOf = (kind: GlobKind) =>
  z
    .string()
    .min(1)
    .regex(/^(?!\/)/, { error: () => globError("/", kind) })
    .refine((s) => s.startsWith("/") || globError(s, kind) === undefined, { error: (iss) => globError(String(iss.input), kind) });
const glob = globOf("path");
/** A rule id of the catalog (src/rules/infra/catalog.ts, docs/rules.md). */
const RULE_ID = /^[A-Z0-9]+-[0-9]+$/;
const ruleId = z
  .string()
  .regex(RULE_ID, "a rule id looks like TF-01")
  .refine((s) => !RULE_ID.test(s) || isKnownRuleId(s), { error: (iss) => unknownRuleMessage(iss.input) });
const approvals = z.number().int().min(0).max(20);

/** Matching is linear in pattern size times text size: both are bounded, and so is the number of
 *  patterns, so that one repository's policy costs every evaluation at most a bounded time. */
const MAX_PATTERN_LENGTH = 500;
const MAX_POLICY_PATTERNS = 50;

/** A regular expression, checked to compile on RE2 (policy patterns run there, in linear time).
 *  Matched case-insensitively. */
const pattern = z
  .string()
  .min(1)
  .max(MAX_PATTERN_LENGTH)
  .refine((s) => patternProblem(s) === undefined, { message: "not a valid regular expression" });

/** Where a custom marker is matched. */
export const markerSource = z.enum([
  "pr-author",
  "pr-branch",
  "pr-label",
  "pr-title",
  "pr-body",
  "commit-author",
  "commit-committer",
  "commit-trailer",
  "commit-message",
]);

const customMarker = z.strictObject({
  /** Agent id it reports, e.g. `in-house-bot`. */
  agent: z.string().min(1),
  source: markerSource,
  /** Regular expression (case-insensitive). For identities it is matched on `Name <email>`; for
   *  trailers on the whole trailer line `Key: value`. */
  pattern,
  kind: z.enum(["agent", "suggestion", "automation"]).default("agent"),
  confidence: confidence.default("high"),
  /** A name to refer to it by; defaults to `custom:<agent>:<index>`. */
  id: z.string().min(1).optional(),
});

const agentsSection = z
  .strictObject({
    /** Exact GitHub logins of agents (PR authors, commit authors), e.g. `our-agent[bot]`. */
    logins: z.array(z.string().min(1)).default([]),
    /** Exact commit emails of agents. */
    emails: z.array(z.string().min(1)).default([]),
    /** Regular expressions matched on co-author and other trailer lines. */
    trailers: z.array(pattern).max(MAX_POLICY_PATTERNS).default([]),
    /** Head-branch globs (minimatch), e.g. `ai/**`. */
    branches: z.array(globOf("branch")).default([]),
    /** PR labels that mark an agent PR. */
    labels: z.array(z.string().min(1)).default([]),
    /** Markers with full control of source, kind and confidence. */
    markers: z.array(customMarker).max(MAX_POLICY_PATTERNS).default([]),
    /** Ids of built-in markers (or whole agents, by agent id) to switch off. */
    disable: z.array(z.string().min(1)).default([]),
    /** Logins or emails that are never agents, whatever they carry (e.g. a human on an AI vendor's domain). */
    never: z.array(z.string().min(1)).default([]),
    /** Count accepted machine suggestions (Copilot / CodeRabbit suggestion commits) as agent-written. */
    count_suggestions: z.boolean().default(true),
    /** Count automation bots (dependabot, renovate, github-actions) as agents. */
    count_automation: z.boolean().default(false),
  })
  .default({
    logins: [],
    emails: [],
    trailers: [],
    branches: [],
    labels: [],
    markers: [],
    disable: [],
    never: [],
    count_suggestions: true,
    count_automation: false,
  });

const approvalsSection = z
  .strictObject({
    /** Approvals needed on the current head. */
    required: approvals.default(2),
    /** Minimum repository permission of an approver. */
    min_permission: permission.default("write"),
    /** Whether authors, committers and co-authors of the PR's commits may approve it. */
    allow_contributors: z.boolean().default(false),
    /** Keep approvals of an earlier head when the PR's diff is unchanged since (rebase, base update). */
    keep_on_identical_diff: z.boolean().default(true),
  })
  .default({ required: 2, min_permission: "write", allow_contributors: false, keep_on_identical_diff: true });

const pathRule = z
  .strictObject({
    /** Shown in the check run and used as the rule id `path:<name>`. */
    name: z.string().min(1).regex(/^[A-Za-z0-9_.\-/]+$/, "use letters, digits, . _ - /"),
    /** Globs (minimatch, dotfiles included), matched against both names of a rename. */
    paths: z.array(glob).min(1),
    /** Total approvals needed when this rule fires (if more than `approvals.required`). */
    approvals: approvals.min(1).optional(),
    /** Teams (`org/slug`) that must each give at least one approval. */
    teams: z.array(team).optional(),
    /** An agent may not change these paths at all. */
    block: z.boolean().default(false),
  })
  .refine((r) => r.block || r.approvals !== undefined || (r.teams?.length ?? 0) > 0, {
    message: "a path rule needs `block: true`, `approvals` or `teams`",
  });

const scopedSeverity = z.strictObject({
  paths: z.array(glob).min(1),
  severity: severity.optional(),
  enabled: z.boolean().optional(),
});

const infraRuleSettings = z.strictObject({
  enabled: z.boolean().optional(),
  severity: severity.optional(),
  /** Path-scoped overrides; the first whose `paths` match the file wins. */
  scopes: z.array(scopedSeverity).optional(),
  /** Teams whose approval a `require` finding of this rule needs. */
  teams: z.array(team).optional(),
});

const allowEntry = z.strictObject({
  /** Rule id, e.g. `DB-01`, or `*`. */
  rule: z
    .string()
    .min(1)
    .refine((s) => s === "*" || isKnownRuleId(s), { error: (iss) => unknownRuleMessage(iss.input) }),
  /** Regular expression matched on the evidence line. */
  pattern: pattern.optional(),
  /** Globs of files it applies to. */
  paths: z.array(glob).optional(),
  /** Why this is safe: shown in the check run. Required. */
  reason: z.string().min(1),
});

const infraSection = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Per-rule settings keyed by rule id (`TF-01`, ...). */
    rules: z.record(ruleId, infraRuleSettings).default({}),
    /** Known-safe patterns, each with a reason. */
    allow: z.array(allowEntry).max(4 * MAX_POLICY_PATTERNS).default([]),
    /** Paths that are not deployed: findings there are capped at `note`. Replaces the defaults when set. */
    non_deployed_paths: z.array(glob).optional(),
    /** Paths that are documentation: not checked for content. Replaces the defaults when set. */
    docs_paths: z.array(glob).optional(),
    /** Teams whose approval every `require` finding needs (unless the rule names its own). */
    teams: z.array(team).default([]),
  })
  .default({ enabled: true, rules: {}, allow: [], teams: [] });

const limitsSection = z
  .strictObject({
    /** Fail closed above this many files (GitHub lists at most 3000). */
    max_files: z.number().int().min(1).max(3000).default(3000),
    /** Fail closed above this many commits (GitHub lists at most 250 on a PR). */
    max_commits: z.number().int().min(1).max(10000).default(250),
  })
  .default({ max_files: 3000, max_commits: 250 });

/** The deploy gate's bounds (src/deploy/): how far back it judges a deployment's commits. */
export const DEPLOY_MAX_COMMITS_DEFAULT = 500;
export const DEPLOY_MAX_COMMITS_CAP = 2000;

const environmentRule = z.strictObject({
  /** Environment name glob (minimatch, case-insensitive), e.g. `production*`. The first rule that matches wins. */
  name: glob,
  /** Whether an agent's account may start a deployment to it. */
  allow_agent_deployers: z.boolean().default(false),
  /** Reject (fail closed) when a deployment brings more commits than this since the last successful one. */
  max_commits: z.number().int().min(1).max(DEPLOY_MAX_COMMITS_CAP).default(DEPLOY_MAX_COMMITS_DEFAULT),
  /** Until agentgate has approved a deployment there, judge only the commits after this one (a full SHA). */
  since: z.string().regex(/^[0-9a-f]{40}$/i, "a full 40-character commit SHA").optional(),
});

/** A login (`alice`) or a team (`@org/team-slug`) that may accept a bypass. */
const acceptor = z
  .string()
  .regex(/^(?:@[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/, "a login (alice) or a team (@org/team-slug)");

const bypassesSection = z
  .strictObject({
    /** Branch globs (minimatch) watched beside the default branch, e.g. `release/*`. */
    branches: z.array(globOf("branch")).max(MAX_POLICY_PATTERNS).default([]),
    /** How people hear of a bypass beyond the failing check: `comment` on the merged pull request (none for a direct push), `issue` (opens one), `none`. */
    notify: z.enum(["none", "comment", "issue"]).default("comment"),
    /** Who may accept a bypass with the check run's button (logins and `@org/team`); none: only the revert route. */
    accept_by: z.array(acceptor).max(MAX_POLICY_PATTERNS).default([]),
  })
  .default({ branches: [], notify: "comment", accept_by: [] });

export const policySchema = z.strictObject({
  /** Schema version of this file. */
  version: z.literal(POLICY_VERSION).default(POLICY_VERSION),
  /** Extend another policy: `.github` or `app` (this owner), `owner/repo`, or `owner/repo:path`; only this repository or the owner's `.github`. */
  _extends: z.string().min(1).optional(),
  /** `agents`: only agent-authored PRs are gated. `all`: every PR is. */
  applies_to: z.enum(["agents", "all"]).default("agents"),
  agents: agentsSection,
  approvals: approvalsSection,
  /** Protected path rules. The defaults (see `protect_defaults`) come first. */
  paths: z.array(pathRule).default([]),
  /** Keep the built-in protected paths (the policy file and its `_extends` files here, workflows, local actions, CI outside .github, CODEOWNERS: block). */
  protect_defaults: z.boolean().default(true),
  infra: infraSection,
  /** The commit status context and check run name. */
  check_name: z
    .string()
    .min(1)
    .max(100)
    .refine((s) => s !== "agentgate bypass" && !s.startsWith("agentgate deploy: "), "this name is agentgate's own (its bypass and deploy records)")
    .default("agentgate"),
  /**
   * What agentgate writes on each head: the commit status and the check run (`both`), the check run
   * alone (`check_run`), or the status, with the check run only where it keeps a memory or one is there already (`status`).
   */
  publish: z.enum(["both", "check_run", "status"]).default("both"),
  limits: limitsSection,
  /** The deploy gate's rules by environment (read from the default branch); no match: the defaults. */
  environments: z.array(environmentRule).max(MAX_POLICY_PATTERNS).default([]),
  /** Agent-written commits that reached a protected branch past the gate (read from the default branch). */
  bypasses: bypassesSection,
});

/** The policy after defaults are applied. */
export type Policy = z.output<typeof policySchema>;

/** What agentgate writes on each head commit (the policy's `publish`). */
export type PublishMode = Policy["publish"];
/** The policy as written in YAML. */
export type PolicyInput = z.input<typeof policySchema>;
export type PathRule = Policy["paths"][number];
export type CustomMarker = Policy["agents"]["markers"][number];
export type AgentsPolicy = Policy["agents"];
export type InfraPolicy = Policy["infra"];
export type InfraRuleSettings = z.output<typeof infraRuleSettings>;
export type AllowEntry = z.output<typeof allowEntry>;
export type PermissionLevel = z.output<typeof permission>;
export type EnvironmentRule = z.output<typeof environmentRule>;
export type BypassesPolicy = z.output<typeof bypassesSection>;

/** Where a repository's policy is read from (the first that exists wins), on the base branch. */
export const POLICY_PATHS = [".agentgate.yml", ".github/agentgate.yml"];

/** The built-in protected paths: an agent may not change its own gate or the CI. */
export const DEFAULT_PROTECTED_PATHS: PathRule[] = [
  {
    name: "agentgate-policy",
    paths: [".agentgate.yml", ".agentgate.yaml", ".github/agentgate.yml", ".github/agentgate.yaml"],
    block: true,
  },
  { name: "workflows", paths: [".github/workflows/**", ".github/actions/**"], block: true },
  { name: "codeowners", paths: ["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"], block: true },
  {
    // CI that lives outside .github runs with the repository's secrets too. `.gitlab/**` whole:
    // GitLab CI `include:`s templates from there by convention, and it holds GitLab's CODEOWNERS.
    // dependabot.yml: it names the registries (and their secrets) automation PRs are built from.
    name: "ci",
    paths: [
      ".circleci/**",
      "**/Jenkinsfile",
      "**/Jenkinsfile.*",
      ".gitlab-ci.yml",
      ".gitlab-ci.yaml",
      ".gitlab/**",
      "azure-pipelines.yml",
      "azure-pipelines.yaml",
      ".azure-pipelines/**",
      ".buildkite/**",
      ".travis.yml",
      "bitbucket-pipelines.yml",
      ".drone.yml",
      ".woodpecker.yml",
      ".woodpecker.yaml",
      ".woodpecker/**",
      "appveyor.yml",
      ".appveyor.yml",
      "cloudbuild.yaml",
      "cloudbuild.yml",
      "buildspec.yml",
      "buildspec.yaml",
      ".github/dependabot.yml",
      ".github/dependabot.yaml",
    ],
    block: true,
  },
];

/** The rule that protects the files an `_extends` chain reads in the repository under review
 *  (beside the policy file itself): editing a base loosens the gate as much as editing the policy. */
export const EXTENDS_RULE_NAME = "agentgate-policy-extends";

// One object for every repository without a policy: what is compiled from a policy (the agent
// detector, keyed by its `agents` object) is then compiled once, not per webhook. Frozen, since a
// loaded policy is never changed and this one is shared.
let shared: Policy | undefined;

/** The policy that applies when a repository has none (one shared, frozen object). */
export function defaultPolicy(): Policy {
  return (shared ??= deepFreeze(policySchema.parse({})));
}
