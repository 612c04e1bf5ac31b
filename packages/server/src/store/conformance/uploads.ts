import { describe, expect, it } from "vitest";
import { OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

/** Signed uploads: issued per request id, found by token, completed with a payload. */
export function uploadConformance(backend: StoreBackend): void {
  describe("uploads", () => {
    const fixture = useStore(backend);

    it("register a request id, find it by token, record its payload, and forget it when reissued", async () => {
      const { store } = fixture;
      await store.uploads.register(TENANT, { requestId: "r1", datasetId: "ds_1", token: "t1" });
      expect(await store.uploads.get(TENANT, "r1")).toEqual({
        tenant: TENANT,
        requestId: "r1",
        datasetId: "ds_1",
        token: "t1",
        mediaKey: null,
      });
      expect(await store.uploads.get(OTHER_TENANT, "r1")).toBeUndefined();
      await store.uploads.complete("t1", "payload.ndjson");
      expect((await store.uploads.find({ token: "t1" }))?.mediaKey).toBe("payload.ndjson");
      await store.uploads.register(TENANT, { requestId: "r1", datasetId: "ds_2", token: "t2" });
      expect(await store.uploads.find({ token: "t1" })).toBeUndefined();
      expect(await store.uploads.get(TENANT, "r1")).toMatchObject({
        datasetId: "ds_2",
        token: "t2",
        mediaKey: null,
      });
    });
  });
}
