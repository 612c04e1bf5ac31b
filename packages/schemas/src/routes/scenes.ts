/**
 * Scenes (lidar scenes of sensor frames, video scenes of a video or of image frames) and tracks
 * (one object followed across frames): uploads, listing, lookup, deletion and scene queries.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { Job } from "../jobs.js";
import { MetadataSchema } from "../json.js";
import { AsyncUploadRequest, EmptyRequest } from "../requests.js";
import { LidarSceneSchema, TrackSchema, VideoSceneSchema } from "../scenes.js";

const count = z.int().min(0);

/** The wire schema of {@link UploadScenesRequest}. */
export const UploadScenesRequestSchema = z.looseObject({
  scenes: z.array(LidarSceneSchema).min(1, { error: "must list at least one scene" }),
  update: z.boolean().nullish(),
});
/**
 * `POST {datasetId}/upload_scenes`: lidar scenes, each a list of frames that map sensor names
 * to items (exactly one point cloud per frame).
 *
 * @example
 * ```ts
 * import { UploadScenesRequest } from "@nucleus/schemas";
 *
 * UploadScenesRequest.encode({
 *   scenes: [{ referenceId: "drive_1", frames: [{ lidar: { url: "s3://b/0.json", type: "pointcloud", referenceId: "drive_1/0" } }] }],
 * });
 * ```
 */
export const UploadScenesRequest = createCodec(UploadScenesRequestSchema);
/** Body of a lidar scene upload. */
export type UploadScenesRequest = Camelize<z.output<typeof UploadScenesRequestSchema>>;

/** The wire schema of {@link UploadVideoScenesRequest}. */
export const UploadVideoScenesRequestSchema = z.looseObject({
  scenes: z.array(VideoSceneSchema).min(1, { error: "must list at least one scene" }),
  update: z.boolean().nullish(),
});
/**
 * `POST {datasetId}/upload_video_scenes`: video scenes, each a `video_url` or image `frames`
 * with a `frame_rate`.
 *
 * @example
 * ```ts
 * import { UploadVideoScenesRequest } from "@nucleus/schemas";
 *
 * UploadVideoScenesRequest.encode({ scenes: [{ referenceId: "clip_1", videoUrl: "s3://b/clip.mp4" }] });
 * ```
 */
export const UploadVideoScenesRequest = createCodec(UploadVideoScenesRequestSchema);
/** Body of a video scene upload. */
export type UploadVideoScenesRequest = Camelize<z.output<typeof UploadVideoScenesRequestSchema>>;

/** The wire schema of {@link UploadScenesResponse}. */
export const UploadScenesResponseSchema = z.looseObject({
  dataset_id: z.string(),
  new_scenes: count.optional(),
  updated_scenes: count.optional(),
  ignored_scenes: count.optional(),
  new_items: count,
  updated_items: count,
  ignored_items: count,
  upload_errors: count,
});
/**
 * What a synchronous scene upload did: scenes and frame items new, updated (metadata only) or
 * ignored (already there).
 *
 * @example
 * ```ts
 * import { UploadScenesResponse } from "@nucleus/schemas";
 *
 * UploadScenesResponse.decode({ dataset_id: "ds_1", new_items: 4, updated_items: 0, ignored_items: 0, upload_errors: 0 });
 * ```
 */
export const UploadScenesResponse = createCodec(UploadScenesResponseSchema);
/** Response of a scene upload. */
export type UploadScenesResponse = Camelize<z.output<typeof UploadScenesResponseSchema>>;

/** The wire schema of {@link SceneListResponse}. */
export const SceneListResponseSchema = z.looseObject({
  scenes: z.array(
    z.looseObject({
      id: z.string(),
      reference_id: z.string(),
      type: z.string(),
      metadata: MetadataSchema.nullish(),
      frame_count: count.optional(),
    }),
  ),
});
/**
 * `GET dataset/{id}/scenes_list`: the dataset's scenes in upload order, with their kind
 * (`lidar` or `video`) and metadata.
 *
 * @example
 * ```ts
 * import { SceneListResponse } from "@nucleus/schemas";
 *
 * SceneListResponse.decode({ scenes: [{ id: "scn_1", reference_id: "drive_1", type: "lidar", metadata: {} }] });
 * ```
 */
