/**
 * The export of a scene dataset for training: each scene with the boxes of its tracks, frame by
 * frame.
 */
import * as z from "zod";
import type { Camelize } from "../case.js";
import { createCodec } from "../codec.js";
import { defineRoutes } from "../contract.js";
import { MetadataSchema } from "../json.js";

/** The largest `pageSize` of a scene export page. */
export const MAX_SCENE_EXPORT_PAGE = 30;

/** The wire schema of {@link SceneExportPageRequest}. */
export const SceneExportPageRequestSchema = z.looseObject({
  pageToken: z.string().nullish(),
  pageSize: z
    .int()
    .positive()
    .max(MAX_SCENE_EXPORT_PAGE, { error: `must be at most ${MAX_SCENE_EXPORT_PAGE}` })
    .nullish(),
  sliceId: z.string().nullish(),
  onlyMostRecentTask: z.boolean().nullish(),
});
/**
 * `POST dataset/{id}/exportForTrainingByScene`: a page of scenes (10 unless `pageSize`, at most
 * 30), those with a frame item in `sliceId` when it is given.
 *
 * @example
 * ```ts
 * import { SceneExportPageRequest } from "@nucleus/schemas";
 *
 * SceneExportPageRequest.encode({ pageToken: null, pageSize: 10 });
 * ```
 */
export const SceneExportPageRequest = createCodec(SceneExportPageRequestSchema);
/** Body of a scene export page. */
export type SceneExportPageRequest = Camelize<z.output<typeof SceneExportPageRequestSchema>>;

/** The wire schema of one frame of an exported track. */
export const SceneExportFrameSchema = z.looseObject({
  left: z.number(),
  top: z.number(),
  width: z.number(),
  height: z.number(),
  /** The frame's position in its scene, from 0. */
  key: z.int().min(0),
  metadata: MetadataSchema.nullish(),
});

/** The wire schema of one exported scene. */
export const SceneExportRowSchema = z.looseObject({
  scene: z.looseObject({
    id: z.string(),
    reference_id: z.string(),
    metadata: MetadataSchema.nullish(),
    type: z.string(),
    fileLocation: z.string().nullish(),
  }),
  annotations: z.record(
    z.string(),
    z.looseObject({ label: z.string(), name: z.string(), frames: z.array(SceneExportFrameSchema) }),
  ),
});

/** The wire schema of {@link SceneExportPageResponse}. */
export const SceneExportPageResponseSchema = z.looseObject({
  data: z.array(SceneExportRowSchema),
  nextPageToken: z.string().nullable(),
});
/**
 * A page of exported scenes: each scene's boxes grouped by the track they follow (keyed by the
 * track's reference id), each frame `key` being the frame's position in the scene.
 * `nextPageToken` is `null` on the last page.
 *
 * @example
 * ```ts
 * import { SceneExportPageResponse } from "@nucleus/schemas";
 *
 * SceneExportPageResponse.decode({
 *   data: [{
 *     scene: { id: "scn_1", reference_id: "drive", metadata: {}, type: "lidar", fileLocation: null },
 *     annotations: { "car-1": { label: "car", name: "car-1", frames: [{ left: 0, top: 1, width: 5, height: 5, key: 0, metadata: {} }] } },
 *   }],
 *   nextPageToken: null,
 * });
 * ```
 */
export const SceneExportPageResponse = createCodec(SceneExportPageResponseSchema);
/** A page of exported scenes. */
export type SceneExportPageResponse = Camelize<z.output<typeof SceneExportPageResponseSchema>>;

/**
 * The scene export route.
 *
 * @example
 * ```ts
 * import { sceneExportRoutes } from "@nucleus/schemas";
 *
 * sceneExportRoutes.exportScenesPage.path; // "dataset/:datasetId/exportForTrainingByScene"
 * ```
 */
export const sceneExportRoutes = defineRoutes({
  exportScenesPage: {
    method: "POST",
    path: "dataset/:datasetId/exportForTrainingByScene",
    summary:
      "A page of the dataset's scenes (of a slice's, with `sliceId`), each with its tracked boxes frame by frame.",
    body: SceneExportPageRequest,
    idempotent: true,
    response: SceneExportPageResponse,
  },
});
