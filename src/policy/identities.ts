/**
 * Which GitHub account a git identity of a pull request's commits is, the way GitHub links them.
 * Pure: the REST links, GraphQL's links (facts.linkedEmails) and noreply addresses in, accounts out.
 *
 * GitHub links an email to an account only when that account verified it (or it is the account's
 * noreply address). REST links a commit's author and committer that way; co-author trailers are
 * linked only by GraphQL's `Commit.authors`. An identity none of them links may be anybody.
 */
import { noreplyLogin, normalizeText, parseIdentity, trailerLines, WEB_FLOW_EMAIL } from "../detect/text.js";
import type { CommitFacts, PullRequestFacts } from "../facts/types.js";

export type IdentityRole = "author" | "committer" | "co-author";

/** One identity a commit names: its author, its committer, or a `Co-authored-by` trailer. */
export interface CommitIdentity {
  sha: string;
  role: IdentityRole;
  name: string;
  email: string;
  /** The account REST linked (author and committer only). */
  login?: string | null;
  type?: string | null;
}

export function commitIdentities(commits: readonly CommitFacts[]): CommitIdentity[] {
  const out: CommitIdentity[] = [];
  for (const c of commits) {
    out.push({ sha: c.sha, role: "author", ...c.author });
    out.push({ sha: c.sha, role: "committer", ...c.committer });
    for (const t of trailerLines(normalizeText(c.message))) {
      // Only this trailer is a co-author to GitHub (and to `Commit.authors`).
      if (t.key === "co-authored-by") out.push({ sha: c.sha, role: "co-author", ...parseIdentity(t.value) });
    }
  }
  return out;
}

/** nobody: GitHub's web-flow committer, or an empty identity; unlinked: a person of no known account. */
export type Resolution = { kind: "nobody" } | { kind: "accounts"; logins: string[] } | { kind: "unlinked" };

export type Resolver = (email?: string | null, login?: string | null, name?: string | null) => Resolution;

/**
 * Resolve identities of these facts. Every account any source links is returned (a renamed
 * account's old noreply login and its current login alike): each is kept from approving.
 */
export function resolverFor(facts: Pick<PullRequestFacts, "commits" | "linkedEmails">): Resolver {
  const rest = new Map<string, string>();
  for (const c of facts.commits) {
    for (const who of [c.author, c.committer]) {
      if (who.login && who.email) rest.set(who.email.trim().toLowerCase(), who.login.toLowerCase());
    }
  }
  const graphql = facts.linkedEmails ?? {};
  return (email, login, name) => {
    if (login) return { kind: "accounts", logins: [login.toLowerCase()] };
    const e = (email ?? "").trim().toLowerCase();
    if (e === WEB_FLOW_EMAIL) return { kind: "nobody" };
    if (!e) return (name ?? "").trim() ? { kind: "unlinked" } : { kind: "nobody" };
    const logins = new Set<string>();
    const fromNoreply = noreplyLogin(e);
    if (fromNoreply) logins.add(fromNoreply.toLowerCase());
    const linked = Object.hasOwn(graphql, e) ? graphql[e] : undefined;
    if (linked) logins.add(linked.toLowerCase());
    const fromRest = rest.get(e);
    if (fromRest) logins.add(fromRest);
    return logins.size ? { kind: "accounts", logins: [...logins] } : { kind: "unlinked" };
  };
}

/** Every email of the PR's commits that REST or GraphQL links to an account: lower-case email -> login. */
export function knownLinks(facts: Pick<PullRequestFacts, "commits" | "linkedEmails">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [email, login] of Object.entries(facts.linkedEmails ?? {})) if (login) out[email] = login;
  for (const c of facts.commits) {
    for (const who of [c.author, c.committer]) {
      if (who.login && who.email) out[who.email.trim().toLowerCase()] ??= who.login;
    }
  }
  return out;
}

/**
 * Whether REST left a person's identity unlinked, so that GitHub's GraphQL links are worth one
 * request. Machines (agents, bots: `isMachine`) need no account.
 */
export function needsLinking(commits: readonly CommitFacts[], isMachine: (who: CommitIdentity) => boolean): boolean {
  const resolve = resolverFor({ commits: [...commits] });
  return commitIdentities(commits).some((i) => resolve(i.email, i.login, i.name).kind === "unlinked" && !isMachine(i));
}

/** `Name <email>` for messages. */
export function describeIdentity(who: { name?: string | null; email?: string | null }): string {
  const name = (who.name ?? "").trim();
  const email = (who.email ?? "").trim();
  return email ? `${name ? name + " " : ""}<${email}>` : name;
}
