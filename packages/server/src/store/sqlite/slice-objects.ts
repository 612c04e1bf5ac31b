import type { Page, PageRequest } from "../common.js";
import type { LabelInput } from "../labels.js";
import type { SliceObjectRecord, SliceObjectStore } from "../slice-objects.js";
import type { SqliteScope } from "./connection.js";

interface ObjectRow {
  id: string;
  run_id: string | null;
  item_id: string;
  kind: string;
  payload: string;
}

// SQLite limits bound parameters; 500 per query is far below it.
const IN_CHUNK = 500;
const DEFAULT_PAGE = 1_000;

/** Object slices on SQLite: the `slice_objects` table, read with the labels it names. */
export class SqliteSliceObjectStore implements SliceObjectStore {
  constructor(private readonly scope: SqliteScope) {}

  resolve(datasetId: string, ids: readonly string[]): Promise<Map<string, SliceObjectRecord>> {
    return this.scope.read(() => this.resolveNow(datasetId, ids));
  }

  add(sliceId: string, ids: readonly string[]): Promise<number> {
    return this.scope.write(() => {
      const last = this.scope
        .sql("SELECT max(ord) AS ord FROM slice_objects WHERE slice_id = ?")
        .get(sliceId) as {
        ord: number | null;
      };
      let ord = (last.ord ?? -1) + 1;
      const insert = this.scope.sql(
        "INSERT INTO slice_objects (slice_id, ord, label_id) VALUES (?, ?, ?) ON CONFLICT (slice_id, label_id) DO NOTHING",
      );
      let added = 0;
      for (const id of ids) {
        if (insert.run(sliceId, ord, id).changes > 0) {
          added += 1;
          ord += 1;
        }
      }
      return added;
    });
  }

  count(sliceId: string): Promise<number> {
    return this.scope.read(
      () =>
        (
          this.scope.sql("SELECT count(*) AS n FROM slice_objects WHERE slice_id = ?").get(sliceId) as {
            n: number;
          }
        ).n,
    );
  }

  page(sliceId: string, datasetId: string, request: PageRequest = {}): Promise<Page<SliceObjectRecord>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const after = request.cursor ? Number(request.cursor) : -1;
    return this.scope.read(() => {
      const rows = this.scope
        .sql("SELECT ord, label_id FROM slice_objects WHERE slice_id = ? AND ord > ? ORDER BY ord LIMIT ?")
        .all(sliceId, after, limit + 1) as { ord: number; label_id: string }[];
      const more = rows.length > limit;
      const taken = rows.slice(0, limit);
      const found = this.resolveNow(
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

  private resolveNow(datasetId: string, ids: readonly string[]): Map<string, SliceObjectRecord> {
    const found = new Map<string, SliceObjectRecord>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const chunk = ids.slice(i, i + IN_CHUNK);
      const marks = chunk.map(() => "?").join(",");
      const annotations = this.scope
        .prepare(
          `SELECT id, NULL AS run_id, item_id, kind, payload FROM annotations WHERE dataset_id = ? AND id IN (${marks})`,
        )
        .all(datasetId, ...chunk) as ObjectRow[];
      const predictions = this.scope
        .prepare(
          `SELECT p.id, p.run_id, p.item_id, p.kind, p.payload FROM predictions p
           JOIN model_runs r ON r.id = p.run_id WHERE r.dataset_id = ? AND p.id IN (${marks})`,
        )
        .all(datasetId, ...chunk) as ObjectRow[];
      for (const row of [...annotations, ...predictions]) found.set(row.id, decode(row));
    }
    return found;
  }
}

function decode(row: ObjectRow): SliceObjectRecord {
  return {
    id: row.id,
    kind: row.run_id === null ? "annotation" : "prediction",
    runId: row.run_id,
    itemId: row.item_id,
    group: row.kind,
    payload: JSON.parse(row.payload) as LabelInput,
  };
}
