/**
 * The statements of the query store, for either backend: each function returns SQL text and its
 * values in a dialect, and decoders read the rows back. A backend only runs them, so queries,
 * pages and facets mean the same on SQLite and PostgreSQL.
 */
import { type CheckedQuery, checkQuery, type MetadataTypes } from "@nucleus/query";
import type { FactsCatalog } from "../query/catalog.js";
import { type CompileContext, compileItemCondition, compileObjectCondition } from "../query/compile.js";
import type { SqlDialect } from "../query/dialect.js";
import { Bindings } from "../query/sql.js";
import { histogramEdges, type KeyColumns, keyColumns, typeOfKinds } from "./facets-plan.js";
import { parseCountSlot } from "./facts.js";
import type { MatchRowRecord } from "./matches.js";
import { invalidCursor } from "./problems.js";
import type {
  CheckedField,
  FacetRequest,
  FacetsRecord,
  ItemQuery,
  ItemScope,
  LabelFacet,
  MatchOrder,
  MetadataFacet,
  MetadataKeyRecord,
  ObjectQuery,
} from "./queries.js";

/** A dataset as queries see it: its facts key, slots, numeric ranges, catalog and metadata kinds. */
export interface QueryDataset {
  id: string;
  key: number;
  slots: ReadonlyMap<string, string | null>;
  ranges: ReadonlyMap<string, { lo: number | null; hi: number | null }>;
  catalog: FactsCatalog;
  types: MetadataTypes;
}

/** A statement to run: text with the dialect's placeholders, and its values. */
export interface Statement {
  text: string;
  values: unknown[];
}

function context(
  dataset: QueryDataset,
  dialect: SqlDialect,
  b: Bindings,
  runId?: string | null,
): CompileContext {
  return {
    dialect,
    catalog: dataset.catalog,
    bindings: b,
    runId: runId ?? null,
    recheck: (text) => checkQuery(text, "item", { metadata: dataset.types }),
  };
}

/** An item query checked against the dataset: throws `QueryError` for a bad one. */
export function checkItemQuery(dataset: QueryDataset, text: string): CheckedQuery {
  return checkQuery(text, "item", { metadata: dataset.types });
}

/** An item query's condition on `f` (and `i`), and the join it needs. */
export function itemWhere(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ItemQuery,
  b: Bindings,
): { where: string; join: string } {
  const ctx = context(dataset, dialect, b, query.runId);
  const where = compileItemCondition(checkItemQuery(dataset, query.text), ctx);
  return { where, join: ctx.usesItems ? "JOIN items i ON i.seq = f.item_seq" : "" };
}

/** The condition keeping an object query to some items (a query's, or a slice's). */
function scopeWhere(
  dataset: QueryDataset,
  dialect: SqlDialect,
  scope: ItemScope | undefined,
  b: Bindings,
): string {
  if (!scope) return "(1 = 1)";
  const query: ItemQuery =
    "sliceId" in scope ? { text: `slice.${JSON.stringify(scope.sliceId)} = true` } : scope.query;
  return itemWhere(dataset, dialect, query, b).where;
}

/** The columns of an item row, for statements that read items. */
const ITEM_SELECT =
  "i.seq, i.id, i.dataset_id, i.reference_id, i.image_url, i.media_key, i.metadata, i.width, i.height, i.embedding_info";

/** A page of the items of a query, one more than asked to tell whether more follow. */
export function itemsStatement(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ItemQuery,
  after: number,
  limit: number | null,
): Statement {
  const b = new Bindings();
  const { where } = itemWhere(dataset, dialect, query, b);
  return b.render(
    `SELECT ${ITEM_SELECT} FROM item_facts f JOIN items i ON i.seq = f.item_seq
     WHERE f.dataset_key = ${b.add(dataset.key)} AND f.item_seq > ${b.add(after)} AND ${where}
     ORDER BY f.item_seq LIMIT ${b.add(limit)}`,
    dialect,
  );
}

/** How many items match a query. */
export function countStatement(dataset: QueryDataset, dialect: SqlDialect, query: ItemQuery): Statement {
  const b = new Bindings();
  const { where, join } = itemWhere(dataset, dialect, query, b);
  return b.render(
    `SELECT COUNT(*) AS n FROM item_facts f ${join} WHERE f.dataset_key = ${b.add(dataset.key)} AND ${where}`,
    dialect,
  );
}

