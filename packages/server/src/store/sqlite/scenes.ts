import type { JsonObject } from "@nucleus/schemas";
import { newId } from "../../ids.js";
import { itemColumns } from "../items.js";
import { identify } from "../label-identity.js";
import type { LabelInput, LabelTarget } from "../labels.js";
import type {
  FrameItemType,
  NewScene,
  SceneFrameItem,
  SceneKind,
  SceneLabelRecord,
  SceneRecord,
  SceneStore,
  TrackRecord,
} from "../scenes.js";
import type { SqliteScope } from "./connection.js";
import { decodeItem, type ItemRow } from "./items.js";
import { now } from "./values.js";

interface SceneRow {
  id: string;
  dataset_id: string;
  reference_id: string;
  kind: SceneKind;
  metadata: string;
  frame_rate: number | null;
  video_url: string | null;
  video_media_key: string | null;
  frame_count: number;
  created_at: string;
}

const COLUMNS =
  "id, dataset_id, reference_id, kind, metadata, frame_rate, video_url, video_media_key, frame_count, created_at";

function decode(row: SceneRow): SceneRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    referenceId: row.reference_id,
    kind: row.kind,
    metadata: JSON.parse(row.metadata) as JsonObject,
    frameRate: row.frame_rate,
    videoUrl: row.video_url,
    videoMediaKey: row.video_media_key,
    frameCount: row.frame_count,
    createdAt: row.created_at,
  };
}

/** The run a scene label belongs to: '' for ground truth. */
const runOf = (target: LabelTarget): string => (target.kind === "predictions" ? target.runId : "");

/** Scenes, scene labels and tracks on SQLite. */
export class SqliteSceneStore implements SceneStore {
  constructor(private readonly scope: SqliteScope) {}

  upsert(
    datasetId: string,
    scene: NewScene,
    options: { update: boolean },
  ): Promise<"new" | "updated" | "ignored"> {
    return this.scope.write(() => {
      const existing = this.scope
        .sql("SELECT id FROM scenes WHERE dataset_id = ? AND reference_id = ?")
        .get(datasetId, scene.referenceId) as { id: string } | undefined;
      if (existing) {
        if (!options.update) return "ignored";
        this.scope
          .sql("UPDATE scenes SET metadata = ? WHERE id = ?")
          .run(JSON.stringify(scene.metadata), existing.id);
        return "updated";
      }
      const id = newId("scene");
      this.scope
        .sql(`INSERT INTO scenes (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          id,
          datasetId,
          scene.referenceId,
          scene.kind,
          JSON.stringify(scene.metadata),
          scene.frameRate,
          scene.videoUrl,
          scene.videoMediaKey,
          new Set(scene.frames.map((frame) => frame.frame)).size,
          now(),
        );
      const insert = this.scope.sql(
        `INSERT INTO scene_frames (scene_id, item_id, frame, sensor, type)
         SELECT ?, id, ?, ?, ? FROM items WHERE dataset_id = ? AND reference_id = ?`,
      );
      for (const frame of scene.frames) {
        const added = insert.run(
          id,
          frame.frame,
          frame.sensor ?? "",
          frame.type,
          datasetId,
          frame.itemReferenceId,
        );
        if (added.changes === 0)
          throw new Error(`scene ${scene.referenceId}: no item ${frame.itemReferenceId}`);
      }
      // Point cloud items are read back as point clouds everywhere items are listed.
      this.scope
        .sql(
          "UPDATE items SET kind = 'pointcloud' WHERE id IN (SELECT item_id FROM scene_frames WHERE scene_id = ? AND type = 'pointcloud')",
        )
        .run(id);
      return "new";
    });
  }

  list(datasetId: string): Promise<SceneRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${COLUMNS} FROM scenes WHERE dataset_id = ? ORDER BY seq`)
          .all(datasetId) as SceneRow[]
      ).map(decode),
    );
  }

  find(
    datasetId: string,
    query: { referenceId: string } | { itemReferenceId: string },
  ): Promise<SceneRecord | undefined> {
    return this.scope.read(() => {
      const row =
        "referenceId" in query
          ? this.scope
              .sql(`SELECT ${COLUMNS} FROM scenes WHERE dataset_id = ? AND reference_id = ?`)
              .get(datasetId, query.referenceId)
          : this.scope
              .sql(
                `SELECT ${COLUMNS.split(", ")
                  .map((column) => `s.${column}`)
                  .join(
                    ", ",
                  )} FROM items i JOIN scene_frames f ON f.item_id = i.id JOIN scenes s ON s.id = f.scene_id
                 WHERE i.dataset_id = ? AND i.reference_id = ?`,
              )
              .get(datasetId, query.itemReferenceId);
      return row ? decode(row as SceneRow) : undefined;
    });
  }

