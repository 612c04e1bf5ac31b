/**
 * What differs between runtimes, behind one interface (as stripe-node's `src/platform/` does):
 * the rest of the package never touches a runtime API that only Node or only browsers have.
 */
export interface Platform {
  /** The runtime, for messages. */
  readonly name: "node" | "browser";
  /** An environment variable, trimmed; undefined when unset or empty, or where there is none. */
  env(name: string): string | undefined;
  /** The bytes of a local file (a path in Node) for a multipart upload. */
  readFile(location: string): Promise<Blob>;
  /** The value of a cookie the page can read, where there are cookies. */
  cookie(name: string): string | undefined;
}
