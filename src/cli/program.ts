/**
 * `agentgate validate | check | explain | doctor`: the App's core on a policy file, a local change or saved
 * API JSON, and a live pull request. User mistakes print one line and exit non-zero; only a bug
 * prints a stack trace.
 */
import { Command, CommanderError, Option } from "commander";
import { formatProblem, formatWarning, type PolicyProblem } from "../config/parse.js";
import { PatternBudgetError } from "../config/pattern.js";
import type { LoadedPolicy } from "../config/load.js";
import { defaultPolicy } from "../config/schema.js";
import type { PullRequestFacts } from "../facts/types.js";
import { decisionJson } from "../report/json.js";
import { UserError } from "./errors.js";
import { appVersion } from "../version.js";
import { gitFacts, gitIn, resolveChange, resolveCommit, showFile, ensureRepository, type GitRunner } from "./git.js";
import { policyAtCommit, policyFilesIn, policyFromText, readPolicyFile, workingTreePolicy } from "./policy.js";
import { savedFacts } from "./saved.js";
import { renderText } from "./text.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Exit codes, documented in docs/cli.md. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/** `validate --format json`, version 1: one entry per file, every problem with its place.
 *  `warnings` (same shape as problems) was added in version 1: they never make a file invalid. */
interface ValidationJson {
  version: 1;
  valid: boolean;
  files: {
    file: string;
    valid: boolean;
    problems: Omit<PolicyProblem, "kind" | "file">[];
    notes: string[];
    warnings: Omit<PolicyProblem, "kind" | "file">[];
  }[];
}

