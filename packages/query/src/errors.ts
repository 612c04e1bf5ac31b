/**
 * A query that does not parse or does not fit its scope. `position` is 1-based (the column a
 * person counts), `found` the text there (or `end of query`), and the message has the form the
 * server answers with a 400:
 * `query: at 18 ("bad"): expected an operator (=, !=, <, <=, >, >=, IN, CONTAINS, EXISTS)`.
 *
 * @example
 * ```ts
 * import { parseQuery, QueryError } from "@nucleus/query";
 *
 * try {
 *   parseQuery("metadata.weather bad");
 * } catch (error) {
 *   if (error instanceof QueryError) console.log(error.position, error.expected);
 * }
 * ```
 */
export class QueryError extends Error {
  constructor(
    /** 1-based position in the query text. */
    readonly position: number,
    /** The text found there, or `end of query`. */
    readonly found: string,
    /** What was expected, or what is wrong. */
    readonly expected: string,
  ) {
    super(`query: at ${position} (${found === END ? END : JSON.stringify(found)}): ${expected}`);
    this.name = "QueryError";
  }
}

/**
 * What `found` says when the query ended too early.
 *
 * @example
 * ```ts
 * import { END, parseQuery, QueryError } from "@nucleus/query";
 *
 * try {
 *   parseQuery("annotations.count >");
 * } catch (error) {
 *   if (error instanceof QueryError && error.found === END) console.log("the query stops too early");
 * }
 * ```
 */
export const END = "end of query";
