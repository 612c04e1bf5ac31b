import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, conflict, HttpError, notFound } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import { newId } from "../ids.js";
import { jobWire } from "../presenters/jobs.js";
import { AUTOTAG_JOB_TYPE, type AutotagJobSpec } from "../services/autotag/job.js";
import { autotagWire, protocolAutotag } from "../services/autotag/present.js";
import type { AutotagRecord, DatasetRecord, JobSpec } from "../store/index.js";

/** Scored items read per store call when listing or slicing. */
const PAGE = 5_000;
const DEFAULT_PAGE = 100;
const DEFAULT_SLICE_THRESHOLD = 0.5;
/** The protocol's default: items scoring above 0. */
const DEFAULT_TAGGED_THRESHOLD = 0;

/** The caller's autotag, by id, or a 404. */
async function requireAutotag(c: Ctx, id: string): Promise<{ tag: AutotagRecord; dataset: DatasetRecord }> {
  const tag = await c.get("services").store.autotags.get(id);
  // Another tenant's autotag is as unknown as a missing one.
  const dataset = tag && (await c.get("services").store.datasets.get(c.get("tenant"), tag.datasetId));
  if (!tag || !dataset) throw notFound("Autotag", id);
  return { tag, dataset };
}

/** The dataset's autotag by name, or the protocol's error for an unknown one. */
async function autotagNamed(c: Ctx, datasetId: string, name: string): Promise<AutotagRecord> {
  const dataset = await requireDataset(c, datasetId);
  const tag = await c.get("services").store.autotags.byName(dataset.id, name);
  if (!tag) throw new HttpError(404, `The autotag ${name} was not found in dataset ${dataset.id}`);
  return tag;
}

/** Item ids of reference ids that have vectors, or a 400 naming the first that does not. */
async function itemsWithVectors(
  c: Ctx,
  dataset: DatasetRecord,
  field: string,
  references: readonly string[],
): Promise<string[]> {
  const { store } = c.get("services");
  const ids = await store.embeddings.itemIds(dataset.id, references);
  const unknown = references.findIndex((ref) => !ids.has(ref));
  if (unknown >= 0)
    throw badRequest(
      `${field}[${unknown}]: no item of dataset ${dataset.id} has reference id ${JSON.stringify(references[unknown])}`,
    );
  const itemIds = references.map((ref) => ids.get(ref) as string);
  const found = await store.embeddings.get(dataset.id, itemIds);
  const bare = itemIds.findIndex((id) => !found.has(id));
  if (bare >= 0)
    throw badRequest(
      `${field}[${bare}]: item ${JSON.stringify(references[bare])} has no vector; upload it (ext/datasets/${dataset.id}/embeddings) first`,
    );
  return itemIds;
}

/** Starts training and scoring an autotag as a job. */
async function startTraining(c: Ctx, tag: AutotagRecord) {
  const { store, jobs } = c.get("services");
  const spec: AutotagJobSpec = { type: AUTOTAG_JOB_TYPE, datasetId: tag.datasetId, autotagId: tag.id };
  const job = await store.jobs.create(c.get("tenant"), {
    datasetId: tag.datasetId,
    type: AUTOTAG_JOB_TYPE,
    // The runner hands specs of types it does not know to their handler as they were stored.
    spec: spec as unknown as JobSpec,
  });
  jobs.start(job.id);
  return job;
}

const unique = (ids: readonly string[]) => [...new Set(ids)];

/**
 * Autotag routes: this server's own (create, list, refine, scores, slice, under `ext/`) and the
 * protocol's (tagged items, training items, refinement metrics, update, delete).
 */
