/** What the curation commands do: queries, objects, tags, reviews, facets, slices and subset AP. */
import type { PatchMode, ReviewStatus } from "@nucleus/core";
import { UsageError } from "../args.js";
import type { Context } from "../command.js";
import { evaluationText, percent } from "../evaluation.js";
import { table } from "../output.js";

const PATCH_MODES: readonly PatchMode[] = [
  "ground_truth_only",
  "predictions_only",
  "iou",
  "false_positive",
  "false_negative",
];
const STATUSES: readonly ReviewStatus[] = ["accepted", "rejected", "needs_fix"];

const listFlag = (c: Context, name: string): string[] => {
  const value = c.args.flags[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
};

/** `nu items list --where`: the items a query selects. */
export async function listItems(c: Context, datasetId: string): Promise<void> {
  const limit = c.integer("limit") ?? 100;
  const run = c.flag("run");
  const items = await c
    .client()
    .getDataset(datasetId)
    .queryItems(c.flag("where") ?? "", {
      ...(run ? { modelRun: run } : {}),
      pageSize: Math.min(limit, 1_000),
    })
    .toArray({ limit });
  c.print(items, ["id", "referenceId", "originalImageUrl"]);
}

/** `nu objects list`: annotations, predictions or match rows of a query. */
export async function listObjects(c: Context, datasetId: string): Promise<void> {
  const patchMode = (c.flag("patch-mode") ?? "ground_truth_only") as PatchMode;
  if (!PATCH_MODES.includes(patchMode))
    throw new UsageError(`--patch-mode must be one of ${PATCH_MODES.join(", ")}, got ${patchMode}`);
  const run = c.flag("run");
  if (patchMode !== "ground_truth_only" && !run)
    throw new UsageError(`--patch-mode ${patchMode} needs --run RUN_ID`);
  const limit = c.integer("limit") ?? 100;
  const objects = await c
    .client()
    .getDataset(datasetId)
    .queryObjects(c.flag("where") ?? "", {
      patchMode,
      ...(run ? { modelRun: run } : {}),
      pageSize: Math.min(limit, 1_000),
    })
    .toArray({ limit });
  if (c.json) {
    c.print(objects);
    return;
  }
  const matchRows = patchMode === "iou" || patchMode === "false_positive" || patchMode === "false_negative";
  c.print(
    objects.map((o) => {
      const row = o as Record<string, unknown>;
      return matchRows
        ? {
            item: row.referenceId,
            type: row.matchType,
            prediction: row.modelPredictionLabel ?? "",
            groundTruth: row.groundTruthAnnotationLabel ?? "",
            iou: typeof row.iou === "number" ? row.iou.toFixed(3) : "",
            confidence: typeof row.confidence === "number" ? row.confidence.toFixed(3) : "",
          }
        : {
            item: row.referenceId,
            // Keys the wire schema does not name come back as the server sent them.
            annotationId: row.annotation_id ?? "",
            type: row.type,
            label: row.label ?? "",
            confidence: typeof row.confidence === "number" ? row.confidence.toFixed(3) : "",
          };
    }),
    matchRows
      ? ["item", "type", "prediction", "groundTruth", "iou", "confidence"]
      : ["item", "annotationId", "type", "label", "confidence"],
  );
}

/** `nu items tag`: tags added and removed on items by reference id or by query. */
export async function tagItems(c: Context, datasetId: string): Promise<void> {
  const add = listFlag(c, "add");
  const remove = listFlag(c, "remove");
  if (add.length === 0 && remove.length === 0) throw new UsageError("give --add TAG or --remove TAG");
  const refs = c.args.positionals.slice(1);
  const where = c.flag("where");
  if (refs.length > 0 === (where !== undefined))
    throw new UsageError("name the items by reference id or by --where QUERY (one of them)");
  const run = c.flag("run");
  const result = await c
    .client()
    .getDataset(datasetId)
    .tagItems(
      where !== undefined ? { query: where, ...(run ? { modelRun: run } : {}) } : { referenceIds: refs },
      { add, remove },
    );
  c.print(result, ["items", "changed"]);
}

/** `nu items review`: a review of an item or of one of its annotations. */
export async function reviewItem(c: Context, datasetId: string): Promise<void> {
  const status = c.flag("status") as ReviewStatus;
  if (!STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(", ")}`);
  const annotationId = c.flag("annotation");
  const comment = c.flag("comment");
  const reviewer = c.flag("reviewer");
  const [review] = await c
    .client()
    .getDataset(datasetId)
    .review(
      [
        {
          referenceId: c.arg(1, "reference-id"),
          status,
          ...(annotationId ? { annotationId } : {}),
          ...(comment ? { comment } : {}),
        },
      ],
      reviewer ? { reviewer } : {},
    );
  c.print(review, ["referenceId", "annotationId", "status", "reviewer", "createdAt"]);
}

/** `nu items facets`: counts, labels, metadata values and histograms of a query's items. */
export async function showFacets(c: Context, datasetId: string): Promise<void> {
  const run = c.flag("run");
  const keys = listFlag(c, "key");
  const bins = c.integer("bins");
  const facets = await c
    .client()
    .getDataset(datasetId)
    .facets(c.flag("where") ?? "", {
      ...(run ? { modelRun: run } : {}),
      ...(keys.length > 0 ? { metadataKeys: keys } : {}),
      ...(bins ? { bins } : {}),
    });
  if (c.json) {
    c.print(facets);
    return;
  }
  const lines = [`${facets.count} items`];
  if (facets.annotations.length > 0)
    lines.push(
      "",
      table(facets.annotations, ["label", "objects", "items"], ["GROUND TRUTH", "OBJECTS", "ITEMS"]),
    );
  for (const run of facets.predictions) {
    if (run.labels.length > 0)
      lines.push(
        "",
        table(
          run.labels,
          ["label", "objects", "items"],
          [`PREDICTIONS (${run.modelRunId})`, "OBJECTS", "ITEMS"],
        ),
      );
  }
  for (const key of facets.metadata) {
    lines.push("", `metadata.${key.key} (${key.type}, ${key.items} items)`);
    if (key.values) lines.push(...key.values.map((v) => `  ${String(v.value).padEnd(24)} ${v.count}`));
    if (key.histogram) {
      const { edges, counts } = key.histogram;
      lines.push(
        ...counts.map(
          (n, i) =>
            `  [${edges[i]}, ${edges[i + 1]}${i + 2 === edges.length ? "]" : ")"}`.padEnd(26) + String(n),
        ),
      );
    }
  }
  if (facets.tags.length > 0) lines.push("", table(facets.tags, ["tag", "count"], ["TAG", "ITEMS"]));
  c.io.out(`${lines.join("\n")}\n`);
}

/** `nu slices create --where`: a slice of the items a query selects, or of the query itself. */
export async function createQuerySlice(c: Context, datasetId: string, name: string): Promise<void> {
  const run = c.flag("run");
  const dynamic = Boolean(c.args.flags.dynamic);
  const slice = await c
    .client()
    .getDataset(datasetId)
    .createSlice({ name, query: c.flag("where") ?? "", dynamic, ...(run ? { modelRun: run } : {}) });
  c.print({ id: slice.id, name, dynamic }, ["id", "name", "dynamic"]);
}

/** `nu runs info --where` or `--slice`: the run's metrics on a subset of items. */
export async function subsetInfo(c: Context, runId: string): Promise<void> {
  const run = await c.client().getModelRun(runId);
  const where = c.flag("where");
  const slice = c.flag("slice");
  const result = await run.evaluation({
    ...(where !== undefined ? { query: where } : {}),
    ...(slice !== undefined ? { slice } : {}),
  });
  if (c.json) {
    c.print(result);
    return;
  }
  const { metrics } = result;
  const subset = where !== undefined ? `items where ${where}` : `items of slice ${slice}`;
  c.io.out(
    `Run ${runId} on ${result.items} ${subset}\n\n${evaluationText({
      map: metrics.map,
      map50: metrics.map50,
      map75: metrics.map75,
      perClass: metrics.perClass,
      counts: {
        items: metrics.counts.items,
        groundTruth: metrics.counts.groundTruth,
        predictions: metrics.counts.predictions,
      },
    })}` +
      `\nTP ${result.charts.totalCounts.tp}   FP ${result.charts.totalCounts.fp}   FN ${result.charts.totalCounts.fn}   AP by size: small ${percent(metrics.apBySize.small)}, medium ${percent(metrics.apBySize.medium)}, large ${percent(metrics.apBySize.large)}\n`,
  );
}
