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
  /**
   * Sends a request by the runtime's own HTTP client where it costs less than `fetch` (Node);
   * absent where `fetch` is the way (browsers).
   */
  sendNative?(url: string, init: NativeRequest): Promise<NativeReply>;
}

/** A request for {@link Platform.sendNative}: a text or binary body, or none. */
export interface NativeRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** Aborts the request and the reading of its response. */
  signal: AbortSignal;
}

/** What the transport reads of a response: `fetch`'s `Response` has it too. */
export interface NativeReply {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: Headers;
  /** The whole body as text; once, as with `fetch`'s `Response` (a second call rejects). */
  text(): Promise<string>;
}
