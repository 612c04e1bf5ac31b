import type { ValidationIssue } from "@nucleus/schemas";
import { ValidationError } from "../errors.js";

/**
 * One interpolated path segment: a plain value, or `{ name: value }` (write `${{ referenceId }}`)
 * so that an error can say which parameter was wrong.
 */
export type PathParam = string | number | { readonly [name: string]: string | number };

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
 * Builds a request path (under the endpoint, no query string) from a template: each
 * interpolated value becomes exactly one segment, percent-encoded with {@link encodeSegment}.
 * Values no URL can carry as a segment (`""`, `"."`, `".."`, broken Unicode) are refused with a
 * {@link ValidationError} naming the parameter, before anything is sent.
 *
 * @example
 * ```ts
 * const referenceId = "folder/img 3";
 * path`dataset/${{ datasetId: "ds_1" }}/refloc/${{ referenceId }}`; // "dataset/ds_1/refloc/folder%2Fimg%203"
 * path`dataset/${{ datasetId: "ds_1" }}/refloc/${{ referenceId: ".." }}`; // throws: referenceId must not be "." or ".."
 * ```
 */
export function path(strings: TemplateStringsArray, ...params: PathParam[]): string {
  const issues: ValidationIssue[] = [];
  let out = strings[0] ?? "";
  params.forEach((param, i) => {
    const [name, value] =
      typeof param === "object"
        ? (Object.entries(param)[0] ?? ["value", ""])
        : [`path segment ${i + 1}`, param];
    const text = String(value);
    const problem = problemOf(text);
    if (problem) {
      issues.push({
        path: [name],
        message: problem,
        received: value,
        text: `${name} ${problem}, got ${JSON.stringify(value)}`,
      });
      out += text;
    } else {
      out += encodeSegment(text);
    }
    out += strings[i + 1] ?? "";
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return out;
}
