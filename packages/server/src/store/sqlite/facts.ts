/**
 * Item facts on SQLite: the `item_facts` row of each item, kept up to date by the item and label
 * writes (in their transaction), and the catalog a query is compiled against. A dataset's facts
 * are built the first time anything needs them, so data written before the facts existed is
 * covered too.
 */
import type { JsonObject } from "@nucleus/schemas";
import type { CountSource, FactsCatalog, FactsColumn, Family, SliceRef } from "../../query/catalog.js";
import { countSlotName, metadataSlotName, poolOf } from "../../query/catalog.js";
import { countNamesOf, metadataFacts, planColumn, tally } from "../facts.js";
import type { LabelTarget } from "../labels.js";
import type { SqliteScope } from "./connection.js";

/** A dataset's slots: slot name to column (null: kept in no column). */
export type Slots = Map<string, string | null>;

type Pool = "n" | "t" | "j";

/** Items are read this many at a time when a dataset's facts are built. */
const BUILD_PAGE = 2_000;

const sourceOf = (target: LabelTarget): CountSource =>
  target.kind === "annotations" ? { kind: "annotations" } : { kind: "predictions", runId: target.runId };

/**
 * Facts of the datasets of one SQLite connection. Every method runs synchronously inside the
 * caller's read or write, so facts change in the same transaction as what they describe.
 */
export class SqliteFacts {
  private readonly slotCache = new Map<number, Slots>();

  constructor(private readonly scope: SqliteScope) {}

  /** The dataset's key in the facts tables, or undefined while its facts are not built. */
  keyOf(datasetId: string): number | undefined {
    const row = this.scope
      .sql("SELECT dataset_key FROM facts_datasets WHERE dataset_id = ?")
      .get(datasetId) as { dataset_key: number } | undefined;
    return row?.dataset_key;
  }

  /**
   * The dataset's key in the facts tables; builds its facts first when it has none (data
   * written before they existed). Must run in a write; undefined for a dataset that is gone.
   */
  ensure(datasetId: string): number | undefined {
    const known = this.keyOf(datasetId);
    if (known !== undefined) return known;
    const dataset = this.scope.sql("SELECT seq FROM datasets WHERE id = ?").get(datasetId) as
      | { seq: number }
      | undefined;
    if (!dataset) return undefined;
    this.scope
      .sql("INSERT INTO facts_datasets (dataset_key, dataset_id, labels_version) VALUES (?, ?, 0)")
      .run(dataset.seq, datasetId);
    this.build(datasetId);
    return dataset.seq;
  }

  /** The slots of a dataset, read once per transaction handle. */
  slots(key: number): Slots {
    let slots = this.slotCache.get(key);
    if (!slots) {
      slots = new Map();
      const rows = this.scope
        .sql("SELECT name, column_name FROM facts_slots WHERE dataset_key = ?")
        .all(key) as { name: string; column_name: string | null }[];
      for (const row of rows) slots.set(row.name, row.column_name);
      this.slotCache.set(key, slots);
    }
    return slots;
  }

  /** The column of a slot, handing out a new one (and growing the table) the first time. */
  private column(key: number, name: string): string | null {
    const slots = this.slots(key);
    const known = slots.get(name);
    if (known !== undefined) return known;
    const used = { pool: { n: 0, t: 0, j: 0 } as Record<Pool, number>, metadata: 0 };
    for (const [slot, column] of slots) {
      if (column !== null) used.pool[poolOf(slot)] += 1;
      if (slot.startsWith("m:")) used.metadata += 1;
    }
    const existing = { pool: { n: 0, t: 0, j: 0 } as Record<Pool, number>, total: 0 };
    for (const row of this.scope.sql("SELECT pool, COUNT(*) AS n FROM facts_columns GROUP BY pool").all() as {
      pool: Pool;
      n: number;
    }[]) {
      existing.pool[row.pool] = row.n;
      existing.total += row.n;
    }
    const plan = planColumn(name, used, existing);
    if (plan?.add) {
      const type = plan.name.startsWith("n") ? "NUMERIC" : "TEXT";
      this.scope.prepare(`ALTER TABLE item_facts ADD COLUMN ${plan.name} ${type}`).run();
      this.scope
        .sql("INSERT INTO facts_columns (name, pool) VALUES (?, ?)")
        .run(plan.name, plan.name.slice(0, 1));
    }
    const column = plan?.name ?? null;
    this.scope
      .sql("INSERT INTO facts_slots (dataset_key, name, column_name) VALUES (?, ?, ?)")
      .run(key, name, column);
    slots.set(name, column);
    return column;
  }

