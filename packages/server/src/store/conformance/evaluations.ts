import { describe, expect, it } from "vitest";
import type { EvaluationMetrics } from "../documents.js";
import type { NucleusStore } from "../store.js";
import {
  datasetWithItems,
  OTHER_TENANT,
  plainModel,
  type StoreBackend,
  TENANT,
  useStore,
} from "./harness.js";

const metrics: EvaluationMetrics = {
  iouType: "bbox",
  stats: [0.5, 0.7, 0.4, -1, 0.3, 0.6, 0.2, 0.5, 0.55, -1, 0.4, 0.6],
  map: 0.5,
  map50: 0.7,
  map75: 0.4,
  apBySize: { small: -1, medium: 0.3, large: 0.6 },
  ar100: 0.55,
  iouThresholds: [0.5, 0.55],
  perClass: [{ label: "car", ap: 0.5, ap50: 0.7, ap75: 0.4, ar100: 0.55, apByIou: [0.7, 0.6] }],
  counts: { items: 3, groundTruth: 5, predictions: 6 },
};

async function run(store: NucleusStore) {
  const datasetId = await datasetWithItems(store, 1);
  const model = await plainModel(store);
  return store.runs.create(TENANT, { modelId: model.id, datasetId, name: "r", metadata: null });
}

/** Evaluations: options and metrics round-trip in camelCase, newest first, per tenant. */
export function evaluationConformance(backend: StoreBackend): void {
  describe("evaluations", () => {
    const fixture = useStore(backend);

    it("keep options and metrics as given, list a run's evaluations newest first", async () => {
      const { store } = fixture;
      const r = await run(store);
      const options = {
        classAgnostic: false,
        allowedLabelMatches: [{ groundTruthLabel: "car", modelPredictionLabel: "auto" }],
      };
      const first = await store.evaluations.create(TENANT, {
        runId: r.id,
        datasetId: r.datasetId,
        name: "one",
        options,
      });
      expect(first).toMatchObject({
        runId: r.id,
        datasetId: r.datasetId,
        name: "one",
        status: "pending",
        options,
        metrics: null,
        errorMessage: null,
      });
      expect(await store.evaluations.get(TENANT, first.id)).toEqual(first);
      await store.evaluations.update(TENANT, first.id, { status: "succeeded", metrics });
      expect(await store.evaluations.get(TENANT, first.id)).toMatchObject({
        status: "succeeded",
        metrics,
        options,
      });
      const second = await store.evaluations.create(TENANT, {
        runId: r.id,
        datasetId: r.datasetId,
        name: null,
        options: {},
      });
      await store.evaluations.update(TENANT, second.id, { status: "failed", errorMessage: "no boxes" });
      const listed = await store.evaluations.list(TENANT, { runId: r.id });
      expect(listed.map((e) => e.id)).toEqual([second.id, first.id]);
      expect(listed[0]).toMatchObject({ status: "failed", errorMessage: "no boxes", options: {} });
      expect(await store.evaluations.list(OTHER_TENANT, { runId: r.id })).toEqual([]);
    });

    it("delete an evaluation of the tenant only", async () => {
      const { store } = fixture;
      const r = await run(store);
      const evaluation = await store.evaluations.create(TENANT, {
        runId: r.id,
        datasetId: r.datasetId,
        name: null,
        options: {},
      });
      expect(await store.evaluations.get(OTHER_TENANT, evaluation.id)).toBeUndefined();
      expect(await store.evaluations.delete(OTHER_TENANT, evaluation.id)).toBe(false);
      expect(await store.evaluations.delete(TENANT, evaluation.id)).toBe(true);
      expect(await store.evaluations.get(TENANT, evaluation.id)).toBeUndefined();
    });
  });
}
