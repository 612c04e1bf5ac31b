import * as z from "zod";
import type { Camelize } from "./case.js";

/** A 2D point in pixels: `x` to the right, `y` down, from the image's top-left corner. */
export const PointSchema = z.object({ x: z.number(), y: z.number() });
/** A 2D point in pixels (see {@link PointSchema}). */
export type Point = z.output<typeof PointSchema>;

/** A 3D point or vector, in the point cloud's world frame. */
export const Point3DSchema = z.object({ x: z.number(), y: z.number(), z: z.number() });
/** A 3D point or vector (see {@link Point3DSchema}). */
export type Point3D = z.output<typeof Point3DSchema>;

/** A rotation as a unit quaternion, Hamilton convention. */
export const QuaternionSchema = z.object({ x: z.number(), y: z.number(), z: z.number(), w: z.number() });
/** A rotation as a quaternion (see {@link QuaternionSchema}). */
export type Quaternion = z.output<typeof QuaternionSchema>;

/** A lidar return: a 3D point with an optional intensity `i`. */
export const LidarPointSchema = Point3DSchema.extend({ i: z.number().optional() });
/** A lidar return (see {@link LidarPointSchema}). */
export type LidarPoint = z.output<typeof LidarPointSchema>;

/**
 * One keypoint. An invisible keypoint may have `null` coordinates; a visible one may not (checked
 * by the keypoints geometry).
 */
export const KeypointSchema = z.object({
  x: z.number().nullable(),
  y: z.number().nullable(),
  visible: z.boolean(),
});
/** One keypoint (see {@link KeypointSchema}). */
export type Keypoint = z.output<typeof KeypointSchema>;

/**
 * Camera intrinsics and pose of a camera image in a scene, kept under `metadata.camera_params`
 * (and at the top of scene frame items). Distortion terms are optional.
 */
export const CameraParamsSchema = z.object({
  position: Point3DSchema,
  heading: QuaternionSchema,
  fx: z.number(),
  fy: z.number(),
  cx: z.number(),
  cy: z.number(),
  camera_model: z.enum(["brown_conrady", "fisheye"]).optional(),
  k1: z.number().optional(),
  k2: z.number().optional(),
  k3: z.number().optional(),
  k4: z.number().optional(),
  p1: z.number().optional(),
  p2: z.number().optional(),
});
/** Camera parameters on the wire. */
export type CameraParamsWire = z.output<typeof CameraParamsSchema>;
/** Camera parameters (see {@link CameraParamsSchema}). */
export type CameraParams = Camelize<CameraParamsWire>;
