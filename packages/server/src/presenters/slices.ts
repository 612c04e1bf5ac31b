import type { SliceRecord } from "../store/index.js";

/** A slice (`SliceSchema`). */
export function sliceWire(slice: SliceRecord) {
  return {
    id: slice.id,
    name: slice.name,
    dataset_id: slice.datasetId,
    type: slice.type,
    created_at: slice.createdAt,
    pending_job_count: 0,
    description: slice.description,
  };
}

/**
 * Slice info (`SliceInfoResponseSchema`): the slice plus `slice_id` and `tags`; for a slice made
 * from a query, `query`, its `model_run_id` and whether it is `dynamic`.
 */
export function sliceInfoWire(slice: SliceRecord) {
  return {
    ...sliceWire(slice),
    slice_id: slice.id,
    tags: slice.tags,
    ...(slice.query
      ? { query: slice.query.text, model_run_id: slice.query.runId, dynamic: slice.query.dynamic }
      : {}),
  };
}
