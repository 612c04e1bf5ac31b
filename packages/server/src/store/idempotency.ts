import type { Tenant } from "./common.js";

/** What reserving an idempotency key found. */
export type Reservation =
  /** The key is now this caller's: run the write, then complete (or release) with `token`. */
  | { state: "reserved"; token: string }
  /** Another request holds the key and has not completed yet. */
  | { state: "pending"; route: string; fingerprint: string | null }
  /** The key's request completed with `response`. */
  | { state: "completed"; route: string; fingerprint: string | null; response: unknown };

/** How a reservation is made: what the request is, and when older records no longer count. */
export interface ReserveOptions {
  /** A reservation this old that never completed (its process died mid-request) is taken over. */
  staleAfterMs: number;
  /** A completed record this old is forgotten: the key may be used afresh. */
  expireAfterMs: number;
  /** A hash of what the request carries (method, route, body); a repeat must match it. */
  fingerprint: string;
}

/**
 * Idempotency keys, per tenant. A key is reserved before its write runs, so concurrent requests
 * with one key never both apply, whatever the backend's concurrency. Each record keeps the
 * fingerprint of the request that made it, so a repeat can be told from another request that
 * reuses the key.
 */
export interface IdempotencyStore {
  /**
   * Reserves a key for a route (an insert that does nothing when the key exists and counts). A
   * stale reservation or an expired record (see {@link ReserveOptions}) is taken over.
   */
  reserve(tenant: Tenant, key: string, route: string, options: ReserveOptions): Promise<Reservation>;
  /**
   * Records the response of a reserved key. Run it in the write's transaction, so the write and
   * its record apply together. False when the reservation was taken over (nothing recorded).
   */
  complete(tenant: Tenant, key: string, token: string, response: unknown): Promise<boolean>;
  /** Gives up a reservation whose write failed, so a retry runs again. */
  release(tenant: Tenant, key: string, token: string): Promise<void>;
  /** Forgets completed records older than `expireAfterMs`; returns how many. */
  purge(expireAfterMs: number): Promise<number>;
}
