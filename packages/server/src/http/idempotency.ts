import { createHash } from "node:crypto";
import { IDEMPOTENCY_TTL_MS, IdempotencyConflict, runOnce } from "../services/idempotency.js";
import type { EntityStores, NucleusStore } from "../store/index.js";
import type { Ctx } from "./context.js";
import { conflict, HttpError } from "./errors.js";

/** How often expired idempotency records are swept, at most. */
const PURGE_EVERY_MS = 10 * 60 * 1000;
const lastPurge = new WeakMap<NucleusStore, number>();

/** Forgets expired records now and then, off the request's path. */
function purgeNowAndThen(store: NucleusStore, log: (line: string) => void): void {
  const now = Date.now();
  if (now - (lastPurge.get(store) ?? 0) < PURGE_EVERY_MS) return;
  lastPurge.set(store, now);
  store.idempotency
    .purge(IDEMPOTENCY_TTL_MS)
    .catch((error: Error) => log(`idempotency purge failed: ${error.message}`));
}

/** The fingerprint of a request: its method, route and the SHA-256 of its body as read. */
export function fingerprintOf(c: Ctx, route: string): string {
  return createHash("sha256")
    .update(`${route}\n${c.get("bodyHash") ?? ""}`)
    .digest("hex");
}

/**
 * Runs a write once per `Idempotency-Key` (see `runOnce`): a request that repeats a key gets
 * the first response again instead of applying twice; the same key with another body is a 422.
 * Keys count for {@link IDEMPOTENCY_TTL_MS}. `write` must use the stores it is given (a
 * transaction's, when there is a key). Requests without the header (the official client sends
 * none) run as usual.
 */
export async function once<T extends object>(
  c: Ctx,
  write: (stores: EntityStores) => Promise<T>,
): Promise<T> {
  const key = c.req.header("idempotency-key");
  const { store } = c.get("services");
  if (!key) return write(store);
  const route = `${c.req.method} ${new URL(c.req.url).pathname}`;
  purgeNowAndThen(store, () => {});
  try {
    return await runOnce(
      store,
      { tenant: c.get("tenant"), key, route, fingerprint: fingerprintOf(c, route) },
      write,
    );
  } catch (error) {
    if (!(error instanceof IdempotencyConflict)) throw error;
    if (error.reason === "otherBody") {
      throw new HttpError(
        422,
        `Idempotency-Key ${JSON.stringify(key)} was used with another request body; use a new key for a new request`,
      );
    }
    throw conflict(
      error.reason === "otherRoute"
        ? `Idempotency-Key ${JSON.stringify(key)} was used for ${error.route}`
        : `Idempotency-Key ${JSON.stringify(key)} belongs to a request that has not finished; retry later`,
    );
  }
}
