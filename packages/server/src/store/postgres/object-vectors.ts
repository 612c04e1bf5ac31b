import type { Page, PageRequest } from "../common.js";
import { vectorBytes, vectorOf } from "../embeddings.js";
import type { LabelInput, LabelTarget } from "../labels.js";
import {
  labelText,
  type ObjectVector,
  type ObjectVectorFilter,
  type ObjectVectorRecord,
  type ObjectVectorSource,
  type ObjectVectorStore,
} from "../object-vectors.js";
import type { PgScope, Queryable } from "./connection.js";

const DEFAULT_PAGE = 1_000;

/** The WHERE clause of a filter, its values numbered from `first`. */
function whereOf(filter: ObjectVectorFilter, first: number): { clause: string; values: string[] } {
  let clause = "";
  const values: string[] = [];
  const add = (column: string, value: string) => {
    values.push(value);
    clause += ` AND ${column} = $${first + values.length - 1}`;
  };
  if (filter.source) add("source", filter.source);
  if (filter.runId) add("run_id", filter.runId);
  if (filter.label !== undefined) add("label", filter.label);
  return { clause, values };
}

interface RecordRow {
  seq: string;
  object_id: string;
  source: ObjectVectorSource;
  run_id: string | null;
  item_id: string;
  reference_id: string;
  label: string;
  payload: LabelInput;
  vector: Buffer;
}

/** Object vectors on PostgreSQL: one bytea of float32 per box or polygon label. */
export class PgObjectVectorStore implements ObjectVectorStore {
  constructor(private readonly scope: PgScope) {}

  dimension(datasetId: string): Promise<number | null> {
    return this.scope.read(async (db) => {
      const rows = await db.query<{ dimension: number }>(
        "SELECT dimension FROM object_vectors WHERE dataset_id = $1 LIMIT 1",
        [datasetId],
      );
      return rows[0]?.dimension ?? null;
    });
  }

  count(datasetId: string, filter: ObjectVectorFilter = {}): Promise<number> {
    const { clause, values } = whereOf(filter, 2);
    return this.scope.read(async (db) => {
      const rows = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM object_vectors WHERE dataset_id = $1${clause}`,
        [datasetId, ...values],
      );
      return Number(rows[0]?.n ?? 0);
    });
  }

  page(datasetId: string, filter: ObjectVectorFilter, request: PageRequest): Promise<Page<ObjectVector>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const { clause, values } = whereOf(filter, 4);
    return this.scope.read(async (db) => {
      const rows = await db.query<{ seq: string; object_id: string; vector: Buffer }>(
        `SELECT seq, object_id, vector FROM object_vectors
         WHERE dataset_id = $1 AND seq > $2${clause} ORDER BY seq LIMIT $3`,
        [datasetId, request.cursor ?? "0", limit, ...values],
      );
      const last = rows[rows.length - 1];
      return {
        records: rows.map((row) => ({
          key: Number(row.seq),
          objectId: row.object_id,
          vector: vectorOf(row.vector),
        })),
        nextCursor: rows.length === limit && last ? String(last.seq) : null,
      };
    });
  }

  get(datasetId: string, objectIds: readonly string[]): Promise<Map<string, ObjectVectorRecord>> {
    if (objectIds.length === 0) return Promise.resolve(new Map());
    return this.scope.read(async (db) => {
      const rows = await recordsOf(db, datasetId, "v.object_id = ANY($2::text[])", [...objectIds]);
      return new Map(rows.map((row) => [row.object_id, recordOf(row)]));
    });
  }

  byKeys(datasetId: string, keys: readonly number[]): Promise<Map<number, ObjectVectorRecord>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return this.scope.read(async (db) => {
      const rows = await recordsOf(db, datasetId, "v.seq = ANY($2::bigint[])", keys.map(String));
      return new Map(rows.map((row) => [Number(row.seq), recordOf(row)]));
    });
  }

  lastKey(): Promise<number> {
    return this.scope.read(async (db) => {
      // The identity's sequence: never lowered by deletes; null before its first key.
      const rows = await db.query<{ n: string | null }>(
        "SELECT pg_sequence_last_value(pg_get_serial_sequence('object_vectors', 'seq')::regclass) AS n",
      );
      return Number(rows[0]?.n ?? 0);
    });
  }
}

/** The dataset's vectors that `where` keeps (its values in $2), with their objects. */
function recordsOf(db: Queryable, datasetId: string, where: string, values: string[]): Promise<RecordRow[]> {
  return db.query<RecordRow>(
    `SELECT v.seq, v.object_id, v.source, v.run_id, v.item_id, i.reference_id, v.label,
       coalesce(a.payload, p.payload) AS payload, v.vector
     FROM object_vectors v JOIN items i ON i.id = v.item_id
     LEFT JOIN annotations a ON a.seq = v.annotation_seq
     LEFT JOIN predictions p ON p.seq = v.prediction_seq
     WHERE v.dataset_id = $1 AND ${where}`,
    [datasetId, values],
  );
}

function recordOf(row: RecordRow): ObjectVectorRecord {
  return {
    objectId: row.object_id,
    source: row.source,
    runId: row.run_id,
    itemId: row.item_id,
    referenceId: row.reference_id,
    label: row.label,
    payload: row.payload,
    vector: vectorOf(row.vector),
  };
}

/** A label just written, with the vector it carries (if any). */
export interface WrittenLabel {
  /** The label row's `seq` and its server id (a replaced label keeps both). */
  seq: string;
  id: string;
  itemId: string;
  label: LabelInput;
  vector: Float32Array | undefined;
}

/** Whether the dataset holds any object vector (a replace can only drop one then). */
export async function hasObjectVectors(db: Queryable, datasetId: string): Promise<boolean> {
  const rows = await db.query("SELECT 1 FROM object_vectors WHERE dataset_id = $1 LIMIT 1", [datasetId]);
  return rows.length > 0;
}

/**
 * Keeps the object table in step with a batch of label writes, inside the label store's write:
 * replaced labels drop their old rows, then the labels with vectors add theirs.
 */
export async function writeObjectVectors(
  db: Queryable,
  target: LabelTarget,
  labels: readonly WrittenLabel[],
  replaced: boolean,
): Promise<void> {
  const column = target.kind === "predictions" ? "prediction_seq" : "annotation_seq";
  if (replaced)
    await db.query(`DELETE FROM object_vectors WHERE ${column} = ANY($1::bigint[])`, [
      labels.map((l) => l.seq),
    ]);
  const carrying = labels.filter((l) => l.vector !== undefined);
  if (carrying.length === 0) return;
  // One writer of a dataset's object vectors at a time, until commit: rows commit in key order,
  // so an index reading past its last key misses none.
  await db.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`object_vectors:${target.datasetId}`]);
  await db.query(
    `INSERT INTO object_vectors (dataset_id, item_id, ${column}, object_id, source, run_id, label, dimension, vector)
     SELECT $1, u.item_id, u.seq, u.id, $2, $3, u.label, u.dimension, u.vector
     FROM unnest($4::text[], $5::bigint[], $6::text[], $7::text[], $8::int[], $9::bytea[])
       AS u(item_id, seq, id, label, dimension, vector)`,
    [
      target.datasetId,
      target.kind === "predictions" ? "prediction" : "annotation",
      target.kind === "predictions" ? target.runId : null,
      carrying.map((l) => l.itemId),
      carrying.map((l) => l.seq),
      carrying.map((l) => l.id),
      carrying.map((l) => labelText(l.label)),
      carrying.map((l) => (l.vector as Float32Array).length),
      carrying.map((l) => vectorBytes(l.vector as Float32Array)),
    ],
  );
}
