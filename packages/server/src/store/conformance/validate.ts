import { describe, expect, it } from "vitest";
import type { NucleusStore } from "../store.js";
import {
  datasetWithItems,
  OTHER_TENANT,
  plainModel,
  type StoreBackend,
  TENANT,
  useStore,
} from "./harness.js";

/** A dataset of three items, a slice of two, and a model. */
async function fixtures(store: NucleusStore) {
  const datasetId = await datasetWithItems(store, 3);
  const slice = await store.slices.create(TENANT, {
    datasetId,
    name: "s",
    members: { referenceIds: ["img_0", "img_1"] },
  });
  const model = await plainModel(store);
  return { datasetId, slice, model };
}

/** Validate: external functions, scenario tests with thresholds, evaluations with item results. */
export function validateConformance(backend: StoreBackend): void {
  describe("validate", () => {
    const fixture = useStore(backend);

    it("register external functions once per name and tenant", async () => {
      const { store } = fixture;
      const a = await store.validate.createFunction(TENANT, { name: "lane_drift", level: "item" });
      const again = await store.validate.createFunction(TENANT, { name: "lane_drift", level: "scene" });
      expect(a).toMatchObject({ name: "lane_drift", level: "item" });
      expect(a.id).toMatch(/^ef_[0-9a-v]{20}$/);
      expect(again).toEqual(a);
      expect((await store.validate.listFunctions(TENANT)).map((f) => f.id)).toEqual([a.id]);
      expect(await store.validate.listFunctions(OTHER_TENANT)).toEqual([]);
    });

    it("create tests with their functions, set thresholds and a baseline, delete them", async () => {
      const { store } = fixture;
      const { datasetId, slice, model } = await fixtures(store);
      const test = await store.validate.createTest(TENANT, {
        name: "night",
        sliceId: slice.id,
        datasetId,
        functions: [
          { evalFunctionId: "ef_a", arguments: { iou_threshold: 0.5 } },
          { evalFunctionId: "ef_b", arguments: {} },
        ],
      });
      expect(test).toMatchObject({ name: "night", sliceId: slice.id, baselineModelId: null });
      expect(await store.validate.findTest(TENANT, { name: "night" })).toEqual(test);
      expect(await store.validate.findTest(OTHER_TENANT, { name: "night" })).toBeUndefined();
      expect(await store.validate.getTest(OTHER_TENANT, test.id)).toBeUndefined();
      const added = await store.validate.addFunction(test.id, { evalFunctionId: "ef_a", arguments: {} });
      expect(added.arguments).toEqual({ iou_threshold: 0.5 });
      const set = await store.validate.setThreshold(test.id, "ef_b", 0.7, "greater_than");
      expect(set).toMatchObject({ threshold: 0.7, comparison: "greater_than" });
      expect(await store.validate.setThreshold(test.id, "ef_b", 0.6)).toMatchObject({
        threshold: 0.6,
        comparison: "greater_than",
      });
      expect(await store.validate.setThreshold(test.id, "ef_zzz", 0.6)).toBeUndefined();
      expect((await store.validate.functions(test.id)).map((f) => [f.evalFunctionId, f.threshold])).toEqual([
        ["ef_a", null],
        ["ef_b", 0.6],
      ]);
      await store.validate.setBaseline(TENANT, test.id, model.id);
      expect((await store.validate.getTest(TENANT, test.id))?.baselineModelId).toBe(model.id);
      expect(await store.validate.deleteTest(OTHER_TENANT, test.id)).toBe(false);
      expect(await store.validate.deleteTest(TENANT, test.id)).toBe(true);
      expect(await store.validate.listTests(TENANT)).toEqual([]);
      expect(await store.validate.functions(test.id)).toEqual([]);
    });

    it("record evaluations with their item results, in history and by job", async () => {
      const { store } = fixture;
      const { datasetId, slice, model } = await fixtures(store);
      const test = await store.validate.createTest(TENANT, {
        name: "t",
        sliceId: slice.id,
        datasetId,
        functions: [{ evalFunctionId: "ef_a", arguments: {} }],
      });
      const [evaluation, restored] = await store.validate.createEvaluations(TENANT, [
        { scenarioTestId: test.id, evalFunctionId: "ef_a", modelId: model.id, jobId: "job_1" },
        {
          scenarioTestId: test.id,
          evalFunctionId: "ef_a",
          modelId: model.id,
          jobId: null,
          createdAt: "2026-01-02T03:04:05.678Z",
        },
      ]);
      expect(evaluation).toMatchObject({ status: "pending", result: null, pass: false });
      // A dump's restore keeps the time an evaluation was made.
      expect((await store.validate.getEvaluation(TENANT, restored?.id as string))?.createdAt).toBe(
        "2026-01-02T03:04:05.678Z",
      );
      const id = evaluation?.id as string;
      await store.validate.startEvaluation(id);
      expect((await store.validate.getEvaluation(TENANT, id))?.status).toBe("started");
      await store.validate.finishEvaluation(
        id,
        {
          status: "completed",
          result: 0.75,
          pass: true,
          threshold: 0.5,
          comparison: "greater_than",
          error: null,
        },
        [
          { itemId: "di_1", referenceId: "img_0", result: 1, weight: 2, pass: true },
          { itemId: "di_2", referenceId: "img_1", result: null, weight: 0, pass: false },
          { level: "scene", itemId: "scn_1", referenceId: "drive_1", result: 0.5, weight: 1, pass: true },
          { level: "track", itemId: "car-7", referenceId: "car-7", result: 0.25, weight: 1, pass: false },
        ],
      );
      expect(await store.validate.getEvaluation(TENANT, id)).toMatchObject({
        status: "completed",
        result: 0.75,
        pass: true,
        threshold: 0.5,
        comparison: "greater_than",
      });
      expect(await store.validate.getEvaluation(OTHER_TENANT, id)).toBeUndefined();
      // A row without a level is an item's; scene and track rows keep theirs.
      expect(await store.validate.itemResults(id)).toEqual([
        { level: "item", itemId: "di_1", referenceId: "img_0", result: 1, weight: 2, pass: true },
        { level: "item", itemId: "di_2", referenceId: "img_1", result: null, weight: 0, pass: false },
        { level: "scene", itemId: "scn_1", referenceId: "drive_1", result: 0.5, weight: 1, pass: true },
        { level: "track", itemId: "car-7", referenceId: "car-7", result: 0.25, weight: 1, pass: false },
      ]);
      expect((await store.validate.history(test.id)).map((e) => e.id)).toEqual([id, restored?.id]);
      expect((await store.validate.evaluationsOfJob("job_1")).map((e) => e.id)).toEqual([id]);
      // Deleting the model takes its evaluations with it.
      await store.models.delete(TENANT, model.id);
      expect(await store.validate.history(test.id)).toEqual([]);
      expect(await store.validate.itemResults(id)).toEqual([]);
    });
  });
}
