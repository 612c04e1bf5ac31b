/**
 * Item facts on PostgreSQL: the same tables and slots as on SQLite (see `../facts.ts`), written
 * set by set with `unnest`. Columns are added under an advisory lock, so servers sharing the
 * database hand out each column once.
 */
import type { JsonObject } from "@nucleus/schemas";
import type { CountSource, FactsCatalog, FactsColumn, Family, SliceRef } from "../../query/catalog.js";
import { countSlotName, metadataSlotName, poolOf } from "../../query/catalog.js";
import { countNamesOf, metadataFacts, planColumn, tally } from "../facts.js";
import type { LabelTarget } from "../labels.js";
import type { Queryable } from "./connection.js";

/** A dataset's slots: slot name to column (null: kept in no column). */
export type Slots = Map<string, string | null>;

type Pool = "n" | "t" | "j";

/** Items are read this many at a time when a dataset's facts are built. */
const BUILD_PAGE = 5_000;

/** The lock every column allocation takes (an arbitrary constant of this server). */
const COLUMNS_LOCK = 7_351_902_417;

const sourceOf = (target: LabelTarget): CountSource =>
  target.kind === "annotations" ? { kind: "annotations" } : { kind: "predictions", runId: target.runId };

const arrayType = (column: string) => (column.startsWith("n") ? "float8[]" : "text[]");

/** Facts of the datasets of one database, through one query handle (a transaction's, usually). */
export class PgFacts {
  private readonly slotCache = new Map<number, Slots>();

  constructor(private readonly db: Queryable) {}

  /** The dataset's key in the facts tables, or undefined while its facts are not built. */
  async keyOf(datasetId: string): Promise<number | undefined> {
    const [row] = await this.db.query<{ dataset_key: number }>(
      "SELECT dataset_key FROM facts_datasets WHERE dataset_id = $1",
      [datasetId],
    );
    return row?.dataset_key;
  }

  /** The dataset's key; builds its facts first when it has none. Must run in a write. */
  async ensure(datasetId: string): Promise<number | undefined> {
    const known = await this.keyOf(datasetId);
    if (known !== undefined) return known;
    const [dataset] = await this.db.query<{ seq: number }>("SELECT seq FROM datasets WHERE id = $1", [
      datasetId,
    ]);
    if (!dataset) return undefined;
    const inserted = await this.db.query<{ dataset_key: number }>(
      `INSERT INTO facts_datasets (dataset_key, dataset_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING dataset_key`,
      [dataset.seq, datasetId],
    );
    // Another server built them meanwhile.
    if (inserted.length > 0) await this.build(datasetId);
    return dataset.seq;
  }

  async slots(key: number): Promise<Slots> {
    let slots = this.slotCache.get(key);
    if (!slots) {
      slots = new Map();
      const rows = await this.db.query<{ name: string; column_name: string | null }>(
        "SELECT name, column_name FROM facts_slots WHERE dataset_key = $1",
        [key],
      );
      for (const row of rows) slots.set(row.name, row.column_name);
      this.slotCache.set(key, slots);
    }
    return slots;
  }

  /** The columns of some slots, handing out new ones (and growing the table) under the lock. */
  private async columns(key: number, names: Iterable<string>): Promise<Map<string, string | null>> {
    let slots = await this.slots(key);
    const wanted = [...new Set(names)];
    if (wanted.some((name) => !slots.has(name))) {
      await this.db.query("SELECT pg_advisory_xact_lock($1)", [COLUMNS_LOCK]);
      // Read again under the lock: another server may have handed them out.
      this.slotCache.delete(key);
      slots = await this.slots(key);
      const existing = { pool: { n: 0, t: 0, j: 0 } as Record<Pool, number>, total: 0 };
      for (const row of await this.db.query<{ pool: Pool; n: number }>(
        "SELECT pool, COUNT(*) AS n FROM facts_columns GROUP BY pool",
      )) {
        existing.pool[row.pool] = row.n;
        existing.total += row.n;
      }
      for (const name of wanted) {
        if (slots.has(name)) continue;
        const used = { pool: { n: 0, t: 0, j: 0 } as Record<Pool, number>, metadata: 0 };
        for (const [slot, column] of slots) {
          if (column !== null) used.pool[poolOf(slot)] += 1;
          if (slot.startsWith("m:")) used.metadata += 1;
        }
        const plan = planColumn(name, used, existing);
        if (plan?.add) {
          const type = plan.name.startsWith("n") ? "DOUBLE PRECISION" : "TEXT";
          await this.db.query(`ALTER TABLE item_facts ADD COLUMN IF NOT EXISTS ${plan.name} ${type}`);
          await this.db.query("INSERT INTO facts_columns (name, pool) VALUES ($1, $2)", [
            plan.name,
            plan.name.slice(0, 1),
          ]);
          existing.pool[plan.name.slice(0, 1) as Pool] += 1;
          existing.total += 1;
        }
        const column = plan?.name ?? null;
        await this.db.query("INSERT INTO facts_slots (dataset_key, name, column_name) VALUES ($1, $2, $3)", [
          key,
          name,
          column,
        ]);
        slots.set(name, column);
      }
    }
    return new Map(wanted.map((name) => [name, slots.get(name) ?? null]));
  }

