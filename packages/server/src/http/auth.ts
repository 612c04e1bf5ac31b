import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Ctx, Env } from "./context.js";
import { HttpError } from "./errors.js";
import type { Session, SessionStore } from "./sessions.js";
import type { TenantKeys } from "./tenants.js";

export { tenantOf } from "./tenants.js";

/** The HttpOnly cookie that holds a browser session's id. */
export const SESSION_COOKIE = "nucleus_session";
/** The cookie a page reads its session's CSRF token from (the token alone authorises nothing). */
export const CSRF_COOKIE = "nucleus_csrf";
/** The header that must carry the CSRF token on requests authenticated by cookie that change something. */
export const CSRF_HEADER = "x-csrf-token";

/** The key a request presents: HTTP Basic user name, or the `x-limited-access-key` header. */
export function presentedKey(
  authorization: string | undefined,
  limitedKey: string | undefined,
): string | undefined {
  if (limitedKey) return limitedKey;
  if (!authorization?.toLowerCase().startsWith("basic ")) return undefined;
  try {
    const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    return user || undefined;
  } catch {
    return undefined;
  }
}

/** Resolves the API key a request presents to its tenant. */
export type KeyAuth = (c: Ctx) => { key: string | undefined; tenant: string | undefined };

/** Checks presented keys against the accepted ones. */
export function keyAuth(tenants: TenantKeys): KeyAuth {
  return (c) => {
    const key = presentedKey(c.req.header("authorization"), c.req.header("x-limited-access-key"));
    return { key, tenant: key === undefined ? undefined : tenants.of(key) };
  };
}

/** The tenant of the request's API key, or a 401 that says what is wrong. */
export function requireKeyTenant(c: Ctx, auth: KeyAuth): string {
  const { key, tenant } = auth(c);
  if (tenant === undefined) {
    throw new HttpError(
      401,
      key === undefined
        ? "No API key: send HTTP Basic auth with the key as the user name, or an x-limited-access-key header"
        : "Unknown API key",
    );
  }
  return tenant;
}

/** The live session of the request's cookie; undefined when it has no session cookie, a 401 when the session is gone. */
export async function cookieSession(c: Ctx, sessions: SessionStore): Promise<Session | undefined> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id === undefined) return undefined;
  const session = await sessions.get(id);
  if (!session) throw new HttpError(401, "The session has expired or was ended: sign in again");
  return session;
}

/** Requests that only read, which a cross-site page cannot use to change anything. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A 403 unless a request that changes something carries the session's CSRF token. */
export function requireCsrf(c: Ctx, session: Session): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const sent = Buffer.from(c.req.header(CSRF_HEADER) ?? "");
  const expected = Buffer.from(session.csrfToken);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new HttpError(
      403,
      `A request authenticated by the session cookie needs the session's CSRF token in the ${CSRF_HEADER} header`,
    );
  }
}

/**
 * A 403 unless a request authenticated by the session cookie comes from a page of this origin:
 * browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`), and a page on another
 * port of the same host shares the host's cookies, so SameSite alone does not keep it out.
 */
export function requireSameOrigin(c: Ctx): void {
  const site = c.req.header("sec-fetch-site");
  const origin = c.req.header("origin");
  const { publicUrl } = c.get("services");
  const own = new URL(publicUrl ?? c.req.url).origin;
  if ((site !== undefined && site !== "same-origin" && site !== "none") || (origin && origin !== own)) {
    throw new HttpError(
      403,
      `A browser session is only good on pages of ${own}; this request came from ${origin ?? site}`,
    );
  }
}

/**
 * The tenant of a request: its known API key, or, when `sessions` is given and no key is sent,
 * the cookie of a live browser session (with its CSRF token on anything but a read); otherwise a
 * 401. Reads nothing of the body.
 */
export async function authenticate(c: Ctx, tenants: TenantKeys, sessions?: SessionStore): Promise<string> {
  await tenants.ready();
  const auth = keyAuth(tenants);
  const session = sessions && auth(c).key === undefined ? await cookieSession(c, sessions) : undefined;
  if (session) {
    requireSameOrigin(c);
    requireCsrf(c, session);
    return session.tenant;
  }
  return requireKeyTenant(c, auth);
}

/**
 * Requires a known API key or a live browser session (see {@link authenticate}) before anything
 * else runs, the reading of the body included. Records the tenant on the context.
 */
export function requireApiKey(tenants: TenantKeys, sessions?: SessionStore): MiddlewareHandler<Env> {
  return async (c, next) => {
    c.set("tenant", await authenticate(c, tenants, sessions));
    await next();
  };
}
