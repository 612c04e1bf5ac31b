import * as z from "zod";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";
import { SceneFrameItemSchema } from "./items.js";
import { MetadataSchema } from "./json.js";

/** A track: one object followed across the frames of a scene. */
export const TrackSchema = z.object({
  reference_id: z.string().min(1),
  dataset_id: z.string().optional(),
  metadata: MetadataSchema.nullish(),
});
/** A track. */
export type Track = Camelize<z.output<typeof TrackSchema>>;

/** One frame of a lidar scene: sensor name to the item that sensor captured. */
export const LidarFrameSchema = z.record(z.string(), SceneFrameItemSchema);

/**
 * A lidar scene: frames in order, each a map from sensor name to item, exactly one point cloud
 * per frame.
 */
export const LidarSceneSchema = z
  .object({
    reference_id: z.string().min(1),
    frames: z.array(LidarFrameSchema).min(1),
    metadata: MetadataSchema.optional(),
    tracks: z.array(TrackSchema).optional(),
  })
  .superRefine((scene, ctx) => {
    scene.frames.forEach((frame, i) => {
      const clouds = Object.values(frame).filter((item) => item.type === "pointcloud").length;
      if (clouds !== 1) {
        ctx.addIssue({
          code: "custom",
          path: ["frames", i],
          message: `must hold exactly one pointcloud item (found ${clouds})`,
        });
      }
    });
  });
/** A lidar scene, wire form. */
export type LidarSceneWire = z.output<typeof LidarSceneSchema>;
/** A lidar scene. */
export type LidarScene = Camelize<LidarSceneWire>;

/**
 * The codec of a lidar scene payload.
 *
 * @example
 * ```ts
 * import { LidarScene } from "@nucleus/schemas";
 *
 * LidarScene.encode({
 *   referenceId: "scene_1",
 *   frames: [{ lidar: { url: "s3://b/0.json", type: "pointcloud", referenceId: "scene_1/0" } }],
 * });
 * ```
 */
export const LidarScene = createCodec(LidarSceneSchema);

/**
 * A video scene: either a `video_url` (an MP4, no frames) or `frames` of images with a
 * `frame_rate` of at least 1.
 */
export const VideoSceneSchema = z
  .object({
    reference_id: z.string().min(1),
    frame_rate: z.int().min(1).optional(),
    video_url: z.string().min(1).optional(),
    frames: z.array(SceneFrameItemSchema).optional(),
    metadata: MetadataSchema.optional(),
    upload_to_scale: z.boolean().optional(),
    tracks: z.array(TrackSchema).optional(),
  })
  .superRefine((scene, ctx) => {
    const hasFrames = (scene.frames?.length ?? 0) > 0;
    if (!hasFrames && scene.video_url === undefined) {
      ctx.addIssue({ code: "custom", path: ["frames"], message: "or video_url is required" });
    }
    if (hasFrames && scene.frame_rate === undefined) {
      ctx.addIssue({ code: "custom", path: ["frame_rate"], message: "is required with frames" });
    }
  });
/** A video scene, wire form. */
export type VideoSceneWire = z.output<typeof VideoSceneSchema>;
/** A video scene. */
export type VideoScene = Camelize<VideoSceneWire>;

/**
 * The codec of a video scene payload.
 *
 * @example
 * ```ts
 * import { VideoScene } from "@nucleus/schemas";
 *
 * VideoScene.encode({ referenceId: "clip_1", videoUrl: "s3://b/clip.mp4" });
 * ```
 */
export const VideoScene = createCodec(VideoSceneSchema);
