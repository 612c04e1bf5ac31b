import type { ModelRecord, NucleusStore, Tenant } from "../store/index.js";
import { UnknownDatasetError } from "./errors.js";
import { DUMP_FORMAT, DUMP_VERSION, type DumpLine, mediaKeysOfLabel } from "./format.js";

const PAGE = 2_000;

/**
 * Writes the dump of one dataset of a tenant: its items, ground truth, the models of its runs,
 * the runs with their predictions, its slices, and the media keys all of them name. `write` is
 * called once per line (awaited, so a slow file or socket holds the export back). `datasetId` may
 * also be the dataset's name, when no other dataset of the tenant has it.
 *
 * @example
 * ```ts
 * await exportDataset(store, tenant, "ds_...", (line) => out.write(`${JSON.stringify(line)}\n`));
 * ```
 */
export async function exportDataset(
  store: NucleusStore,
  tenant: Tenant,
  datasetId: string,
  write: (line: DumpLine) => Promise<void> | void,
): Promise<{ items: number; annotations: number; runs: number; predictions: number; slices: number }> {
  // A dataset is named by its id or, as in `nu`, by its name when that is unique.
  const byName = async () => {
    const named = (await store.datasets.list(tenant)).filter((d) => d.name === datasetId);
    if (named.length > 1)
      throw new UnknownDatasetError(
        datasetId,
        named.map((d) => d.id),
      );
    return named[0];
  };
  const dataset = (await store.datasets.get(tenant, datasetId)) ?? (await byName());
  if (!dataset) throw new UnknownDatasetError(datasetId);
  const counts = { items: 0, annotations: 0, runs: 0, predictions: 0, slices: 0 };
  const media = new Set<string>();
  await write({
    kind: "header",
    format: DUMP_FORMAT,
    version: DUMP_VERSION,
    exportedAt: new Date().toISOString(),
    dataset: {
      id: dataset.id,
      name: dataset.name,
      isScene: dataset.isScene,
      usePrivacyMode: dataset.usePrivacyMode,
      annotationMetadataSchema: dataset.annotationMetadataSchema,
      itemMetadataSchema: dataset.itemMetadataSchema,
    },
  });

  const runs = await store.runs.list(tenant, { datasetId: dataset.id });
  // Items a page at a time, each page followed by its labels: memory stays flat on any size.
  let cursor: string | null = null;
  do {
    const page = await store.items.page(dataset.id, { cursor, limit: PAGE });
    for (const item of page.records) {
      if (item.mediaKey) media.add(item.mediaKey);
      await write({
        kind: "item",
        item: {
          reference_id: item.referenceId,
          image_url: item.imageUrl,
          metadata: item.metadata,
          ...(item.width !== null ? { width: item.width } : {}),
          ...(item.height !== null ? { height: item.height } : {}),
          ...(item.embeddingInfo !== null ? { embedding_info: item.embeddingInfo as never } : {}),
          media_key: item.mediaKey,
        },
      });
      counts.items += 1;
    }
    const ids = page.records.map((item) => item.id);
    for (const label of await store.labels.list({ kind: "annotations", datasetId: dataset.id }, ids)) {
      for (const key of mediaKeysOfLabel(label.payload)) media.add(key);
      await write({ kind: "annotation", label: label.payload });
      counts.annotations += 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== null);

  const models = new Map<string, ModelRecord>();
  for (const run of runs) {
    if (!models.has(run.modelId)) {
      const model = await store.models.get(tenant, run.modelId);
      if (model) models.set(model.id, model);
    }
  }
  for (const model of models.values()) {
    const { id, name, referenceId, metadata, tags, trainedSliceIds, bundleName } = model;
    await write({
      kind: "model",
      model: { id, name, referenceId, metadata, tags, trainedSliceIds, bundleName },
    });
  }
  for (const run of runs) {
    const { id, modelId, name, metadata, status, commitOptions, implicit } = run;
    await write({ kind: "run", run: { id, modelId, name, metadata, status, commitOptions, implicit } });
    counts.runs += 1;
    let at: string | null = null;
    do {
      const page = await store.items.page(dataset.id, { cursor: at, limit: PAGE });
      const ids = page.records.map((item) => item.id);
      for (const label of await store.labels.list(
        { kind: "predictions", datasetId: dataset.id, runId: run.id },
        ids,
      )) {
        for (const key of mediaKeysOfLabel(label.payload)) media.add(key);
        await write({ kind: "prediction", runId: run.id, label: label.payload });
        counts.predictions += 1;
      }
      at = page.nextCursor;
    } while (at !== null);
  }

  for (const slice of await store.slices.list(tenant, { datasetId: dataset.id })) {
    const referenceIds: string[] = [];
    let at: string | null = null;
    do {
      const page = await store.slices.items(slice.id, { cursor: at, limit: PAGE });
      for (const item of page.records) referenceIds.push(item.referenceId);
      at = page.nextCursor;
    } while (at !== null);
    await write({ kind: "slice", slice: { id: slice.id, name: slice.name }, referenceIds });
    counts.slices += 1;
  }
  await write({ kind: "media", keys: [...media].sort() });
  return counts;
}