  /** The metadata columns of a dataset, in a stable order. */
  private metadataColumns(key: number): string[] {
    const columns: string[] = [];
    for (const [name, column] of this.slots(key)) if (column && name.startsWith("m:")) columns.push(column);
    return columns.sort();
  }

  /** Columns and values of an item's metadata, with the numeric ranges it widens. */
  private metadataRow(key: number, metadata: JsonObject, ranges: Map<string, [number, number]>) {
    const values = new Map<string, number | string>();
    for (const fact of metadataFacts(metadata)) {
      const column = this.column(key, fact.name);
      if (!column) continue;
      values.set(column, fact.value);
      if (fact.family === "number") {
        const range = ranges.get(fact.name);
        const v = fact.value as number;
        if (range) ranges.set(fact.name, [Math.min(range[0], v), Math.max(range[1], v)]);
        else ranges.set(fact.name, [v, v]);
      }
    }
    return values;
  }

  private widen(key: number, ranges: Map<string, [number, number]>): void {
    const update = this.scope.sql(
      `UPDATE facts_slots SET lo = MIN(COALESCE(lo, ?), ?), hi = MAX(COALESCE(hi, ?), ?)
       WHERE dataset_key = ? AND name = ?`,
    );
    for (const [name, [lo, hi]] of ranges) update.run(lo, lo, hi, hi, key, name);
  }

  /** Adds the facts rows of new items (metadata only: new items have no labels). */
  addItems(datasetId: string, items: readonly { seq: number; metadata: JsonObject }[]): void {
    const key = this.keyOf(datasetId);
    if (key === undefined || items.length === 0) return;
    const ranges = new Map<string, [number, number]>();
    const rows = items.map((item) => ({
      seq: item.seq,
      values: this.metadataRow(key, item.metadata, ranges),
    }));
    const columns = this.metadataColumns(key);
    const insert = this.scope.sql(
      `INSERT INTO item_facts (dataset_key, item_seq${columns.map((c) => `, ${c}`).join("")})
       VALUES (?, ?${columns.map(() => ", ?").join("")})`,
    );
    for (const row of rows) insert.run(key, row.seq, ...columns.map((c) => row.values.get(c) ?? null));
    this.widen(key, ranges);
    this.touch(key);
  }

  /** Rewrites the metadata columns of items whose metadata changed (replaced or merged). */
  replaceMetadata(datasetId: string, items: readonly { seq: number; metadata: JsonObject }[]): void {
    const key = this.keyOf(datasetId);
    if (key === undefined || items.length === 0) return;
    const ranges = new Map<string, [number, number]>();
    const rows = items.map((item) => ({
      seq: item.seq,
      values: this.metadataRow(key, item.metadata, ranges),
    }));
    const columns = this.metadataColumns(key);
    if (columns.length > 0) {
      const update = this.scope.sql(
        `UPDATE item_facts SET ${columns.map((c) => `${c} = ?`).join(", ")} WHERE dataset_key = ? AND item_seq = ?`,
      );
      for (const row of rows) update.run(...columns.map((c) => row.values.get(c) ?? null), key, row.seq);
    }
    this.widen(key, ranges);
    this.touch(key);
  }

  /** Removes the facts of a deleted item; its labels went with it. */
  deleteItem(datasetId: string, seq: number): void {
    const key = this.keyOf(datasetId);
    if (key === undefined) return;
    this.scope.sql("DELETE FROM item_facts WHERE dataset_key = ? AND item_seq = ?").run(key, seq);
    this.bump({ kind: "annotations", datasetId });
  }

