/**
 * Reading a paginated list whole, or throwing. Octokit's `paginate` follows `Link: rel="next"` and
 * concatenates whatever each page holds: a `null` body reads as an empty page, a page cut short
 * goes unnoticed, and a dropped `next` link ends the list early. For reviews nothing else tells
 * (commits and files can be compared with the PR's counts), and a missing change request is a pass.
 *
 * The checks (GitHub fills every page but the last):
 * - every page is a JSON array of well-formed items;
 * - a page with a `next` link holds exactly `per_page` items;
 * - a last page that is full may have lost its `next` link: with `confirmEnd`, the following page
 *   is asked for and must be empty;
 * - item ids (when `idOf` is given) are unique: a page answered twice is not the list.
 */
import type { Octokit } from "@octokit/rest";
import type { z } from "zod";
import { checked, MalformedAnswerError } from "./answers.js";

export interface ListRead<T> {
  /** Human name of the list, for the error ("the reviews of #12"). */
  what: string;
  item: z.ZodType;
  perPage: number;
  idOf?: (item: T) => number | string;
  /** Ask for the page after a full last page (one more request, only then). */
  confirmEnd?: boolean;
  /** Stop reading once more than this many items are in: the caller only needs to know there are more. */
  stopAfter?: number;
}

/** GitHub lists at most 3000 files and 250 commits; no list the gate reads is longer than this. */
const MAX_PAGES = 100;

const nextLink = (link: unknown) => (typeof link === "string" ? /<([^<>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined);

export async function readWholeList<T>(gh: Octokit, route: string, params: Record<string, unknown>, spec: ListRead<T>): Promise<T[]> {
  const items: T[] = [];
  const ids = new Set<number | string>();
  let page = 1;
  // Page 1 is GitHub's default: the first request reads as paginate's did.
  let response = await gh.request(route, { ...params, per_page: spec.perPage });
  for (;;) {
    const data: unknown = response.data;
    if (!Array.isArray(data)) throw new MalformedAnswerError(`GitHub's answer listing ${spec.what} is not a list (page ${page})`);
    for (const [i, item] of data.entries()) {
      const it = checked<T>(spec.item, item, `${spec.what} (page ${page}, item ${i + 1})`);
      if (spec.idOf) {
        const id = spec.idOf(it);
        if (ids.has(id)) throw new MalformedAnswerError(`GitHub listed ${spec.what} with an item twice (page ${page}); the list cannot be trusted`);
        ids.add(id);
      }
      items.push(it);
    }
    if (spec.stopAfter !== undefined && items.length > spec.stopAfter) return items;
    if (page >= MAX_PAGES) throw new MalformedAnswerError(`GitHub listed ${spec.what} on more than ${MAX_PAGES} pages`);
    const next = nextLink(response.headers.link);
    if (next) {
      if (data.length !== spec.perPage) {
        throw new MalformedAnswerError(`GitHub listed ${spec.what} with a short page (page ${page}: ${data.length} of ${spec.perPage}); the list cannot be trusted`);
      }
      page += 1;
      response = await gh.request({ method: "GET", url: next });
      continue;
    }
    if (spec.confirmEnd && data.length === spec.perPage) {
      // A full last page: GitHub may have more and the link may be lost. The next page must be empty
      // (if it is not, GitHub lost the link and the list goes on: it is read like any other page).
      page += 1;
      response = await gh.request(route, { ...params, per_page: spec.perPage, page });
      continue;
    }
    return items;
  }
}
