import { APIConnectionError, APIError } from "@nucleus/core";

/** How chunks are retried. */
export interface RetryPolicy {
  /** Attempts after the first. Default 5. */
  retries: number;
  /** First backoff, in milliseconds. Default 500. */
  baseDelayMs: number;
  /** Longest backoff, in milliseconds. Default 10,000. */
  maxDelayMs: number;
}

/** The default policy: five retries from 0.5 s, capped at 10 s. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 10_000 };

/** Errors worth another attempt: dropped or timed-out connections, 408, 429 and 5xx. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError) return error.status === 408 || error.status === 429 || error.status >= 500;
  return false;
}

/**
 * True for errors about the whole upload rather than its entries: a key the server refuses, or a
 * dataset, model or run that does not exist. Every other chunk would fail the same way, so the
 * upload stops at the first one instead of reporting each entry.
 */
export function isFatal(error: unknown): boolean {
  return error instanceof APIError && (error.status === 401 || error.status === 403 || error.status === 404);
}

/** The wait before retry `attempt` (0-based): `Retry-After` when the server sent one, else full-jitter backoff. */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  if (error instanceof APIError) {
    const header = error.headers.get("retry-after");
    const seconds = header === null ? Number.NaN : Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling * (0.5 + random() / 2);
}
