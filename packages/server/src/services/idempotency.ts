import type { NucleusStore, StoreTransaction, Tenant } from "../store/index.js";

/** How long an idempotency key's record counts: a day, after which the key may be used afresh. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** How long requests wait on each other, when a silent reservation is taken over, and when records expire. */
export interface OnceTiming {
  /** A reservation this old that never completed belongs to a process that died. */
  staleAfterMs: number;
  /** How long a repeat waits for the first request of its key before giving up. */
  waitMs: number;
  /** A completed record this old is forgotten. Default {@link IDEMPOTENCY_TTL_MS}. */
  expireAfterMs?: number;
}

const DEFAULT_TIMING: OnceTiming = { staleAfterMs: 60_000, waitMs: 30_000 };

/**
 * Why a keyed request cannot run: its key belongs to another route, to a request with another
 * body, or to a request still running.
 */
export class IdempotencyConflict extends Error {
  constructor(
    readonly key: string,
    /** The route the key was first used for. */
    readonly route: string,
    readonly reason: "otherRoute" | "otherBody" | "inProgress",
  ) {
    super(`Idempotency-Key ${JSON.stringify(key)}: ${reason} (${route})`);
    this.name = "IdempotencyConflict";
  }
}

/** One keyed request: whose key, which key, the route it is for (`POST /v1/...`) and what it carries. */
export interface KeyedRequest {
  tenant: Tenant;
  key: string;
  route: string;
  /** A hash of method, route and body: a repeat with another fingerprint is refused. */
  fingerprint: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a write once per idempotency key: the key is reserved before the write runs, the write
 * and its recorded response commit in one transaction, and a request that repeats the key gets
 * the first response again (counts included) instead of applying twice, waiting while the first
 * is still running. A key is bound to its request's fingerprint: the same key with another body
 * is refused, never answered with the first response. A write that fails gives its key up, so a
 * retry runs again. Records expire after `expireAfterMs` (a day by default).
 */
export async function runOnce<T>(
  store: NucleusStore,
  request: KeyedRequest,
  write: (tx: StoreTransaction) => Promise<T>,
  timing: OnceTiming = DEFAULT_TIMING,
): Promise<T> {
  const { tenant, key, route, fingerprint } = request;
  const deadline = Date.now() + timing.waitMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    const reservation = await store.idempotency.reserve(tenant, key, route, {
      staleAfterMs: timing.staleAfterMs,
      expireAfterMs: timing.expireAfterMs ?? IDEMPOTENCY_TTL_MS,
      fingerprint,
    });
    if (reservation.state !== "reserved" && reservation.route !== route) {
      throw new IdempotencyConflict(key, reservation.route, "otherRoute");
    }
    // Records made before fingerprints were kept have none: they match any body.
    if (
      reservation.state !== "reserved" &&
      reservation.fingerprint !== null &&
      reservation.fingerprint !== fingerprint
    ) {
      throw new IdempotencyConflict(key, reservation.route, "otherBody");
    }
    if (reservation.state === "completed") return reservation.response as T;
    if (reservation.state === "reserved") {
      const { token } = reservation;
      try {
        return await store.transaction(async (tx) => {
          const response = await write(tx);
          // Taken over after going stale: the other request's write is the one that counts.
          if (!(await tx.idempotency.complete(tenant, key, token, response))) {
            throw new IdempotencyConflict(key, route, "inProgress");
          }
          return response;
        });
      } catch (error) {
        await store.idempotency.release(tenant, key, token);
        throw error;
      }
    }
    if (Date.now() >= deadline) throw new IdempotencyConflict(key, route, "inProgress");
    await pause(wait);
  }
}
