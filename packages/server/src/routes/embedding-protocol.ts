import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest } from "../http/errors.js";
import { mediaUrlOf, requireDataset, requireSlice } from "../http/lookup.js";
import { jobWire } from "../presenters/jobs.js";
import { CUSTOM_INDEX_JOB_TYPE, type CustomIndexJobSpec } from "../services/custom-index.js";
import type { Metric } from "../services/nearest.js";
import type { DatasetRecord, ItemRecord, JobSpec, Page } from "../store/index.js";
import { runOf } from "./queries.js";

/** Items read per store call while exporting. */
const PAGE = 1_000;
/** Vectors per file of an asynchronous export. */
const PER_FILE = 10_000;

/** An exported vector, as the official client reads it (a type, so that it fits the wire's open objects). */
type Exported = { reference_id: string; embedding_vector: number[] };

/**
 * Every vector of a dataset's items (or a slice's), by reference id, a page of items at a time;
 * `emit` takes each page's vectors.
 */
async function exportVectors(
  c: Ctx,
  from: { datasetId: string; sliceId?: string },
  emit: (page: Exported[]) => void | Promise<void>,
): Promise<void> {
  const { store } = c.get("services");
  let cursor: string | null = null;
  do {
    const page: Page<ItemRecord> = from.sliceId
      ? await store.slices.items(from.sliceId, { cursor, limit: PAGE })
      : await store.items.page(from.datasetId, { cursor, limit: PAGE });
    const found = await store.embeddings.get(
      from.datasetId,
      page.records.map((item) => item.id),
    );
    await emit(
      page.records.flatMap((item) => {
        const record = found.get(item.id);
        return record
          ? [{ reference_id: item.referenceId, embedding_vector: Array.from(record.vector) }]
          : [];
      }),
    );
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** The dataset or the slice an id names (the official client sends a slice's id on the dataset route). */
async function sourceOf(c: Ctx, id: string): Promise<{ dataset: DatasetRecord; sliceId?: string }> {
  if (id.startsWith("slc_")) {
    const slice = await requireSlice(c, id);
    return { dataset: await requireDataset(c, slice.datasetId), sliceId: slice.id };
  }
  return { dataset: await requireDataset(c, id) };
}

/**
 * The protocol's embedding routes, served from this server's item vectors: `create_custom_index`
 * (a job storing vectors from JSON files), deleting them, the dataset's embedding index and its
 * indexing status, and exporting the vectors (at once, or as a job's files).
 */
export function embeddingProtocolRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.createCustomIndex, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store, jobs } = c.get("services");
    body.embeddings_urls.forEach((url, i) => {
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:"))
        throw badRequest(
          `embeddings_urls[${i}]: ${JSON.stringify(url)} is not an http(s) URL this server can fetch`,
        );
    });
    const stored = await store.embeddings.dimension(dataset.id);
    if (stored !== null && stored !== body.embedding_dimension)
      throw badRequest(
        `embedding_dimension: ${body.embedding_dimension}, but the dataset's stored vectors have ${stored} numbers; delete them first (DELETE indexing/${dataset.id})`,
      );
    const spec: CustomIndexJobSpec = {
      type: CUSTOM_INDEX_JOB_TYPE,
      datasetId: dataset.id,
      urls: body.embeddings_urls,
      dimension: body.embedding_dimension,
    };
    const job = await store.jobs.create(c.get("tenant"), {
      datasetId: dataset.id,
      type: CUSTOM_INDEX_JOB_TYPE,
      spec: spec as unknown as JobSpec,
    });
    jobs.start(job.id);
    return jobWire(job);
  });

  route(app, routes.deleteCustomIndex, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store, vectors } = c.get("services");
    // Object vectors belong to their labels and go with them: deleting the object index deletes nothing.
    const deleted = body.image === false ? 0 : await store.embeddings.delete(dataset.id);
    if (deleted > 0) await vectors.drop(dataset.id);
    const message = `Deleted ${deleted} ${body.image === false ? "object" : "item"} embeddings of dataset ${dataset.id}`;
    const job = await store.jobs.create(c.get("tenant"), {
      datasetId: dataset.id,
      type: "embeddingDelete",
      spec: {},
      done: { message },
    });
    return { dataset_id: dataset.id, job_id: job.id, message };
  });

  route(app, routes.embeddingIndexes, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store, vectors } = c.get("services");
    const dimension = await store.embeddings.dimension(dataset.id);
    const objectDimension = await store.objectVectors.dimension(dataset.id);
    const indexes = [];
    if (dimension !== null) {
      const { behind } = await vectors.current(dataset.id, "cosine");
      indexes.push({
        id: `${dataset.id}-image`,
        status: behind === 0 ? "Completed" : "Started",
        index_type: "Custom",
        index_level: "Image",
        embedding_type: "Image",
        embedding_dimension: dimension,
      });
    }
    // Object vectors are searched exactly as soon as they are stored: their index is always complete.
    if (objectDimension !== null)
      indexes.push({
        id: `${dataset.id}-object`,
        status: "Completed",
        index_type: "Custom",
        index_level: "Object",
        embedding_type: "Object",
        embedding_dimension: objectDimension,
      });
    return { embedding_indexes: indexes };
  });

  route(app, routes.indexingStatus, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { store, vectors } = c.get("services");
    if (body.image === false) {
      // A run's predictions, or every object vector of the dataset; each is searchable once stored.
      const run = await runOf(c, dataset, body.model_run_id);
      const objects = await store.objectVectors.count(
        dataset.id,
        run ? { source: "prediction", runId: run.id } : {},
      );
      return {
        embedding_count: objects,
        object_count: objects,
        percent_indexed: objects === 0 ? 0 : 100,
        additional_context:
          "objects are the box and polygon annotations and predictions uploaded with an embedding_vector",
      };
    }
    const images = await store.items.count(dataset.id);
    const embeddings = await store.embeddings.count(dataset.id);
    const { behind } = await vectors.current(dataset.id, "cosine");
    // Vectors the index has yet to take are not counted as indexed.
    const indexed = Math.max(0, embeddings - behind);
    return {
      embedding_count: indexed,
      image_count: images,
      percent_indexed: images === 0 ? 0 : Math.round((indexed / images) * 10_000) / 100,
      additional_context: behind > 0 ? `${behind} vectors are being indexed` : null,
    };
  });

  route(app, routes.exportEmbeddings, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const all: Exported[] = [];
    await exportVectors(c, { datasetId: dataset.id }, (page) => {
      all.push(...page);
    });
    return all;
  });

  route(app, routes.exportSliceEmbeddings, async ({ params }, c) => {
    const slice = await requireSlice(c, params.sliceId);
    const all: Exported[] = [];
    await exportVectors(c, { datasetId: slice.datasetId, sliceId: slice.id }, (page) => {
      all.push(...page);
    });
    return all;
  });

  route(app, routes.asyncExportEmbeddings, async ({ params }, c) => {
    const { dataset, sliceId } = await sourceOf(c, params.datasetId);
    const { store, media } = c.get("services");
    const access = c.get("mediaAccess");
    const tenant = c.get("tenant");
    // Written now, a file per ten thousand vectors: the job is done when this answers.
    const keys: string[] = [];
    let file: Exported[] = [];
    const flush = () => {
      keys.push(media.put(Buffer.from(JSON.stringify(file)), "embeddings.json"));
      file = [];
    };
    await exportVectors(c, { datasetId: dataset.id, ...(sliceId ? { sliceId } : {}) }, (page) => {
      for (const entry of page) {
        file.push(entry);
        if (file.length === PER_FILE) flush();
      }
    });
    if (file.length > 0 || keys.length === 0) flush();
    // The files are the dataset's, so its tenant may read them through signed URLs.
    await access.retain(store, tenant, dataset.id, keys);
    const url = mediaUrlOf(c);
    const job = await store.jobs.create(tenant, {
      datasetId: dataset.id,
      type: "exportEmbeddings",
      spec: {},
      done: { message: { result: keys.map(url) } },
    });
    return jobWire(job);
  });

  route(app, routes.vectorIndexStatus, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const metric = (c.req.query("metric") ?? "cosine") as Metric;
    if (metric !== "cosine" && metric !== "l2")
      throw badRequest(`metric: must be "cosine" or "l2", not ${JSON.stringify(metric)}`);
    const { store, vectors } = c.get("services");
    const { indexed, behind } = await vectors.current(dataset.id, metric);
    return { metric, vectors: await store.embeddings.count(dataset.id), indexed, behind };
  });

  return app;
}
