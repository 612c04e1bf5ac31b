import type { Page, PageRequest } from "../common.js";
import type { LabelInput } from "../labels.js";
import type { SliceObjectRecord, SliceObjectStore } from "../slice-objects.js";
import type { PgScope, Queryable } from "./connection.js";

interface ObjectRow {
  id: string;
  run_id: string | null;
  item_id: string;
  kind: string;
  payload: LabelInput;
}

const DEFAULT_PAGE = 1_000;

/** Object slices on PostgreSQL: the `slice_objects` table, read with the labels it names. */
export class PgSliceObjectStore implements SliceObjectStore {
  constructor(private readonly scope: PgScope) {}

  resolve(datasetId: string, ids: readonly string[]): Promise<Map<string, SliceObjectRecord>> {
    return this.scope.read((db) => resolveIn(db, datasetId, ids));
  }

  add(sliceId: string, ids: readonly string[]): Promise<number> {
    return this.scope.write(
      async (db) => {
        // The slice's row is locked so that two appends number their objects one after the other.
        await db.query("SELECT id FROM slices WHERE id = $1 FOR UPDATE", [sliceId]);
        const [last] = await db.query<{ ord: number | null }>(
          "SELECT max(ord) AS ord FROM slice_objects WHERE slice_id = $1",
          [sliceId],
        );
        const fresh = [...new Set(ids)];
        const held = new Set(
          (
            await db.query<{ label_id: string }>(
              "SELECT label_id FROM slice_objects WHERE slice_id = $1 AND label_id = ANY($2::text[])",
              [sliceId, fresh],
            )
          ).map((row) => row.label_id),
        );
        const added = fresh.filter((id) => !held.has(id));
        if (added.length === 0) return 0;
        const start = Number(last?.ord ?? -1) + 1;
        await db.query(
          `INSERT INTO slice_objects (slice_id, ord, label_id)
           SELECT $1, $2::int + n - 1, id FROM unnest($3::text[]) WITH ORDINALITY AS t(id, n)`,
          [sliceId, start, added],
        );
        return added.length;
      },
      (added) => added > 0,
    );
  }

  async count(sliceId: string): Promise<number> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM slice_objects WHERE slice_id = $1",
        [sliceId],
      );
      return Number(row?.n ?? 0);
    });
  }

  page(sliceId: string, datasetId: string, request: PageRequest = {}): Promise<Page<SliceObjectRecord>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const after = request.cursor ? Number(request.cursor) : -1;
    return this.scope.read(async (db) => {
      const rows = await db.query<{ ord: number; label_id: string }>(
        "SELECT ord, label_id FROM slice_objects WHERE slice_id = $1 AND ord > $2 ORDER BY ord LIMIT $3",
        [sliceId, after, limit + 1],
      );
      const more = rows.length > limit;
      const taken = rows.slice(0, limit);
      const found = await resolveIn(
        db,
        datasetId,
        taken.map((row) => row.label_id),
      );
      const records = taken.flatMap((row) => {
        const record = found.get(row.label_id);
        return record ? [record] : [];
      });
      const lastRow = taken.at(-1);
      return { records, nextCursor: more && lastRow ? String(lastRow.ord) : null };
    });
  }
}

async function resolveIn(
  db: Queryable,
  datasetId: string,
  ids: readonly string[],
): Promise<Map<string, SliceObjectRecord>> {
  const found = new Map<string, SliceObjectRecord>();
  if (ids.length === 0) return found;
  const rows = await db.query<ObjectRow>(
    `SELECT id, NULL::text AS run_id, item_id, kind, payload FROM annotations
       WHERE dataset_id = $1 AND id = ANY($2::text[])
     UNION ALL
     SELECT p.id, p.run_id, p.item_id, p.kind, p.payload FROM predictions p
       JOIN model_runs r ON r.id = p.run_id WHERE r.dataset_id = $1 AND p.id = ANY($2::text[])`,
    [datasetId, [...ids]],
  );
  for (const row of rows) {
    found.set(row.id, {
      id: row.id,
      kind: row.run_id === null ? "annotation" : "prediction",
      runId: row.run_id,
      itemId: row.item_id,
      group: row.kind,
      payload: row.payload,
    });
  }
  return found;
}
