import * as z from "zod";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";
import { CameraParamsSchema } from "./geometry.js";
import { MetadataSchema } from "./json.js";

/** A custom embedding for an item: the vector and the index it belongs to. */
export const EmbeddingInfoSchema = z.object({
  index_id: z.string().min(1),
  embedding_vector: z.array(z.number()).min(1),
});

const dimension = z.int().positive();

/**
 * A dataset item as uploaded: an image location (a remote URL, or a local path in a multipart
 * upload) keyed by the user's `reference_id`, unique in its dataset. `update` is only sent on
 * the items of a multipart upload.
 */
export const DatasetItemSchema = z.object({
  image_url: z.string().min(1),
  reference_id: z.string().min(1),
  metadata: MetadataSchema.optional(),
  embedding_info: EmbeddingInfoSchema.optional(),
  width: dimension.optional(),
  height: dimension.optional(),
  update: z.boolean().optional(),
});
/** A dataset item as uploaded, wire form. */
export type DatasetItemWire = z.output<typeof DatasetItemSchema>;
/** A dataset item as uploaded. */
export type DatasetItem = Camelize<DatasetItemWire>;

/**
 * The codec of an uploaded dataset item (`items` of an append request, lines of an item NDJSON).
 *
 * @example
 * ```ts
 * import { DatasetItem } from "@nucleus/schemas";
 *
 * DatasetItem.encode({ imageUrl: "s3://bucket/img_1.jpg", referenceId: "img_1", metadata: { camera: "front" } });
 * // { image_url: "s3://bucket/img_1.jpg", reference_id: "img_1", metadata: { camera: "front" } }
 * ```
 */
export const DatasetItem = createCodec(DatasetItemSchema);

/** An item inside a scene frame: an image or a point cloud at `url`, with camera parameters. */
export const SceneFrameItemSchema = z.object({
  url: z.string().min(1),
  type: z.enum(["image", "pointcloud"]),
  reference_id: z.string().min(1),
  metadata: MetadataSchema.optional(),
  embedding_info: EmbeddingInfoSchema.optional(),
  width: dimension.optional(),
  height: dimension.optional(),
  camera_params: CameraParamsSchema.optional(),
});
/** An item inside a scene frame. */
export type SceneFrameItem = Camelize<z.output<typeof SceneFrameItemSchema>>;

/**
 * A dataset item as the server returns it (`item` of refloc/iloc/loc, `dataset_items`, pages).
 * The image is at `processed_url`, `image_url` or `original_image_url` (first present wins),
 * or a point cloud at `pointcloud_url`. Unknown keys are kept.
 */
export const DatasetItemRecordSchema = z.looseObject({
  id: z.string(),
  reference_id: z.string().optional(),
  ref_id: z.string().optional(),
  image_url: z.string().optional(),
  original_image_url: z.string().optional(),
  processed_url: z.string().optional(),
  pointcloud_url: z.string().optional(),
  metadata: MetadataSchema.nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
  phash: z.string().nullish(),
});
/** A stored dataset item, wire form. */
export type DatasetItemRecordWire = z.output<typeof DatasetItemRecordSchema>;
/** A stored dataset item. */
export type DatasetItemRecord = Camelize<DatasetItemRecordWire>;

/**
 * The codec of a stored dataset item.
 *
 * @example
 * ```ts
 * import { DatasetItemRecord } from "@nucleus/schemas";
 *
 * const item = DatasetItemRecord.decode({ id: "di_1", reference_id: "img_1", original_image_url: "s3://b/1.jpg" });
 * item.referenceId; // "img_1"
 * ```
 */
export const DatasetItemRecord = createCodec(DatasetItemRecordSchema);