  /** Adds newly inserted labels to their items' counts. */
  addLabels(target: LabelTarget, labels: readonly { itemId: string; payload: object }[]): void {
    const key = this.keyOf(target.datasetId);
    if (key === undefined) return;
    this.bump(target);
    if (labels.length === 0) return;
    const source = sourceOf(target);
    const perItem = new Map<string, Map<string, number>>();
    for (const label of labels) {
      let counts = perItem.get(label.itemId);
      if (!counts) {
        counts = new Map();
        perItem.set(label.itemId, counts);
      }
      tally(counts, countNamesOf(source, label.payload as { type?: string }));
    }
    const seqOf = this.scope.sql("SELECT seq FROM items WHERE id = ?");
    for (const [itemId, counts] of perItem) {
      const item = seqOf.get(itemId) as { seq: number } | undefined;
      if (item) this.applyCounts(key, item.seq, counts);
    }
  }

  /** Counts these items' labels of a target again from the label table (after replaces or deletes). */
  recount(target: LabelTarget, itemIds: readonly string[]): void {
    const key = this.keyOf(target.datasetId);
    if (key === undefined) return;
    this.bump(target);
    const source = sourceOf(target);
    const seqOf = this.scope.sql("SELECT seq FROM items WHERE id = ?");
    const labelsOf =
      target.kind === "annotations"
        ? this.scope.sql("SELECT payload FROM annotations WHERE item_id = ?")
        : this.scope.sql("SELECT payload FROM predictions WHERE run_id = ? AND item_id = ?");
    for (const itemId of new Set(itemIds)) {
      const item = seqOf.get(itemId) as { seq: number } | undefined;
      if (!item) continue;
      const rows = (
        target.kind === "annotations" ? labelsOf.all(itemId) : labelsOf.all(target.runId, itemId)
      ) as { payload: string }[];
      const counts = new Map<string, number>();
      for (const row of rows)
        tally(counts, countNamesOf(source, JSON.parse(row.payload) as { type?: string }));
      this.clearCounts(key, source, item.seq);
      this.applyCounts(key, item.seq, counts);
    }
  }

  /** Forgets every count of a target (all its labels were deleted). */
  clearAll(target: LabelTarget): void {
    const key = this.keyOf(target.datasetId);
    if (key === undefined) return;
    this.bump(target);
    this.clearCounts(key, sourceOf(target));
  }

  /** Marks the dataset's facts changed, so results derived from them are known to be stale. */
  touch(key: number): void {
    this.scope.sql("UPDATE facts_datasets SET version = version + 1 WHERE dataset_key = ?").run(key);
  }

  /** The version of a dataset's facts: it changes with every write to its items, labels, tags or reviews. */
  version(datasetId: string): number | undefined {
    const row = this.scope.sql("SELECT version FROM facts_datasets WHERE dataset_id = ?").get(datasetId) as
      | { version: number }
      | undefined;
    return row?.version;
  }

  /** Marks a target's labels changed, so match rows computed before are known to be stale. */
  private bump(target: LabelTarget | { kind: "annotations"; datasetId: string }): void {
    if (target.kind === "annotations") {
      this.scope
        .sql(
          "UPDATE facts_datasets SET labels_version = labels_version + 1, version = version + 1 WHERE dataset_id = ?",
        )
        .run(target.datasetId);
    } else {
      this.scope
        .sql(
          `INSERT INTO run_versions (run_id, version) VALUES (?, 1)
           ON CONFLICT (run_id) DO UPDATE SET version = version + 1`,
        )
        .run(target.runId);
      this.scope
        .sql("UPDATE facts_datasets SET version = version + 1 WHERE dataset_id = ?")
        .run(target.datasetId);
    }
  }

  /** Sets a source's count columns to nothing, for one item or for the whole dataset. */
  private clearCounts(key: number, source: CountSource, seq?: number): void {
    const prefix = countSlotName(source, { kind: "total" }).slice(0, -1);
    const columns = [...this.slots(key)]
      .filter(([name, column]) => column && name.startsWith(prefix))
      .map(([, column]) => column as string)
      .sort();
    if (columns.length === 0) return;
    const set = columns.map((c) => `${c} = NULL`).join(", ");
    if (seq === undefined) this.scope.sql(`UPDATE item_facts SET ${set} WHERE dataset_key = ?`).run(key);
    else this.scope.sql(`UPDATE item_facts SET ${set} WHERE dataset_key = ? AND item_seq = ?`).run(key, seq);
  }

