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
import type { SqliteScope } from "./connection.js";

/** Object ids per IN list. */
const CHUNK = 500;
const DEFAULT_PAGE = 1_000;

/** The WHERE clause of a filter and its values, after the dataset id. */
function whereOf(filter: ObjectVectorFilter): { clause: string; values: string[] } {
  let clause = "";
  const values: string[] = [];
  if (filter.source) {
    clause += " AND source = ?";
    values.push(filter.source);
  }
  if (filter.runId) {
    clause += " AND run_id = ?";
    values.push(filter.runId);
  }
  if (filter.label !== undefined) {
    clause += " AND label = ?";
    values.push(filter.label);
  }
  return { clause, values };
}

interface RecordRow {
  seq: number;
  object_id: string;
  source: ObjectVectorSource;
  run_id: string | null;
  item_id: string;
  reference_id: string;
  label: string;
  payload: string;
  vector: Buffer;
}

/** Object vectors on SQLite: one BLOB of float32 per box or polygon label. */
export class SqliteObjectVectorStore implements ObjectVectorStore {
  constructor(private readonly scope: SqliteScope) {}

  dimension(datasetId: string): Promise<number | null> {
    return this.scope.read(() => {
      const row = this.scope
        .sql("SELECT dimension FROM object_vectors WHERE dataset_id = ? LIMIT 1")
        .get(datasetId) as { dimension: number } | undefined;
      return row?.dimension ?? null;
    });
  }

  count(datasetId: string, filter: ObjectVectorFilter = {}): Promise<number> {
    const { clause, values } = whereOf(filter);
    return this.scope.read(
      () =>
        (
          this.scope
            .sql(`SELECT count(*) AS n FROM object_vectors WHERE dataset_id = ?${clause}`)
            .get(datasetId, ...values) as { n: number }
        ).n,
    );
  }

  page(datasetId: string, filter: ObjectVectorFilter, request: PageRequest): Promise<Page<ObjectVector>> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const { clause, values } = whereOf(filter);
    return this.scope.read(() => {
      const rows = this.scope
        .sql(
          `SELECT seq, object_id, vector FROM object_vectors
           WHERE dataset_id = ? AND seq > ?${clause} ORDER BY seq LIMIT ?`,
        )
        .all(datasetId, Number(request.cursor ?? 0), ...values, limit) as {
        seq: number;
        object_id: string;
        vector: Buffer;
      }[];
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
    return this.scope.read(() => {
      const found = new Map<string, ObjectVectorRecord>();
      for (let i = 0; i < objectIds.length; i += CHUNK)
        for (const row of this.records(datasetId, "object_id", objectIds.slice(i, i + CHUNK)))
          found.set(row.object_id, recordOf(row));
      return found;
    });
  }

  byKeys(datasetId: string, keys: readonly number[]): Promise<Map<number, ObjectVectorRecord>> {
    return this.scope.read(() => {
      const found = new Map<number, ObjectVectorRecord>();
      for (let i = 0; i < keys.length; i += CHUNK)
        for (const row of this.records(datasetId, "seq", keys.slice(i, i + CHUNK)))
          found.set(Number(row.seq), recordOf(row));
      return found;
    });
  }

  lastKey(): Promise<number> {
    return this.scope.read(() => {
      // AUTOINCREMENT keeps the largest key ever given here, whatever was deleted since.
      const row = this.scope.sql("SELECT seq FROM sqlite_sequence WHERE name = 'object_vectors'").get() as
        | { seq: number }
        | undefined;
      return Number(row?.seq ?? 0);
    });
  }

  /** The dataset's vectors whose `column` is one of `values`, with their objects. */
  private records(datasetId: string, column: "object_id" | "seq", values: readonly (string | number)[]) {
    if (values.length === 0) return [];
    return this.scope
      .prepare(
        `SELECT v.seq, v.object_id, v.source, v.run_id, v.item_id, i.reference_id, v.label,
           coalesce(a.payload, p.payload) AS payload, v.vector
         FROM object_vectors v JOIN items i ON i.id = v.item_id
         LEFT JOIN annotations a ON a.seq = v.annotation_seq
         LEFT JOIN predictions p ON p.seq = v.prediction_seq
         WHERE v.dataset_id = ? AND v.${column} IN (${values.map(() => "?").join(",")})`,
      )
      .all(datasetId, ...values) as RecordRow[];
  }
}

function recordOf(row: RecordRow): ObjectVectorRecord {
  return {
    objectId: row.object_id,
    source: row.source,
    runId: row.run_id,
    itemId: row.item_id,
    referenceId: row.reference_id,
    label: row.label,
    payload: JSON.parse(row.payload) as LabelInput,
    vector: vectorOf(row.vector),
  };
}

/** A label just written, as the label store hands it to {@link SqliteObjectVectorWriter}. */
export interface WrittenLabel {
  /** The label row's `seq` and its server id (an updated label keeps both). */
  seq: number;
  id: string;
  itemId: string;
  label: LabelInput;
  vector: Float32Array | undefined;
}

/**
 * Keeps the object table in step with label writes, inside the label store's write: a new label
 * with a vector adds a row; a replaced label drops its old row first.
 */
export class SqliteObjectVectorWriter {
  /** Whether the dataset holds any object vector: only then can a replace drop one. */
  private hasVectors: boolean;

  constructor(
    private readonly scope: SqliteScope,
    private readonly target: LabelTarget,
  ) {
    this.hasVectors =
      scope.sql("SELECT 1 FROM object_vectors WHERE dataset_id = ? LIMIT 1").get(target.datasetId) !==
      undefined;
  }

  /** Records the vector (or its absence) of a label the write just inserted or replaced. */
  written(row: WrittenLabel, replaced: boolean): void {
    const column = this.target.kind === "predictions" ? "prediction_seq" : "annotation_seq";
    if (replaced && this.hasVectors)
      this.scope.sql(`DELETE FROM object_vectors WHERE ${column} = ?`).run(row.seq);
    if (!row.vector) return;
    this.hasVectors = true;
    this.scope
      .sql(
        `INSERT INTO object_vectors (dataset_id, item_id, ${column}, object_id, source, run_id, label, dimension, vector)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.target.datasetId,
        row.itemId,
        row.seq,
        row.id,
        this.target.kind === "predictions" ? "prediction" : "annotation",
        this.target.kind === "predictions" ? this.target.runId : null,
        labelText(row.label),
        row.vector.length,
        vectorBytes(row.vector),
      );
  }
}