async function validateCommand(files: string[], opts: { format: "text" | "json" }, io: CliIo): Promise<number> {
  let targets = files;
  if (!targets.length) {
    const git = gitIn(io.cwd);
    const top = await ensureRepository(git, io.cwd).catch(() => io.cwd);
    targets = policyFilesIn(top);
    if (!targets.length) throw new UserError(`no .agentgate.yml or .github/agentgate.yml in ${top}: give the FILE to check`);
    if (targets.length > 1) {
      io.stderr(`warning: ${targets[1]} is ignored because ${targets[0]} exists: delete one of them\n`);
      targets = targets.slice(0, 1);
    }
  }
  const report: ValidationJson = { version: 1, valid: true, files: [] };
  for (const file of targets) {
    const loaded = policyFromText(await readPolicyFile(file), file);
    // _extends cannot be followed offline, but the file itself is valid.
    const problems = loaded.problems.filter((p) => p.kind === "invalid");
    const notes = loaded.problems.length > problems.length ? ["its _extends base is checked when the App loads it"] : [];
    report.valid &&= problems.length === 0;
    const warnings = loaded.warnings ?? [];
    report.files.push({
      file,
      valid: problems.length === 0,
      problems: problems.map(({ kind: _k, file: _f, ...where }) => where),
      notes,
      warnings: warnings.map(({ file: _f, ...where }) => where),
    });
    if (opts.format === "text") {
      if (problems.length) for (const p of problems) io.stdout(`${formatProblem(p)}\n`);
      else {
        const counted = warnings.length ? `${warnings.length} warning${warnings.length === 1 ? "" : "s"}` : "";
        io.stdout(`${file}: valid${notes.length || counted ? ` (${[...notes, counted].filter(Boolean).join("; ")})` : ""}\n`);
      }
      for (const w of warnings) io.stdout(`${formatWarning(w)}\n`);
    }
  }
  if (opts.format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  return report.valid ? EXIT.ok : EXIT.rejected;
}

interface CheckOptions {
  base?: string;
  head: string;
  pr?: string;
  commits?: string;
  files?: string;
  config?: string;
  format: "text" | "json";
}

async function addContext(git: GitRunner, facts: PullRequestFacts, loaded: LoadedPolicy): Promise<void> {
  const { fillContext } = await import("../facts/context.js");
  const policy = loaded.policy ?? defaultPolicy();
  await fillContext(facts.files, policy.infra, (path, side) => showFile(git, side === "base" ? facts.baseSha : facts.headSha, path));
}

async function checkCommand(opts: CheckOptions, io: CliIo): Promise<number> {
  const saved = opts.pr !== undefined || opts.commits !== undefined || opts.files !== undefined;
  if (saved && (opts.base !== undefined || opts.head !== "HEAD")) {
    throw new UserError("--base/--head read a git repository; --pr/--commits/--files read saved JSON: use one or the other");
  }
  const explicit = opts.config !== undefined ? policyFromText(await readPolicyFile(opts.config), opts.config) : undefined;

  let facts: PullRequestFacts;
  let loaded: LoadedPolicy;
  const notes: string[] = [];
  if (saved) {
    loaded = explicit ?? (await workingTreePolicy(await ensureRepository(gitIn(io.cwd), io.cwd).catch(() => io.cwd)));
    const got = await savedFacts({ pr: opts.pr, commits: opts.commits, files: opts.files });
    facts = got.facts;
    notes.push(...got.notes);
  } else {
    const git = gitIn(io.cwd);
    const change = await resolveChange(git, io.cwd, opts.base, opts.head);
    // As the App does: the policy of the base branch, not of the change under review.
    const baseTip = await resolveCommit(git, change.baseRef);
    loaded = explicit ?? (await policyAtCommit((path) => showFile(git, baseTip, path), (path) => `${change.baseRef}:${path}`));
    facts = await gitFacts(git, change, (loaded.policy ?? defaultPolicy()).limits);
    await addContext(git, facts, loaded);
  }
  if (!loaded.sources.length) notes.push("no policy file: using the defaults");

  // Loaded on use: `validate` (a pre-commit hook) starts without the detector catalog and rules.
  const { decide } = await import("../decide.js");
  const decision = decide(facts, loaded);
  const json = decisionJson(decision, facts, "check");
  for (const note of notes) io.stderr(`note: ${note}\n`);
  if (opts.format === "json") io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  else io.stdout(renderText(json, new Map(facts.commits.map((c) => [c.sha, c.message]))));

  if (loaded.problems.some((p) => p.kind === "unreadable") || facts.incomplete.length) return EXIT.usage;
  return loaded.problems.length || decision.requirement.blocked ? EXIT.rejected : EXIT.ok;
}

async function explainCommand(target: string, opts: { apiUrl?: string; format: "text" | "json" }, io: CliIo): Promise<number> {
  const { explainPullRequest, parsePullRequestRef } = await import("./explain.js");
  const ref = parsePullRequestRef(target);
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  if (!token) io.stderr("note: no GITHUB_TOKEN or GH_TOKEN: reading without authentication\n");
  const apiUrl = opts.apiUrl ?? io.env.GITHUB_API_URL;
  const { decision, facts } = await explainPullRequest(ref, { token, apiUrl });
  const json = decisionJson(decision, facts, "explain");
  if (opts.format === "json") io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  else io.stdout(renderText(json, new Map(facts.commits.map((c) => [c.sha, c.message]))));
  if (decision.state === "success") return EXIT.ok;
  return decision.state === "error" ? EXIT.usage : EXIT.rejected;
}

interface DoctorCliOptions {
  apiUrl?: string;
  branch?: string;
  appId?: string;
  installation?: boolean;
  format: "text" | "json";
}

async function doctorCommand(target: string | undefined, opts: DoctorCliOptions, io: CliIo): Promise<number> {
  const { doctorInstallation, doctorJson, doctorRepository, parseRepoRef, sweepExit } = await import("./doctor.js");
  const { renderEnforcementText } = await import("../report/enforcement.js");
  if (opts.installation ? target !== undefined || opts.branch !== undefined : target === undefined) {
    throw new UserError("give OWNER/REPO [--branch B], or --installation alone");
  }
  const appIdText = opts.appId ?? io.env.APP_ID;
  const appId = Number(appIdText);
  if (!appIdText || !Number.isInteger(appId) || appId < 1) {
    throw new UserError("give --app-id ID (or APP_ID): the agentgate App's id, to check that the required check is pinned to it");
  }
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  if (!token) io.stderr("note: no GITHUB_TOKEN or GH_TOKEN: reading without authentication\n");
  const apiUrl = opts.apiUrl ?? io.env.GITHUB_API_URL;
  if (opts.installation) {
    const entries = await doctorInstallation({ token, apiUrl, appId });
    if (opts.format === "json") {
      const repositories = entries.map((e) => ("report" in e ? doctorJson(e.repo, e.report) : { repo: e.repo, error: e.error }));
      io.stdout(`${JSON.stringify({ version: 1, kind: "doctor-sweep", appId, repositories }, null, 2)}\n`);
    } else {
      for (const e of entries) io.stdout("report" in e ? renderEnforcementText(e.repo, e.report) : `${e.repo}: error: ${e.error}\n`);
      const advisory = entries.filter((e) => "report" in e && e.report.verdict === "not-enforced").length;
      io.stdout(`${entries.length} repositories: ${advisory} not enforced, ${entries.length - advisory} enforced or unknown (see above)\n`);
    }
    return sweepExit(entries);
  }
  const where = parseRepoRef(target as string);
  const report = await doctorRepository(where, { token, apiUrl, appId, ...(opts.branch ? { branch: opts.branch } : {}) });
  const repo = `${where.owner}/${where.repo}`;
  if (opts.format === "json") io.stdout(`${JSON.stringify(doctorJson(repo, report), null, 2)}\n`);
  else io.stdout(renderEnforcementText(repo, report));
  return report.verdict === "enforced" ? EXIT.ok : report.verdict === "not-enforced" ? EXIT.rejected : EXIT.usage;
}

interface AuditCliOptions {
  apiUrl?: string;
  appId?: string;
  appSlug?: string;
  since: string;
  format: "json" | "csv" | "md";
}

async function auditCommand(target: string, opts: AuditCliOptions, io: CliIo): Promise<number> {
  const { auditCsv, auditExit, auditMarkdown, auditRepository, parseSince } = await import("./audit.js");
  const { client, parseRepoRef } = await import("./doctor.js");
  const { explainApiError } = await import("./explain.js");
  const where = parseRepoRef(target);
  const since = parseSince(opts.since);
  const appIdText = opts.appId ?? io.env.APP_ID;
  const appId = Number(appIdText);
  if (!appIdText || !Number.isInteger(appId) || appId < 1) {
    throw new UserError("give --app-id ID (or APP_ID): the agentgate App's id; only its own check runs are read");
  }
  const slug = opts.appSlug ?? io.env.APP_SLUG;
  if (slug !== undefined && !/^[a-z0-9][a-z0-9-]{0,99}$/i.test(slug)) throw new UserError(`--app-slug "${slug}" is not a GitHub App slug (letters, digits and dashes)`);
  const token = io.env.GITHUB_TOKEN || io.env.GH_TOKEN;
  if (!token) io.stderr("note: no GITHUB_TOKEN or GH_TOKEN: reading without authentication\n");
  const apiUrl = opts.apiUrl ?? io.env.GITHUB_API_URL;
  const gh = client({ token, apiUrl });
  let requests = 0;
  gh.hook.before("request", () => {
    requests += 1;
  });
  let report;
  try {
    report = await auditRepository(gh, where, { since, appId, ...(slug ? { botLogin: `${slug}[bot]` } : {}) }, () => requests);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const err = explainApiError(e, { ...where, number: 0 }, apiUrl);
    throw new UserError(err.message.replace(`${where.owner}/${where.repo}#0`, `${where.owner}/${where.repo}`), EXIT.usage);
  }
  if (opts.format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (opts.format === "csv") io.stdout(auditCsv(report));
  else io.stdout(auditMarkdown(report));
  io.stderr(`note: ${report.requests} GitHub requests\n`);
  return auditExit(report);
}

const formatOption = () => new Option("--format <format>", "output format").choices(["text", "json"]).default("text");

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command()
    .name("agentgate")
    .description("A two-person rule for code written by AI agents: check a policy, a change, or a live pull request.")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .version(appVersion(), "-V, --version", "print the version of agentgate")
    .exitOverride()
    .showSuggestionAfterError()
    .allowExcessArguments(false);

  program
    .command("validate")
    .description("check .agentgate.yml files: every problem with file, line and key (exit 0 valid, 1 invalid)")
    .argument("[FILE...]", "policy files (default: the current repository's .agentgate.yml or .github/agentgate.yml)")
    .addOption(formatOption())
    .action(async (files: string[], opts: { format: "text" | "json" }) => setExit(await validateCommand(files, opts, io)));

  program
    .command("check")
    .description("evaluate a change without GitHub: a local git range, or GitHub API JSON saved by any client")
    .option("--base <ref>", "base of the change (default: the merge base with the default branch)")
    .option("--head <ref>", "head of the change", "HEAD")
    .option("--pr <file>", "a saved pull request object (`-` for stdin)")
    .option("--commits <file>", "a saved list-pull-request-commits array (`-` for stdin)")
    .option("--files <file>", "a saved list-pull-request-files array (`-` for stdin)")
    .option("--config <file>", "the policy (default: the repository's, on the base branch; else the defaults)")
    .addOption(formatOption())
    .addHelpText(
      "after",
      "\nExit: 0 the change can pass (with the approvals shown), 1 it is blocked or the policy is invalid,\n2 bad input or agentgate could not decide.",
    )
    .action(async (opts: CheckOptions) => setExit(await checkCommand(opts, io)));

  program
    .command("explain")
    .description("the decision the App would publish for a live pull request, now (read-only: publishes nothing)")
    .argument("<OWNER/REPO#N>", "the pull request")
    .option("--api-url <url>", "REST API root for GitHub Enterprise Server or a local simulator (default: $GITHUB_API_URL, else GitHub's)")
    .addOption(formatOption())
    .addHelpText("after", "\nAuth: GITHUB_TOKEN or GH_TOKEN. Exit: 0 success, 1 pending or failure, 2 error or bad input.")
    .action(async (target: string, opts: { apiUrl?: string; format: "text" | "json" }) => setExit(await explainCommand(target, opts, io)));

  program
    .command("doctor")
    .description("whether GitHub enforces agentgate's check on a branch: required, pinned to the App, no bypass, no direct or force push")
    .argument("[OWNER/REPO]", "the repository")
    .option("--branch <branch>", "the branch (default: the repository's default branch)")
    .option("--installation", "every repository an installation token of the App can see, each on its default branch")
    .option("--app-id <id>", "the agentgate App's id (default: $APP_ID)")
    .option("--api-url <url>", "REST API root for GitHub Enterprise Server or a local simulator (default: $GITHUB_API_URL, else GitHub's)")
    .addOption(formatOption())
    .addHelpText(
      "after",
      "\nAuth: GITHUB_TOKEN or GH_TOKEN (classic protection needs a repository admin's token, or Administration: read).\nExit: 0 enforced, 1 not enforced (the gate is advisory), 2 unknown (something could not be read) or bad input.",
    )
    .action(async (target: string | undefined, opts: DoctorCliOptions) =>
      setExit(await doctorCommand(target, opts, io)),
    );

  program
    .command("audit")
    .description("from GitHub alone: every pull request merged since DATE with what agentgate said at merge, and every bypass")
    .argument("<OWNER/REPO>", "the repository")
    .requiredOption("--since <date>", "YYYY-MM-DD or an ISO 8601 date-time")
    .option("--app-id <id>", "the agentgate App's id (default: $APP_ID): only its check runs are read")
    .option("--app-slug <slug>", "the App's slug (default: $APP_SLUG): where agentgate wrote no check run (publish: status), its bot's statuses are read")
    .option("--api-url <url>", "REST API root for GitHub Enterprise Server or a local simulator (default: $GITHUB_API_URL, else GitHub's)")
    .addOption(new Option("--format <format>", "output format").choices(["md", "json", "csv"]).default("md"))
    .addHelpText(
      "after",
      "\nAuth: GITHUB_TOKEN or GH_TOKEN (read access to pull requests, contents and checks).\nExit: 0 nothing to answer for, 1 a bypass not accepted or an agent PR merged unjudged or while agentgate did not say success, 2 bad input or GitHub could not be read.",
    )
    .action(async (target: string, opts: AuditCliOptions) => setExit(await auditCommand(target, opts, io)));

  return program;
}

/** Runs the CLI; returns the exit code. Never throws for user mistakes. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => (code = c));
  try {
    if (!argv.length) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its one-line message (or the help / version).
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UserError) {
      io.stderr(`agentgate: ${e.message}\n`);
      return e.exitCode;
    }
    // The App publishes this as an error; on the command line it is the same: no decision, exit 2.
    if (e instanceof PatternBudgetError) {
      io.stderr(`agentgate: cannot decide: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
