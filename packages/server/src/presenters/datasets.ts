import type { DatasetRecord } from "../store/index.js";

/** Dataset info (`DatasetInfoResponseSchema`). */
export function datasetInfoWire(
  dataset: DatasetRecord,
  contents: { length: number; runIds: string[]; sliceIds: string[] },
) {
  return {
    dataset_id: dataset.id,
    name: dataset.name,
    length: contents.length,
    model_run_ids: contents.runIds,
    slice_ids: contents.sliceIds,
    annotation_metadata_schema: dataset.annotationMetadataSchema ?? null,
    item_metadata_schema: dataset.itemMetadataSchema ?? null,
    tags: dataset.tags,
  };
}

/** The id and name lists of `GET dataset/` (`DatasetListResponseSchema`). */
export function datasetListWire(datasets: readonly DatasetRecord[]) {
  return { dataset_ids: datasets.map((d) => d.id), dataset_names: datasets.map((d) => d.name) };
}

/** One dataset of `GET dataset/details` (`DatasetDetailsResponseSchema`). */
export function datasetDetailsWire(dataset: DatasetRecord) {
  return { id: dataset.id, name: dataset.name, is_public: false };
}
