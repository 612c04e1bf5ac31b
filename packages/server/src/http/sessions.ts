import { createHash, randomBytes } from "node:crypto";
import type { BrowserTokenStore } from "../store/index.js";

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

/** 256 random bits, URL-safe. */
export const randomToken = (): string => randomBytes(32).toString("base64url");

/** What the store keeps of a token: its SHA-256, so a copy of the database opens no session. */
export const tokenHash = (token: string): string => createHash("sha256").update(token).digest("base64url");

/** How often, at most, expired sessions are swept away. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * Browser sessions, kept in the store: every server process on the same data honours a session
 * any of them opened, and signing out ends it everywhere. Sessions end when they expire or are
 * signed out. Ids and tokens are 256 random bits; the store holds a hash of the id only.
 *
 * @example
 * ```ts
 * const sessions = new SessionStore(store.browserTokens, { ttlMs: 60_000 });
 * const session = await sessions.create("tenant-hash");
 * (await sessions.get(session.id))?.tenant; // "tenant-hash"
 * ```
 */
export class SessionStore {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(
    private readonly tokens: BrowserTokenStore,
    options: SessionStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? SESSION_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session for a tenant. */
  async create(tenant: string): Promise<Session> {
    await this.sweep();
    const session: Session = {
      id: randomToken(),
      tenant,
      csrfToken: randomToken(),
      expiresAt: this.now() + this.ttlMs,
    };
    await this.tokens.put(tokenHash(session.id), {
      kind: "session",
      tenant,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    });
    return session;
  }

  /** The live session with this id, if any. */
  async get(id: string): Promise<Session | undefined> {
    const record = await this.tokens.get(tokenHash(id), "session", this.now());
    if (!record || record.csrfToken === null) return undefined;
    return { id, tenant: record.tenant, csrfToken: record.csrfToken, expiresAt: record.expiresAt };
  }

  /** Ends a session; true if it was live. */
  async delete(id: string): Promise<boolean> {
    const live = (await this.get(id)) !== undefined;
    return (await this.tokens.delete(tokenHash(id))) && live;
  }

  /** Forgets expired sessions and links now and then, so that ones never used again do not pile up. */
  private async sweep(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.tokens.purge(now);
  }
}