  /** Adds counts to an item's count columns; counts without a column are counted from the labels when read. */
  private applyCounts(key: number, seq: number, counts: ReadonlyMap<string, number>): void {
    for (const [name, delta] of counts) {
      const column = this.column(key, name);
      if (!column || delta === 0) continue;
      this.scope
        .sql(
          `UPDATE item_facts SET ${column} = COALESCE(${column}, 0) + ? WHERE dataset_key = ? AND item_seq = ?`,
        )
        .run(delta, key, seq);
    }
  }

  /** Builds the facts of a dataset that had none: its items, a page at a time, with their labels. */
  private build(datasetId: string): void {
    const page = this.scope.sql(
      "SELECT seq, id, metadata FROM items WHERE dataset_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    );
    const runs = (
      this.scope.sql("SELECT id FROM model_runs WHERE dataset_id = ?").all(datasetId) as { id: string }[]
    ).map((run) => run.id);
    let after = 0;
    for (;;) {
      const rows = page.all(datasetId, after, BUILD_PAGE) as { seq: number; id: string; metadata: string }[];
      if (rows.length === 0) break;
      this.addItems(
        datasetId,
        rows.map((row) => ({ seq: row.seq, metadata: JSON.parse(row.metadata) as JsonObject })),
      );
      const ids = rows.map((row) => row.id);
      this.recount({ kind: "annotations", datasetId }, ids);
      for (const runId of runs) this.recount({ kind: "predictions", datasetId, runId }, ids);
      after = (rows[rows.length - 1] as { seq: number }).seq;
    }
  }

  /** What the compiler needs of a dataset: its columns, runs and slices. */
  catalog(key: number, datasetId: string): FactsCatalog {
    const slots = this.slots(key);
    const runIds = (
      this.scope.sql("SELECT id FROM model_runs WHERE dataset_id = ? ORDER BY seq").all(datasetId) as {
        id: string;
      }[]
    ).map((r) => r.id);
    const sliceOf = this.scope.sql(
      `SELECT s.id, s.name, q.query, q.run_id, q.dynamic FROM slices s
       LEFT JOIN slice_queries q ON q.slice_id = s.id
       WHERE s.dataset_id = ? AND (s.id = ? OR s.name = ?) ORDER BY (s.id = ?) DESC, s.seq LIMIT 1`,
    );
    const autotagOf = this.scope.sql("SELECT id FROM autotags WHERE dataset_id = ? AND name = ?");
    return {
      metadata: (path: readonly string[], family: Family): FactsColumn =>
        slots.get(metadataSlotName(path, family)),
      // A count no label ever added to is undefined: 0 for every item.
      count: (source, countKey) => slots.get(countSlotName(source, countKey)),
      runIds,
      slice: (idOrName: string): SliceRef | undefined => {
        const row = sliceOf.get(datasetId, idOrName, idOrName, idOrName) as
          | { id: string; name: string; query: string | null; run_id: string | null; dynamic: number | null }
          | undefined;
        if (!row) return undefined;
        return row.dynamic
          ? { kind: "dynamic", id: row.id, name: row.name, query: row.query as string, runId: row.run_id }
          : { kind: "static", id: row.id, name: row.name };
      },
      autotag: (name: string) => (autotagOf.get(datasetId, name) as { id: string } | undefined)?.id,
    };
  }

  /** The range of values of each numeric metadata slot, as widened by every write. */
  ranges(key: number): Map<string, { lo: number | null; hi: number | null }> {
    const rows = this.scope
      .sql("SELECT name, lo, hi FROM facts_slots WHERE dataset_key = ? AND lo IS NOT NULL")
      .all(key) as { name: string; lo: number | null; hi: number | null }[];
    return new Map(rows.map((row) => [row.name, { lo: row.lo, hi: row.hi }]));
  }
}
