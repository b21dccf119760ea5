/**
 * Agent detection: which commits and which pull request an agent wrote, with the evidence.
 *
 * `compileDetector` turns the built-in catalog plus a repository's `agents:` policy into compiled
 * markers once; `detectAgents` then only runs regular expressions. There is no per-agent code here:
 * what an agent looks like is data (catalog.ts, or the policy).
 */
import { minimatch } from "minimatch";
import { boundedText, compileUserPattern, MAX_PATTERN_INPUT, withPatternBudget } from "../config/pattern.js";
import type { AgentsPolicy } from "../config/schema.js";
import type { CommitFacts, GitIdentity } from "../facts/types.js";
import { CATALOG, type AgentSpec, type MarkerSource, type MarkerSpec } from "./catalog.js";
import {
  identityText,
  isWebFlow,
  lineAt,
  noreplyLogin,
  normalizeText,
  parseIdentity,
  subjectOf,
  trailerLines,
  type ParsedIdentity,
} from "./text.js";
import type {
  AgentKind,
  CommitDetection,
  Confidence,
  Detection,
  Evidence,
  EvidenceSource,
  SteeringHuman,
} from "./types.js";

export interface PullRequestSignals {
  authorLogin: string;
  authorType: string;
  headRef: string;
  labels: string[];
  title: string;
  body: string;
  /** The PR's assignees: on an agent PR, the people who set the agent to work. */
  assignees?: readonly { login: string; type: string }[];
  /** Issues the PR's body says it closes, with their assignees. */
  closingIssues?: readonly { number: number; assignees: readonly { login: string; type: string }[] }[];
}

export interface DetectInput {
  pr?: PullRequestSignals;
  commits: CommitFacts[];
  /** GitHub's links of commit emails to accounts (facts.linkedEmails), to name steering humans by login. */
  linkedEmails?: Readonly<Record<string, string | null>>;
}

/** A marker ready to run. `find` returns the text to report as `matched`, or undefined. */
export interface CompiledMarker {
  id: string;
  agent: string;
  kind: AgentKind;
  confidence: Confidence;
  sources: ReadonlySet<MarkerSource>;
  subjectOnly: boolean;
  fallbackOnly: boolean;
  botTypeOnly: boolean;
  /** Trailer keys the marker can match (undefined: any). */
  trailerKeys?: ReadonlySet<string>;
  find(text: string): string | undefined;
}

export interface Detector {
  /** Every active marker, policy markers first, then the catalog in order. */
  readonly markers: readonly CompiledMarker[];
  /** Marker lists per place they are tried, in priority order (first match wins for one value). */
  readonly byPlace: Readonly<Record<Place, readonly CompiledMarker[]>>;
  readonly never: { readonly emails: ReadonlySet<string>; readonly logins: ReadonlySet<string> };
  readonly countSuggestions: boolean;
  readonly countAutomation: boolean;
  /** Problems in the policy that did not stop compiling (e.g. `disable` naming nothing known). */
  readonly warnings: readonly string[];
}

/** The places a value is read from; each has its own marker list. */
export type Place =
  | "author"
  | "committer"
  | "coAuthor"
  | "trailer"
  | "message"
  | "prAuthor"
  | "prBranch"
  | "prLabel"
  | "prTitle"
  | "prBody";

const PLACE_SOURCES: Record<Place, readonly MarkerSource[]> = {
  author: ["identity", "commit-author", "login"],
  committer: ["identity", "commit-committer", "login"],
  coAuthor: ["identity", "co-author"],
  trailer: ["commit-trailer"],
  message: ["commit-message"],
  prAuthor: ["pr-author", "login"],
  prBranch: ["pr-branch"],
  prLabel: ["pr-label"],
  prTitle: ["pr-title"],
  prBody: ["pr-body"],
};

/** Trailer keys whose value names a person or tool that took part in writing the commit. */
const CO_AUTHOR_KEYS = new Set(["co-authored-by", "assisted-by", "co-developed-by", "generated-by", "signed-off-by"]);

// ------------------------------------------------------------------------------------------ compile

function regexFinder(pattern: string, flags: string, where: string): (text: string) => string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags);
  } catch (err) {
    throw new Error(`${where}: not a valid regular expression (${(err as Error).message})`);
  }
  return (text) => {
    // Linear patterns are still linear in the text: a megabyte commit message is cut to its head and foot.
    const seen = boundedText(text, MAX_CATALOG_INPUT);
    const m = re.exec(seen);
    return m ? lineAt(seen, m.index) : undefined;
  };
}

