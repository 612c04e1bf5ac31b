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
import type { PgScope } from "./connection.js";
import { decodeItem, type ItemRow } from "./items.js";
import { iso, now } from "./values.js";

interface SceneRow {
  id: string;
  dataset_id: string;
  reference_id: string;
  kind: SceneKind;
  metadata: JsonObject;
  frame_rate: number | null;
  video_url: string | null;
  video_media_key: string | null;
  frame_count: number;
  created_at: Date;
}

const NAMES = [
  "id",
  "dataset_id",
  "reference_id",
  "kind",
  "metadata",
  "frame_rate",
  "video_url",
  "video_media_key",
  "frame_count",
  "created_at",
];
const COLUMNS = NAMES.join(", ");

function decode(row: SceneRow): SceneRecord {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    referenceId: row.reference_id,
    kind: row.kind,
    metadata: row.metadata,
    frameRate: row.frame_rate,
    videoUrl: row.video_url,
    videoMediaKey: row.video_media_key,
    frameCount: row.frame_count,
    createdAt: iso(row.created_at),
  };
}

/** The run a scene label belongs to: '' for ground truth. */
const runOf = (target: LabelTarget): string => (target.kind === "predictions" ? target.runId : "");

const TRACK_REF = "payload->>'track_reference_id'";
const UNLINK = `jsonb_set(payload::jsonb, '{track_reference_id}', 'null'::jsonb)::json`;

/** Scenes, scene labels and tracks on PostgreSQL. */
export class PgSceneStore implements SceneStore {
  constructor(private readonly scope: PgScope) {}

  upsert(
    datasetId: string,
    scene: NewScene,
    options: { update: boolean },
  ): Promise<"new" | "updated" | "ignored"> {
    return this.scope.write(
      async (db) => {
        const id = newId("scene");
        const inserted = await db.query(
          `INSERT INTO scenes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (dataset_id, reference_id) DO NOTHING RETURNING id`,
          [
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
          ],
        );
        if (inserted.length === 0) {
          if (!options.update) return "ignored";
          await db.query("UPDATE scenes SET metadata = $3 WHERE dataset_id = $1 AND reference_id = $2", [
            datasetId,
            scene.referenceId,
            JSON.stringify(scene.metadata),
          ]);
          return "updated";
        }
        for (const frame of scene.frames) {
          const added = await db.query(
            `INSERT INTO scene_frames (scene_id, item_id, frame, sensor, type)
             SELECT $1, id, $2, $3, $4 FROM items WHERE dataset_id = $5 AND reference_id = $6 RETURNING item_id`,
            [id, frame.frame, frame.sensor ?? "", frame.type, datasetId, frame.itemReferenceId],
          );
          if (added.length === 0)
            throw new Error(`scene ${scene.referenceId}: no item ${frame.itemReferenceId}`);
        }
        // Point cloud items are read back as point clouds everywhere items are listed.
        await db.query(
          "UPDATE items SET kind = 'pointcloud' WHERE id IN (SELECT item_id FROM scene_frames WHERE scene_id = $1 AND type = 'pointcloud')",
          [id],
        );
        return "new";
      },
      (result) => result !== "ignored",
    );
  }

