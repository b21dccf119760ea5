/** HTTP plumbing shared by the routes: errors shaped as GitHub's, pagination and credentials. */

export const DOCS = "https://docs.github.com/rest";

export type Credential =
  | { kind: "installation"; token: string; installationId: number }
  | { kind: "jwt"; appId: number }
  | { kind: "none" }
  /** Unknown, expired or malformed: answered 401 whatever the route. */
  | { kind: "invalid" };

export interface ApiRequest {
  method: string;
  /** Path without the `/api/v3` prefix and without the query string, still URL-encoded. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  credential: Credential;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A GitHub error answer; thrown by routes, turned into JSON by the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

export function notFound(docs = DOCS): ApiError {
  return new ApiError(404, { message: "Not Found", documentation_url: docs, status: "404" });
}

export function unprocessable(message: string, errors: unknown[] = [], docs = DOCS): ApiError {
  return new ApiError(422, { message, errors, documentation_url: docs, status: "422" });
}

/** A 422 for one invalid field, worded as GitHub's "Validation Failed". */
export function invalidField(resource: string, field: string, message: string, docs = DOCS): ApiError {
  return unprocessable("Validation Failed", [{ resource, code: "custom", field, message }], docs);
}

export function badCredentials(): ApiError {
  return new ApiError(401, { message: "Bad credentials", documentation_url: DOCS, status: "401" });
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, { message, documentation_url: DOCS, status: "403" });
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers };
}

/** `per_page` (1..max, default 30) and `page` (from 1), as GitHub reads them. */
export function pageParams(query: URLSearchParams, maxPerPage = 100): { perPage: number; page: number } {
  const perPage = Math.min(Math.max(Number.parseInt(query.get("per_page") ?? "30", 10) || 30, 1), maxPerPage);
  const page = Math.max(Number.parseInt(query.get("page") ?? "1", 10) || 1, 1);
  return { perPage, page };
}

/** One page of `items`, with GitHub's Link header (next, last, first, prev) when there are more. */
export function paginated<T>(req: ApiRequest, baseUrl: string, items: readonly T[], maxPerPage = 100): ApiResponse {
  const { perPage, page } = pageParams(req.query, maxPerPage);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(req.query);
    q.set("per_page", String(perPage));
    q.set("page", String(p));
    return `<${baseUrl}${req.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return ok(slice, 200, links.length ? { link: links.join(", ") } : {});
}

/** The JWT's issuer (the app id), without checking the signature: the simulator has no public key. */
export function jwtIssuer(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] as string, "base64url").toString("utf8")) as { iss?: unknown; exp?: unknown };
    if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now()) return undefined;
    const iss = Number(claims.iss);
    return Number.isInteger(iss) ? iss : undefined;
  } catch {
    return undefined;
  }
}