export const SceneListResponse = createCodec(SceneListResponseSchema);
/** The scenes of a dataset. */
export type SceneListResponse = Camelize<z.output<typeof SceneListResponseSchema>>;

/** The wire schema of {@link SceneResponse}. */
export const SceneResponseSchema = z.looseObject({
  id: z.string(),
  reference_id: z.string(),
  type: z.string(),
  metadata: MetadataSchema.nullish(),
  frames: z.array(z.unknown()).optional(),
  frame_rate: z.number().nullish(),
  video_url: z.string().nullish(),
  tracks: z.array(TrackSchema).optional(),
  annotations: z.array(z.unknown()).optional(),
});
/**
 * A scene as `GET dataset/{id}/scene/{ref}` returns it: a lidar scene's `frames` map sensor
 * names to items; a video scene's `frames` list items, or it has a `video_url`. `tracks` are
 * those its frames' labels follow; `annotations` its scene-level categories.
 *
 * @example
 * ```ts
 * import { SceneResponse } from "@nucleus/schemas";
 *
 * SceneResponse.decode({ id: "scn_1", reference_id: "clip_1", type: "video", video_url: "s3://b/clip.mp4", metadata: {} });
 * ```
 */
export const SceneResponse = createCodec(SceneResponseSchema);
/** A scene with its frames. */
export type SceneResponse = Camelize<z.output<typeof SceneResponseSchema>>;

/** The wire schema of {@link SceneLookupQuery}. */
export const SceneLookupQuerySchema = z.object({ from_item: z.string().optional() });
/**
 * The `?from_item=1` query of a scene lookup: the reference id names one of its frame items.
 *
 * @example
 * ```ts
 * import { SceneLookupQuery } from "@nucleus/schemas";
 *
 * SceneLookupQuery.decode({ from_item: "1" }); // { fromItem: "1" }
 * ```
 */
export const SceneLookupQuery = createCodec(SceneLookupQuerySchema);
/** A scene lookup's query. */
export type SceneLookupQuery = Camelize<z.output<typeof SceneLookupQuerySchema>>;

/** The wire schema of {@link DeleteSceneResponse}. */
export const DeleteSceneResponseSchema = z.looseObject({
  dataset_id: z.string(),
  reference_id: z.string(),
  deleted_items: count,
});
/**
 * A deleted scene, and how many frame items went with it (with their labels).
 *
 * @example
 * ```ts
 * import { DeleteSceneResponse } from "@nucleus/schemas";
 *
 * DeleteSceneResponse.decode({ dataset_id: "ds_1", reference_id: "drive_1", deleted_items: 4 });
 * ```
 */
export const DeleteSceneResponse = createCodec(DeleteSceneResponseSchema);
/** Response of a scene deletion. */
export type DeleteSceneResponse = Camelize<z.output<typeof DeleteSceneResponseSchema>>;

/** The wire schema of {@link QueryScenesPageRequest}. */
export const QueryScenesPageRequestSchema = z.looseObject({
  pageToken: z.string().nullish(),
  pageSize: z.int().positive(),
  query: z.string().nullish(),
});
/**
 * `POST dataset/{id}/queryScenesPage`: a page of the scenes a query selects, in upload order.
 * Queries read `scene.reference_id`, `scene.metadata.<key>`, `scene.type` and
 * `scene.frame_count`.
 *
 * @example
 * ```ts
 * import { QueryScenesPageRequest } from "@nucleus/schemas";
 *
 * QueryScenesPageRequest.encode({ pageToken: null, pageSize: 100, query: 'scene.metadata.weather = "rain"' });
 * ```
 */
