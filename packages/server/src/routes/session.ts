import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import {
  CSRF_COOKIE,
  cookieSession,
  keyAuth,
  requireCsrf,
  requireKeyTenant,
  SESSION_COOKIE,
} from "../http/auth.js";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { HttpError } from "../http/errors.js";
import type { Session, SessionStore } from "../http/sessions.js";
import type { TenantKeys } from "../http/tenants.js";

/** Cookie attributes: this server's path only, never sent cross-site, Secure over HTTPS. */
function cookieOptions(c: Ctx, expiresAt?: number): CookieOptions {
  const { basePath, publicUrl } = c.get("services");
  const https = new URL(publicUrl ?? c.req.url).protocol === "https:";
  return {
    path: basePath,
    sameSite: "Strict",
    secure: https,
    ...(expiresAt === undefined ? {} : { expires: new Date(expiresAt) }),
  };
}

/** Hands a new session to the browser: its id in an HttpOnly cookie, its CSRF token in a readable one. */
export function setSessionCookies(c: Ctx, session: Session): void {
  const options = cookieOptions(c, session.expiresAt);
  setCookie(c, SESSION_COOKIE, session.id, { ...options, httpOnly: true });
  // Readable by the pages of this origin (whatever their path), so a page can find its token
  // again after a reload; the token authorises nothing without the session cookie.
  setCookie(c, CSRF_COOKIE, session.csrfToken, { ...options, path: "/" });
}

/**
 * Browser sessions: `POST __session` trades an API key for an HttpOnly cookie holding an opaque
 * session id (never the key) and returns the CSRF token that requests changing something must
 * send as `x-csrf-token`; `DELETE __session` signs out. Mount before the auth middleware.
 */
export function sessionRoutes(tenants: TenantKeys, sessions: SessionStore): Hono<Env> {
  const app = new Hono<Env>({ strict: true });
  const auth = keyAuth(tenants);

  route(app, routes.createSession, async (_request, c) => {
    await tenants.ready();
    // A session is opened with a key only, not from another session.
    const session = await sessions.create(requireKeyTenant(c, auth));
    setSessionCookies(c, session);
    return { csrf_token: session.csrfToken, expires_at: new Date(session.expiresAt).toISOString() };
  });

  route(app, routes.deleteSession, async (_request, c) => {
    const session = await cookieSession(c, sessions);
    if (!session) throw new HttpError(401, "No session cookie: there is no session to end");
    requireCsrf(c, session);
    await sessions.delete(session.id);
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    deleteCookie(c, CSRF_COOKIE, { ...cookieOptions(c), path: "/" });
    return {};
  });

  return app;
}
