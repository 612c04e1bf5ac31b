/**
 * Exports beyond a dataset's training export: a model's predictions on a dataset or a slice, a
 * run's predictions, a slice's raw items and the class labels in use. Dataset, run and slice
 * methods delegate here.
 */
import { type ExportRow, type PredictionGroups, routes } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";

/** A model, by id or as an object with one. */
export type ModelRef = string | { id: string };

const modelIdOf = (model: ModelRef) => (typeof model === "string" ? model : model.id);

/**
 * An item of a slice as `exportRawItems` gives it: where it was uploaded from, and a URL that
 * serves its bytes.
 *
 * @example
 * ```ts
 * import type { RawItem } from "@nucleus/core";
 *
 * const item: RawItem = { id: "di_1", refId: "img_1", metadata: {}, originalUrl: "./img_1.png", scaleUrl: "http://127.0.0.1:8765/v1/nucleus/__media/..." };
 * ```
 */
export interface RawItem {
  id: string;
  refId: string;
  metadata: Record<string, unknown>;
  /** The location the item was uploaded with (a local path for local files). */
  originalUrl: string;
  /** A URL that serves the item's bytes: the server's for stored uploads, the remote URL otherwise. */
  scaleUrl: string;
}

/** @internal */
export function modelPredictions(
  api: Api,
  datasetId: string,
  model: ModelRef,
  options: CallOptions,
): Promise<PredictionGroups> {
  return api.call(
    routes.exportModelPredictions,
    { params: { datasetId, modelId: modelIdOf(model) } },
    options,
  );
}

/** @internal */
export function runPredictions(api: Api, runId: string, options: CallOptions): Promise<PredictionGroups> {
  return api.call(routes.modelRunUngrouped, { params: { runId } }, options);
}

/** @internal */
export function slicePredictionRows(
  api: Api,
  sliceId: string,
  model: ModelRef,
  options: CallOptions & { pageSize?: number },
): PageIterator<ExportRow> {
  const pageSize = options.pageSize ?? 1_000;
  return new PageIterator(async (pageToken) => {
    const page = await api.call(
      routes.slicePredictionExportPage,
      { params: { sliceId, modelId: modelIdOf(model) }, body: { pageToken, pageSize } },
      options,
    );
    return { items: page.data, nextPageToken: page.nextPageToken };
  });
}

/** @internal */
export async function rawItems(api: Api, sliceId: string, options: CallOptions): Promise<RawItem[]> {
  return (await api.call(routes.exportRawItems, { params: { sliceId } }, options)).rawDatasetItems;
}

/** @internal */
export async function classLabels(
  api: Api,
  scope: { datasetId: string } | { sliceId: string },
  options: CallOptions,
): Promise<string[]> {
  const response =
    "datasetId" in scope
      ? await api.call(routes.datasetClassLabels, { params: { datasetId: scope.datasetId } }, options)
      : await api.call(routes.sliceClassLabels, { params: { sliceId: scope.sliceId } }, options);
  return response.data;
}
