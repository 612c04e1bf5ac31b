/**
 * Object slices: slices of annotations and predictions rather than items, as the protocol's
 * `create_slice` makes them from `object_ids`. A slice keeps the server ids of its objects in the
 * order they were given; an object deleted since is left out when the slice is read.
 */
import type { Page, PageRequest } from "./common.js";
import type { LabelInput } from "./labels.js";

/** What an object of a slice is: ground truth or a model run's prediction. */
export type SliceObjectKind = "annotation" | "prediction";

/** An annotation or prediction named by its server id. */
export interface SliceObjectRecord {
  /** The server's id of the label (`ann_…` or `pred_…`). */
  id: string;
  kind: SliceObjectKind;
  /** The model run of a prediction; null for an annotation. */
  runId: string | null;
  itemId: string;
  /** The response group it is listed under: its type, except `segmentation` for masks. */
  group: string;
  /** The label as uploaded (wire form). */
  payload: LabelInput;
}

/** The objects of object slices. */
export interface SliceObjectStore {
  /**
   * The dataset's annotations and predictions (of any of its runs) with these server ids; ids
   * that name none are absent from the answer.
   */
  resolve(datasetId: string, ids: readonly string[]): Promise<Map<string, SliceObjectRecord>>;
  /** Adds objects to a slice after those it holds, in order; ones it holds already are skipped. Returns how many were new. */
  add(sliceId: string, ids: readonly string[]): Promise<number>;
  /** How many objects a slice names (deleted ones included). */
  count(sliceId: string): Promise<number>;
  /** A page of the slice's objects that are still stored, in the order they were added. */
  page(sliceId: string, datasetId: string, request?: PageRequest): Promise<Page<SliceObjectRecord>>;
}