  list(datasetId: string): Promise<SceneRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<SceneRow>(`SELECT ${COLUMNS} FROM scenes WHERE dataset_id = $1 ORDER BY seq`, [
          datasetId,
        ])
      ).map(decode),
    );
  }

  find(
    datasetId: string,
    query: { referenceId: string } | { itemReferenceId: string },
  ): Promise<SceneRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] =
        "referenceId" in query
          ? await db.query<SceneRow>(
              `SELECT ${COLUMNS} FROM scenes WHERE dataset_id = $1 AND reference_id = $2`,
              [datasetId, query.referenceId],
            )
          : await db.query<SceneRow>(
              `SELECT ${NAMES.map((column) => `s.${column}`).join(", ")}
               FROM items i JOIN scene_frames f ON f.item_id = i.id JOIN scenes s ON s.id = f.scene_id
               WHERE i.dataset_id = $1 AND i.reference_id = $2`,
              [datasetId, query.itemReferenceId],
            );
      return row ? decode(row) : undefined;
    });
  }

  frames(sceneId: string): Promise<SceneFrameItem[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<ItemRow & { frame_index: number; sensor: string; frame_type: FrameItemType }>(
          `SELECT f.frame AS frame_index, f.sensor AS sensor, f.type AS frame_type, ${itemColumns("i")}
           FROM scene_frames f JOIN items i ON i.id = f.item_id WHERE f.scene_id = $1 ORDER BY f.frame, f.sensor`,
          [sceneId],
        )
      ).map((row) => ({
        frame: row.frame_index,
        sensor: row.sensor === "" ? null : row.sensor,
        type: row.frame_type,
        item: decodeItem(row),
      })),
    );
  }

  delete(datasetId: string, referenceId: string): Promise<string[] | undefined> {
    return this.scope.write(
      async (db) => {
        const [scene] = await db.query<{ id: string }>(
          "SELECT id FROM scenes WHERE dataset_id = $1 AND reference_id = $2 FOR UPDATE",
          [datasetId, referenceId],
        );
        if (!scene) return undefined;
        const items = await db.query<{ reference_id: string }>(
          `SELECT i.reference_id FROM scene_frames f JOIN items i ON i.id = f.item_id
           WHERE f.scene_id = $1 ORDER BY f.frame, f.sensor`,
          [scene.id],
        );
        await db.query("DELETE FROM scenes WHERE id = $1", [scene.id]);
        return items.map((row) => row.reference_id);
      },
      (result) => result !== undefined,
    );
  }

  mergeMetadata(
    datasetId: string,
    updates: readonly { referenceId: string; metadata: JsonObject }[],
  ): Promise<string[]> {
    return this.scope.write(async (db) => {
      const missing: string[] = [];
      for (const update of updates) {
        const changed = await db.query(
          `UPDATE scenes SET metadata = (metadata::jsonb || $3::jsonb)::json
           WHERE dataset_id = $1 AND reference_id = $2 RETURNING id`,
          [datasetId, update.referenceId, JSON.stringify(update.metadata)],
        );
        if (changed.length === 0) missing.push(update.referenceId);
      }
      return missing;
    });
  }

  sceneReferences(datasetId: string, referenceIds: readonly string[]): Promise<Set<string>> {
    return this.scope.read(
      async (db) =>
        new Set(
          (
            await db.query<{ reference_id: string }>(
              "SELECT reference_id FROM scenes WHERE dataset_id = $1 AND reference_id = ANY($2::text[])",
              [datasetId, [...new Set(referenceIds)]],
            )
          ).map((row) => row.reference_id),
        ),
    );
  }

  upsertLabels(
    target: LabelTarget,
    labels: readonly LabelInput[],
    options: { update: boolean },
  ): Promise<{ processed: number; ignored: number }> {
    return this.scope.write(async (db) => {
      const run = runOf(target);
      let processed = 0;
      let ignored = 0;
      for (const label of labels) {
        const [scene] = await db.query<{ id: string }>(
          "SELECT id FROM scenes WHERE dataset_id = $1 AND reference_id = $2",
          [target.datasetId, label.reference_id],
        );
        if (!scene) throw new Error(`no scene ${label.reference_id}`);
        const { key, payload } = identify(label);
        const id = newId(target.kind === "predictions" ? "prediction" : "annotation");
        const rows = await db.query(
          options.update
            ? `INSERT INTO scene_labels (id, scene_id, run_id, key, payload) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (scene_id, run_id, key) DO UPDATE SET payload = EXCLUDED.payload RETURNING id`
            : `INSERT INTO scene_labels (id, scene_id, run_id, key, payload) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (scene_id, run_id, key) DO NOTHING RETURNING id`,
          [id, scene.id, run, key, JSON.stringify(payload)],
        );
        if (rows.length === 0) ignored += 1;
        else processed += 1;
      }
      return { processed, ignored };
    });
  }

  labels(target: LabelTarget, sceneId: string): Promise<SceneLabelRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<{ id: string; scene_id: string; payload: LabelInput }>(
          "SELECT id, scene_id, payload FROM scene_labels WHERE scene_id = $1 AND run_id = $2 ORDER BY seq",
          [sceneId, runOf(target)],
        )
      ).map((row) => ({ id: row.id, sceneId: row.scene_id, payload: row.payload })),
    );
  }

  tracks(datasetId: string): Promise<TrackRecord[]> {
    return this.scope.read(async (db) => {
      const stored = await db.query<{ reference_id: string; metadata: JsonObject }>(
        "SELECT reference_id, metadata FROM tracks WHERE dataset_id = $1 ORDER BY seq",
        [datasetId],
      );
      const named = await db.query<{ ref: string }>(
        `SELECT DISTINCT ref FROM (
           SELECT ${TRACK_REF} AS ref FROM annotations WHERE dataset_id = $1
           UNION ALL
           SELECT p.${TRACK_REF} FROM predictions p JOIN model_runs r ON r.id = p.run_id WHERE r.dataset_id = $1
         ) refs WHERE ref IS NOT NULL ORDER BY ref`,
        [datasetId],
      );
      const tracks: TrackRecord[] = stored.map((row) => ({
        datasetId,
        referenceId: row.reference_id,
        metadata: row.metadata,
      }));
      const known = new Set(tracks.map((track) => track.referenceId));
      for (const { ref } of named)
        if (!known.has(ref)) tracks.push({ datasetId, referenceId: ref, metadata: {} });
      return tracks;
    });
  }

  upsertTracks(
    datasetId: string,
    tracks: readonly { referenceId: string; metadata: JsonObject }[],
    options: { overwrite: boolean },
  ): Promise<void> {
    return this.scope.write(async (db) => {
      for (const track of tracks) {
        await db.query(
          `INSERT INTO tracks (dataset_id, reference_id, metadata) VALUES ($1, $2, $3)
           ON CONFLICT (dataset_id, reference_id) DO UPDATE SET metadata = ${
             options.overwrite
               ? "EXCLUDED.metadata"
               : "(tracks.metadata::jsonb || EXCLUDED.metadata::jsonb)::json"
           }`,
          [datasetId, track.referenceId, JSON.stringify(track.metadata)],
        );
      }
    });
  }

  deleteTracks(datasetId: string, referenceIds: readonly string[]): Promise<number> {
    return this.scope.write(async (db) => {
      const refs = [...new Set(referenceIds)];
      if (refs.length === 0) return 0;
      const known = new Set(
        (
          await db.query<{ reference_id: string }>(
            "DELETE FROM tracks WHERE dataset_id = $1 AND reference_id = ANY($2::text[]) RETURNING reference_id",
            [datasetId, refs],
          )
        ).map((row) => row.reference_id),
      );
      const linked = await db.query<{ ref: string }>(
        `SELECT ${TRACK_REF} AS ref FROM annotations WHERE dataset_id = $1 AND ${TRACK_REF} = ANY($2::text[])
         UNION
         SELECT p.${TRACK_REF} FROM predictions p JOIN model_runs r ON r.id = p.run_id
         WHERE r.dataset_id = $1 AND p.${TRACK_REF} = ANY($2::text[])`,
        [datasetId, refs],
      );
      for (const row of linked) known.add(row.ref);
      await db.query(
        `UPDATE annotations SET payload = ${UNLINK} WHERE dataset_id = $1 AND ${TRACK_REF} = ANY($2::text[])`,
        [datasetId, refs],
      );
      await db.query(
        `UPDATE predictions SET payload = ${UNLINK}
         WHERE run_id IN (SELECT id FROM model_runs WHERE dataset_id = $1) AND ${TRACK_REF} = ANY($2::text[])`,
        [datasetId, refs],
      );
      return known.size;
    });
  }
}
