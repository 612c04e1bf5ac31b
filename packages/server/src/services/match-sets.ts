/**
 * Match rows of evaluations: computed once (by the evaluation job, or on first use at another IoU
 * threshold), stored, and computed again only when the labels they came from changed. Everything
 * that needs matches reads these rows: object queries in patch modes, Evaluations V2 charts and
 * examples (with `query` and `filters`), and evaluations of a subset of items.
 */
import { performance } from "node:perf_hooks";
import type { Box, Point } from "@nucleus/metrics";
import { CocoAccumulator } from "../evaluation/coco-accumulate.js";
import { type EvalObject, matchItem } from "../evaluation/coco-matcher.js";
import { bothQueries, FilterError, filtersQuery } from "../evaluation/filters.js";
import { RowCharts } from "../evaluation/row-charts.js";
import type {
  EvaluationMetrics,
  EvaluationRecord,
  ItemScope,
  LabelRecord,
  MatchOrder,
  MatchRow,
  MatchRowRecord,
  MatchSetRecord,
  MatchType,
  NucleusStore,
} from "../store/index.js";
import { RecentResults } from "./recent.js";

/**
 * Items matched per step: a step's labels are read, matched and written together. Each of those
 * is one synchronous stretch, so a step stays small enough for requests to go between them.
 */
const STEP = 250;
/** Items whose match rows are written together. */
const WRITE_ITEMS = 50;
/** How long matching runs before the event loop gets a turn. */
const TURN_MS = 10;
/** Rows read per page when charts stream through a set: a page is read and decoded in one go. */
const ROW_PAGE = 2_000;

/** The IoU threshold of the rows an evaluation job stores. */
export const DEFAULT_IOU = 0.5;

/** A stored label as the matcher reads it; labels of other types are not matched. */
export function evalObjectOf(label: LabelRecord): EvalObject | undefined {
  const payload = label.payload as {
    type: string;
    label?: string;
    annotation_id?: string | null;
    confidence?: number | null;
    geometry?: {
      x?: number;
      y?: number;
      width?: number;
      height?: number;
      vertices?: { x: number; y: number }[];
    };
  };
  const base = {
    id: label.id,
    annotationId: payload.annotation_id ?? null,
    label: payload.label ?? "",
    ...(payload.confidence != null ? { score: payload.confidence } : {}),
  };
  const g = payload.geometry ?? {};
  if (payload.type === "box") {
    return { ...base, shape: "box", box: [g.x ?? 0, g.y ?? 0, g.width ?? 0, g.height ?? 0] as Box };
  }
  if (payload.type === "polygon" && Array.isArray(g.vertices) && g.vertices.length > 0) {
    const xs = g.vertices.map((v) => v.x);
    const ys = g.vertices.map((v) => v.y);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return {
      ...base,
      shape: "polygon",
      box: [x, y, Math.max(...xs) - x, Math.max(...ys) - y] as Box,
      polygon: g.vertices.map((v) => [v.x, v.y] as Point),
    };
  }
  return undefined;
}

/** How an evaluation matches: its options as the matcher takes them. */
function matcherOptions(evaluation: EvaluationRecord, iouThreshold: number) {
  return {
    iouThreshold,
    classAgnostic: evaluation.options.classAgnostic ?? false,
    allowedLabelMatches: (evaluation.options.allowedLabelMatches ?? []).map(
      (m) => [m.groundTruthLabel, m.modelPredictionLabel] as const,
    ),
  };
}

/** The charts and metrics of some of a set's rows. */
export interface RowsSummary {
  metrics: EvaluationMetrics;
  charts: Record<string, unknown>;
  items: number;
}

/** Stored match rows, computed and read. */
export class MatchSets {
  private readonly computing = new Map<string, Promise<MatchSetRecord>>();
  private readonly summaries = new RecentResults<RowsSummary>(8);

  constructor(private readonly store: NucleusStore) {}