/** The match row columns, in the order {@link decodeMatch} reads them. */
const MATCH_SELECT = [
  "item_seq",
  "ord",
  "match_type",
  "shape",
  "prediction_id",
  "annotation_id",
  "pred_annotation_id",
  "gt_annotation_id",
  "pred_label",
  "gt_label",
  "iou",
  "score",
  "x",
  "y",
  "w",
  "h",
  "area",
  "gt_area",
  "rank",
  "coco_all",
  "coco_small",
  "coco_medium",
  "coco_large",
  "agnostic_label",
  "agnostic_matched",
]
  .map((c) => `m.${c}`)
  .join(", ");

/** A match row as read, with its item. */
export interface MatchRowData {
  item_seq: number;
  ord: number;
  match_type: "TP" | "FP" | "FN";
  shape: "box" | "polygon";
  prediction_id: string | null;
  annotation_id: string | null;
  pred_annotation_id: string | null;
  gt_annotation_id: string | null;
  pred_label: string | null;
  gt_label: string | null;
  iou: number;
  score: number | null;
  x: number | null;
  y: number | null;
  w: number | null;
  h: number | null;
  area: number | null;
  gt_area: number | null;
  rank: number | null;
  coco_all: number | null;
  coco_small: number | null;
  coco_medium: number | null;
  coco_large: number | null;
  agnostic_label: string | null;
  agnostic_matched: number | boolean | null;
  item_id: string;
  reference_id: string;
}

/** The record of a match row. */
export function decodeMatch(row: MatchRowData): MatchRowRecord {
  return {
    itemId: row.item_id,
    referenceId: row.reference_id,
    matchType: row.match_type,
    shape: row.shape,
    predictionId: row.prediction_id,
    annotationId: row.annotation_id,
    predAnnotationId: row.pred_annotation_id,
    gtAnnotationId: row.gt_annotation_id,
    predLabel: row.pred_label,
    gtLabel: row.gt_label,
    iou: row.iou,
    score: row.score,
    box: row.x === null ? null : [row.x, row.y ?? 0, row.w ?? 0, row.h ?? 0],
    area: row.area,
    gtArea: row.gt_area,
    rank: row.rank,
    coco:
      row.coco_all === null
        ? null
        : [row.coco_all, row.coco_small ?? 0, row.coco_medium ?? 0, row.coco_large ?? 0],
    agnosticLabel: row.agnostic_label,
    agnosticMatched: row.agnostic_matched === null ? null : Boolean(row.agnostic_matched),
  };
}

/** An object page cursor: the item's position and the object's, `"<item>:<object>"`. */
export function objectCursor(cursor: string | null | undefined): [number, number] {
  if (cursor === null || cursor === undefined || cursor === "") return [0, 0];
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (!match) throw invalidCursor(cursor);
  return [Number(match[1]), Number(match[2])];
}

