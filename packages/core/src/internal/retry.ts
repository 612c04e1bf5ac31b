/** Statuses worth another attempt: timeouts, rate limits and server failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Reads `Retry-After` (seconds or an HTTP date) as milliseconds, if present and sensible. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) && ms >= 0 && ms <= 60_000 ? ms : undefined;
}

/**
 * The wait before retry number `attempt` (0 for the first retry): the server's `Retry-After`
 * when it gives a sensible one, otherwise exponential backoff from 0.5 s capped at 8 s, with up
 * to 25% jitter taken off so waits never exceed the cap.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null,
  random: () => number = Math.random,
): number {
  const fromServer = retryAfterMs(retryAfter);
  if (fromServer !== undefined) return fromServer;
  const base = Math.min(500 * 2 ** attempt, 8_000);
  return base * (1 - 0.25 * random());
}
