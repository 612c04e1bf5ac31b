import type { LabelVersions, MatchRow, MatchSetRecord, MatchStore } from "../matches.js";
import type { PgScope } from "./connection.js";
import { now } from "./values.js";

interface SetRow {
  key: number;
  evaluation_id: string;
  iou_threshold: number;
  labels_version: number;
  run_version: number;
  created_at: string | Date;
}

const decodeSet = (row: SetRow): MatchSetRecord => ({
  key: row.key,
  evaluationId: row.evaluation_id,
  iouThreshold: row.iou_threshold,
  versions: { labels: row.labels_version, run: row.run_version },
  createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
});

const SET_COLUMNS = "key, evaluation_id, iou_threshold, labels_version, run_version, created_at";

/** The columns of a match row, with their array types for `unnest`. */
const ROW_COLUMNS: [string, string][] = [
  ["item_seq", "bigint"],
  ["ord", "int"],
  ["match_type", "text"],
  ["shape", "text"],
  ["prediction_id", "text"],
  ["annotation_id", "text"],
  ["pred_annotation_id", "text"],
  ["gt_annotation_id", "text"],
  ["pred_label", "text"],
  ["gt_label", "text"],
  ["iou", "float8"],
  ["score", "float8"],
  ["x", "float8"],
  ["y", "float8"],
  ["w", "float8"],
  ["h", "float8"],
  ["area", "float8"],
  ["gt_area", "float8"],
  ["rank", "int"],
  ["coco_all", "int"],
  ["coco_small", "int"],
  ["coco_medium", "int"],
  ["coco_large", "int"],
  ["agnostic_label", "text"],
  ["agnostic_matched", "int"],
];

/** Match sets and rows on PostgreSQL. */
export class PgMatchStore implements MatchStore {
  constructor(private readonly scope: PgScope) {}

  versions(datasetId: string, runId: string): Promise<LabelVersions> {
    return this.scope.read(async (db) => {
      const [labels] = await db.query<{ labels_version: number }>(
        "SELECT labels_version FROM facts_datasets WHERE dataset_id = $1",
        [datasetId],
      );
      const [run] = await db.query<{ version: number }>(
        "SELECT version FROM run_versions WHERE run_id = $1",
        [runId],
      );
      return { labels: labels?.labels_version ?? 0, run: run?.version ?? 0 };
    });
  }

  find(evaluationId: string, iouThreshold: number): Promise<MatchSetRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<SetRow>(
        `SELECT ${SET_COLUMNS} FROM match_sets WHERE evaluation_id = $1 AND iou_threshold = $2`,
        [evaluationId, iouThreshold],
      );
      return row && decodeSet(row);
    });
  }

  begin(evaluationId: string, iouThreshold: number, versions: LabelVersions): Promise<MatchSetRecord> {
    return this.scope.write(async (db) => {
      await db.query("DELETE FROM match_sets WHERE evaluation_id = $1 AND iou_threshold = $2", [
        evaluationId,
        iouThreshold,
      ]);
      const [row] = await db.query<SetRow>(
        `INSERT INTO match_sets (evaluation_id, iou_threshold, labels_version, run_version, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${SET_COLUMNS}`,
        [evaluationId, iouThreshold, versions.labels, versions.run, now()],
      );
      return decodeSet(row as SetRow);
    });
  }

  append(setKey: number, items: readonly { itemId: string; rows: readonly MatchRow[] }[]): Promise<void> {
    return this.scope.write(async (db) => {
      const ids = items.map((item) => item.itemId);
      if (ids.length === 0) return;
      const seqs = new Map(
        (
          await db.query<{ id: string; seq: number }>(
            "SELECT id, seq FROM items WHERE id = ANY($1::text[])",
            [ids],
          )
        ).map((row) => [row.id, row.seq]),
      );
      const columns: unknown[][] = ROW_COLUMNS.map(() => []);
      const push = (values: unknown[]) => {
        values.forEach((value, c) => {
          (columns[c] as unknown[]).push(value);
        });
      };
      for (const item of items) {
        const seq = seqs.get(item.itemId);
        if (seq === undefined) continue;
        item.rows.forEach((row, ord) => {
          push([
            seq,
            ord,
            row.matchType,
            row.shape,
            row.predictionId,
            row.annotationId,
            row.predAnnotationId,
            row.gtAnnotationId,
            row.predLabel,
            row.gtLabel,
            row.iou,
            row.score,
            row.box?.[0] ?? null,
            row.box?.[1] ?? null,
            row.box?.[2] ?? null,
            row.box?.[3] ?? null,
            row.area,
            row.gtArea,
            row.rank,
            row.coco?.[0] ?? null,
            row.coco?.[1] ?? null,
            row.coco?.[2] ?? null,
            row.coco?.[3] ?? null,
            row.agnosticLabel,
            row.agnosticMatched === null ? null : row.agnosticMatched ? 1 : 0,
          ]);
        });
      }
      if ((columns[0] as unknown[]).length === 0) return;
      const names = ROW_COLUMNS.map(([name]) => name);
      await db.query(
        `INSERT INTO match_rows (set_key, ${names.join(", ")})
         SELECT $1, ${names.map((n) => `u.${n}`).join(", ")}
         FROM unnest(${ROW_COLUMNS.map(([, type], i) => `$${i + 2}::${type}[]`).join(", ")}) AS u(${names.join(", ")})`,
        [setKey, ...columns],
      );
    });
  }

  drop(setKey: number): Promise<void> {
    return this.scope.write(async (db) => {
      await db.query("DELETE FROM match_sets WHERE key = $1", [setKey]);
    });
  }
}
