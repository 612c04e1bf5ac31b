import type { JsonObject } from "@nucleus/schemas";
import type { ItemRecord } from "./items.js";
import type { LabelInput, LabelTarget } from "./labels.js";

/** A scene's kind: frames of sensors around one point cloud each, or a video. */
export type SceneKind = "lidar" | "video";

/** What a frame item holds. */
export type FrameItemType = "image" | "pointcloud";

/** A scene of a dataset. */
export interface SceneRecord {
  /** The server's id (`scn_…`). */
  id: string;
  datasetId: string;
  referenceId: string;
  kind: SceneKind;
  metadata: JsonObject;
  /** Frames per second of a video scene made of frames; null otherwise. */
  frameRate: number | null;
  /** The video a video scene was made from, as the client gave it; null for frame scenes. */
  videoUrl: string | null;
  /** The stored copy of a video sent as a file; null for a remote video. */
  videoMediaKey: string | null;
  /** How many frames the scene has (0 for a video given by URL). */
  frameCount: number;
  /** ISO 8601. */
  createdAt: string;
}

/** One item of a scene's frame: which frame, which sensor, what it holds. */
export interface SceneFrameItem {
  /** The frame's position, from 0. */
  frame: number;
  /** The sensor that captured it (lidar scenes); null in a video scene. */
  sensor: string | null;
  type: FrameItemType;
  item: ItemRecord;
}

/** A scene to store: its frames name items stored in the same dataset beforehand. */
export interface NewScene {
  referenceId: string;
  kind: SceneKind;
  metadata: JsonObject;
  frameRate: number | null;
  videoUrl: string | null;
  videoMediaKey: string | null;
  frames: readonly { frame: number; sensor: string | null; type: FrameItemType; itemReferenceId: string }[];
}

/** A track: one object followed across the frames of a scene. */
export interface TrackRecord {
  datasetId: string;
  referenceId: string;
  metadata: JsonObject;
}

/** A scene-level label: a category of a whole scene. */
export interface SceneLabelRecord {
  id: string;
  sceneId: string;
  /** The label as uploaded (wire form). */
  payload: LabelInput;
}

/** Scenes of datasets, their frames, tracks and scene-level labels. */
export interface SceneStore {
  /**
   * Stores a scene whose frame items exist already. An existing reference id is `ignored`, or
   * with `update` has its metadata replaced (`updated`); its frames never change.
   */
  upsert(
    datasetId: string,
    scene: NewScene,
    options: { update: boolean },
  ): Promise<"new" | "updated" | "ignored">;
  /** The dataset's scenes in upload order. */
  list(datasetId: string): Promise<SceneRecord[]>;
  /** A scene by its reference id, or by the reference id of one of its frame items. */
  find(
    datasetId: string,
    query: { referenceId: string } | { itemReferenceId: string },
  ): Promise<SceneRecord | undefined>;
  /** A scene's frame items, by frame then sensor name. */
  frames(sceneId: string): Promise<SceneFrameItem[]>;
  /**
   * Deletes a scene and its scene-level labels; returns the reference ids of its frame items
   * (which the caller deletes with their labels), or undefined when there was no such scene.
   */
  delete(datasetId: string, referenceId: string): Promise<string[] | undefined>;
  /** Merges metadata into scenes by reference id; returns the reference ids that name no scene. */
  mergeMetadata(
    datasetId: string,
    updates: readonly { referenceId: string; metadata: JsonObject }[],
  ): Promise<string[]>;
  /** Which of `referenceIds` name a scene of the dataset. */
  sceneReferences(datasetId: string, referenceIds: readonly string[]): Promise<Set<string>>;
  /**
   * Stores scene-level labels (one per scene and taxonomy, like item categories): replaced with
   * `update`, else ignored when one is there. Their `reference_id` names the scene.
   */
  upsertLabels(
    target: LabelTarget,
    labels: readonly LabelInput[],
    options: { update: boolean },
  ): Promise<{ processed: number; ignored: number }>;
  /** The scene-level labels of a scene, in upload order. */
  labels(target: LabelTarget, sceneId: string): Promise<SceneLabelRecord[]>;
  /**
   * Tracks of the dataset: those stored, and those its annotations and predictions name by
   * `track_reference_id` (with empty metadata), by reference id.
   */
  tracks(datasetId: string): Promise<TrackRecord[]>;
  /** Creates tracks or merges their metadata (replaces it with `overwrite`). */
  upsertTracks(
    datasetId: string,
    tracks: readonly { referenceId: string; metadata: JsonObject }[],
    options: { overwrite: boolean },
  ): Promise<void>;
  /**
   * Deletes tracks and unlinks the annotations and predictions that named them (their
   * `track_reference_id` becomes null); returns how many tracks there were of those named.
   */
  deleteTracks(datasetId: string, referenceIds: readonly string[]): Promise<number>;
}