  frames(sceneId: string): Promise<SceneFrameItem[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(
            `SELECT f.frame AS frame_index, f.sensor AS sensor, f.type AS frame_type, ${itemColumns("i")}
             FROM scene_frames f JOIN items i ON i.id = f.item_id WHERE f.scene_id = ? ORDER BY f.frame, f.sensor`,
          )
          .all(sceneId) as (ItemRow & { frame_index: number; sensor: string; frame_type: FrameItemType })[]
      ).map((row) => ({
        frame: row.frame_index,
        sensor: row.sensor === "" ? null : row.sensor,
        type: row.frame_type,
        item: decodeItem(row),
      })),
    );
  }

  delete(datasetId: string, referenceId: string): Promise<string[] | undefined> {
    return this.scope.write(() => {
      const scene = this.scope
        .sql("SELECT id FROM scenes WHERE dataset_id = ? AND reference_id = ?")
        .get(datasetId, referenceId) as { id: string } | undefined;
      if (!scene) return undefined;
      const items = this.scope
        .sql(
          "SELECT i.reference_id FROM scene_frames f JOIN items i ON i.id = f.item_id WHERE f.scene_id = ? ORDER BY f.frame, f.sensor",
        )
        .all(scene.id) as { reference_id: string }[];
      this.scope.sql("DELETE FROM scenes WHERE id = ?").run(scene.id);
      return items.map((row) => row.reference_id);
    });
  }

  mergeMetadata(
    datasetId: string,
    updates: readonly { referenceId: string; metadata: JsonObject }[],
  ): Promise<string[]> {
    return this.scope.write(() => {
      const find = this.scope.sql(
        "SELECT id, metadata FROM scenes WHERE dataset_id = ? AND reference_id = ?",
      );
      const set = this.scope.sql("UPDATE scenes SET metadata = ? WHERE id = ?");
      const missing: string[] = [];
      for (const update of updates) {
        const row = find.get(datasetId, update.referenceId) as { id: string; metadata: string } | undefined;
        if (!row) missing.push(update.referenceId);
        else
          set.run(
            JSON.stringify({ ...(JSON.parse(row.metadata) as JsonObject), ...update.metadata }),
            row.id,
          );
      }
      return missing;
    });
  }

  sceneReferences(datasetId: string, referenceIds: readonly string[]): Promise<Set<string>> {
    return this.scope.read(() => {
      const find = this.scope.sql("SELECT 1 FROM scenes WHERE dataset_id = ? AND reference_id = ?");
      return new Set([...new Set(referenceIds)].filter((ref) => find.get(datasetId, ref) !== undefined));
    });
  }

  upsertLabels(
    target: LabelTarget,
    labels: readonly LabelInput[],
    options: { update: boolean },
  ): Promise<{ processed: number; ignored: number }> {
    return this.scope.write(() => {
      const find = this.scope.sql("SELECT id FROM scenes WHERE dataset_id = ? AND reference_id = ?");
      const existing = this.scope.sql(
        "SELECT id FROM scene_labels WHERE scene_id = ? AND run_id = ? AND key = ?",
      );
      const insert = this.scope.sql(
        "INSERT INTO scene_labels (id, scene_id, run_id, key, payload) VALUES (?, ?, ?, ?, ?)",
      );
      const replace = this.scope.sql("UPDATE scene_labels SET payload = ? WHERE id = ? AND scene_id = ?");
      const run = runOf(target);
      let processed = 0;
      let ignored = 0;
      for (const label of labels) {
        const scene = find.get(target.datasetId, label.reference_id) as { id: string } | undefined;
        if (!scene) throw new Error(`no scene ${label.reference_id}`);
        const { key, payload } = identify(label);
        const row = existing.get(scene.id, run, key) as { id: string } | undefined;
        if (row && !options.update) {
          ignored += 1;
          continue;
        }
        if (row) replace.run(JSON.stringify(payload), row.id, scene.id);
        else
          insert.run(
            newId(target.kind === "predictions" ? "prediction" : "annotation"),
            scene.id,
            run,
            key,
            JSON.stringify(payload),
          );
        processed += 1;
      }
      return { processed, ignored };
    });
  }

  labels(target: LabelTarget, sceneId: string): Promise<SceneLabelRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(
            "SELECT id, scene_id, payload FROM scene_labels WHERE scene_id = ? AND run_id = ? ORDER BY seq",
          )
          .all(sceneId, runOf(target)) as { id: string; scene_id: string; payload: string }[]
      ).map((row) => ({ id: row.id, sceneId: row.scene_id, payload: JSON.parse(row.payload) as LabelInput })),
    );
  }

  tracks(datasetId: string): Promise<TrackRecord[]> {
    return this.scope.read(() => {
      const stored = this.scope
        .sql("SELECT reference_id, metadata FROM tracks WHERE dataset_id = ? ORDER BY seq")
        .all(datasetId) as { reference_id: string; metadata: string }[];
      const named = this.scope
        .sql(
          `SELECT DISTINCT ref FROM (
             SELECT json_extract(payload, '$.track_reference_id') AS ref FROM annotations WHERE dataset_id = ?
             UNION ALL
             SELECT json_extract(p.payload, '$.track_reference_id') FROM predictions p
               JOIN model_runs r ON r.id = p.run_id WHERE r.dataset_id = ?
           ) WHERE ref IS NOT NULL ORDER BY ref`,
        )
        .all(datasetId, datasetId) as { ref: string }[];
      const tracks: TrackRecord[] = stored.map((row) => ({
        datasetId,
        referenceId: row.reference_id,
        metadata: JSON.parse(row.metadata) as JsonObject,
      }));
      const known = new Set(tracks.map((track) => track.referenceId));
      for (const { ref } of named)
        if (typeof ref === "string" && !known.has(ref))
          tracks.push({ datasetId, referenceId: ref, metadata: {} });
      return tracks;
    });
  }

  upsertTracks(
    datasetId: string,
    tracks: readonly { referenceId: string; metadata: JsonObject }[],
    options: { overwrite: boolean },
  ): Promise<void> {
    return this.scope.write(() => {
      const find = this.scope.sql("SELECT metadata FROM tracks WHERE dataset_id = ? AND reference_id = ?");
      const insert = this.scope.sql(
        "INSERT INTO tracks (dataset_id, reference_id, metadata) VALUES (?, ?, ?)",
      );
      const set = this.scope.sql("UPDATE tracks SET metadata = ? WHERE dataset_id = ? AND reference_id = ?");
      for (const track of tracks) {
        const row = find.get(datasetId, track.referenceId) as { metadata: string } | undefined;
        if (!row) insert.run(datasetId, track.referenceId, JSON.stringify(track.metadata));
        else {
          const metadata = options.overwrite
            ? track.metadata
            : { ...(JSON.parse(row.metadata) as JsonObject), ...track.metadata };
          set.run(JSON.stringify(metadata), datasetId, track.referenceId);
        }
      }
    });
  }

  deleteTracks(datasetId: string, referenceIds: readonly string[]): Promise<number> {
    return this.scope.write(() => {
      const refs = [...new Set(referenceIds)];
      if (refs.length === 0) return 0;
      const marks = refs.map(() => "?").join(", ");
      const unlink = "json_set(payload, '$.track_reference_id', json('null'))";
      const where = `json_extract(payload, '$.track_reference_id') IN (${marks})`;
      const known = new Set(
        (
          this.scope
            .prepare(`SELECT reference_id FROM tracks WHERE dataset_id = ? AND reference_id IN (${marks})`)
            .all(datasetId, ...refs) as { reference_id: string }[]
        ).map((row) => row.reference_id),
      );
      for (const row of this.scope
        .prepare(
          `SELECT json_extract(payload, '$.track_reference_id') AS ref FROM annotations WHERE dataset_id = ? AND ${where}
           UNION
           SELECT json_extract(payload, '$.track_reference_id') FROM predictions
           WHERE run_id IN (SELECT id FROM model_runs WHERE dataset_id = ?) AND ${where}`,
        )
        .all(datasetId, ...refs, datasetId, ...refs) as { ref: string }[])
        known.add(row.ref);
      this.scope
        .prepare(`DELETE FROM tracks WHERE dataset_id = ? AND reference_id IN (${marks})`)
        .run(datasetId, ...refs);
      this.scope
        .prepare(`UPDATE annotations SET payload = ${unlink} WHERE dataset_id = ? AND ${where}`)
        .run(datasetId, ...refs);
      this.scope
        .prepare(
          `UPDATE predictions SET payload = ${unlink}
           WHERE run_id IN (SELECT id FROM model_runs WHERE dataset_id = ?) AND ${where}`,
        )
        .run(datasetId, ...refs);
      return known.size;
    });
  }
}
