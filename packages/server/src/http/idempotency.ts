import { IdempotencyConflict, runOnce } from "../services/idempotency.js";
import type { EntityStores } from "../store/index.js";
import type { Ctx } from "./context.js";
import { conflict } from "./errors.js";

/**
 * Runs a write once per `Idempotency-Key` (see `runOnce`): a request that repeats a key gets
 * the first response again instead of applying twice. `write` must use the stores it is given
 * (a transaction's, when there is a key). Requests without the header (the official client
 * sends none) run as usual.
 */
export async function once<T extends object>(
  c: Ctx,
  write: (stores: EntityStores) => Promise<T>,
): Promise<T> {
  const key = c.req.header("idempotency-key");
  const { store } = c.get("services");
  if (!key) return write(store);
  const route = `${c.req.method} ${new URL(c.req.url).pathname}`;
  try {
    return await runOnce(store, { tenant: c.get("tenant"), key, route }, write);
  } catch (error) {
    if (!(error instanceof IdempotencyConflict)) throw error;
    throw conflict(
      error.reason === "otherRoute"
        ? `Idempotency-Key ${JSON.stringify(key)} was used for ${error.route}`
        : `Idempotency-Key ${JSON.stringify(key)} belongs to a request that has not finished; retry later`,
    );
  }
}
