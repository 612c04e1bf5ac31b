import type { AnnotationWire, PredictionWire } from "@nucleus/schemas";
import type { StoreProblem } from "./problems.js";

/** A label as uploaded: ground truth or a prediction, in its wire form. */
export type LabelInput = AnnotationWire | PredictionWire;

/** Where labels go: a dataset's ground truth or a model run's predictions. */
export type LabelTarget =
  | { kind: "annotations"; datasetId: string }
  | { kind: "predictions"; datasetId: string; runId: string };

/** A stored annotation or prediction. */
export interface LabelRecord {
  /** The server's id of the label. */
  id: string;
  itemId: string;
  /** The response group it is listed under: its type, except `segmentation` for masks. */
  group: string;
  /** The label as uploaded (wire form), with its default annotation id filled in. */
  payload: LabelInput;
}

/** A label the store refused, by its position in the upload. */
export interface LabelRefusal {
  index: number;
  problem: StoreProblem;
}

/** Counts of a label upsert; `refused` lists the labels that were not applied, in input order. */
export interface LabelUpsertResult {
  processed: number;
  ignored: number;
  refused: LabelRefusal[];
}

/** Which labels to delete: those of some items, or all of the target's. */
export type LabelSelection = { referenceIds: readonly string[] } | { all: true };

/** Ground truth and predictions, per item. */
export interface LabelStore {
  /**
   * Inserts labels; a label with the same identity on the same item (see `label-identity.ts`)
   * is replaced when `update` is set and ignored otherwise. Labels on unknown reference ids are
   * refused, each as an `unknownReference` problem; the others still apply. New predictions
   * reopen a committed run.
   */
  upsert(
    target: LabelTarget,
    labels: readonly LabelInput[],
    options: { update: boolean },
  ): Promise<LabelUpsertResult>;
  /** The labels of some items; each item's labels in upload order. */
  list(target: LabelTarget, itemIds: readonly string[]): Promise<LabelRecord[]>;
  /** One label by its item and its annotation id. */
  find(
    target: LabelTarget,
    query: { itemId: string; annotationId: string },
  ): Promise<LabelRecord | undefined>;
  /** Deletes labels; returns how many. */
  delete(target: LabelTarget, selection: LabelSelection): Promise<number>;
}
