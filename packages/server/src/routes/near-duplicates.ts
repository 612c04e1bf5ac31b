import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest, conflict, notFound } from "../http/errors.js";
import { requireDataset } from "../http/lookup.js";
import { jobWire } from "../presenters/jobs.js";
import {
  NEAR_DUPLICATES_JOB_TYPE,
  type NearDuplicatesJobSpec,
  type NearDuplicatesResult,
} from "../services/near-duplicates.js";
import {
  REPRESENTATIVENESS_JOB_TYPE,
  type RepresentativenessJobSpec,
} from "../services/representativeness.js";
import { UNIQUENESS_JOB_TYPE, type UniquenessJobSpec } from "../services/uniqueness.js";
import type { DatasetRecord, JobRecord, JobSpec } from "../store/index.js";

/** Items read per store call when a slice keeps every item but the duplicates. */
const PAGE = 5_000;
const DEFAULT_THRESHOLD = 0.05;
const DEFAULT_NEIGHBOURS = 10;
const DEFAULT_UNIQUENESS_NEIGHBOURS = 5;
const DEFAULT_REPRESENTATIVENESS_ITERATIONS = 10;

/** The dataset's finished near-duplicate job and its groups: 404 for another job, 409 while it runs. */
async function resultOf(
  c: Ctx,
  dataset: DatasetRecord,
  jobId: string,
): Promise<{ job: JobRecord; result: NearDuplicatesResult }> {
  const { store, media } = c.get("services");
  const job = await store.jobs.get(c.get("tenant"), jobId);
  const spec = job?.spec as Partial<NearDuplicatesJobSpec> | undefined;
  if (!job || spec?.type !== NEAR_DUPLICATES_JOB_TYPE || spec.datasetId !== dataset.id)
    throw notFound(`near-duplicate job of dataset ${dataset.id}`, jobId);
  if (job.status !== "Completed")
    throw conflict(`job ${jobId} is ${job.status}: its groups are readable once it completed`);
  const key = (job.message as { result_key?: string } | null)?.result_key;
  const bytes = key ? await media.get(key) : undefined;
  if (!bytes) throw conflict(`job ${jobId}: its groups are no longer stored; start the search again`);
  return { job, result: JSON.parse(bytes.toString("utf8")) as NearDuplicatesResult };
}

/** Refuses a job over a dataset's vectors when it has none; `what` says what the job was for. */
async function requireVectors(c: Ctx, dataset: DatasetRecord, what: string): Promise<void> {
  if ((await c.get("services").store.embeddings.count(dataset.id)) === 0)
    throw badRequest(
      `dataset ${dataset.id} has no vectors: upload them (ext/datasets/${dataset.id}/embeddings) before ${what}`,
    );
}

/** Stores and starts a job of the dataset; answers it as the jobs routes do. */
async function startJob(c: Ctx, dataset: DatasetRecord, spec: { type: string; datasetId: string }) {
  const { store, jobs } = c.get("services");
  const job = await store.jobs.create(c.get("tenant"), {
    datasetId: dataset.id,
    type: spec.type,
    // The runner hands specs of types it does not know to their handler as they were stored.
    spec: spec as unknown as JobSpec,
  });
  jobs.start(job.id);
  return jobWire(job);
}

/**
 * Near-duplicate, uniqueness and representativeness routes, under `ext/`: a job that groups items
 * whose vectors are within a distance, its groups, a slice made from them, and the jobs that score
 * uniqueness and representativeness.
 */
export function nearDuplicateRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.nearDuplicates, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    await requireVectors(c, dataset, "looking for near-duplicates");
    const spec: NearDuplicatesJobSpec = {
      type: NEAR_DUPLICATES_JOB_TYPE,
      datasetId: dataset.id,
      metric: body.metric ?? "cosine",
      threshold: body.threshold ?? DEFAULT_THRESHOLD,
      neighbours: body.neighbours ?? DEFAULT_NEIGHBOURS,
    };
    return startJob(c, dataset, spec);
  });

  route(app, routes.computeUniqueness, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    await requireVectors(c, dataset, "scoring their uniqueness");
    const spec: UniquenessJobSpec = {
      type: UNIQUENESS_JOB_TYPE,
      datasetId: dataset.id,
      neighbours: body.neighbours ?? DEFAULT_UNIQUENESS_NEIGHBOURS,
    };
    return startJob(c, dataset, spec);
  });

  route(app, routes.computeRepresentativeness, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    await requireVectors(c, dataset, "scoring their representativeness");
    const spec: RepresentativenessJobSpec = {
      type: REPRESENTATIVENESS_JOB_TYPE,
      datasetId: dataset.id,
      clusters: body.clusters ?? null,
      iterations: body.iterations ?? DEFAULT_REPRESENTATIVENESS_ITERATIONS,
    };
    return startJob(c, dataset, spec);
  });

  route(app, routes.nearDuplicateGroups, async ({ params }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { job, result } = await resultOf(c, dataset, params.jobId);
    return {
      job_id: job.id,
      metric: result.metric,
      threshold: result.threshold,
      searched: result.searched,
      duplicates: result.groups.reduce((n, g) => n + g.items.length - 1, 0),
      groups: result.groups.map((g) => ({ items: g.items.map((item) => ({ ...item })) })),
    };
  });

  route(app, routes.nearDuplicateSlice, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const { result } = await resultOf(c, dataset, params.jobId);
    const { store } = c.get("services");
    const itemIds: string[] = [];
    if (body.keep === "groups") {
      // Items deleted since the job ran are left out, not refused.
      const grouped = result.groups.flatMap((g) => g.items.map((item) => item.item_id));
      for (let i = 0; i < grouped.length; i += PAGE) {
        const chunk = grouped.slice(i, i + PAGE);
        const current = await store.embeddings.get(dataset.id, chunk);
        itemIds.push(...chunk.filter((id) => current.has(id)));
      }
    } else {
      const dropped = new Set(result.groups.flatMap((g) => g.items.slice(1).map((item) => item.item_id)));
      let cursor: string | null = null;
      do {
        const page = await store.items.page(dataset.id, { cursor, limit: PAGE });
        for (const item of page.records) if (!dropped.has(item.id)) itemIds.push(item.id);
        cursor = page.nextCursor;
      } while (cursor !== null);
    }
    const slice = await store.slices.create(c.get("tenant"), {
      datasetId: dataset.id,
      name: body.name,
      members: { itemIds },
    });
    return { slice_id: slice.id, name: slice.name, items: itemIds.length };
  });

  return app;
}
