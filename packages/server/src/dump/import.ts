import type { JsonObject } from "@nucleus/schemas";
import type { MediaStore } from "../media.js";
import type { LabelInput, NewItem, NucleusStore, Tenant } from "../store/index.js";
import { DUMP_FORMAT, DUMP_VERSION, type DumpLine } from "./format.js";

const BATCH = 2_000;

/** What an import made: the new ids of the dataset, runs, slices and tests, by their ids in the dump. */
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
  };
  /** Media keys the dump names that are in neither the target's media nor the source's. */
  missingMedia: string[];
  /**
   * Scenario tests whose name the target's owner already used (names are unique per key), by
   * their name in the dump: the name they were given instead.
   */
  renamedTests: Record<string, string>;
}

type ItemLine<K extends DumpLine["kind"]> = Extract<DumpLine, { kind: K }>;

/**
 * Loads a dump into a store as a new dataset of `tenant`: taxonomies, items, ground truth, item
 * tags, reviews (with their times), perceptual hashes, embeddings, scenes with their labels and
 * tracks, models (found by reference id, or made), runs (committed ones stay committed; commit
 * again to evaluate), their predictions, slices (with their tags and queries), and scenario tests
 * with their functions, thresholds, baseline and finished evaluations. The dataset holds the media
 * its records name; with `copyMedia`, files the target lacks are copied from another media store
 * (a folder or a bucket). Dumps of every earlier version load too.
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
  const counts: ImportResult["counts"] = {
    items: 0,
    annotations: 0,
    runs: 0,
    predictions: 0,
    slices: 0,
    media: 0,
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
  const ids: Record<string, string> = {};
  const missingMedia: string[] = [];
  const renamedTests: Record<string, string> = {};
  let datasetId: string | undefined;
  let items: NewItem[] = [];
  let annotations: LabelInput[] = [];
  let predictions: { runId: string; labels: LabelInput[] } | undefined;
  let itemTags: ItemLine<"itemTags">[] = [];
  let reviews: ItemLine<"review">["review"][] = [];
  let hashes: ItemLine<"phash">[] = [];
  let embeddings: ItemLine<"embedding">[] = [];
  let sceneLabels: { runId: string | undefined; labels: LabelInput[] } = { runId: undefined, labels: [] };
  let tracks: ItemLine<"track">[] = [];
  // The review status each item's metadata had in the dump: restoring reviews sets it, and the
  // dump's value (written after the reviews) wins.
  const reviewStatus = new Map<string, string>();
  // A committed run is committed again once its predictions are in (a new prediction reopens it).
  let commit: { runId: string; options: unknown } | undefined;
  const models = new Map<string, { id: string; name: string }>();

  const dataset = () => {
    if (!datasetId) throw new Error("The dump has no header line: it is not a Nucleus dataset dump");
    return datasetId;
  };
  /** The ids of the new dataset's items, by reference id. */
  const itemIdsOf = (referenceIds: readonly string[]) => store.embeddings.itemIds(dataset(), referenceIds);
  const itemIdOf = (found: Map<string, string>, referenceId: string) => {
    const id = found.get(referenceId);
    if (!id) throw new Error(`The dump names an item it did not list: ${JSON.stringify(referenceId)}`);
    return id;
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
  const flushItemExtras = async () => {
    if (itemTags.length + reviews.length + hashes.length + embeddings.length === 0) return;
    const refs = [
      ...new Set([
        ...itemTags.map((t) => t.referenceId),
        ...reviews.map((r) => r.referenceId),
        ...hashes.map((h) => h.referenceId),
        ...embeddings.map((e) => e.referenceId),
      ]),
    ];
    const found = await itemIdsOf(refs);
    // Items with the same tags are tagged together.
    const byTags = new Map<string, string[]>();
    for (const { referenceId, tags } of itemTags) {
      const key = JSON.stringify(tags);
      byTags.set(key, [...(byTags.get(key) ?? []), itemIdOf(found, referenceId)]);
    }
    for (const [key, itemIds] of byTags) {
      await store.curation.tag(dataset(), itemIds, { add: JSON.parse(key) as string[] });
    }
    counts.itemTags += itemTags.length;
    if (reviews.length > 0) {
      await store.curation.review(
        dataset(),
        reviews.map((review) => ({
          itemId: itemIdOf(found, review.referenceId),
          annotationId: review.annotationId,
          status: review.status,
          reviewer: review.reviewer,
          comment: review.comment,
          createdAt: review.createdAt,
        })),
      );
      const last = new Map<string, string>();
      for (const review of reviews)
        if (review.annotationId === null) last.set(review.referenceId, review.status);
      const restore = [...last]
        .filter(([ref, status]) => reviewStatus.has(ref) && reviewStatus.get(ref) !== status)
        .map(([ref]) => ({ referenceId: ref, metadata: { review_status: reviewStatus.get(ref) as string } }));
      if (restore.length > 0) await store.items.mergeMetadata(dataset(), restore);
      counts.reviews += reviews.length;
    }
    if (hashes.length > 0) {
      await store.phashes.put(
        hashes.map((h) => ({ itemId: itemIdOf(found, h.referenceId), source: h.source, phash: h.phash })),
      );
      counts.phashes += hashes.length;
    }
    if (embeddings.length > 0) {
      await store.embeddings.put(
        dataset(),
        embeddings.map((e) => ({
          itemId: itemIdOf(found, e.referenceId),
          vector: Float32Array.from(e.vector),
        })),
      );
      counts.embeddings += embeddings.length;
    }
    itemTags = [];
    reviews = [];
    hashes = [];
    embeddings = [];
  };
  const flushSceneLabels = async () => {
    if (sceneLabels.labels.length === 0) return;
    const { runId } = sceneLabels;
    await store.scenes.upsertLabels(
      runId === undefined
        ? { kind: "annotations", datasetId: dataset() }
        : { kind: "predictions", datasetId: dataset(), runId },
      sceneLabels.labels,
      { update: true },
    );
    counts.sceneLabels += sceneLabels.labels.length;
    sceneLabels = { runId, labels: [] };
  };
  const flushTracks = async () => {
    if (tracks.length === 0) return;
    await store.scenes.upsertTracks(
      dataset(),
      tracks.map(({ referenceId, metadata }) => ({ referenceId, metadata })),
      { overwrite: true },
    );
    counts.tracks += tracks.length;
    tracks = [];
  };
  /** What a page of items carries is written once the items and their labels are. */
  const flushPage = async () => {
    await flushItems();
    await flushAnnotations();
    await flushItemExtras();
  };
  const flushAll = async () => {
    await flushPage();
    await flushTracks();
    await flushPredictions();
    await flushSceneLabels();
    if (commit) {
      await store.runs.commit(tenant, commit.runId, commit.options);
      commit = undefined;
    }
  };
  const mapped = (id: string, what: string) => {
    const to = ids[id];
    if (!to) throw new Error(`The dump names ${what} ${id} before listing it`);
    return to;
  };

  for await (const line of lines) {
    switch (line.kind) {
      case "header": {
        if (line.format !== DUMP_FORMAT || line.version > DUMP_VERSION) {
          throw new Error(`Not a dump this version can read (${line.format} ${line.version})`);
        }
        const { name, isScene, usePrivacyMode, annotationMetadataSchema, itemMetadataSchema, tags } =
          line.dataset;
        const created = await store.datasets.create(tenant, {
          name,
          isScene,
          usePrivacyMode,
          annotationMetadataSchema,
          itemMetadataSchema,
        });
        datasetId = created.id;
        ids[line.dataset.id] = created.id;
        if (tags && tags.length > 0) await store.tags.add("dataset", tenant, created.id, tags);
        break;
      }
      case "taxonomy":
        await store.taxonomies.add(dataset(), line.taxonomy, { update: true });
        counts.taxonomies += 1;
        break;
      case "item": {
        // A new page starts: what the previous one carried is written first.
        await flushItemExtras();
        items.push(line.item);
        const status = (line.item.metadata as JsonObject | undefined)?.review_status;
        if (typeof status === "string") reviewStatus.set(line.item.reference_id, status);
        if (items.length >= BATCH) await flushItems();
        break;
      }
      case "annotation":
        await flushItems();
        annotations.push(line.label);
        if (annotations.length >= BATCH) await flushAnnotations();
        break;
      case "itemTags":
      case "review":
      case "phash":
      case "embedding": {
        await flushItems();
        await flushAnnotations();
        if (line.kind === "itemTags") itemTags.push(line);
        else if (line.kind === "review") reviews.push(line.review);
        else if (line.kind === "phash") hashes.push(line);
        else embeddings.push(line);
        if (itemTags.length + reviews.length + hashes.length + embeddings.length >= BATCH)
          await flushItemExtras();
        break;
      }
      case "scene": {
        await flushAll();
        await store.scenes.upsert(dataset(), line.scene, { update: true });
        counts.scenes += 1;
        break;
      }
      case "sceneLabel": {
        await flushPage();
        const runId = line.runId === undefined ? undefined : mapped(line.runId, "the run");
        if (runId !== sceneLabels.runId) await flushSceneLabels();
        sceneLabels.runId = runId;
        sceneLabels.labels.push(line.label);
        if (sceneLabels.labels.length >= BATCH) await flushSceneLabels();
        break;
      }
      case "track":
        await flushPage();
        await flushSceneLabels();
        tracks.push(line);
        if (tracks.length >= BATCH) await flushTracks();
        break;
      case "model": {
        await flushAll();
        const { id, ...model } = line.model;
        const existing = await store.models.find(tenant, { referenceId: model.referenceId });
        const target = existing ?? (await store.models.create(tenant, model));
        if (existing && model.tags.length > 0) await store.tags.add("model", tenant, existing.id, model.tags);
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
        const { name, tags, query } = line.slice;
        const runId = query?.runId ? mapped(query.runId, "the run") : null;
        const slice = query?.dynamic
          ? await store.curation.createQuerySlice(tenant, {
              datasetId: dataset(),
              name,
              query: { query: query.text, runId, dynamic: true },
            })
          : await store.slices.create(tenant, {
              datasetId: dataset(),
              name,
              members: { referenceIds: line.referenceIds },
              type: line.slice.type,
              ...(query ? { query: { text: query.text, runId } } : {}),
            });
        if (tags && tags.length > 0) await store.tags.add("slice", tenant, slice.id, tags);
        ids[line.slice.id] = slice.id;
        counts.slices += 1;
        break;
      }
      case "evalFunction": {
        await flushAll();
        const fn = await store.validate.createFunction(tenant, { name: line.fn.name, level: line.fn.level });
        ids[line.fn.id] = fn.id;
        break;
      }
      case "scenarioTest": {
        await flushAll();
        const { test: given, functions } = line;
        const name = await freeTestName(store, tenant, given.name);
        if (name !== given.name) renamedTests[given.name] = name;
        // Standard functions have the same id on every server; external ones were listed first.
        const functionId = (id: string) => ids[id] ?? id;
        const test = await store.validate.createTest(tenant, {
          name,
          sliceId: mapped(given.sliceId, "the slice"),
          datasetId: dataset(),
          functions: functions.map((fn) => ({
            evalFunctionId: functionId(fn.evalFunctionId),
            arguments: fn.arguments,
          })),
        });
        for (const fn of functions) {
          if (fn.threshold === null && fn.comparison === "greater_than_equal_to") continue;
          await store.validate.setThreshold(
            test.id,
            functionId(fn.evalFunctionId),
            fn.threshold,
            fn.comparison,
          );
        }
        if (given.baselineModelId)
          await store.validate.setBaseline(tenant, test.id, mapped(given.baselineModelId, "the model"));
        ids[given.id] = test.id;
        counts.scenarioTests += 1;
        break;
      }
      case "evaluation": {
        await flushAll();
        const { evaluation: given, items: results } = line;
        const [created] = await store.validate.createEvaluations(tenant, [
          {
            scenarioTestId: mapped(given.scenarioTestId, "the scenario test"),
            evalFunctionId: ids[given.evalFunctionId] ?? given.evalFunctionId,
            modelId: mapped(given.modelId, "the model"),
            jobId: null,
            createdAt: given.createdAt,
          },
        ]);
        const found = await itemIdsOf(results.filter((r) => !r.level).map((r) => r.referenceId));
        // A scene's result names the scene by its new id; a track's by its reference id.
        const sceneIdOf = async (referenceId: string) => {
          const scene = await store.scenes.find(dataset(), { referenceId });
          if (!scene)
            throw new Error(`The dump names a scene it did not list: ${JSON.stringify(referenceId)}`);
          return scene.id;
        };
        const rows = [];
        for (const r of results) {
          const itemId =
            r.level === "scene"
              ? await sceneIdOf(r.referenceId)
              : r.level === "track"
                ? r.referenceId
                : itemIdOf(found, r.referenceId);
          rows.push({ ...r, itemId });
        }
        await store.validate.finishEvaluation(
          (created as { id: string }).id,
          {
            status: given.status,
            result: given.result,
            pass: given.pass,
            threshold: given.threshold,
            comparison: given.comparison,
            error: given.error,
          },
          rows,
        );
        counts.evaluations += 1;
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
  return { datasetId: dataset(), ids, counts, missingMedia, renamedTests };
}

/** `name`, or when the owner has a scenario test of that name, the first of `name (2)`, `name (3)`... that is free. */
async function freeTestName(store: NucleusStore, tenant: Tenant, name: string): Promise<string> {
  let candidate = name;
  for (let n = 2; await store.validate.findTest(tenant, { name: candidate }); n += 1)
    candidate = `${name} (${n})`;
  return candidate;
}
