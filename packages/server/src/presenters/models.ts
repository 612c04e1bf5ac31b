import type { EvaluationRecord, ModelRecord, ModelRunRecord } from "../store/index.js";
import { metricsWire } from "./evaluations.js";

/** A model (`ModelSchema`); the user's reference id is `ref_id` on the wire. */
export function modelWire(model: ModelRecord) {
  return {
    id: model.id,
    name: model.name,
    ref_id: model.referenceId,
    metadata: model.metadata ?? {},
    tags: model.tags,
    trained_slice_ids: model.trainedSliceIds,
    bundle_name: model.bundleName,
  };
}

/** Model run info (`ModelRunInfoResponseSchema`) with its newest evaluation, if any. */
export function modelRunInfoWire(run: ModelRunRecord, latest: EvaluationRecord | undefined) {
  return {
    model_run_id: run.id,
    model_id: run.modelId,
    dataset_id: run.datasetId,
    name: run.name,
    status: run.status,
    metadata: run.metadata ?? {},
    evaluation: latest
      ? {
          evaluation_id: latest.id,
          status: latest.status,
          metrics: latest.metrics ? metricsWire(latest.metrics) : null,
        }
      : null,
  };
}
