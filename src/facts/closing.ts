/**
 * The issues a pull request's body says it closes, as GitHub reads closing keywords: `Fixes #12`,
 * `closes: #3`, `Resolves acme/app#4`, or the issue's URL. Pure; only issues of the same repository.
 */

/** A body may name many issues; agentgate reads at most this many (one request each). */
export const MAX_CLOSING_ISSUES = 5;

const KEYWORD = String.raw`\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?[ \t]+`;
const REF = String.raw`(?:([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100}))?#(\d{1,9})\b`;
const URL = String.raw`https?:\/\/github\.com\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})\/issues\/(\d{1,9})\b`;

/** Issue numbers (first MAX_CLOSING_ISSUES, in order) the body closes in `owner/repo`. */
export function closingIssueNumbers(body: string, owner: string, repo: string): number[] {
  const re = new RegExp(`${KEYWORD}(?:${REF}|${URL})`, "gi");
  const out: number[] = [];
  for (const m of (body ?? "").matchAll(re)) {
    const o = m[1] ?? m[4];
    const r = m[2] ?? m[5];
    const n = Number(m[3] ?? m[6]);
    if (o !== undefined && (o.toLowerCase() !== owner.toLowerCase() || r?.toLowerCase() !== repo.toLowerCase())) continue;
    if (n > 0 && !out.includes(n)) out.push(n);
    if (out.length === MAX_CLOSING_ISSUES) break;
  }
  return out;
}