  /**
   * Matches every item of an evaluation's run at a threshold and stores the rows; returns the
   * set and the COCO metrics of the rows (the run's metrics, when the threshold is 0.5).
   * `progress` runs after each step and may throw to stop; `stopped` is asked between the
   * steps of the final metrics, which end with `MetricsStopped` when it says so.
   */
  async compute(
    evaluation: EvaluationRecord,
    iouThreshold: number,
    progress?: (items: number) => Promise<void>,
    stopped?: () => boolean,
  ): Promise<{ set: MatchSetRecord; metrics: EvaluationMetrics }> {
    const { store } = this;
    const { datasetId, runId } = evaluation;
    // Versions first: labels written while matching leave the set stale, so nothing stale stays.
    const versions = await store.matches.versions(datasetId, runId);
    const set = await store.matches.begin(evaluation.id, iouThreshold, versions);
    const options = matcherOptions(evaluation, iouThreshold);
    const accumulator = new CocoAccumulator({ classAgnostic: options.classAgnostic });
    let items = 0;
    let cursor: string | null = null;
    do {
      const page = await store.items.page(datasetId, { cursor, limit: STEP });
      const ids = page.records.map((item) => item.id);
      const gts = new Map<string, EvalObject[]>();
      const preds = new Map<string, EvalObject[]>();
      const collect = (labels: LabelRecord[], into: Map<string, EvalObject[]>) => {
        for (const label of labels) {
          const object = evalObjectOf(label);
          if (!object) continue;
          const list = into.get(label.itemId);
          if (list) list.push(object);
          else into.set(label.itemId, [object]);
        }
      };
      collect(await store.labels.list({ kind: "annotations", datasetId }, ids), gts);
      collect(await store.labels.list({ kind: "predictions", datasetId, runId }, ids), preds);
      // Matching an item at every COCO threshold costs up to a millisecond: the loop turns
      // whenever the items matched since its last turn have run for TURN_MS, and the rows
      // are written a few items at a time.
      let rows: { itemId: string; rows: MatchRow[] }[] = [];
      let since = performance.now();
      for (const id of ids) {
        const itemRows = matchItem(gts.get(id) ?? [], preds.get(id) ?? [], options);
        for (const row of itemRows) accumulator.add(row);
        if (itemRows.length > 0) rows.push({ itemId: id, rows: itemRows });
        if (rows.length >= WRITE_ITEMS) {
          await store.matches.append(set.key, rows);
          rows = [];
        }
        if (performance.now() - since >= TURN_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          since = performance.now();
        }
      }
      if (rows.length > 0) await store.matches.append(set.key, rows);
      items += page.records.length;
      await progress?.(items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    // Millions of rows take seconds to summarize: in steps, so requests go between them.
    return { set, metrics: await accumulator.metricsInTurns(items, 10, stopped) };
  }

  /** The evaluation's rows at a threshold: stored ones, or computed now when missing or stale. */
  async current(evaluation: EvaluationRecord, iouThreshold: number): Promise<MatchSetRecord> {
    const stored = await this.store.matches.find(evaluation.id, iouThreshold);
    if (stored) {
      const now = await this.store.matches.versions(evaluation.datasetId, evaluation.runId);
      if (now.labels === stored.versions.labels && now.run === stored.versions.run) return stored;
    }
    // One computation per set in this process, however many requests ask at once.
    const key = `${evaluation.id}\u0000${iouThreshold}`;
    let pending = this.computing.get(key);
    if (!pending) {
      pending = this.compute(evaluation, iouThreshold)
        .then(({ set }) => set)
        .finally(() => this.computing.delete(key));
      this.computing.set(key, pending);
    }
    return pending;
  }

  /** The latest succeeded evaluation of a run: whose rows object queries and subsets read. */
  async latest(tenant: string, runId: string): Promise<EvaluationRecord | undefined> {
    const evaluations = await this.store.evaluations.list(tenant, { runId });
    return evaluations.find((e) => e.status === "succeeded");
  }

  /**
   * The query text of a request's `query` and `filters`, checked: a bad `query` is refused with
   * positions in its own text, before the filters are added to it.
   */
  async rowQuery(evaluation: EvaluationRecord, selection: RowSelection): Promise<string> {
    const { query, filters } = selection;
    if (query !== undefined && query !== null && typeof query !== "string")
      throw new FilterError("query must be a text in the query language");
    const text = typeof query === "string" ? query : "";
    if (text.trim()) await this.store.queries.check(evaluation.datasetId, { text, scope: "object" });
    return bothQueries(text, filtersQuery(filters));
  }

  /** A page of an evaluation's match rows at a threshold, of a query, in the order asked, and the total. */
  async examples(
    evaluation: EvaluationRecord,
    iouThreshold: number,
    selection: { query: string; matchTypes?: readonly MatchType[] | undefined },
    order: MatchOrder,
  ): Promise<{ rows: MatchRowRecord[]; total: number }> {
    const set = await this.current(evaluation, iouThreshold);
    return this.store.queries.matchRows(
      evaluation.datasetId,
      {
        text: selection.query,
        source: {
          kind: "matches",
          runId: evaluation.runId,
          setKey: set.key,
          matchTypes: selection.matchTypes,
        },
      },
      order,
    );
  }

  /**
   * Metrics and charts of the rows of an evaluation at a threshold, those of `query` (over match
   * rows) on the items of `items` (a query or a slice) when given.
   */
  async summary(
    evaluation: EvaluationRecord,
    iouThreshold: number,
    selection: { query?: string; items?: ItemScope; matchTypes?: readonly MatchType[] } = {},
  ): Promise<RowsSummary> {
    const set = await this.current(evaluation, iouThreshold);
    const version = await this.store.writeVersion();
    const key = JSON.stringify([set.key, selection]);
    return this.summaries.get(key, version, async () => {
      const charts = new RowCharts({ classAgnostic: evaluation.options.classAgnostic });
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = await this.store.queries.objects(
          evaluation.datasetId,
          {
            text: selection.query ?? "",
            source: {
              kind: "matches",
              runId: evaluation.runId,
              setKey: set.key,
              matchTypes: selection.matchTypes,
            },
            items: selection.items,
          },
          { cursor, limit: ROW_PAGE },
        );
        for (const record of page.records) {
          if (record.kind !== "match") continue;
          charts.add(record.match, iouThreshold);
          seen.add(record.match.itemId);
        }
        cursor = page.nextCursor;
      } while (cursor !== null);
      const items = selection.items
        ? await this.store.queries.count(
            evaluation.datasetId,
            "sliceId" in selection.items
              ? { text: `slice.${JSON.stringify(selection.items.sliceId)} = true` }
              : selection.items.query,
          )
        : await this.store.items.count(evaluation.datasetId);
      const { metrics, charts: wire } = await charts.resultInTurns(
        selection.query ? seen.size : items,
        iouThreshold,
      );
      return { metrics, charts: wire, items };
    });
  }
}

/** The query (over match rows) of a charts or examples request: its `query` and its `filters`. */
export interface RowSelection {
  query?: unknown;
  filters?: unknown;
}

const instances = new WeakMap<NucleusStore, MatchSets>();

/** The match sets of a store: one per store, shared by the routes and the job runner. */
export function matchSetsOf(store: NucleusStore): MatchSets {
  let sets = instances.get(store);
  if (!sets) {
    sets = new MatchSets(store);
    instances.set(store, sets);
  }
  return sets;
}
