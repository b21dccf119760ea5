/**
 * The infra rules on real history: consecutive published versions of packages that ship infra files
 * (CloudFormation templates, Kubernetes manifests, migrations, Terraform, scripts...). Each pair of
 * consecutive versions is analyzed as one pull request whose files are GitHub-style patches.
 *
 *   npx tsx bench/rules-history.ts fetch <workdir> [list]   # npm pack + extract every version listed
 *   npx tsx bench/rules-history.ts <workdir>                # analyze what is there
 *   npx tsx bench/rules-history.ts migrations <dir> [prefix]  # every migration in dir as an added file
 *
 * [list]: a file with one package a line, `name version version ...` in release order (`#` starts a
 * comment); without it, DEFAULT_PACKAGES below.
 * <workdir> must be outside the repository: nothing third-party is committed. Its layout is
 * `<workdir>/<package, / as __>/<version>/package/...`, the versions' order in `versions.txt` beside them.
 *
 * Prints, per version pair and in total: files analyzed, findings per rule and severity, every alarm
 * (a block or require finding) to be judged by hand, and alarms per 1000 files.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { defaultPolicy } from "../src/config/schema.js";
import type { FileFacts } from "../src/facts/types.js";
import { fillContext } from "../src/facts/context.js";
import { ecosystemsOf, isInfraPath } from "../src/rules/infra/classify.js";
import { analyzeInfra } from "../src/rules/infra/index.js";
import type { Finding } from "../src/rules/types.js";

const infra = defaultPolicy().infra;

function run(cmd: string, args: string[], cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function refuseInsideRepo(dir: string): void {
  const repo = resolve(import.meta.dirname, "..");
  if (!relative(repo, resolve(dir)).startsWith("..")) throw new Error(`${dir} is inside the repository; use a temp dir (third-party content is never committed)`);
}

// ---------------------------------------------------------------------------------------------
// Fetching

interface PackageVersions {
  name: string;
  versions: string[];
}

/** Packages that ship infra files, with runs of consecutive releases (not picked for what changed in them). */
const DEFAULT_PACKAGES = `
@backstage/plugin-catalog-backend 3.8.0 3.8.1 3.8.2 3.9.0 3.9.1 4.0.0   # knex migrations
@directus/api 39.0.0 39.1.0 39.2.0 39.2.1                               # knex migrations
@medusajs/medusa 1.19.0 1.20.0 1.20.1 1.20.2                            # TypeORM migrations
@n8n/db 1.40.4 1.41.0 1.41.1 1.41.2                                     # TypeORM migrations
aws-cdk 2.1146.0 2.1146.1 2.1147.0 2.1148.1                             # CloudFormation bootstrap template
serverless 3.36.0 3.37.0 3.38.0 3.39.0                                  # CloudFormation templates, service YAML
@aws-quickstart/eks-blueprints 1.17.1 1.18.2 1.19.0                     # Kubernetes manifests, shell scripts
pm2 5.4.2 5.4.3 6.0.5 6.0.6                                             # Dockerfiles, init scripts
@nx-extend/terraform 4.2.0 6.0.5 7.0.2 9.0.1                            # a Terraform template
`;

function parseList(text: string): PackageVersions[] {
  return text
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean)
    .map((l) => {
      const [name = "", ...versions] = l.split(/\s+/);
      return { name, versions };
    })
    .filter((p) => p.name && p.versions.length >= 2);
}