  private async metadataColumns(key: number): Promise<string[]> {
    const columns: string[] = [];
    for (const [name, column] of await this.slots(key))
      if (column && name.startsWith("m:")) columns.push(column);
    return columns.sort();
  }

  /** Each item's metadata values by column, and the numeric ranges they widen. */
  private async metadataRows(key: number, items: readonly { seq: number; metadata: JsonObject }[]) {
    const facts = items.map((item) => metadataFacts(item.metadata));
    const columns = await this.columns(
      key,
      facts.flatMap((list) => list.map((fact) => fact.name)),
    );
    const ranges = new Map<string, [number, number]>();
    const rows = facts.map((list) => {
      const values = new Map<string, number | string>();
      for (const fact of list) {
        const column = columns.get(fact.name);
        if (!column) continue;
        values.set(column, fact.value);
        if (fact.family === "number") {
          const v = fact.value as number;
          const range = ranges.get(fact.name);
          ranges.set(fact.name, range ? [Math.min(range[0], v), Math.max(range[1], v)] : [v, v]);
        }
      }
      return values;
    });
    return { rows, ranges };
  }

  private async widen(key: number, ranges: Map<string, [number, number]>): Promise<void> {
    if (ranges.size === 0) return;
    await this.db.query(
      `UPDATE facts_slots s SET lo = LEAST(COALESCE(s.lo, u.lo), u.lo), hi = GREATEST(COALESCE(s.hi, u.hi), u.hi)
       FROM unnest($2::text[], $3::float8[], $4::float8[]) AS u(name, lo, hi)
       WHERE s.dataset_key = $1 AND s.name = u.name`,
      [key, [...ranges.keys()], [...ranges.values()].map((r) => r[0]), [...ranges.values()].map((r) => r[1])],
    );
  }

  /** Adds the facts rows of new items. */
  async addItems(datasetId: string, items: readonly { seq: number; metadata: JsonObject }[]): Promise<void> {
    const key = await this.keyOf(datasetId);
    if (key === undefined || items.length === 0) return;
    const { rows, ranges } = await this.metadataRows(key, items);
    const columns = await this.metadataColumns(key);
    await this.db.query(
      `INSERT INTO item_facts (dataset_key, item_seq${columns.map((c) => `, ${c}`).join("")})
       SELECT $1, u.seq${columns.map((c) => `, u.${c}`).join("")}
       FROM unnest($2::bigint[]${columns.map((c, i) => `, $${i + 3}::${arrayType(c)}`).join("")})
         AS u(seq${columns.map((c) => `, ${c}`).join("")})
       ON CONFLICT DO NOTHING`,
      [key, items.map((item) => item.seq), ...columns.map((c) => rows.map((row) => row.get(c) ?? null))],
    );
    await this.widen(key, ranges);
    await this.touch(key);
  }

  /** Rewrites the metadata columns of items whose metadata changed. */
  async replaceMetadata(
    datasetId: string,
    items: readonly { seq: number; metadata: JsonObject }[],
  ): Promise<void> {
    const key = await this.keyOf(datasetId);
    if (key === undefined || items.length === 0) return;
    const { rows, ranges } = await this.metadataRows(key, items);
    const columns = await this.metadataColumns(key);
    if (columns.length > 0) {
      await this.db.query(
        `UPDATE item_facts f SET ${columns.map((c) => `${c} = u.${c}`).join(", ")}
         FROM unnest($2::bigint[]${columns.map((c, i) => `, $${i + 3}::${arrayType(c)}`).join("")})
           AS u(seq${columns.map((c) => `, ${c}`).join("")})
         WHERE f.dataset_key = $1 AND f.item_seq = u.seq`,
        [key, items.map((item) => item.seq), ...columns.map((c) => rows.map((row) => row.get(c) ?? null))],
      );
    }
    await this.widen(key, ranges);
    await this.touch(key);
  }

