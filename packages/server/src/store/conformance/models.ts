import { describe, expect, it } from "vitest";
import type { NucleusStore } from "../store.js";
import { box, datasetWithItems, OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

const newModel = (name: string, referenceId = name) => ({
  name,
  referenceId,
  metadata: { owner: "me" },
  tags: ["t"],
  trainedSliceIds: [],
  bundleName: null,
});

async function model(store: NucleusStore, name: string, referenceId = name) {
  return store.models.create(TENANT, newModel(name, referenceId));
}

/** Models and model runs: decoded records, lookups by reference, implicit runs, commits, deletes. */
export function modelConformance(backend: StoreBackend): void {
  describe("models and runs", () => {
    const fixture = useStore(backend);

    it("create models, list them in creation order and find the newest of a reference id", async () => {
      const { store } = fixture;
      const a = await model(store, "a", "shared");
      const b = await model(store, "b", "shared");
      const c = await model(store, "c");
      expect(a).toMatchObject({ name: "a", referenceId: "shared", metadata: { owner: "me" }, tags: ["t"] });
      expect((await store.models.list(TENANT)).map((m) => m.id)).toEqual([a.id, b.id, c.id]);
      expect((await store.models.find(TENANT, { referenceId: "shared" }))?.id).toBe(b.id);
      expect(await store.models.find(OTHER_TENANT, { referenceId: "shared" })).toBeUndefined();
      expect(await store.models.get(TENANT, c.id)).toEqual(c);
      expect(await store.models.delete(TENANT, a.id)).toBe(true);
      expect((await store.models.find(TENANT, { referenceId: "shared" }))?.id).toBe(b.id);
    });

    it("create runs, list a dataset's runs in order, commit them with their options", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const m = await model(store, "m");
      const first = await store.runs.create(TENANT, {
        modelId: m.id,
        datasetId,
        name: "r1",
        metadata: { k: 1 },
      });
      const second = await store.runs.create(TENANT, {
        modelId: m.id,
        datasetId,
        name: "r2",
        metadata: null,
      });
      expect(first).toMatchObject({
        modelId: m.id,
        datasetId,
        name: "r1",
        metadata: { k: 1 },
        status: "Started",
        commitOptions: null,
        implicit: false,
      });
      expect((await store.runs.list(TENANT, { datasetId })).map((r) => r.id)).toEqual([first.id, second.id]);
      expect(await store.runs.list(OTHER_TENANT, { datasetId })).toEqual([]);
      await store.runs.commit(TENANT, first.id, { class_agnostic: true });
      expect(await store.runs.get(TENANT, first.id)).toMatchObject({
        status: "Committed",
        commitOptions: { class_agnostic: true },
      });
    });

    it("make one implicit run per (model, dataset), however often it is asked for", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const m = await model(store, "detector");
      const runs = await Promise.all([1, 2, 3].map(() => store.runs.ensureImplicit(TENANT, m, datasetId)));
      expect(new Set(runs.map((r) => r.id)).size).toBe(1);
      expect(runs[0]).toMatchObject({ implicit: true, name: "detector", modelId: m.id });
      expect((await store.runs.ensureImplicit(TENANT, m, datasetId)).id).toBe(runs[0]?.id);
    });

    it("delete a run with its predictions and evaluations, and a model with its runs", async () => {
      const { store } = fixture;
      const datasetId = await datasetWithItems(store, 1);
      const m = await model(store, "m");
      const run = await store.runs.create(TENANT, { modelId: m.id, datasetId, name: "r", metadata: null });
      await store.labels.upsert({ kind: "predictions", datasetId, runId: run.id }, [box("img_0")], {
        update: false,
      });
      const evaluation = await store.evaluations.create(TENANT, {
        runId: run.id,
        datasetId,
        name: null,
        options: {},
      });
      expect(await store.runs.delete(OTHER_TENANT, run.id)).toBe(false);
      expect(await store.runs.delete(TENANT, run.id)).toBe(true);
      expect(await store.evaluations.get(TENANT, evaluation.id)).toBeUndefined();
      const itemId = (await store.items.find(datasetId, { index: 0 }))?.id as string;
      expect(await store.labels.list({ kind: "predictions", datasetId, runId: run.id }, [itemId])).toEqual(
        [],
      );
      const again = await store.runs.create(TENANT, { modelId: m.id, datasetId, name: "r", metadata: null });
      expect(await store.models.delete(TENANT, m.id)).toBe(true);
      expect(await store.runs.get(TENANT, again.id)).toBeUndefined();
    });
  });
}
