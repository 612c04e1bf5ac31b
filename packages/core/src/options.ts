/**
 * Request options every call accepts.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "@nucleus/core";
 *
 * const options: CallOptions = { signal: AbortSignal.timeout(30_000), maxRetries: 0 };
 * ```
 */
export interface CallOptions {
  /** Aborts the call (and any retry wait). */
  signal?: AbortSignal;
  /**
   * Retries of each request of this call, overriding the client's `maxRetries`. `0` makes exactly
   * one attempt per request, for callers that run their own retry loop.
   */
  maxRetries?: number;
}