const dirName = (pkg: string) => pkg.replace(/\//g, "__");

function fetchAll(list: PackageVersions[], workdir: string): void {
  for (const { name, versions } of list) {
    const pkgDir = join(workdir, dirName(name));
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(join(pkgDir, "versions.txt"), `${versions.join("\n")}\n`);
    for (const v of versions) {
      const dest = join(pkgDir, v);
      if (existsSync(join(dest, "package"))) continue;
      mkdirSync(dest, { recursive: true });
      const packed = run("npm", ["pack", `${name}@${v}`, "--silent", "--pack-destination", dest]);
      const tgz = packed.stdout.trim().split("\n").pop() ?? "";
      if (packed.status !== 0 || !tgz) throw new Error(`npm pack ${name}@${v} failed: ${packed.stderr.slice(0, 300)}`);
      const untar = run("tar", ["-xzf", tgz, "-C", dest], dest);
      if (untar.status !== 0) throw new Error(`tar ${tgz}: ${untar.stderr.slice(0, 300)}`);
      console.log(`fetched ${name}@${v}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Version pairs as pull requests

function listFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

/** GitHub's `patch`: git's unified diff of one file without its header (hunks only). */
function patchOf(oldPath: string, newPath: string): { patch?: string; additions: number; deletions: number } {
  const r = run("git", ["diff", "--no-index", "--no-color", "--no-ext-diff", "-U3", "--", oldPath, newPath]);
  if (r.status !== 0 && r.status !== 1) throw new Error(`git diff ${oldPath} ${newPath}: ${r.stderr.slice(0, 300)}`);
  const firstHunk = r.stdout.indexOf("\n@@");
  if (firstHunk < 0) return { additions: 0, deletions: 0 }; // binary or mode only: GitHub sends no patch
  const patch = r.stdout.slice(firstHunk + 1).replace(/\n$/, "");
  let additions = 0;
  let deletions = 0;
  for (const line of patch.split("\n")) {
    if (line.startsWith("+")) additions++;
    else if (line.startsWith("-")) deletions++;
  }
  return { patch, additions, deletions };
}

/** The files changed between two extracted versions, as GitHub lists a PR's files (exact moves as renames). */
function changedFiles(oldRoot: string, newRoot: string): FileFacts[] {
  const oldFiles = new Set(listFiles(oldRoot));
  const newFiles = new Set(listFiles(newRoot));
  const files: FileFacts[] = [];
  const removed: string[] = [];
  const added: string[] = [];
  for (const f of oldFiles) {
    if (!newFiles.has(f)) removed.push(f);
    else if (!readFileSync(join(oldRoot, f)).equals(readFileSync(join(newRoot, f)))) {
      files.push({ filename: f, status: "modified", ...patchOf(join(oldRoot, f), join(newRoot, f)) });
    }
  }
  for (const f of newFiles) if (!oldFiles.has(f)) added.push(f);
  const removedByContent = new Map<string, string>();
  for (const f of removed) removedByContent.set(readFileSync(join(oldRoot, f), "latin1"), f);
  const renamedFrom = new Set<string>();
  for (const f of added) {
    const from = removedByContent.get(readFileSync(join(newRoot, f), "latin1"));
    if (from !== undefined && !renamedFrom.has(from)) {
      renamedFrom.add(from);
      files.push({ filename: f, previousFilename: from, status: "renamed", additions: 0, deletions: 0 });
    } else files.push({ filename: f, status: "added", ...patchOf("/dev/null", join(newRoot, f)) });
  }
  for (const f of removed) {
    if (!renamedFrom.has(f)) files.push({ filename: f, status: "removed", ...patchOf(join(oldRoot, f), "/dev/null") });
  }
  return files.sort((a, b) => a.filename.localeCompare(b.filename));
}

/** What the app does before analyzing: read the full text of the files the rules ask for (first few). */
function addContext(files: FileFacts[], oldRoot: string, newRoot: string): Promise<void> {
  return fillContext(files, infra, async (path, side) => {
    const full = join(side === "base" ? oldRoot : newRoot, path);
    return existsSync(full) ? readFileSync(full, "utf8") : null;
  });
}

function isInfraFile(f: FileFacts): boolean {
  return isInfraPath(f.filename) || ecosystemsOf(f.filename, f.patch ?? "").size > 0;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Totals {
  pairs: number;
  files: number;
  infraFiles: number;
  alarms: number;
  ms: number;
  bySeverity: Map<string, number>;
}

async function analyzePackage(pkgDir: string, totals: Totals): Promise<void> {
  const listed = join(pkgDir, "versions.txt");
  const versions = existsSync(listed)
    ? readFileSync(listed, "utf8").split("\n").map((v) => v.trim()).filter((v) => v && existsSync(join(pkgDir, v, "package")))
    : readdirSync(pkgDir).filter((v) => existsSync(join(pkgDir, v, "package"))).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (let i = 1; i < versions.length; i++) {
    const oldRoot = join(pkgDir, versions[i - 1]!, "package");
    const newRoot = join(pkgDir, versions[i]!, "package");
    const files = changedFiles(oldRoot, newRoot);
    await addContext(files, oldRoot, newRoot);
    const t0 = performance.now();
    const findings = analyzeInfra(files, infra);
    const ms = performance.now() - t0;
    const infraFiles = files.filter(isInfraFile).length;
    const alarms = findings.filter((f) => f.severity === "block" || f.severity === "require");
    totals.pairs++;
    totals.files += files.length;
    totals.infraFiles += infraFiles;
    totals.alarms += alarms.length;
    totals.ms += ms;
    for (const f of findings) totals.bySeverity.set(`${f.rule} ${f.severity}`, (totals.bySeverity.get(`${f.rule} ${f.severity}`) ?? 0) + 1);
    const lines = files.reduce((n, f) => n + (f.patch?.split("\n").length ?? 0), 0);
    console.log(`\n## ${pkgDir.split("/").pop()!.replace(/__/g, "/")} ${versions[i - 1]} -> ${versions[i]}: ${files.length} files changed (${infraFiles} infra), ${lines} patch lines, ${findings.length} findings, ${alarms.length} alarms, analyzed in ${ms.toFixed(0)} ms`);
    for (const f of findings) printFinding(f);
  }
}

function printFinding(f: Finding): void {
  const alarm = f.severity === "block" || f.severity === "require";
  if (!alarm && !process.env.VERBOSE) return;
  console.log(`  ${alarm ? "ALARM" : "     "} ${f.severity.padEnd(7)} ${f.rule.padEnd(7)} ${f.file}:${f.line ?? ""}\n          ${f.message}${f.evidence ? `\n          > ${f.evidence}` : ""}`);
}

async function analyzeAll(workdir: string): Promise<void> {
  const totals: Totals = { pairs: 0, files: 0, infraFiles: 0, alarms: 0, ms: 0, bySeverity: new Map() };
  for (const entry of readdirSync(workdir).sort()) {
    const pkgDir = join(workdir, entry);
    if (statSync(pkgDir).isDirectory()) await analyzePackage(pkgDir, totals);
  }
  const per1000 = (n: number, d: number) => (d === 0 ? "-" : ((1000 * n) / d).toFixed(2));
  console.log(`\n# Total: ${totals.pairs} version pairs, ${totals.files} files analyzed (${totals.infraFiles} infra), analysis ${totals.ms.toFixed(0)} ms`);
  console.log("findings per rule and severity:");
  for (const [k, n] of [...totals.bySeverity].sort()) console.log(`  ${k.padEnd(20)} ${n}`);
  console.log(`alarms (block/require): ${totals.alarms} = ${per1000(totals.alarms, totals.files)} per 1000 files, ${per1000(totals.alarms, totals.infraFiles)} per 1000 infra files`);
  console.log("Judge each ALARM above by hand: a true positive is a change that really destroys or exposes something.");
}

// ---------------------------------------------------------------------------------------------
// Recall on one project's migrations: every migration file read as if a PR added it

/** Words that, in the forward part of a migration, suggest it drops or renames something. */
const DESTRUCTIVE_WORDS = /\b(drop|delete|remove|rename|truncate)[A-Z_ (]|DROP\s|TRUNCATE\s|RENAME\s/i;
/** Where a rollback section starts, to leave it out of the word search (a rough cut, for listing). */
const ROLLBACK_START = /function\s+down\b|\bdown\s*[:=(]|def\s+(down|downgrade)\b/;

async function migrationRecall(dir: string, prefix: string): Promise<void> {
  const files = run("find", [dir, "-type", "f", "(", "-name", "*.js", "-o", "-name", "*.ts", "-o", "-name", "*.sql", "-o", "-name", "*.rb", "-o", "-name", "*.py", ")"]).stdout.trim().split("\n").filter(Boolean).sort();
  let flagged = 0;
  const unflaggedCandidates: string[] = [];
  for (const path of files) {
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    const filename = join(prefix, relative(dir, path));
    const file: FileFacts = { filename, status: "added", additions: lines.length, deletions: 0, patch: [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n"), headContent: text };
    const alarms = analyzeInfra([file], infra).filter((f) => f.severity !== "note");
    if (alarms.length) {
      flagged++;
      console.log(`FLAGGED ${filename}: ${alarms.map((f) => `${f.rule}:${f.line}`).join(" ")}`);
    } else if (DESTRUCTIVE_WORDS.test(text.split(ROLLBACK_START)[0]!)) {
      unflaggedCandidates.push(filename);
    }
  }
  console.log(`\n${files.length} migration files, ${flagged} flagged (block/require).`);
  console.log(`Not flagged, but their forward part has a word like drop/delete/remove/rename/truncate (judge by hand: a miss, or harmless): ${unflaggedCandidates.length}`);
  for (const f of unflaggedCandidates) console.log(`  ${f}`);
}

const [command, ...rest] = process.argv.slice(2);
if (command === "fetch") {
  const [workdir, list] = rest;
  if (!workdir) throw new Error("usage: rules-history.ts fetch <workdir> [list]");
  refuseInsideRepo(workdir);
  fetchAll(parseList(list ? readFileSync(list, "utf8") : DEFAULT_PACKAGES), workdir);
} else if (command === "migrations") {
  const [dir, prefix = "db/migrations"] = rest;
  if (!dir) throw new Error("usage: rules-history.ts migrations <dir> [path prefix]");
  refuseInsideRepo(dir);
  await migrationRecall(dir, prefix);
} else if (command) {
  refuseInsideRepo(command);
  await analyzeAll(command);
} else {
  console.error("usage: rules-history.ts fetch <workdir> [list] | rules-history.ts <workdir> | rules-history.ts migrations <dir> [path prefix]");
  process.exit(2);
}
