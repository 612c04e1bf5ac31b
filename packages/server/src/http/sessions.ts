import { randomBytes } from "node:crypto";

/** How long a browser session lasts, from sign-in. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A browser session: whose data it reads, the CSRF token it must echo, and when it ends. */
export interface Session {
  /** The opaque id the session cookie holds. */
  readonly id: string;
  /** The tenant of the key the session was opened with (the key itself is not kept). */
  readonly tenant: string;
  /** The token requests that change something must send as `x-csrf-token`. */
  readonly csrfToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** Options of a {@link SessionStore}. */
export interface SessionStoreOptions {
  /** Lifetime of a session in milliseconds. Default {@link SESSION_TTL_MS}. */
  ttlMs?: number;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

const token = () => randomBytes(32).toString("base64url");

/**
 * Browser sessions, in memory: they end when they expire, when signed out, or when the server
 * stops (signing in again is cheap). Ids and tokens are 256 random bits.
 *
 * @example
 * ```ts
 * const sessions = new SessionStore({ ttlMs: 60_000 });
 * const session = sessions.create("tenant-hash");
 * sessions.get(session.id)?.tenant; // "tenant-hash"
 * ```
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session for a tenant. */
  create(tenant: string): Session {
    this.sweep();
    const session: Session = { id: token(), tenant, csrfToken: token(), expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, if any; an expired one is forgotten. */
  get(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Ends a session; true if it was live. */
  delete(id: string): boolean {
    return this.get(id) !== undefined && this.sessions.delete(id);
  }

  /** Forgets expired sessions, so that ones never used again do not pile up. */
  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}