export const QueryScenesPageRequest = createCodec(QueryScenesPageRequestSchema);
/** Body of a scene query page. */
export type QueryScenesPageRequest = Camelize<z.output<typeof QueryScenesPageRequestSchema>>;

/** The wire schema of {@link QueryScenesPageResponse}. */
export const QueryScenesPageResponseSchema = z.looseObject({
  items: z.array(SceneResponseSchema),
  nextPageToken: z.string().nullable(),
});
/**
 * A page of scenes: `nextPageToken` is `null` on the last page.
 *
 * @example
 * ```ts
 * import { QueryScenesPageResponse } from "@nucleus/schemas";
 *
 * QueryScenesPageResponse.decode({ items: [], nextPageToken: null });
 * ```
 */
export const QueryScenesPageResponse = createCodec(QueryScenesPageResponseSchema);
/** A page of scenes. */
export type QueryScenesPageResponse = Camelize<z.output<typeof QueryScenesPageResponseSchema>>;

/** The wire schema of {@link TrackListResponse}. */
export const TrackListResponseSchema = z.looseObject({ tracks: z.array(TrackSchema) });
/**
 * `GET dataset/{id}/tracks`: the dataset's tracks, those given metadata first, then those only
 * labels name.
 *
 * @example
 * ```ts
 * import { TrackListResponse } from "@nucleus/schemas";
 *
 * TrackListResponse.decode({ tracks: [{ reference_id: "car-1", dataset_id: "ds_1", metadata: {} }] });
 * ```
 */
export const TrackListResponse = createCodec(TrackListResponseSchema);
/** The tracks of a dataset. */
export type TrackListResponse = Camelize<z.output<typeof TrackListResponseSchema>>;

/** The wire schema of {@link UpdateTrackRequest}. */
export const UpdateTrackRequestSchema = z.looseObject({
  reference_id: z.string().min(1, { error: "must be a non-empty string" }),
  metadata: MetadataSchema,
  overwrite: z.boolean().nullish(),
});
/**
 * `POST dataset/{id}/tracks`: merges metadata into a track (replaces it with `overwrite`).
 *
 * @example
 * ```ts
 * import { UpdateTrackRequest } from "@nucleus/schemas";
 *
 * UpdateTrackRequest.encode({ referenceId: "car-1", metadata: { color: "red" } });
 * ```
 */
export const UpdateTrackRequest = createCodec(UpdateTrackRequestSchema);
/** Body of a track update. */
export type UpdateTrackRequest = Camelize<z.output<typeof UpdateTrackRequestSchema>>;

/** The wire schema of {@link DeleteTracksRequest}. */
export const DeleteTracksRequestSchema = z.looseObject({
  track_reference_ids: z
    .array(z.string().min(1, { error: "must be a non-empty string" }))
    .min(1, { error: "must list at least one track" }),
});
/**
 * `DELETE dataset/{id}/tracks`: deletes tracks; the labels that followed them keep their
 * geometry and lose their `track_reference_id`.
 *
 * @example
 * ```ts
 * import { DeleteTracksRequest } from "@nucleus/schemas";
 *
 * DeleteTracksRequest.encode({ trackReferenceIds: ["car-1"] });
 * ```
 */
export const DeleteTracksRequest = createCodec(DeleteTracksRequestSchema);
/** Body of a track deletion. */
export type DeleteTracksRequest = Camelize<z.output<typeof DeleteTracksRequestSchema>>;

/** The wire schema of {@link TrackChangeResponse}. */
export const TrackChangeResponseSchema = z.looseObject({
  dataset_id: z.string(),
  track_reference_ids: z.array(z.string()),
  deleted: count.optional(),
});
/**
 * The tracks a track update or deletion named (and, for a deletion, how many existed).
 *
 * @example
 * ```ts
 * import { TrackChangeResponse } from "@nucleus/schemas";
 *
 * TrackChangeResponse.decode({ dataset_id: "ds_1", track_reference_ids: ["car-1"] });
 * ```
 */