export function autotagRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.createAutotag, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store } = c.get("services");
    const positives = unique(await itemsWithVectors(c, dataset, "positives", body.positives));
    const negatives = unique(await itemsWithVectors(c, dataset, "negatives", body.negatives ?? []));
    const both = positives.find((id) => negatives.includes(id));
    if (both !== undefined)
      throw badRequest(
        `negatives[${negatives.indexOf(both)}]: the item is also a positive; name it in one list only`,
      );
    const tag = await store.autotags.create({
      id: newId("autotag"),
      datasetId: dataset.id,
      name: body.name,
      training: {
        positives,
        negatives,
        randomNegatives: negatives.length === 0,
        rounds: [],
        model: null,
        scored: 0,
      },
    });
    if (!tag)
      throw conflict(
        `name: dataset ${dataset.id} already has an autotag named ${JSON.stringify(body.name)}; refine it or pick another name`,
      );
    const job = await startTraining(c, tag);
    return { ...jobWire(job), autotag: autotagWire(tag) };
  });

  route(app, routes.listAutotagsExt, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    return { autotags: (await c.get("services").store.autotags.list(dataset.id)).map(autotagWire) };
  });

  route(app, routes.getAutotag, async ({ params }, c) =>
    autotagWire((await requireAutotag(c, params.autotagId)).tag),
  );

  route(app, routes.refineAutotag, async ({ params, body }, c) => {
    const { tag, dataset } = await requireAutotag(c, params.autotagId);
    const accept = body.accept ?? [];
    const reject = body.reject ?? [];
    if (accept.length + reject.length === 0)
      throw badRequest("accept, reject: name at least one item to accept or reject");
    const accepted = await itemsWithVectors(c, dataset, "accept", accept);
    const rejected = await itemsWithVectors(c, dataset, "reject", reject);
    const clash = accepted.findIndex((id) => rejected.includes(id));
    if (clash >= 0)
      throw badRequest(`reject: ${JSON.stringify(accept[clash])} is accepted too; name it once`);
    const { training } = tag;
    // An item the user now judges the other way moves to the other list.
    const positives = unique([...training.positives.filter((id) => !rejected.includes(id)), ...accepted]);
    const negatives = unique([...training.negatives.filter((id) => !accepted.includes(id)), ...rejected]);
    const round = {
      accepted: accepted.length,
      rejected: rejected.length,
      ms: 0,
      at: new Date().toISOString(),
    };
    const updated = await c.get("services").store.autotags.update(tag.id, {
      status: "Running",
      training: { ...training, positives, negatives, rounds: [...training.rounds, round] },
    });
    if (!updated) throw notFound("Autotag", tag.id);
    const job = await startTraining(c, updated);
    return { ...jobWire(job), autotag: autotagWire(updated) };
  });

  route(app, routes.autotagScores, async ({ params, query }, c) => {
    const { tag } = await requireAutotag(c, params.autotagId);
    const page = await c.get("services").store.autotags.top(tag.id, query.min_score ?? -1, {
      cursor: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE,
    });
    return {
      autotag: autotagWire(tag),
      items: page.records.map((r) => ({ item_id: r.itemId, reference_id: r.referenceId, score: r.score })),
      next_cursor: page.nextCursor,
    };
  });

  route(app, routes.autotagSlice, async ({ params, body }, c) => {
    const { tag, dataset } = await requireAutotag(c, params.autotagId);
    const { store } = c.get("services");
    if (tag.status !== "Completed")
      throw conflict(`autotag ${tag.id} is ${tag.status}: make a slice once its scoring completed`);
    const threshold = body.threshold ?? DEFAULT_SLICE_THRESHOLD;
    const itemIds: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await store.autotags.top(tag.id, threshold, { cursor, limit: PAGE });
      for (const record of page.records) itemIds.push(record.itemId);
      cursor = page.nextCursor;
    } while (cursor !== null);
    const slice = await store.slices.create(c.get("tenant"), {
      datasetId: dataset.id,
      name: body.name,
      members: { itemIds },
    });
    return { slice_id: slice.id, name: slice.name, items: itemIds.length };
  });

  route(app, routes.autotagTaggedItems, async ({ params, body }, c) => {
    const tag = await autotagNamed(c, params.datasetId, params.autotagName);
    const threshold = body.score_threshold ?? DEFAULT_TAGGED_THRESHOLD;
    const items: {
      ref_id: string;
      score: number;
      model_prediction_annotation_id: string | null;
      ground_truth_annotation_id: string | null;
    }[] = [];
    let cursor: string | null = null;
    do {
      const page = await c.get("services").store.autotags.top(tag.id, threshold, { cursor, limit: PAGE });
      // "Greater than", as the client's parameter says: a score equal to the threshold is left out.
      for (const r of page.records)
        if (r.score > threshold)
          items.push({
            ref_id: r.referenceId,
            score: r.score,
            model_prediction_annotation_id: null,
            ground_truth_annotation_id: null,
          });
      cursor = page.nextCursor;
    } while (cursor !== null);
    return { autotagItems: items, autotag: protocolAutotag(tag) };
  });

  route(app, routes.autotagTrainingItems, async ({ params }, c) => {
    const tag = await autotagNamed(c, params.datasetId, params.autotagName);
    const found = await c.get("services").store.embeddings.get(tag.datasetId, tag.training.positives);
    return {
      autotagPositiveTrainingItems: tag.training.positives.flatMap((id) => {
        const record = found.get(id);
        // An example deleted since is no longer listed.
        return record ? [{ ref_id: record.referenceId }] : [];
      }),
      autotag: protocolAutotag(tag),
    };
  });

  route(app, routes.autotagRefinementMetrics, async ({ params }, c) => {
    const { tag } = await requireAutotag(c, params.autotagId);
    const { rounds } = tag.training;
    const mean = (values: number[]) =>
      values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
    return {
      total_refinement_steps: rounds.length,
      average_positives_selected_per_refinement: mean(rounds.map((r) => r.accepted)),
      average_ms_taken_in_refinement: mean(rounds.map((r) => r.ms)),
    };
  });

  route(app, routes.updateAutotag, async ({ params }, c) => {
    const { tag } = await requireAutotag(c, params.autotagId);
    const updated = (await c.get("services").store.autotags.update(tag.id, { status: "Running" })) ?? tag;
    const job = await startTraining(c, updated);
    return { ...jobWire(job), autotag: autotagWire(updated) };
  });

  route(app, routes.deleteAutotag, async ({ params }, c) => {
    const { tag } = await requireAutotag(c, params.autotagId);
    await c.get("services").store.autotags.delete(tag.id);
    return {};
  });

  return app;
}
