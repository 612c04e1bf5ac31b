import type { ItemRecord, ModelRecord, NucleusStore, Tenant } from "../store/index.js";
import { UnknownDatasetError } from "./errors.js";
import { DUMP_FORMAT, DUMP_VERSION, type DumpLine, mediaKeysOfLabel } from "./format.js";

const PAGE = 2_000;

/** How many records of each kind an export wrote. */
export interface ExportCounts {
  items: number;
  annotations: number;
  runs: number;
  predictions: number;
  slices: number;
  taxonomies: number;
  itemTags: number;
  reviews: number;
  phashes: number;
  embeddings: number;
  scenes: number;
  sceneLabels: number;
  tracks: number;
  scenarioTests: number;
  evaluations: number;
}

type Write = (line: DumpLine) => Promise<void> | void;

/** Every page of a paged read, in order. */
async function* pagesOf<T>(
  read: (request: { cursor: string | null; limit: number }) => Promise<{
    records: T[];
    nextCursor: string | null;
  }>,
): AsyncIterable<T[]> {
  let cursor: string | null = null;
  do {
    const page = await read({ cursor, limit: PAGE });
    yield page.records;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/**
 * Writes the dump of one dataset of a tenant: its taxonomies; its items page by page, each page
 * followed by its ground truth, item tags, reviews, perceptual hashes and embeddings; its scenes
 * with their labels and tracks; the models its runs and scenario tests name; the runs with their
 * predictions; its slices; the scenario tests on its slices with the external functions they use
 * and their finished evaluations; and last the media keys all of them name. `write` is called
 * once per line (awaited, so a slow file or socket holds the export back). `datasetId` may also
 * be the dataset's name, when no other dataset of the tenant has it.
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
  write: Write,
): Promise<ExportCounts> {
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
  const counts: ExportCounts = {
    items: 0,
    annotations: 0,
    runs: 0,
    predictions: 0,
    slices: 0,
    taxonomies: 0,
    itemTags: 0,
    reviews: 0,
    phashes: 0,
    embeddings: 0,
    scenes: 0,
    sceneLabels: 0,
    tracks: 0,
    scenarioTests: 0,
    evaluations: 0,
  };
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
      tags: dataset.tags,
    },
  });
  for (const { name, type, labels } of await store.taxonomies.list(dataset.id)) {
    await write({ kind: "taxonomy", taxonomy: { name, type, labels } });
    counts.taxonomies += 1;
  }

  // Items a page at a time, each page followed by what hangs on its items: memory stays flat on any size.
  for await (const page of pagesOf((request) => store.items.page(dataset.id, request))) {
    for (const item of page) {
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
    const ids = page.map((item) => item.id);
    for (const label of await store.labels.list({ kind: "annotations", datasetId: dataset.id }, ids)) {
      for (const key of mediaKeysOfLabel(label.payload)) media.add(key);
      await write({ kind: "annotation", label: label.payload });
      counts.annotations += 1;
    }
    await writeItemExtras(store, dataset.id, page, write, counts);
  }

  await writeScenes(store, dataset.id, write, counts, media);

  const runs = await store.runs.list(tenant, { datasetId: dataset.id });
  const tests = (await store.validate.listTests(tenant)).filter((test) => test.datasetId === dataset.id);
  const evaluations = new Map(
    await Promise.all(tests.map(async (test) => [test.id, await store.validate.history(test.id)] as const)),
  );
  // The models of the runs, then those the scenario tests name that have no run here.
  const modelIds = new Set(runs.map((run) => run.modelId));
  for (const test of tests) {
    if (test.baselineModelId) modelIds.add(test.baselineModelId);
    for (const evaluation of evaluations.get(test.id) ?? []) modelIds.add(evaluation.modelId);
  }
  const models: ModelRecord[] = [];
  for (const id of modelIds) {
    const model = await store.models.get(tenant, id);
    if (model) models.push(model);
  }
  for (const model of models) {
    const { id, name, referenceId, metadata, tags, trainedSliceIds, bundleName } = model;
    await write({
      kind: "model",
      model: { id, name, referenceId, metadata, tags, trainedSliceIds, bundleName },
    });
  }
  const scenes = await store.scenes.list(dataset.id);
  for (const run of runs) {
    const { id, modelId, name, metadata, status, commitOptions, implicit } = run;
    await write({ kind: "run", run: { id, modelId, name, metadata, status, commitOptions, implicit } });
    counts.runs += 1;
    const target = { kind: "predictions" as const, datasetId: dataset.id, runId: run.id };
    for await (const page of pagesOf((request) => store.items.page(dataset.id, request))) {
      const ids = page.map((item) => item.id);
      for (const label of await store.labels.list(target, ids)) {
        for (const key of mediaKeysOfLabel(label.payload)) media.add(key);
        await write({ kind: "prediction", runId: run.id, label: label.payload });
        counts.predictions += 1;
      }
    }
    for (const scene of scenes) {
      for (const label of await store.scenes.labels(target, scene.id)) {
        await write({ kind: "sceneLabel", runId: run.id, label: label.payload });
        counts.sceneLabels += 1;
      }
    }
  }

  for (const slice of await store.slices.list(tenant, { datasetId: dataset.id })) {
    const referenceIds: string[] = [];
    for await (const page of pagesOf((request) => store.slices.items(slice.id, request))) {
      for (const item of page) referenceIds.push(item.referenceId);
    }
    const query = await store.curation.sliceQuery(slice.id);
    await write({
      kind: "slice",
      slice: {
        id: slice.id,
        name: slice.name,
        tags: slice.tags,
        ...(slice.type === "scene" ? { type: slice.type } : {}),
        query: query ? { text: query.query, runId: query.runId, dynamic: query.dynamic } : null,
      },
      // A dynamic slice's items are its query's: the import reads them from it again.
      referenceIds: query?.dynamic ? [] : referenceIds,
    });
    counts.slices += 1;
  }

  await writeScenarioTests(store, tenant, tests, evaluations, write, counts);
  await write({ kind: "media", keys: [...media].sort() });
  return counts;
}

/** The item tags, reviews, perceptual hashes and embeddings of one page of items. */
async function writeItemExtras(
  store: NucleusStore,
  datasetId: string,
  page: readonly ItemRecord[],
  write: Write,
  counts: ExportCounts,
): Promise<void> {
  const ids = page.map((item) => item.id);
  const referenceOf = new Map(page.map((item) => [item.id, item.referenceId]));
  const tags = await store.curation.tagsOf(datasetId, ids);
  for (const item of page) {
    const list = tags.get(item.id);
    if (!list || list.length === 0) continue;
    await write({ kind: "itemTags", referenceId: item.referenceId, tags: list });
    counts.itemTags += 1;
  }
  for (const review of await store.curation.reviewsOf(datasetId, ids)) {
    const { referenceId, annotationId, status, reviewer, comment, createdAt } = review;
    await write({
      kind: "review",
      review: { referenceId, annotationId, status, reviewer, comment, createdAt },
    });
    counts.reviews += 1;
  }
  const hashes = await store.phashes.get(ids);
  for (const item of page) {
    const hash = hashes.get(item.id);
    if (!hash) continue;
    await write({ kind: "phash", referenceId: item.referenceId, source: hash.source, phash: hash.phash });
    counts.phashes += 1;
  }
  const vectors = await store.embeddings.get(datasetId, ids);
  for (const item of page) {
    const vector = vectors.get(item.id);
    if (!vector) continue;
    // A float32 printed as a double reads back to the same float32.
    await write({
      kind: "embedding",
      referenceId: referenceOf.get(item.id) as string,
      vector: Array.from(vector.vector),
    });
    counts.embeddings += 1;
  }
}

/** The dataset's scenes with their frames, their ground-truth labels, and its tracks. */
async function writeScenes(
  store: NucleusStore,
  datasetId: string,
  write: Write,
  counts: ExportCounts,
  media: Set<string>,
): Promise<void> {
  const scenes = await store.scenes.list(datasetId);
  for (const scene of scenes) {
    if (scene.videoMediaKey) media.add(scene.videoMediaKey);
    const frames = (await store.scenes.frames(scene.id)).map(({ frame, sensor, type, item }) => ({
      frame,
      sensor,
      type,
      itemReferenceId: item.referenceId,
    }));
    const { referenceId, kind, metadata, frameRate, videoUrl, videoMediaKey } = scene;
    await write({
      kind: "scene",
      scene: { referenceId, kind, metadata, frameRate, videoUrl, videoMediaKey, frames },
    });
    counts.scenes += 1;
  }
  for (const scene of scenes) {
    for (const label of await store.scenes.labels({ kind: "annotations", datasetId }, scene.id)) {
      await write({ kind: "sceneLabel", label: label.payload });
      counts.sceneLabels += 1;
    }
  }
  for (const track of await store.scenes.tracks(datasetId)) {
    await write({ kind: "track", referenceId: track.referenceId, metadata: track.metadata });
    counts.tracks += 1;
  }
}

/** The scenario tests on the dataset's slices, the external functions they use, and their finished evaluations. */
async function writeScenarioTests(
  store: NucleusStore,
  tenant: Tenant,
  tests: Awaited<ReturnType<NucleusStore["validate"]["listTests"]>>,
  evaluations: Map<string, Awaited<ReturnType<NucleusStore["validate"]["history"]>>>,
  write: Write,
  counts: ExportCounts,
): Promise<void> {
  const functions = new Map(
    await Promise.all(tests.map(async (test) => [test.id, await store.validate.functions(test.id)] as const)),
  );
  const used = new Set([...functions.values()].flat().map((fn) => fn.evalFunctionId));
  for (const fn of await store.validate.listFunctions(tenant)) {
    if (!used.has(fn.id)) continue;
    await write({ kind: "evalFunction", fn: { id: fn.id, name: fn.name, level: fn.level } });
  }
  for (const test of tests) {
    await write({
      kind: "scenarioTest",
      test: { id: test.id, name: test.name, sliceId: test.sliceId, baselineModelId: test.baselineModelId },
      functions: (functions.get(test.id) ?? []).map(
        ({ evalFunctionId, arguments: args, threshold, comparison }) => ({
          evalFunctionId,
          arguments: args,
          threshold,
          comparison,
        }),
      ),
    });
    counts.scenarioTests += 1;
  }
  for (const test of tests) {
    for (const evaluation of evaluations.get(test.id) ?? []) {
      // One still pending or running belongs to a job of the source server: it is not carried over.
      if (evaluation.status !== "completed" && evaluation.status !== "errored") continue;
      const items = (await store.validate.itemResults(evaluation.id)).map(
        ({ level, referenceId, result, weight, pass }) =>
          level === "scene" || level === "track"
            ? { level, referenceId, result, weight, pass }
            : { referenceId, result, weight, pass },
      );
      const {
        scenarioTestId,
        evalFunctionId,
        modelId,
        status,
        result,
        pass,
        threshold,
        comparison,
        error,
        createdAt,
      } = evaluation;
      await write({
        kind: "evaluation",
        evaluation: {
          scenarioTestId,
          evalFunctionId,
          modelId,
          status,
          result,
          pass,
          threshold,
          comparison,
          error,
          createdAt,
        },
        items,
      });
      counts.evaluations += 1;
    }
  }
}