export const TrackChangeResponse = createCodec(TrackChangeResponseSchema);
/** Response of a track change. */
export type TrackChangeResponse = Camelize<z.output<typeof TrackChangeResponseSchema>>;

const uploadAsync = <P extends string>(path: P, what: string, jobType: string) =>
  ({
    method: "POST",
    path,
    summary: `Starts a \`${jobType}\` job that uploads the ${what} PUT (NDJSON) to the signed URL of \`requestId\` (\`?async=1\`).`,
    async: true,
    body: AsyncUploadRequest,
    response: Job,
  }) as const;

/**
 * The scene and track routes.
 *
 * @example
 * ```ts
 * import { sceneRoutes } from "@nucleus/schemas";
 *
 * sceneRoutes.uploadScenes.path; // ":datasetId/upload_scenes"
 * ```
 */
export const sceneRoutes = defineRoutes({
  uploadScenesAsync: uploadAsync(":datasetId/upload_scenes", "lidar scenes", "uploadLidarScene"),
  uploadScenes: {
    method: "POST",
    path: ":datasetId/upload_scenes",
    summary:
      "Adds lidar scenes and their frame items to a scene dataset, all or nothing: JSON, or a multipart form (`scenes` plus one `file` part per local point cloud or image, named by its `url`).",
    body: UploadScenesRequest,
    multipart: { scenes: UploadScenesRequest },
    response: UploadScenesResponse,
  },
  uploadVideoScenesAsync: uploadAsync(":datasetId/upload_video_scenes", "video scenes", "uploadVideoScene"),
  uploadVideoScenes: {
    method: "POST",
    path: ":datasetId/upload_video_scenes",
    summary:
      "Adds video scenes (a video URL, or image frames with a frame rate) to a scene dataset, all or nothing: JSON, or a multipart form (`scenes` plus one `file` part per local video or image, named by its location).",
    body: UploadVideoScenesRequest,
    multipart: { scenes: UploadVideoScenesRequest },
    response: UploadScenesResponse,
  },
  listScenes: {
    method: "GET",
    path: "dataset/:datasetId/scenes_list",
    summary: "The dataset's scenes in upload order: id, reference id, kind and metadata.",
    response: SceneListResponse,
  },
  getScene: {
    method: "GET",
    path: "dataset/:datasetId/scene/:referenceId",
    summary:
      "A scene with its frames and tracks, by its reference id (or a frame item's, with `?from_item=1`).",
    query: SceneLookupQuery,
    response: SceneResponse,
  },
  deleteScene: {
    method: "DELETE",
    path: "dataset/:datasetId/scene/:referenceId",
    summary: "Deletes a scene with its frame items and their labels.",
    body: EmptyRequest,
    response: DeleteSceneResponse,
  },
  queryScenesPage: {
    method: "POST",
    path: "dataset/:datasetId/queryScenesPage",
    summary:
      "A page of the scenes a query selects (`scene.reference_id`, `scene.metadata.*`, `scene.frame_count`).",
    body: QueryScenesPageRequest,
    idempotent: true,
    response: QueryScenesPageResponse,
  },
  listTracks: {
    method: "GET",
    path: "dataset/:datasetId/tracks",
    summary: "The dataset's tracks: reference id and metadata.",
    response: TrackListResponse,
  },
  updateTrack: {
    method: "POST",
    path: "dataset/:datasetId/tracks",
    summary: "Creates a track or merges metadata into it (replaces it with `overwrite`).",
    body: UpdateTrackRequest,
    idempotent: true,
    response: TrackChangeResponse,
  },
  deleteTracks: {
    method: "DELETE",
    path: "dataset/:datasetId/tracks",
    summary: "Deletes tracks and unlinks the annotations and predictions that followed them.",
    body: DeleteTracksRequest,
    response: TrackChangeResponse,
  },
});
