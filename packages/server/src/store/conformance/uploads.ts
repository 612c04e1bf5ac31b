import { describe, expect, it } from "vitest";
import { OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

const HOUR = 60 * 60 * 1000;

/** Signed uploads: issued per request id, found by token, completed with a payload once, consumed once. */
export function uploadConformance(backend: StoreBackend): void {
  describe("uploads", () => {
    const fixture = useStore(backend);

    it("register a request id, find it by token, record its payload, and forget it when reissued", async () => {
      const { store } = fixture;
      const expiresAt = Date.now() + HOUR;
      await store.uploads.register(TENANT, { requestId: "r1", datasetId: "ds_1", token: "t1", expiresAt });
      expect(await store.uploads.get(TENANT, "r1")).toEqual({
        tenant: TENANT,
        requestId: "r1",
        datasetId: "ds_1",
        token: "t1",
        mediaKey: null,
        expiresAt,
        consumed: false,
      });
      expect(await store.uploads.get(OTHER_TENANT, "r1")).toBeUndefined();
      expect(await store.uploads.complete("t1", "payload.ndjson", Date.now())).toBe(true);
      expect((await store.uploads.find({ token: "t1" }))?.mediaKey).toBe("payload.ndjson");
      await store.uploads.register(TENANT, { requestId: "r1", datasetId: "ds_2", token: "t2", expiresAt });
      expect(await store.uploads.find({ token: "t1" })).toBeUndefined();
      expect(await store.uploads.get(TENANT, "r1")).toMatchObject({
        datasetId: "ds_2",
        token: "t2",
        mediaKey: null,
      });
    });

    it("take one PUT per URL before it expires, and give its payload to one job", async () => {
      const { store } = fixture;
      const now = Date.now();
      await store.uploads.register(TENANT, {
        requestId: "r1",
        datasetId: "ds_1",
        token: "t1",
        expiresAt: now + HOUR,
      });
      await store.uploads.register(TENANT, {
        requestId: "r2",
        datasetId: "ds_1",
        token: "t2",
        expiresAt: now - 1,
      });
      expect(await store.uploads.complete("t2", "late.ndjson", now)).toBe(false);
      expect(await store.uploads.consume(TENANT, "r1")).toBeUndefined();
      expect(await store.uploads.complete("t1", "first.ndjson", now)).toBe(true);
      expect(await store.uploads.complete("t1", "second.ndjson", now)).toBe(false);
      expect(await store.uploads.consume(OTHER_TENANT, "r1")).toBeUndefined();
      expect(await store.uploads.consume(TENANT, "r1")).toMatchObject({
        mediaKey: "first.ndjson",
        consumed: true,
      });
      expect(await store.uploads.consume(TENANT, "r1")).toBeUndefined();
      expect(await store.uploads.complete("t1", "third.ndjson", now)).toBe(false);
    });
  });
}
