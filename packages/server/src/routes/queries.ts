import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import type { Ctx, Env } from "../http/context.js";
import { route } from "../http/contract.js";
import { badRequest } from "../http/errors.js";
import { mediaUrlOf, requireDataset, requireRun } from "../http/lookup.js";
import { objectWire } from "../presenters/curation.js";
import { itemWire } from "../presenters/items.js";
import { DEFAULT_IOU, matchSetsOf } from "../services/match-sets.js";
import type { DatasetRecord, MatchType, ModelRunRecord, ObjectSource } from "../store/index.js";
import { MAX_PAGE } from "./items.js";

/** A run named in a request: the caller's, and of this dataset; undefined when none is named. */
export async function runOf(
  c: Ctx,
  dataset: DatasetRecord,
  runId: string | null | undefined,
): Promise<ModelRunRecord | undefined> {
  if (!runId) return undefined;
  const run = await requireRun(c, runId);
  if (run.datasetId !== dataset.id)
    throw badRequest(`model run ${run.id} is a run of dataset ${run.datasetId}, not ${dataset.id}`);
  return run;
}

/**
 * The rows a run's object queries read in a patch mode: the match rows of its latest succeeded
 * evaluation (computed again first when labels changed since).
 */
export async function matchSource(c: Ctx, run: ModelRunRecord, matchTypes?: readonly MatchType[]) {
  const { store } = c.get("services");
  const sets = matchSetsOf(store);
  const evaluation = await sets.latest(c.get("tenant"), run.id);
  if (!evaluation) {
    throw badRequest(
      `Model run ${run.id} has no evaluation yet: commit it (POST modelRun/${run.id}/commit) to match its predictions`,
    );
  }
  const set = await sets.current(evaluation, DEFAULT_IOU);
  return { evaluation, source: { kind: "matches", runId: run.id, setKey: set.key, matchTypes } as const };
}

const PATCH_TYPES: Record<string, readonly MatchType[] | undefined> = {
  iou: undefined,
  false_positive: ["FP"],
  false_negative: ["FN"],
};

/** The protocol's query routes: items and objects a query selects. */
export function queryRoutes(): Hono<Env> {
  const app = new Hono<Env>({ strict: true });

  route(app, routes.queryItemsPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const run = await runOf(c, dataset, body.model_run_id);
    const page = await c
      .get("services")
      .store.queries.items(
        dataset.id,
        { text: body.query ?? "", runId: run?.id },
        { cursor: body.pageToken, limit: Math.min(body.pageSize, MAX_PAGE) },
      );
    const url = mediaUrlOf(c);
    return { items: page.records.map((item) => itemWire(item, url)), nextPageToken: page.nextCursor };
  });

  route(app, routes.queryObjectsPage, async ({ params, body }, c) => {
    const dataset = await requireDataset(c, params.datasetId);
    const run = await runOf(c, dataset, body.model_run_id);
    const mode = body.patch_mode ?? "ground_truth_only";
    let source: ObjectSource = { kind: "annotations" };
    if (mode !== "ground_truth_only") {
      if (!run) throw badRequest(`patch_mode ${mode} needs a model_run_id`);
      source =
        mode === "predictions_only"
          ? { kind: "predictions", runId: run.id }
          : (await matchSource(c, run, PATCH_TYPES[mode])).source;
    }
    const page = await c
      .get("services")
      .store.queries.objects(
        dataset.id,
        { text: body.query ?? "", source },
        { cursor: body.pageToken, limit: Math.min(body.pageSize, MAX_PAGE) },
      );
    const url = mediaUrlOf(c);
    return {
      items: page.records.map((record) => objectWire(record, url, run?.id ?? null)),
      nextPageToken: page.nextCursor,
    };
  });

  return app;
}
