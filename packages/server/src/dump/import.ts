import type { MediaStore } from "../media.js";
import type { LabelInput, NewItem, NucleusStore, Tenant } from "../store/index.js";
import { DUMP_FORMAT, DUMP_VERSION, type DumpLine } from "./format.js";

const BATCH = 2_000;

/** What an import made: the new ids of the dataset, runs and slices, by their ids in the dump. */
export interface ImportResult {
  datasetId: string;
  ids: Record<string, string>;
  counts: {
    items: number;
    annotations: number;
    runs: number;
    predictions: number;
    slices: number;
    media: number;
  };
  /** Media keys the dump names that are in neither the target's media nor the source's. */
  missingMedia: string[];
}

/**
 * Loads a dump into a store as a new dataset of `tenant`: items, ground truth, models (found by
 * reference id, or made), runs (committed ones stay committed; commit again to evaluate), their
 * predictions and slices. The dataset holds the media its records name; with `copyMedia`, files
 * the target lacks are copied from another media store (a folder or a bucket).
 *
 * @example
 * ```ts
 * const { datasetId } = await importDataset(store, tenant, readLines("dump.ndjson"));
 * ```
 */
export async function importDataset(
  store: NucleusStore,
  tenant: Tenant,
  lines: AsyncIterable<DumpLine>,
  options: { media?: MediaStore; copyMedia?: MediaStore } = {},
): Promise<ImportResult> {
  const counts = { items: 0, annotations: 0, runs: 0, predictions: 0, slices: 0, media: 0 };
  const ids: Record<string, string> = {};
  const missingMedia: string[] = [];
  let datasetId: string | undefined;
  let items: NewItem[] = [];
  let annotations: LabelInput[] = [];
  let predictions: { runId: string; labels: LabelInput[] } | undefined;
  // A committed run is committed again once its predictions are in (a new prediction reopens it).
  let commit: { runId: string; options: unknown } | undefined;
  const models = new Map<string, { id: string; name: string }>();

  const dataset = () => {
    if (!datasetId) throw new Error("The dump has no header line: it is not a Nucleus dataset dump");
    return datasetId;
  };
  const flushItems = async () => {
    if (items.length === 0) return;
    const keys = items.flatMap((item) => (item.media_key ? [item.media_key] : []));
    await store.items.upsert(dataset(), items, { update: true });
    if (keys.length > 0) await store.media.retain(tenant, dataset(), keys);
    counts.items += items.length;
    items = [];
  };
  const flushAnnotations = async () => {
    if (annotations.length === 0) return;
    await store.labels.upsert({ kind: "annotations", datasetId: dataset() }, annotations, { update: true });
    counts.annotations += annotations.length;
    annotations = [];
  };
  const flushPredictions = async () => {
    if (!predictions || predictions.labels.length === 0) return;
    await store.labels.upsert(
      { kind: "predictions", datasetId: dataset(), runId: predictions.runId },
      predictions.labels,
      { update: true },
    );
    counts.predictions += predictions.labels.length;
    predictions.labels = [];
  };

  for await (const line of lines) {
    switch (line.kind) {
      case "header": {
        if (line.format !== DUMP_FORMAT || line.version > DUMP_VERSION) {
          throw new Error(`Not a dump this version can read (${line.format} ${line.version})`);
        }
        const { name, isScene, usePrivacyMode, annotationMetadataSchema, itemMetadataSchema } = line.dataset;
        const created = await store.datasets.create(tenant, {
          name,
          isScene,
          usePrivacyMode,
          annotationMetadataSchema,
          itemMetadataSchema,
        });
        datasetId = created.id;
        ids[line.dataset.id] = created.id;
        break;
      }
      case "item":
        items.push(line.item);
        if (items.length >= BATCH) await flushItems();
        break;
      case "annotation":
        await flushItems();
        annotations.push(line.label);
        if (annotations.length >= BATCH) await flushAnnotations();
        break;
      case "model": {
        await flushItems();
        await flushAnnotations();
        const { id, ...model } = line.model;
        const existing = await store.models.find(tenant, { referenceId: model.referenceId });
        const target = existing ?? (await store.models.create(tenant, model));
        models.set(id, { id: target.id, name: target.name });
        ids[id] = target.id;
        break;
      }
      case "run": {
        await flushAll();
        const model = models.get(line.run.modelId);
        if (!model) throw new Error(`Run ${line.run.id} names a model the dump did not list first`);
        const run = line.run.implicit
          ? await store.runs.ensureImplicit(tenant, model, dataset())
          : await store.runs.create(tenant, {
              modelId: model.id,
              datasetId: dataset(),
              name: line.run.name,
              metadata: line.run.metadata,
            });
        ids[line.run.id] = run.id;
        predictions = { runId: run.id, labels: [] };
        if (line.run.status === "Committed") commit = { runId: run.id, options: line.run.commitOptions };
        counts.runs += 1;
        break;
      }
      case "prediction": {
        const runId = ids[line.runId];
        if (!predictions || runId !== predictions.runId)
          throw new Error(`Prediction of an unknown run ${line.runId}`);
        predictions.labels.push(line.label);
        if (predictions.labels.length >= BATCH) await flushPredictions();
        break;
      }
      case "slice": {
        await flushAll();
        const slice = await store.slices.create(tenant, {
          datasetId: dataset(),
          name: line.slice.name,
          members: { referenceIds: line.referenceIds },
        });
        ids[line.slice.id] = slice.id;
        counts.slices += 1;
        break;
      }
      case "media": {
        await flushAll();
        await store.media.retain(tenant, dataset(), line.keys);
        for (const key of line.keys) {
          if (!options.media || (await options.media.has(key))) continue;
          const bytes = await options.copyMedia?.get(key);
          if (!bytes) {
            missingMedia.push(key);
            continue;
          }
          options.media.put(bytes, key.includes(".") ? `file${key.slice(key.indexOf("."))}` : "");
          counts.media += 1;
        }
        break;
      }
    }
  }
  await flushAll();
  return { datasetId: dataset(), ids, counts, missingMedia };

  async function flushAll() {
    await flushItems();
    await flushAnnotations();
    await flushPredictions();
    await commitPending();
  }

  async function commitPending() {
    if (!commit) return;
    await store.runs.commit(tenant, commit.runId, commit.options);
    commit = undefined;
  }
}