/** The SELECT list, FROM and WHERE, and ORDER BY of an object query. */
function objectParts(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ObjectQuery,
  b: Bindings,
  after?: [number, number],
) {
  const source = query.source;
  const checked = checkQuery(query.text, "object", { metadata: dataset.types });
  const rows =
    source.kind === "matches"
      ? ({ kind: "matches", runId: source.runId } as const)
      : source.kind === "predictions"
        ? ({ kind: "predictions", runId: source.runId } as const)
        : ({ kind: "annotations" } as const);
  const objectCondition = compileObjectCondition(checked, rows, context(dataset, dialect, b));
  const itemCondition = scopeWhere(dataset, dialect, query.items, b);
  if (source.kind === "matches") {
    const types = source.matchTypes?.length
      ? `AND m.match_type IN (${source.matchTypes.map((t) => b.add(t)).join(", ")})`
      : "";
    // Rows of some items (a slice or a query): walk the items' facts, the narrow table the item
    // condition reads, and look up each selected item's rows, instead of reading every row of
    // the set to test its item (13M rows for a query that keeps 3% of the items). CROSS JOIN
    // keeps SQLite's loop in that order; `+f.item_seq` keeps it from turning the cursor's range
    // on f into a range scan of m for every item (an equality lookup is what it needs).
    // PostgreSQL plans it from its statistics either way.
    const seq = query.items ? "f.item_seq" : "m.item_seq";
    const from = !after
      ? ""
      : query.items
        ? `AND ${seq} >= ${b.add(after[0])} AND (${seq} > ${b.add(after[0])} OR m.ord > ${b.add(after[1])})`
        : `AND (${seq} > ${b.add(after[0])} OR (${seq} = ${b.add(after[0])} AND m.ord > ${b.add(after[1])}))`;
    const tables = query.items
      ? `FROM item_facts f CROSS JOIN match_rows m JOIN items i ON i.seq = m.item_seq
        WHERE f.dataset_key = ${b.add(dataset.key)} AND m.set_key = ${b.add(source.setKey)} AND m.item_seq = +f.item_seq`
      : `FROM match_rows m JOIN items i ON i.seq = m.item_seq
        JOIN item_facts f ON f.dataset_key = ${b.add(dataset.key)} AND f.item_seq = m.item_seq
        WHERE m.set_key = ${b.add(source.setKey)}`;
    return {
      select: `${MATCH_SELECT}, i.id AS item_id, i.reference_id`,
      body: `${tables} ${types} ${from} AND ${objectCondition} AND ${itemCondition}`,
      order: `${seq}, m.ord`,
    };
  }
  const table = source.kind === "predictions" ? "predictions" : "annotations";
  const run = source.kind === "predictions" ? `AND o.run_id = ${b.add(source.runId)}` : "";
  const from = after
    ? `AND (f.item_seq > ${b.add(after[0])} OR (f.item_seq = ${b.add(after[0])} AND o.seq > ${b.add(after[1])}))`
    : "";
  return {
    select: "o.seq AS object_seq, o.id, o.item_id, o.kind, o.payload, i.seq AS item_seq, i.reference_id",
    body: `FROM item_facts f JOIN items i ON i.seq = f.item_seq JOIN ${table} o ON o.item_id = i.id ${run}
      WHERE f.dataset_key = ${b.add(dataset.key)} ${from} AND ${objectCondition} AND ${itemCondition}`,
    order: "f.item_seq, o.seq",
  };
}

/** A page of an object query after a cursor. */
export function objectsStatement(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ObjectQuery,
  cursor: string | null | undefined,
  limit: number | null,
): Statement {
  const b = new Bindings();
  const parts = objectParts(dataset, dialect, query, b, objectCursor(cursor));
  return b.render(
    `SELECT ${parts.select} ${parts.body} ORDER BY ${parts.order} LIMIT ${b.add(limit)}`,
    dialect,
  );
}

/** The next cursor of an object page, from its last row. */
export function objectNextCursor(query: ObjectQuery, last: Record<string, unknown>): string {
  return query.source.kind === "matches"
    ? `${last.item_seq}:${last.ord}`
    : `${last.item_seq}:${last.object_seq}`;
}

/** Match rows in the order asked, and how many there are. */
export function matchRowsStatements(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ObjectQuery,
  order: MatchOrder,
): { rows: Statement; total: Statement } {
  const cb = new Bindings();
  const counted = objectParts(dataset, dialect, query, cb);
  const total = cb.render(`SELECT COUNT(*) AS n ${counted.body}`, dialect);
  const b = new Bindings();
  const parts = objectParts(dataset, dialect, query, b);
  const direction = order.descending ? "DESC" : "ASC";
  const sort =
    order.sortBy === "confidence"
      ? `COALESCE(m.score, -1) ${direction}, `
      : order.sortBy === "iou"
        ? `m.iou ${direction}, `
        : order.sortBy === "dataset_item_id"
          ? `i.id ${direction}, `
          : "";
  const rows = b.render(
    `SELECT ${parts.select} ${parts.body} ORDER BY ${sort}${parts.order} LIMIT ${b.add(order.limit)} OFFSET ${b.add(order.offset)}`,
    dialect,
  );
  return { rows, total };
}

/** The metadata keys a facets request describes. */
function selectedKeys(dataset: QueryDataset, request: FacetRequest): KeyColumns[] {
  const all = keyColumns(dataset.slots, dataset.ranges);
  if (!request.metadataKeys) return all;
  const wanted = new Set(request.metadataKeys);
  return all.filter((key) => wanted.has(key.key));
}