/** The catalog's patterns see at most this much of one text (first and last halves). */
const MAX_CATALOG_INPUT = 128 * 1024;

/** A policy's own pattern (`agents.trailers`, `agents.markers[].pattern`): on RE2, linear time. */
function userRegexFinder(pattern: string, where: string): (text: string) => string | undefined {
  const re = compileUserPattern(pattern, where, { multiline: true });
  return (text) => {
    const at = re.search(text);
    return at >= 0 ? lineAt(boundedText(text, MAX_PATTERN_INPUT), at) : undefined;
  };
}

function compileSpec(agent: AgentSpec, spec: MarkerSpec): CompiledMarker {
  const sources = new Set<MarkerSource>(typeof spec.source === "string" ? [spec.source] : spec.source);
  return {
    id: spec.id,
    agent: agent.id,
    kind: spec.kind ?? agent.kind,
    confidence: spec.confidence,
    sources,
    subjectOnly: spec.subjectOnly ?? false,
    fallbackOnly: spec.fallbackOnly ?? false,
    botTypeOnly: spec.botTypeOnly ?? false,
    find: regexFinder(spec.pattern, spec.caseSensitive ? "m" : "im", `catalog marker ${spec.id}`),
    ...(spec.trailerKeys ? { trailerKeys: new Set(spec.trailerKeys) } : {}),
  };
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function policyMarker(
  fields: Pick<CompiledMarker, "id" | "agent" | "kind" | "confidence"> & { sources: MarkerSource[] },
  find: CompiledMarker["find"],
): CompiledMarker {
  return { ...fields, sources: new Set(fields.sources), subjectOnly: false, fallbackOnly: false, botTypeOnly: false, find };
}

/** The markers a repository adds in `agents:`. They come before the catalog so they win ties. */
function policyMarkers(agents: Partial<AgentsPolicy>): CompiledMarker[] {
  const out: CompiledMarker[] = [];
  for (const l of agents.logins ?? []) {
    out.push(
      policyMarker(
        { id: `policy:login:${l}`, agent: l, kind: "agent", confidence: "high", sources: ["login"] },
        regexFinder(`^${escapeRegExp(l)}$`, "i", `agents.logins "${l}"`),
      ),
    );
  }
  for (const e of agents.emails ?? []) {
    out.push(
      policyMarker(
        { id: `policy:email:${e}`, agent: e, kind: "agent", confidence: "high", sources: ["identity"] },
        regexFinder(`<${escapeRegExp(e.trim())}>$`, "i", `agents.emails "${e}"`),
      ),
    );
  }
  (agents.trailers ?? []).forEach((t, i) => {
    out.push(
      policyMarker(
        { id: `policy:trailer:${i}`, agent: "custom", kind: "agent", confidence: "high", sources: ["commit-trailer"] },
        userRegexFinder(t, `agents.trailers[${i}]`),
      ),
    );
  });
  for (const glob of agents.branches ?? []) {
    out.push(
      policyMarker(
        { id: `policy:branch:${glob}`, agent: "custom", kind: "agent", confidence: "high", sources: ["pr-branch"] },
        (branch) => (minimatch(branch, glob, { dot: true }) ? branch : undefined),
      ),
    );
  }
  for (const label of agents.labels ?? []) {
    out.push(
      policyMarker(
        { id: `policy:label:${label}`, agent: "custom", kind: "agent", confidence: "high", sources: ["pr-label"] },
        regexFinder(`^${escapeRegExp(label.trim())}$`, "i", `agents.labels "${label}"`),
      ),
    );
  }
  (agents.markers ?? []).forEach((m, i) => {
    out.push(
      policyMarker(
        {
          id: m.id ?? `custom:${m.agent}:${i}`,
          agent: m.agent,
          kind: m.kind ?? "agent",
          confidence: m.confidence ?? "high",
          sources: [m.source],
        },
        userRegexFinder(m.pattern, `agents.markers[${i}].pattern`),
      ),
    );
  });
  return out;
}

/**
 * Compile the catalog and a repository's `agents:` policy once; reuse the result for every PR.
 * Throws an Error naming the key when a pattern does not compile (the schema normally catches it).
 */
export function compileDetector(agents: Partial<AgentsPolicy> = {}, catalog: readonly AgentSpec[] = CATALOG): Detector {
  const disabled = new Set((agents.disable ?? []).map((d) => d.trim()));
  const known = new Set<string>();
  const markers: CompiledMarker[] = [];
  for (const m of policyMarkers(agents)) {
    known.add(m.id).add(m.agent);
    if (!disabled.has(m.id) && !disabled.has(m.agent)) markers.push(m);
  }
  for (const agent of catalog) {
    known.add(agent.id);
    for (const spec of agent.markers) {
      known.add(spec.id);
      if (disabled.has(spec.id) || disabled.has(agent.id)) continue;
      markers.push(compileSpec(agent, spec));
    }
  }
  const warnings = [...disabled]
    .filter((d) => !known.has(d))
    .map((d) => `agents.disable: "${d}" names no agent or marker (see docs/agents.md for the ids)`);

  const byPlace = Object.fromEntries(
    (Object.keys(PLACE_SOURCES) as Place[]).map((place) => [
      place,
      markers.filter((m) => PLACE_SOURCES[place].some((s) => m.sources.has(s))),
    ]),
  ) as Record<Place, CompiledMarker[]>;

  const lower = (xs: readonly string[] | undefined) => new Set((xs ?? []).map((x) => x.trim().toLowerCase()));
  const never = lower(agents.never);
  return {
    markers,
    byPlace,
    never: { emails: never, logins: never },
    countSuggestions: agents.count_suggestions ?? true,
    countAutomation: agents.count_automation ?? false,
    warnings,
  };
}

// ------------------------------------------------------------------------------------------ match

/** Evidence plus whether it only speaks when nothing else does. */
interface Found {
  evidence: Evidence;
  fallbackOnly: boolean;
}

function found(m: CompiledMarker, source: EvidenceSource, matched: string, commit?: string): Found {
  const evidence: Evidence = { agent: m.agent, kind: m.kind, source, marker: m.id, matched, confidence: m.confidence };
  if (commit !== undefined) evidence.commit = commit;
  return { evidence, fallbackOnly: m.fallbackOnly };
}

export function counts(e: Pick<Evidence, "kind">, d: Detector): boolean {
  return e.kind === "agent" || (e.kind === "suggestion" && d.countSuggestions) || (e.kind === "automation" && d.countAutomation);
}

function isNever(who: { email?: string | null; login?: string | null }, d: Detector): boolean {
  const email = (who.email ?? "").trim().toLowerCase();
  if (email && d.never.emails.has(email)) return true;
  const login = (who.login ?? "").trim().toLowerCase();
  if (login && d.never.logins.has(login)) return true;
  const local = noreplyLogin(email)?.toLowerCase();
  return local !== undefined && d.never.logins.has(local);
}

/**
 * Whether a commit's author, committer or co-author is no person: GitHub's web-flow, a bot account,
 * or an identity a marker names as an agent or automation. A `never` entry is a person.
 */
export function isMachineIdentity(
  who: { name: string; email: string; login?: string | null; type?: string | null },
  role: "author" | "committer" | "co-author",
  d: Detector,
): boolean {
  if (isWebFlow(who)) return true;
  if (isNever({ email: who.email, login: who.login || noreplyLogin(who.email) }, d)) return false;
  if ((who.type ?? "").toLowerCase() === "bot") return true;
  const place: Place = role === "co-author" ? "coAuthor" : role;
  return firstIdentityMatch({ text: identityText(who), login: who.login, type: who.type }, place, d) !== undefined;
}

interface Account {
  text: string;
  login?: string | null;
  type?: string | null;
}

/**
 * The first marker that names this identity. One identity is one author: the first match in
 * priority order wins, so a specific entry (Copilot Autofix) beats a broader one (Copilot review).
 */
function firstIdentityMatch(
  who: Account,
  place: Place,
  d: Detector,
): { marker: CompiledMarker; matched: string } | undefined {
  const isBot = (who.type ?? "").toLowerCase() === "bot";
  for (const m of d.byPlace[place]) {
    if (m.botTypeOnly && !isBot) continue;
    const viaLogin = m.sources.has("login");
    if (viaLogin && who.login) {
      const hit = m.find(who.login);
      if (hit !== undefined) return { marker: m, matched: who.login };
    }
    if (viaLogin && m.sources.size === 1) continue;
    if (m.find(who.text) !== undefined) return { marker: m, matched: who.text };
  }
  return undefined;
}

/** Everything detection learns from one commit, including what steering-human logic needs. */
interface CommitScan {
  detection: CommitDetection;
  authorIsAgent: boolean;
  humanCoAuthors: ParsedIdentity[];
  /** Lines of the message that name a requester (`Requested by: @user`). */
  text: string;
}

function scanCommit(commit: CommitFacts, d: Detector): CommitScan {
  const sha = commit.sha;
  const all: Found[] = [];
  let authorIsAgent = false;

  const roles: [GitIdentity | undefined, Place, EvidenceSource][] = [
    [commit.author, "author", "commit-author"],
    [commit.committer, "committer", "commit-committer"],
  ];
  for (const [who, place, source] of roles) {
    if (!who || isWebFlow(who) || isNever(who, d)) continue;
    const hit = firstIdentityMatch({ text: identityText(who), login: who.login, type: who.type }, place, d);
    if (!hit) continue;
    all.push(found(hit.marker, source, hit.matched, sha));
    if (place === "author") authorIsAgent = true;
  }

  const text = normalizeText(commit.message);
  const humanCoAuthors: ParsedIdentity[] = [];
  for (const t of trailerLines(text)) {
    let lineHit = false;
    let coAuthor: ParsedIdentity | undefined;
    if (CO_AUTHOR_KEYS.has(t.key)) {
      const who = parseIdentity(t.value);
      if (!isWebFlow(who) && !isNever({ email: who.email, login: noreplyLogin(who.email) }, d)) {
        const hit = firstIdentityMatch({ text: identityText(who) }, "coAuthor", d);
        if (hit) {
          all.push(found(hit.marker, "commit-trailer", t.line, sha));
          lineHit = true;
        }
      }
      if (!lineHit && t.key === "co-authored-by") coAuthor = who;
    }
    if (lineHit) continue;
    for (const m of d.byPlace.trailer) {
      if (m.trailerKeys && !m.trailerKeys.has(t.key)) continue;
      if (m.find(t.line) !== undefined) {
        all.push(found(m, "commit-trailer", t.line, sha));
        lineHit = true;
        break;
      }
    }
    // `Co-authored-by: GPT-5 <>` names a model (a trailer marker matched), not a person.
    if (!lineHit && coAuthor) humanCoAuthors.push(coAuthor);
  }

  const subject = subjectOf(text);
  for (const m of d.byPlace.message) {
    const hit = m.find(m.subjectOnly ? subject : text);
    if (hit !== undefined) all.push(found(m, "commit-message", hit, sha));
  }

  const evidence = keepStrongest(all);
  const agents = distinct(evidence.filter((e) => counts(e, d)).map((e) => e.agent));
  return { detection: { sha, agents, evidence }, authorIsAgent, humanCoAuthors, text };
}

/** Drop fallback-only evidence when anything else names an agent, and exact duplicates. */
function keepStrongest(all: Found[]): Evidence[] {
  const hasPrimary = all.some((f) => !f.fallbackOnly);
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const f of all) {
    if (f.fallbackOnly && hasPrimary) continue;
    const key = `${f.evidence.marker}\u0000${f.evidence.source}\u0000${f.evidence.matched}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f.evidence);
  }
  return out;
}

function distinct(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Which agents wrote one commit. */
export function detectCommit(commit: CommitFacts, detector: Detector): CommitDetection {
  return scanCommit(commit, detector).detection;
}

function scanPullRequest(pr: PullRequestSignals, d: Detector): Evidence[] {
  const all: Found[] = [];
  const login = (pr.authorLogin ?? "").trim();
  if (login && !isNever({ login }, d)) {
    const hit = firstIdentityMatch({ text: login, login, type: pr.authorType }, "prAuthor", d);
    if (hit) all.push(found(hit.marker, "pr-author", hit.matched));
  }
  const branch = (pr.headRef ?? "").trim();
  if (branch) {
    const m = d.byPlace.prBranch.find((x) => x.find(branch) !== undefined);
    if (m) all.push(found(m, "pr-branch", branch));
  }
  for (const label of pr.labels ?? []) {
    const m = d.byPlace.prLabel.find((x) => x.find(label) !== undefined);
    if (m) all.push(found(m, "pr-label", label));
  }
  const title = normalizeText(pr.title);
  for (const m of d.byPlace.prTitle) {
    const hit = m.find(m.subjectOnly ? subjectOf(title) : title);
    if (hit !== undefined) all.push(found(m, "pr-title", hit));
  }
  const body = normalizeText(pr.body);
  for (const m of d.byPlace.prBody) {
    const hit = m.find(body);
    if (hit !== undefined) all.push(found(m, "pr-body", hit));
  }
  return keepStrongest(all);
}

// ------------------------------------------------------------------------------------------ steering humans

// `Requested by: @user` (Devin), `started by @user` (Jules), `on behalf of @user` (Kiro).
const REQUESTER = /\b(?:requested by:?|started by|on behalf of)[ \t]*(?:[^@\n]{0,60}?[\s(])?@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b/gi;

function requesters(text: string): string[] {
  return [...text.matchAll(REQUESTER)].map((m) => m[1]!);
}

function isNobody(who: ParsedIdentity): boolean {
  const name = who.name.trim().toLowerCase();
  return !who.email.trim() && (name === "" || name === "unknown");
}

class HumanList {
  private readonly byKey = new Map<string, SteeringHuman>();

  constructor(private readonly linkedEmails: Readonly<Record<string, string | null>> = {}) {}

  add(h: SteeringHuman): void {
    const key = (h.login ? `@${h.login}` : h.email || h.name || "").toLowerCase();
    if (key && !this.byKey.has(key)) this.byKey.set(key, h);
  }

  addIdentity(who: ParsedIdentity & { login?: string | null }, source: string): void {
    if (isWebFlow(who) || isNobody(who)) return;
    const email = who.email.trim().toLowerCase();
    const linked = email && Object.hasOwn(this.linkedEmails, email) ? this.linkedEmails[email] : undefined;
    const login = who.login || noreplyLogin(who.email) || linked;
    if (login) this.add({ login, source });
    else this.add({ ...(who.email ? { email: who.email } : {}), ...(who.name ? { name: who.name } : {}), source });
  }

  list(): SteeringHuman[] {
    return [...this.byKey.values()];
  }
}

/** Which agents wrote a pull request and its commits, the evidence, and the humans who steered them. */
export function detectAgents(input: DetectInput, detector: Detector): Detection {
  return withPatternBudget(() => detectAgentsNow(input, detector));
}

function detectAgentsNow(input: DetectInput, detector: Detector): Detection {
  const pr = input.pr ? scanPullRequest(input.pr, detector) : [];
  const scans = (input.commits ?? []).map((c) => scanCommit(c, detector));

  const counting = [...pr, ...scans.flatMap((s) => s.detection.evidence)].filter((e) => counts(e, detector));
  const agents = distinct(counting.map((e) => e.agent));
  // PR-level evidence counts too: Codex and Cursor commit as the human, only the branch tells.
  const agentAuthored = agents.length > 0;

  const humans = new HumanList(input.linkedEmails);
  scans.forEach((s, i) => {
    if (s.detection.agents.length === 0) return;
    const short = s.detection.sha.slice(0, 7);
    for (const who of s.humanCoAuthors) humans.addIdentity(who, `Co-authored-by on ${short}`);
    // The human who committed agent-written code (Claude Code, an accepted suggestion) steered it.
    const author = input.commits[i]?.author;
    if (author && !s.authorIsAgent) {
      humans.addIdentity(author, `authored ${short} with ${s.detection.agents.join(", ")}`);
    }
    for (const login of requesters(s.text)) humans.add({ login, source: `named as requester in ${short}` });
  });
  if (agentAuthored && input.pr) {
    for (const login of requesters(normalizeText(input.pr.body))) humans.add({ login, source: "named as requester in the PR body" });
    // Whoever an agent PR (or the issue it closes) is assigned to asked for the change.
    const humanAssignees = (list: readonly { login: string; type: string }[] | undefined) =>
      (list ?? []).filter(
        (a) =>
          a.type.toLowerCase() !== "bot" &&
          !/\[bot\]$/i.test(a.login) &&
          (isNever({ login: a.login }, detector) || !firstIdentityMatch({ text: a.login, login: a.login, type: a.type }, "prAuthor", detector)),
      );
    for (const a of humanAssignees(input.pr.assignees)) humans.add({ login: a.login, source: "assigned to this pull request" });
    for (const issue of input.pr.closingIssues ?? []) {
      for (const a of humanAssignees(issue.assignees)) {
        humans.add({ login: a.login, source: `assigned to issue #${issue.number}, which this pull request closes` });
      }
    }
  }

  return {
    agentAuthored,
    agents,
    pr,
    commits: scans.map((s) => s.detection),
    steeringHumans: humans.list(),
  };
}
