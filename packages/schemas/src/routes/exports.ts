/**
 * Exports beyond `exportForTraining`: a model's predictions on a dataset or a slice, a run's
 * predictions, a slice's raw items with URLs to their bytes, and the class labels in use.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { PageRequest } from "../requests.js";
import { ExportPageResponse, ExportResponse, PredictionGroupsSchema } from "../responses.js";

/**
 * Predictions grouped by type (`box`, `polygon`, ... as in `modelRun/{id}/refloc`), all of a
 * model on a dataset or all of a run.
 *
 * @example
 * ```ts
 * import { PredictionExport } from "@nucleus/schemas";
 *
 * PredictionExport.decode({ box: [] });
 * ```
 */
export const PredictionExport = createCodec(PredictionGroupsSchema);
/** Predictions grouped by type. */
export type PredictionExport = Camelize<z.output<typeof PredictionGroupsSchema>>;

/** The wire schema of {@link RawItemsResponse}. */
export const RawItemsResponseSchema = z.looseObject({
  raw_dataset_items: z.array(
    z.looseObject({
      id: z.string(),
      ref_id: z.string(),
      metadata: z.record(z.string(), z.unknown()),
      original_url: z.string(),
      scale_url: z.string(),
    }),
  ),
});
/**
 * `GET slice/{id}/exportRawItems`: each item of the slice with its location as uploaded
 * (`original_url`) and a URL that serves its bytes (`scale_url`: this server's signed URL for a
 * stored upload, the remote URL itself otherwise).
 *
 * @example
 * ```ts
 * import { RawItemsResponse } from "@nucleus/schemas";
 *
 * RawItemsResponse.decode({ raw_dataset_items: [] });
 * ```
 */
export const RawItemsResponse = createCodec(RawItemsResponseSchema);
/** Response of the raw item export. */
export type RawItemsResponse = Camelize<z.output<typeof RawItemsResponseSchema>>;

/** The wire schema of {@link ClassLabelsResponse}. */
export const ClassLabelsResponseSchema = z.looseObject({ data: z.array(z.string()) });
/**
 * The distinct labels of the ground truth (boxes, polygons, categories, multicategories, mask
 * segments ...) of a dataset or a slice's items, sorted.
 *
 * @example
 * ```ts
 * import { ClassLabelsResponse } from "@nucleus/schemas";
 *
 * ClassLabelsResponse.decode({ data: ["bus", "car"] });
 * ```
 */
export const ClassLabelsResponse = createCodec(ClassLabelsResponseSchema);
/** Response of a class label export. */
export type ClassLabelsResponse = Camelize<z.output<typeof ClassLabelsResponseSchema>>;

/**
 * The export routes.
 *
 * @example
 * ```ts
 * import { exportRoutes } from "@nucleus/schemas";
 *
 * exportRoutes.exportRawItems.path; // "slice/:sliceId/exportRawItems"
 * ```
 */
export const exportRoutes = defineRoutes({
  exportModelPredictions: {
    method: "GET",
    path: "dataset/:datasetId/model/:modelId/export",
    summary: "Every prediction of the model on the dataset (all its runs there), grouped by type.",
    response: PredictionExport,
  },
  modelRunUngrouped: {
    method: "GET",
    path: "modelRun/:runId/ungrouped",
    summary: "Every prediction of the run, grouped by type.",
    response: PredictionExport,
  },
  slicePredictionExport: {
    method: "GET",
    path: "slice/:sliceId/:modelId/exportForTraining",
    summary: "Every item of the slice with the model's predictions on it, as export rows.",
    response: ExportResponse,
  },
  slicePredictionExportPage: {
    method: "POST",
    path: "slice/:sliceId/:modelId/exportForTrainingPage",
    summary: "One page of the slice's items with the model's predictions, as export rows.",
    body: PageRequest,
    idempotent: true,
    response: ExportPageResponse,
  },
  sliceExportPage: {
    method: "POST",
    path: "slice/:sliceId/exportForTrainingPage",
    summary: "One page of the slice's items with their ground truth, as export rows.",
    body: PageRequest,
    idempotent: true,
    response: ExportPageResponse,
  },
  exportRawItems: {
    method: "GET",
    path: "slice/:sliceId/exportRawItems",
    summary: "The slice's items with their original location and a URL that serves their bytes.",
    response: RawItemsResponse,
  },
  datasetClassLabels: {
    method: "GET",
    path: "dataset/:datasetId/class_labels",
    summary: "The distinct ground-truth labels of the dataset, sorted.",
    response: ClassLabelsResponse,
  },
  sliceClassLabels: {
    method: "GET",
    path: "slice/:sliceId/class_labels",
    summary: "The distinct ground-truth labels of the slice's items, sorted.",
    response: ClassLabelsResponse,
  },
});
