import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Env } from "./context.js";
import { HttpError } from "./errors.js";

/** The tenant of a key: a hash, so the key itself is never stored or logged. */
export function tenantOf(apiKey: string): string {
  return createHash("sha256").update(`nucleus-tenant:${apiKey}`).digest("hex").slice(0, 32);
}

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

/** Requires a known API key and records its tenant on the context. */
export function requireApiKey(apiKeys: readonly string[]): MiddlewareHandler<Env> {
  const tenants = new Map(apiKeys.map((key) => [key, tenantOf(key)]));
  return async (c, next) => {
    const key = presentedKey(c.req.header("authorization"), c.req.header("x-limited-access-key"));
    const tenant = key === undefined ? undefined : tenants.get(key);
    if (tenant === undefined) {
      throw new HttpError(
        401,
        key === undefined
          ? "No API key: send HTTP Basic auth with the key as the user name, or an x-limited-access-key header"
          : "Unknown API key",
      );
    }
    c.set("tenant", tenant);
    await next();
  };
}