/** The statements of a facets request and how to put their rows together. */
export function facetStatements(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ItemQuery,
  request: FacetRequest,
) {
  const runs = query.runId ? [query.runId] : dataset.catalog.runIds;
  const b = new Bindings();
  const { where, join } = itemWhere(dataset, dialect, query, b);
  // One pass: the count, every label's objects and items, each key's items and histogram.
  const aggregates: string[] = ["COUNT(*) AS n"];
  const labels: { source: string; label: string; alias: string }[] = [];
  for (const [name, column] of dataset.slots) {
    const parsed = parseCountSlot(name);
    if (parsed?.key.kind !== "label" || !column) continue;
    const source = parsed.source.kind === "annotations" ? "" : parsed.source.runId;
    if (source && !runs.includes(source)) continue;
    const alias = `l${labels.length}`;
    labels.push({ source, label: parsed.key.label, alias });
    aggregates.push(`SUM(COALESCE(f.${column}, 0)) AS ${alias}o`);
    aggregates.push(`SUM(CASE WHEN f.${column} > 0 THEN 1 ELSE 0 END) AS ${alias}i`);
  }
  const keys = selectedKeys(dataset, request);
  const edges = new Map<number, number[]>();
  keys.forEach((key, k) => {
    const columns = Object.values(key.columns).filter((c): c is string => Boolean(c));
    if (columns.length === 0) return;
    aggregates.push(
      `SUM(CASE WHEN ${columns.map((c) => `f.${c} IS NOT NULL`).join(" OR ")} THEN 1 ELSE 0 END) AS k${k}`,
    );
    const number = key.columns.number;
    if (number && key.lo !== undefined && key.hi !== undefined) {
      const bounds = histogramEdges(key.lo, key.hi, request.bins);
      edges.set(k, bounds);
      for (let e = 0; e + 1 < bounds.length; e += 1) {
        const upper = e + 2 === bounds.length ? "<=" : "<";
        aggregates.push(
          `SUM(CASE WHEN f.${number} >= ${bounds[e]} AND f.${number} ${upper} ${bounds[e + 1]} THEN 1 ELSE 0 END) AS h${k}_${e}`,
        );
      }
    }
  });
  const main = b.render(
    `SELECT ${aggregates.join(", ")} FROM item_facts f ${join} WHERE f.dataset_key = ${b.add(dataset.key)} AND ${where}`,
    dialect,
  );

  const values: { key: number; family: "string" | "boolean"; statement: Statement }[] = [];
  keys.forEach((key, k) => {
    for (const family of ["string", "boolean"] as const) {
      const column = key.columns[family];
      if (!column) continue;
      const vb = new Bindings();
      const v = itemWhere(dataset, dialect, query, vb);
      values.push({
        key: k,
        family,
        statement: vb.render(
          `SELECT f.${column} AS v, COUNT(*) AS n FROM item_facts f ${v.join}
           WHERE f.dataset_key = ${vb.add(dataset.key)} AND f.${column} IS NOT NULL AND ${v.where}
           GROUP BY f.${column} ORDER BY n DESC, v LIMIT ${vb.add(request.topValues)}`,
          dialect,
        ),
      });
    }
  });

  const tb = new Bindings();
  const t = itemWhere(dataset, dialect, query, tb);
  const tags = tb.render(
    `SELECT t.tag, COUNT(*) AS n FROM item_tags t
     JOIN item_facts f ON f.dataset_key = t.dataset_key AND f.item_seq = t.item_seq ${t.join}
     WHERE t.dataset_key = ${tb.add(dataset.key)} AND ${t.where}
     GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT 100`,
    dialect,
  );

  /** The facets from the rows of the statements. */
  const assemble = (
    totals: Record<string, number | null>,
    valueRows: ReadonlyMap<number, { family: "string" | "boolean"; rows: { v: unknown; n: number }[] }[]>,
    tagRows: { tag: string; n: number }[],
  ): FacetsRecord => {
    const labelFacet = (l: { alias: string; label: string }): LabelFacet => ({
      label: l.label,
      objects: Number(totals[`${l.alias}o`] ?? 0),
      items: Number(totals[`${l.alias}i`] ?? 0),
    });
    const byCount = (a: LabelFacet, c: LabelFacet) => c.objects - a.objects || a.label.localeCompare(c.label);
    const metadata: MetadataFacet[] = keys.map((key, k) => {
      const facet: MetadataFacet = {
        key: key.key,
        type: typeOfKinds(Object.keys(key.columns)),
        items: Number(totals[`k${k}`] ?? 0),
      };
      const bounds = edges.get(k);
      if (bounds)
        facet.histogram = {
          edges: bounds,
          counts: bounds.slice(1).map((_, e) => Number(totals[`h${k}_${e}`] ?? 0)),
        };
      const listed: { value: string | boolean; count: number }[] = [];
      for (const { family, rows } of valueRows.get(k) ?? [])
        for (const row of rows)
          listed.push({
            value: family === "boolean" ? Number(row.v) === 1 : String(row.v),
            count: Number(row.n),
          });
      if (listed.length > 0)
        facet.values = listed.sort((a, c) => c.count - a.count).slice(0, request.topValues);
      return facet;
    });
    return {
      count: Number(totals.n ?? 0),
      annotations: labels
        .filter((l) => l.source === "")
        .map(labelFacet)
        .sort(byCount),
      predictions: runs.map((runId) => ({
        runId,
        labels: labels
          .filter((l) => l.source === runId)
          .map(labelFacet)
          .sort(byCount),
      })),
      metadata,
      tags: tagRows.map((row) => ({ tag: row.tag, count: Number(row.n) })),
    };
  };
  return { main, values, tags, assemble };
}

