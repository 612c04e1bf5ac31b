import { describe, expect, it } from "vitest";
import { OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

const ROUTE = "POST /v1/nucleus/dataset/ds_1/append";
const FRESH = { staleAfterMs: 60_000, expireAfterMs: 60_000, fingerprint: "f1" };

/** Idempotency keys: reserved before the write, completed with its response, released on failure. */
export function idempotencyConformance(backend: StoreBackend): void {
  describe("idempotency keys", () => {
    const fixture = useStore(backend);

    it("reserve a key once; others see it pending, then completed with its response", async () => {
      const { store } = fixture;
      const first = await store.idempotency.reserve(TENANT, "k", ROUTE, FRESH);
      expect(first.state).toBe("reserved");
      expect(await store.idempotency.reserve(TENANT, "k", ROUTE, FRESH)).toEqual({
        state: "pending",
        route: ROUTE,
        fingerprint: "f1",
      });
      const token = first.state === "reserved" ? first.token : "";
      expect(await store.idempotency.complete(TENANT, "k", "not-the-token", { n: 0 })).toBe(false);
      expect(await store.idempotency.complete(TENANT, "k", token, { new_items: 5, list: [1] })).toBe(true);
      expect(await store.idempotency.complete(TENANT, "k", token, { new_items: 6 })).toBe(false);
      expect(await store.idempotency.reserve(TENANT, "k", ROUTE, { ...FRESH, fingerprint: "f2" })).toEqual({
        state: "completed",
        route: ROUTE,
        fingerprint: "f1",
        response: { new_items: 5, list: [1] },
      });
      expect(await store.idempotency.reserve(TENANT, "k", "POST /other", FRESH)).toMatchObject({
        state: "completed",
        route: ROUTE,
      });
      expect((await store.idempotency.reserve(OTHER_TENANT, "k", ROUTE, FRESH)).state).toBe("reserved");
    });

    it("free a released key for the next request", async () => {
      const { store } = fixture;
      const first = await store.idempotency.reserve(TENANT, "k", ROUTE, FRESH);
      await store.idempotency.release(TENANT, "k", first.state === "reserved" ? first.token : "");
      expect((await store.idempotency.reserve(TENANT, "k", ROUTE, FRESH)).state).toBe("reserved");
    });

    it("let a request take over a reservation that went stale, and refuse the old holder's response", async () => {
      const { store } = fixture;
      const dead = await store.idempotency.reserve(TENANT, "k", ROUTE, FRESH);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = await store.idempotency.reserve(TENANT, "k", ROUTE, { ...FRESH, staleAfterMs: 1 });
      expect(next.state).toBe("reserved");
      expect(
        await store.idempotency.complete(TENANT, "k", dead.state === "reserved" ? dead.token : "", 1),
      ).toBe(false);
      expect(
        await store.idempotency.complete(TENANT, "k", next.state === "reserved" ? next.token : "", 2),
      ).toBe(true);
      const stale = await store.idempotency.reserve(TENANT, "x", ROUTE, FRESH);
      expect(stale.state).toBe("reserved");
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Another route never takes a key over.
      expect(
        await store.idempotency.reserve(TENANT, "x", "POST /other", { ...FRESH, staleAfterMs: 1 }),
      ).toEqual({
        state: "pending",
        route: ROUTE,
        fingerprint: "f1",
      });
    });

    it("forget a completed record past its expiry: reserved afresh, or purged", async () => {
      const { store } = fixture;
      const first = await store.idempotency.reserve(TENANT, "k", ROUTE, FRESH);
      await store.idempotency.complete(TENANT, "k", first.state === "reserved" ? first.token : "", 1);
      const kept = await store.idempotency.reserve(TENANT, "kept", ROUTE, FRESH);
      await store.idempotency.complete(TENANT, "kept", kept.state === "reserved" ? kept.token : "", 2);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(
        (await store.idempotency.reserve(TENANT, "k", ROUTE, { ...FRESH, expireAfterMs: 60_000 })).state,
      ).toBe("completed");
      const again = await store.idempotency.reserve(TENANT, "k", ROUTE, {
        ...FRESH,
        expireAfterMs: 5,
        fingerprint: "f2",
      });
      expect(again.state).toBe("reserved");
      expect(await store.idempotency.purge(60_000)).toBe(0);
      expect(await store.idempotency.purge(5)).toBe(1);
      expect((await store.idempotency.reserve(TENANT, "kept", ROUTE, FRESH)).state).toBe("reserved");
    });

    it("give a key to exactly one of two stores reserving it at once", async () => {
      const { store, openAnother } = fixture;
      const another = await openAnother();
      const results = await Promise.all([
        store.idempotency.reserve(TENANT, "k", ROUTE, FRESH),
        another.idempotency.reserve(TENANT, "k", ROUTE, FRESH),
        store.idempotency.reserve(TENANT, "k", ROUTE, FRESH),
      ]);
      expect(results.filter((r) => r.state === "reserved")).toHaveLength(1);
      expect(results.filter((r) => r.state === "pending")).toHaveLength(2);
    });
  });
}
