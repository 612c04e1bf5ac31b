import type { ValidationIssue } from "@nucleus/schemas";
import { ValidationError } from "../errors.js";

/**
 * Percent-encodes one path segment exactly as the official Python client's
 * `urllib.parse.quote(value, safe="")` does: only `A-Z a-z 0-9 - _ . ~` stay as they are, so
 * `folder/img 3` becomes `folder%2Fimg%203` and the bytes on the wire match its own.
 *
 * @example
 * ```ts
 * encodeSegment("it's 50%"); // "it%27s%2050%25"
 * ```
 */
export function encodeSegment(value: string): string {
  // encodeURIComponent leaves these five alone; quote() does not.
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Why a value cannot travel as one path segment, or undefined when it can. */
function problemOf(text: string): string | undefined {
  if (text === "")
    return "must not be empty: the segment would vanish and the request would reach another route";
  if (text === "." || text === "..") {
    // fetch (WHATWG URL), Python's requests and the server's own URL parser all resolve these
    // as relative segments, even when written %2E, so no encoding gets them through.
    return 'must not be "." or "..": URLs resolve it as a relative path segment, so the request would reach another route';
  }
  // A lone surrogate is the one thing encodeURIComponent cannot encode.
  if (/\p{Surrogate}/u.test(text)) return "must be well-formed Unicode (it holds a lone surrogate)";
  return undefined;
}

/**
 * Fills a route's path template (`dataset/:datasetId/refloc/:referenceId`): each `:name`
 * becomes exactly one segment, percent-encoded with {@link encodeSegment}. Values no URL can
 * carry as a segment (`""`, `"."`, `".."`, broken Unicode) and missing ones are refused with a
 * {@link ValidationError} naming every such parameter, before anything is sent.
 *
 * @example
 * ```ts
 * fillPath("dataset/:datasetId/refloc/:referenceId", { datasetId: "ds_1", referenceId: "folder/img 3" });
 * // "dataset/ds_1/refloc/folder%2Fimg%203"
 * fillPath("dataset/:datasetId/refloc/:referenceId", { datasetId: "ds_1", referenceId: ".." });
 * // throws: referenceId must not be "." or ".."
 * ```
 */
export function fillPath(template: string, params: Readonly<Record<string, string | number>>): string {
  const issues: ValidationIssue[] = [];
  const segments = template.split("/").map((segment) => {
    if (!segment.startsWith(":")) return segment;
    const name = segment.slice(1);
    const value = params[name];
    const problem = value === undefined ? "must be given" : problemOf(String(value));
    if (problem === undefined) return encodeSegment(String(value));
    issues.push({
      path: [name],
      message: problem,
      received: value,
      text: `${name} ${problem}, got ${JSON.stringify(value) ?? "undefined"}`,
    });
    return segment;
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return segments.join("/");
}