/** The statement describing a dataset's metadata keys, and how to read its row. */
export function metadataKeysStatement(dataset: QueryDataset, dialect: SqlDialect) {
  const keys = keyColumns(dataset.slots, dataset.ranges);
  const aggregates: string[] = ["COUNT(*) AS n"];
  keys.forEach((key, k) => {
    const columns = Object.values(key.columns).filter((c): c is string => Boolean(c));
    aggregates.push(
      columns.length > 0
        ? `SUM(CASE WHEN ${columns.map((c) => `${c} IS NOT NULL`).join(" OR ")} THEN 1 ELSE 0 END) AS k${k}`
        : `0 AS k${k}`,
    );
    columns.forEach((column, c) => {
      aggregates.push(`COUNT(DISTINCT ${column}) AS d${k}_${c}`);
    });
  });
  const b = new Bindings();
  const statement = b.render(
    `SELECT ${aggregates.join(", ")} FROM item_facts WHERE dataset_key = ${b.add(dataset.key)}`,
    dialect,
  );
  const read = (row: Record<string, number | null>): MetadataKeyRecord[] =>
    keys.map((key, k) => {
      const kinds = Object.keys(key.columns);
      const columns = Object.values(key.columns).filter((c): c is string => Boolean(c));
      const record: MetadataKeyRecord = {
        key: key.key,
        types: kinds,
        type: dataset.types[key.key] ?? (kinds.length === 1 ? (kinds[0] as string) : "any"),
        items: Number(row[`k${k}`] ?? 0),
        distinctValues: columns.reduce((sum, _, c) => sum + Number(row[`d${k}_${c}`] ?? 0), 0),
      };
      if (key.lo !== undefined) record.min = key.lo;
      if (key.hi !== undefined) record.max = key.hi;
      return record;
    });
  return { statement, read, empty: keys.length === 0 };
}

/** Checks and compiles a query without running it; the fields it names. */
export function checkStatement(
  dataset: QueryDataset,
  dialect: SqlDialect,
  query: ItemQuery & { scope: "item" | "object" },
): CheckedField[] {
  const b = new Bindings();
  const checked = checkQuery(query.text, query.scope, { metadata: dataset.types });
  const ctx = context(dataset, dialect, b, query.runId);
  if (query.scope === "item") compileItemCondition(checked, ctx);
  // Object queries are checked as match rows, where every object field exists.
  else compileObjectCondition(checked, { kind: "matches", runId: "" }, ctx);
  return [...checked.fields].map(([node, field]) => ({
    start: node.start,
    end: node.end,
    text: query.text.slice(node.start, node.end),
    kind: field.kind,
    type: field.type,
  }));
}

/** A static slice's items: those matching its query now, in upload order. */
export function sliceItemsStatement(
  dataset: QueryDataset,
  dialect: SqlDialect,
  sliceId: string,
  query: ItemQuery,
): Statement {
  const b = new Bindings();
  const { where } = itemWhere(dataset, dialect, query, b);
  return b.render(
    `INSERT INTO slice_items (slice_id, item_id, seq)
     SELECT ${b.add(sliceId)}, i.id, ROW_NUMBER() OVER (ORDER BY f.item_seq)
     FROM item_facts f JOIN items i ON i.seq = f.item_seq
     WHERE f.dataset_key = ${b.add(dataset.key)} AND ${where}`,
    dialect,
  );
}
