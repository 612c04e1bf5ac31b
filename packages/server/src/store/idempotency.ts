import type { Tenant } from "./common.js";

/** What reserving an idempotency key found. */
export type Reservation =
  /** The key is now this caller's: run the write, then complete (or release) with `token`. */
  | { state: "reserved"; token: string }
  /** Another request holds the key and has not completed yet. */
  | { state: "pending"; route: string }
  /** The key's request completed with `response`. */
  | { state: "completed"; route: string; response: unknown };

/**
 * Idempotency keys, per tenant. A key is reserved before its write runs, so concurrent requests
 * with one key never both apply, whatever the backend's concurrency.
 */
export interface IdempotencyStore {
  /**
   * Reserves a key for a route (an insert that does nothing when the key exists). A reservation
   * older than `staleAfterMs` that never completed (its process died mid-request) is taken over.
   */
  reserve(
    tenant: Tenant,
    key: string,
    route: string,
    options: { staleAfterMs: number },
  ): Promise<Reservation>;
  /**
   * Records the response of a reserved key. Run it in the write's transaction, so the write and
   * its record apply together. False when the reservation was taken over (nothing recorded).
   */
  complete(tenant: Tenant, key: string, token: string, response: unknown): Promise<boolean>;
  /** Gives up a reservation whose write failed, so a retry runs again. */
  release(tenant: Tenant, key: string, token: string): Promise<void>;
}
