import type { Ctx } from "./context.js";
import { conflict } from "./errors.js";

/**
 * Runs a write once per `Idempotency-Key`: a request that repeats a key gets the first
 * response again, counts included, instead of applying twice. The check, the write and the
 * record happen in one synchronous step, so concurrent retries cannot both apply. Requests
 * without the header (the official client sends none) run as usual.
 */
export function once<T extends object>(c: Ctx, write: () => T): T {
  const key = c.req.header("idempotency-key");
  if (!key) return write();
  const { store } = c.get("services");
  const tenant = c.get("tenant");
  const route = `${c.req.method} ${new URL(c.req.url).pathname}`;
  const previous = store.idempotentResponse(tenant, key);
  if (previous) {
    if (previous.route !== route)
      throw conflict(`Idempotency-Key ${JSON.stringify(key)} was used for ${previous.route}`);
    return JSON.parse(previous.response) as T;
  }
  return store.transaction(() => {
    const result = write();
    store.recordIdempotentResponse(tenant, key, route, JSON.stringify(result));
    return result;
  });
}
