import type { LabelVersions, MatchRow, MatchSetRecord, MatchStore } from "../matches.js";
import type { SqliteScope } from "./connection.js";
import { now } from "./values.js";

interface SetRow {
  key: number;
  evaluation_id: string;
  iou_threshold: number;
  labels_version: number;
  run_version: number;
  created_at: string;
}

const decodeSet = (row: SetRow): MatchSetRecord => ({
  key: row.key,
  evaluationId: row.evaluation_id,
  iouThreshold: row.iou_threshold,
  versions: { labels: row.labels_version, run: row.run_version },
  createdAt: row.created_at,
});

const SET_COLUMNS = "key, evaluation_id, iou_threshold, labels_version, run_version, created_at";

/** Match sets and rows on SQLite: rows keyed by (set, item position, order within the item). */
export class SqliteMatchStore implements MatchStore {
  constructor(private readonly scope: SqliteScope) {}

  versions(datasetId: string, runId: string): Promise<LabelVersions> {
    return this.scope.read(() => {
      const labels = this.scope
        .sql("SELECT labels_version FROM facts_datasets WHERE dataset_id = ?")
        .get(datasetId) as { labels_version: number } | undefined;
      const run = this.scope.sql("SELECT version FROM run_versions WHERE run_id = ?").get(runId) as
        | { version: number }
        | undefined;
      return { labels: labels?.labels_version ?? 0, run: run?.version ?? 0 };
    });
  }

  find(evaluationId: string, iouThreshold: number): Promise<MatchSetRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${SET_COLUMNS} FROM match_sets WHERE evaluation_id = ? AND iou_threshold = ?`)
        .get(evaluationId, iouThreshold) as SetRow | undefined;
      return row && decodeSet(row);
    });
  }

  begin(evaluationId: string, iouThreshold: number, versions: LabelVersions): Promise<MatchSetRecord> {
    return this.scope.write(() => {
      this.scope
        .sql("DELETE FROM match_sets WHERE evaluation_id = ? AND iou_threshold = ?")
        .run(evaluationId, iouThreshold);
      const row = this.scope
        .sql(
          `INSERT INTO match_sets (evaluation_id, iou_threshold, labels_version, run_version, created_at)
           VALUES (?, ?, ?, ?, ?) RETURNING ${SET_COLUMNS}`,
        )
        .get(evaluationId, iouThreshold, versions.labels, versions.run, now()) as SetRow;
      return decodeSet(row);
    });
  }

  append(setKey: number, items: readonly { itemId: string; rows: readonly MatchRow[] }[]): Promise<void> {
    const seqOf = this.scope.sql("SELECT seq FROM items WHERE id = ?");
    const insert = this.scope.sql(
      `INSERT INTO match_rows (set_key, item_seq, ord, match_type, shape, prediction_id, annotation_id,
         pred_annotation_id, gt_annotation_id, pred_label, gt_label, iou, score, x, y, w, h, area, gt_area,
         rank, coco_all, coco_small, coco_medium, coco_large, agnostic_label, agnostic_matched)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.scope.write(() => {
      for (const item of items) {
        const found = seqOf.get(item.itemId) as { seq: number } | undefined;
        if (!found) continue;
        item.rows.forEach((row, ord) => {
          insert.run(
            setKey,
            found.seq,
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
          );
        });
      }
    });
  }

  drop(setKey: number): Promise<void> {
    return this.scope.write(() => {
      this.scope.sql("DELETE FROM match_sets WHERE key = ?").run(setKey);
    });
  }
}
