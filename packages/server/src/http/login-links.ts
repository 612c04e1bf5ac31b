import type { BrowserTokenStore } from "../store/index.js";
import { randomToken, tokenHash } from "./sessions.js";

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
 * after that. Tokens are 256 random bits, kept in the store by hash with the tenant they open
 * (never a key), so a link printed by one server works on every server of the same data, once.
 *
 * @example
 * ```ts
 * const links = new LoginLinks(store.browserTokens);
 * const token = links.issue("tenant-hash");
 * await links.redeem(token); // "tenant-hash"
 * await links.redeem(token); // undefined: used already
 * ```
 */
export class LoginLinks {
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** Links of this process still being written, so that redeeming one waits for its record. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly tokens: BrowserTokenStore,
    options: LoginLinksOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? LOGIN_LINK_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * A new token that opens one session for `tenant`. It is returned at once (a server prints it
   * as it starts) and written to the store in the background; {@link settled} waits for that.
   */
  issue(tenant: string): string {
    const token = randomToken();
    const hash = tokenHash(token);
    const write = this.tokens
      .put(hash, { kind: "login", tenant, csrfToken: null, expiresAt: this.now() + this.ttlMs })
      .finally(() => this.writing.delete(hash));
    // A failed write leaves a link that opens nothing: the visit says it is not valid.
    this.writing.set(
      hash,
      write.catch(() => undefined),
    );
    return token;
  }

  /** Resolves once every link issued so far is in the store. */
  async settled(): Promise<void> {
    await Promise.all(this.writing.values());
  }

  /** The tenant of a live token, which is spent by this call; undefined for an unknown, used or expired one. */
  async redeem(token: string): Promise<string | undefined> {
    const hash = tokenHash(token);
    await this.writing.get(hash);
    return (await this.tokens.take(hash, "login", this.now()))?.tenant;
  }
}
