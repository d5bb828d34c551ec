// The generated API client, configured for this site: the API same-origin under /api/ (the
// distribution's `/api/*` behaviour), the signed-in user's ID token as the bearer, and helpers for
// ETags and RFC 9457 problems.
import { ApiError, createClient, type Client } from "@serverless-reference/client";
import type { SiteConfig } from "./config";

export { ApiError, type Client, type Schemas } from "@serverless-reference/client";

/** The client for this site's API; `token` is called before every private request. */
export function siteApi(config: SiteConfig, token: () => Promise<string>): Client {
  return createClient({ baseUrl: new URL(config.apiBase, location.origin).href, token });
}

/** The strong ETag the API gives a representation at `version` (its `"v<version>"` rule). */
export function etagFor(version: number): string {
  return `"v${version}"`;
}

/** Headers for a conditional write: the write only happens if nobody changed the resource since. */
export function ifMatch(etagOrVersion: string | number): { "if-match": string } {
  return { "if-match": typeof etagOrVersion === "number" ? etagFor(etagOrVersion) : etagOrVersion };
}

/**
 * A `fresh` value for the read after a write: the stage cache keys on it (a new value is a miss)
 * and the API ignores it, so the writer reads its own write at once (docs/caching.md).
 */
export function freshAfter(write: { headers: Headers } | string): string {
  const tag = typeof write === "string" ? write : write.headers.get("etag");
  return `${tag ?? ""}${Date.now().toString(36)}`.replace(/[^A-Za-z0-9]/g, "");
}

/** True when a conditional write lost: someone else changed the resource first. */
export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}

/** A sentence for any error an API call throws (problem+json, network, or anything else). */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 412) return "This was changed on another device.";
    if (error.status === 401) return "Your session has ended. Please sign in again.";
    if (error.status === 429) return "Too many requests. Wait a moment and try again.";
    if (error.status >= 500) return "The service had a problem. Please try again.";
    return error.problem.detail || error.problem.title || `Request failed (${error.status}).`;
  }
  if (error instanceof TypeError || (error instanceof Error && /network|fetch/i.test(error.message))) {
    return "You seem to be offline. Check the connection and try again.";
  }
  if (error instanceof SyntaxError) return "The service sent an answer this page cannot read.";
  return error instanceof Error && error.message ? error.message : "Something went wrong.";
}