  /** Removes the facts of a deleted item. */
  async deleteItem(datasetId: string, seq: number): Promise<void> {
    const key = await this.keyOf(datasetId);
    if (key === undefined) return;
    await this.db.query("DELETE FROM item_facts WHERE dataset_key = $1 AND item_seq = $2", [key, seq]);
    await this.bump({ kind: "annotations", datasetId });
  }

  /** Counts these items' labels of a target again from the label table. */
  async recount(target: LabelTarget, itemIds: readonly string[]): Promise<void> {
    const key = await this.keyOf(target.datasetId);
    if (key === undefined) return;
    await this.bump(target);
    const ids = [...new Set(itemIds)];
    if (ids.length === 0) return;
    const source = sourceOf(target);
    const rows =
      target.kind === "annotations"
        ? await this.db.query<{ seq: number; payload: { type?: string } | null }>(
            `SELECT i.seq, l.payload FROM items i LEFT JOIN annotations l ON l.item_id = i.id
             WHERE i.id = ANY($1::text[])`,
            [ids],
          )
        : await this.db.query<{ seq: number; payload: { type?: string } | null }>(
            `SELECT i.seq, l.payload FROM items i LEFT JOIN predictions l ON l.item_id = i.id AND l.run_id = $2
             WHERE i.id = ANY($1::text[])`,
            [ids, target.runId],
          );
    const perItem = new Map<number, Map<string, number>>();
    for (const row of rows) {
      let counts = perItem.get(row.seq);
      if (!counts) {
        counts = new Map();
        perItem.set(row.seq, counts);
      }
      if (row.payload) tally(counts, countNamesOf(source, row.payload));
    }
    await this.clearCounts(key, source, [...perItem.keys()]);
    await this.applyCounts(key, perItem);
  }

  /** Forgets every count of a target. */
  async clearAll(target: LabelTarget): Promise<void> {
    const key = await this.keyOf(target.datasetId);
    if (key === undefined) return;
    await this.bump(target);
    await this.clearCounts(key, sourceOf(target));
  }

  /** Marks the dataset's facts changed. */
  async touch(key: number): Promise<void> {
    await this.db.query("UPDATE facts_datasets SET version = version + 1 WHERE dataset_key = $1", [key]);
  }

  async version(datasetId: string): Promise<number | undefined> {
    const [row] = await this.db.query<{ version: number }>(
      "SELECT version FROM facts_datasets WHERE dataset_id = $1",
      [datasetId],
    );
    return row?.version;
  }

  private async bump(target: LabelTarget | { kind: "annotations"; datasetId: string }): Promise<void> {
    if (target.kind === "annotations") {
      await this.db.query(
        "UPDATE facts_datasets SET labels_version = labels_version + 1, version = version + 1 WHERE dataset_id = $1",
        [target.datasetId],
      );
    } else {
      await this.db.query(
        `INSERT INTO run_versions (run_id, version) VALUES ($1, 1)
         ON CONFLICT (run_id) DO UPDATE SET version = run_versions.version + 1`,
        [target.runId],
      );
      await this.db.query("UPDATE facts_datasets SET version = version + 1 WHERE dataset_id = $1", [
        target.datasetId,
      ]);
    }
  }

  private async clearCounts(key: number, source: CountSource, seqs?: readonly number[]): Promise<void> {
    const prefix = countSlotName(source, { kind: "total" }).slice(0, -1);
    const columns = [...(await this.slots(key))]
      .filter(([name, column]) => column && name.startsWith(prefix))
      .map(([, column]) => column as string)
      .sort();
    if (columns.length === 0) return;
    const set = columns.map((c) => `${c} = NULL`).join(", ");
    if (seqs === undefined) await this.db.query(`UPDATE item_facts SET ${set} WHERE dataset_key = $1`, [key]);
    else if (seqs.length > 0)
      await this.db.query(
        `UPDATE item_facts SET ${set} WHERE dataset_key = $1 AND item_seq = ANY($2::bigint[])`,
        [key, seqs],
      );
  }

