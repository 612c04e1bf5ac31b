import type { Tenant } from "./common.js";

/** What a browser token opens: a session (its cookie) or one sign-in (a login link). */
export type BrowserTokenKind = "session" | "login";

/** A browser token as stored: never the token itself, only its hash. */
export interface BrowserTokenRecord {
  kind: BrowserTokenKind;
  tenant: Tenant;
  /** The CSRF token of a session; null for a login link. */
  csrfToken: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/**
 * Browser sessions and login links, kept where every server process of the data sees them, so a
 * link printed by one server opens a session that every other one honours. Tokens are stored by
 * a hash only: what the database holds cannot be replayed as a cookie.
 */
export interface BrowserTokenStore {
  /** Stores a token's record under its hash. */
  put(hash: string, record: BrowserTokenRecord): Promise<void>;
  /** The live record of this kind under the hash; undefined when unknown or expired at `nowMs`. */
  get(hash: string, kind: BrowserTokenKind, nowMs: number): Promise<BrowserTokenRecord | undefined>;
  /**
   * Removes and returns the live record of this kind under the hash: of several concurrent calls,
   * in any process, exactly one gets it (single use).
   */
  take(hash: string, kind: BrowserTokenKind, nowMs: number): Promise<BrowserTokenRecord | undefined>;
  /** Removes a record; true if there was one. */
  delete(hash: string): Promise<boolean>;
  /** Removes the records expired at `nowMs`; returns how many. */
  purge(nowMs: number): Promise<number>;
}
