import { randomBytes } from "node:crypto";

/** How long a login link stays valid when nobody opens it. */
export const LOGIN_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** Options of {@link LoginLinks}. */
export interface LoginLinksOptions {
  /** Lifetime of an unused link in milliseconds. Default {@link LOGIN_LINK_TTL_MS}. */
  ttlMs?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

/**
 * Single-use login tokens for the web app, like the token in a Jupyter URL: the server prints a
 * link that carries one, the first visit trades it for a browser session, and the link is dead
 * after that. Tokens are 256 random bits, kept in memory with the tenant they open (never a
 * key), so they also die with the process.
 *
 * @example
 * ```ts
 * const links = new LoginLinks();
 * const token = links.issue("tenant-hash");
 * links.redeem(token); // "tenant-hash"
 * links.redeem(token); // undefined: used already
 * ```
 */
export class LoginLinks {
  private readonly tokens = new Map<string, { tenant: string; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: LoginLinksOptions = {}) {
    this.ttlMs = options.ttlMs ?? LOGIN_LINK_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** A new token that opens one session for `tenant`. */
  issue(tenant: string): string {
    this.sweep();
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { tenant, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** The tenant of a live token, which is spent by this call; undefined for an unknown, used or expired one. */
  redeem(token: string): string | undefined {
    const entry = this.tokens.get(token);
    this.tokens.delete(token);
    return entry && entry.expiresAt > this.now() ? entry.tenant : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
  }
}