  /** Adds counts to items' count columns, one statement per column. */
  private async applyCounts(
    key: number,
    perItem: ReadonlyMap<number, ReadonlyMap<string, number>>,
  ): Promise<void> {
    const names = new Set<string>();
    for (const counts of perItem.values()) for (const name of counts.keys()) names.add(name);
    const columns = await this.columns(key, names);
    const byColumn = new Map<string, { seqs: number[]; deltas: number[] }>();
    for (const [seq, counts] of perItem) {
      for (const [name, delta] of counts) {
        const column = columns.get(name);
        if (!column || delta === 0) continue;
        let entry = byColumn.get(column);
        if (!entry) {
          entry = { seqs: [], deltas: [] };
          byColumn.set(column, entry);
        }
        entry.seqs.push(seq);
        entry.deltas.push(delta);
      }
    }
    for (const [column, entry] of byColumn) {
      await this.db.query(
        `UPDATE item_facts f SET ${column} = COALESCE(f.${column}, 0) + u.d
         FROM unnest($2::bigint[], $3::float8[]) AS u(seq, d)
         WHERE f.dataset_key = $1 AND f.item_seq = u.seq`,
        [key, entry.seqs, entry.deltas],
      );
    }
  }

  private async build(datasetId: string): Promise<void> {
    const runs = (
      await this.db.query<{ id: string }>("SELECT id FROM model_runs WHERE dataset_id = $1", [datasetId])
    ).map((run) => run.id);
    let after = 0;
    for (;;) {
      const rows = await this.db.query<{ seq: number; id: string; metadata: JsonObject }>(
        "SELECT seq, id, metadata FROM items WHERE dataset_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        [datasetId, after, BUILD_PAGE],
      );
      if (rows.length === 0) break;
      await this.addItems(
        datasetId,
        rows.map((row) => ({ seq: row.seq, metadata: row.metadata })),
      );
      const ids = rows.map((row) => row.id);
      await this.recount({ kind: "annotations", datasetId }, ids);
      for (const runId of runs) await this.recount({ kind: "predictions", datasetId, runId }, ids);
      after = (rows[rows.length - 1] as { seq: number }).seq;
    }
  }

  async ranges(key: number): Promise<Map<string, { lo: number | null; hi: number | null }>> {
    const rows = await this.db.query<{ name: string; lo: number | null; hi: number | null }>(
      "SELECT name, lo, hi FROM facts_slots WHERE dataset_key = $1 AND lo IS NOT NULL",
      [key],
    );
    return new Map(rows.map((row) => [row.name, { lo: row.lo, hi: row.hi }]));
  }

  /** What the compiler needs of a dataset: its columns, runs and slices (read ahead: a dataset has few). */
  async catalog(key: number, datasetId: string): Promise<FactsCatalog> {
    const slots = await this.slots(key);
    const runIds = (
      await this.db.query<{ id: string }>("SELECT id FROM model_runs WHERE dataset_id = $1 ORDER BY seq", [
        datasetId,
      ])
    ).map((r) => r.id);
    const rows = await this.db.query<{
      id: string;
      name: string;
      query: string | null;
      run_id: string | null;
      dynamic: boolean | null;
    }>(
      `SELECT s.id, s.name, q.query, q.run_id, q.dynamic FROM slices s
       LEFT JOIN slice_queries q ON q.slice_id = s.id WHERE s.dataset_id = $1 ORDER BY s.seq`,
      [datasetId],
    );
    const autotags = new Map(
      (
        await this.db.query<{ id: string; name: string }>(
          "SELECT id, name FROM autotags WHERE dataset_id = $1",
          [datasetId],
        )
      ).map((row) => [row.name, row.id]),
    );
    const byId = new Map<string, SliceRef>();
    const byName = new Map<string, SliceRef>();
    for (const row of rows) {
      const ref: SliceRef = row.dynamic
        ? { kind: "dynamic", id: row.id, name: row.name, query: row.query as string, runId: row.run_id }
        : { kind: "static", id: row.id, name: row.name };
      byId.set(row.id, ref);
      // By name, the first slice made wins; an id always names its own slice.
      if (!byName.has(row.name)) byName.set(row.name, ref);
    }
    return {
      metadata: (path: readonly string[], family: Family): FactsColumn =>
        slots.get(metadataSlotName(path, family)),
      count: (source, countKey) => slots.get(countSlotName(source, countKey)),
      runIds,
      slice: (idOrName) => byId.get(idOrName) ?? byName.get(idOrName),
      autotag: (name) => autotags.get(name),
    };
  }
}
