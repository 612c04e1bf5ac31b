import * as z from "zod";
import type { Camelize } from "./case.js";
import { createCodec } from "./codec.js";
import { KeypointSchema, Point3DSchema, PointSchema } from "./geometry.js";
import { MetadataSchema } from "./json.js";

const referenceId = z.string().min(1);
const label = z.string();
const embeddingVector = z.array(z.number()).nullish();

/** Fields every geometric annotation and category carries. */
const common = {
  label,
  reference_id: referenceId,
  annotation_id: z.string().min(1).nullish(),
  metadata: MetadataSchema.nullish(),
  track_reference_id: z.string().nullish(),
  task_id: z.string().nullish(),
};

/** What a prediction adds: a score in [0, 1] and, optionally, a label distribution. */
const predictionFields = {
  confidence: z.number().min(0).max(1).nullish(),
  class_pdf: z.record(z.string(), z.number().min(0).max(1)).nullish(),
};

/** Box geometry: `x`, `y` is the top-left corner, in pixels. */
export const BoxGeometrySchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().min(0),
  height: z.number().min(0),
});

/** An axis-aligned 2D box. */
export const BoxAnnotationSchema = z.object({
  ...common,
  type: z.literal("box"),
  geometry: BoxGeometrySchema,
  embedding_vector: embeddingVector,
});

/** An open polyline of at least two vertices. */
export const LineAnnotationSchema = z.object({
  ...common,
  type: z.literal("line"),
  geometry: z.object({ vertices: z.array(PointSchema).min(2) }),
});

/** A closed polygon of at least three vertices. */
export const PolygonAnnotationSchema = z.object({
  ...common,
  type: z.literal("polygon"),
  geometry: z.object({ vertices: z.array(PointSchema).min(3) }),
  embedding_vector: embeddingVector,
});

/**
 * Keypoints geometry: one keypoint per name, names unique, skeleton edges as pairs of keypoint
 * indices; visible keypoints need coordinates.
 */
export const KeypointsGeometrySchema = z
  .object({
    keypoints: z.array(KeypointSchema),
    names: z.array(z.string()),
    skeleton: z.array(z.tuple([z.int().min(0), z.int().min(0)])).nullish(),
  })
  .superRefine((geometry, ctx) => {
    if (geometry.keypoints.length !== geometry.names.length) {
      ctx.addIssue({
        code: "custom",
        path: ["names"],
        message: `must have one name per keypoint (${geometry.keypoints.length} keypoints, ${geometry.names.length} names)`,
      });
    }
    const seen = new Set<string>();
    geometry.names.forEach((name, i) => {
      if (seen.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["names", i],
          message: `repeats the name ${JSON.stringify(name)}`,
        });
      }
      seen.add(name);
    });
    geometry.keypoints.forEach((point, i) => {
      if (point.visible && (point.x === null || point.y === null)) {
        ctx.addIssue({ code: "custom", path: ["keypoints", i], message: "is visible and needs x and y" });
      }
    });
    geometry.skeleton?.forEach((edge, i) => {
      if (edge.some((index) => index >= geometry.keypoints.length)) {
        ctx.addIssue({
          code: "custom",
          path: ["skeleton", i],
          message: `names a keypoint index past the last one (${geometry.keypoints.length - 1})`,
        });
      }
    });
  });

/** A set of named keypoints with an optional skeleton. */
export const KeypointsAnnotationSchema = z.object({
  ...common,
  type: z.literal("keypoints"),
  geometry: KeypointsGeometrySchema,
});

/** Cuboid geometry: centre `position`, size `dimensions` (x length, y width, z height), `yaw` in radians about Z. */
export const CuboidGeometrySchema = z.object({
  position: Point3DSchema,
  dimensions: z.object({ x: z.number().min(0), y: z.number().min(0), z: z.number().min(0) }),
  yaw: z.number(),
});

/** A 3D cuboid on a point cloud item. */
export const CuboidAnnotationSchema = z.object({
  ...common,
  type: z.literal("cuboid"),
  geometry: CuboidGeometrySchema,
});

/** Categories have no geometry: the wire carries `{}`. */
const emptyGeometry = z.object({}).optional();

/**
 * An item-level class. Carries no `annotation_id`: there is one category per (item, taxonomy).
 * A scene category is the same object with a scene's reference id.
 */
export const CategoryAnnotationSchema = z.object({
  label,
  type: z.literal("category"),
  geometry: emptyGeometry,
  reference_id: referenceId,
  taxonomy_name: z.string().nullish(),
  metadata: MetadataSchema.nullish(),
  track_reference_id: z.string().nullish(),
  task_id: z.string().nullish(),
});

/** Several classes of one taxonomy on one item. */
export const MultiCategoryAnnotationSchema = z.object({
  labels: z.array(z.string()).min(1),
  type: z.literal("multicategory"),
  geometry: emptyGeometry,
  reference_id: referenceId,
  taxonomy_name: z.string().nullish(),
  metadata: MetadataSchema.nullish(),
  track_reference_id: z.string().nullish(),
  task_id: z.string().nullish(),
});

/** One segment of a mask: the pixel value `index` stands for `label`. */
export const SegmentSchema = z.object({
  label: z.string(),
  index: z.int().min(0).max(255),
  metadata: MetadataSchema.nullish(),
});

/**
 * A segmentation mask: a PNG at `mask_url` (a URL, or a local path in a multipart upload) whose
 * pixel values are the `index` of each segment. At most one per item.
 */
export const SegmentationAnnotationSchema = z.object({
  type: z.literal("mask"),
  mask_url: z.string().min(1),
  annotations: z.array(SegmentSchema),
  annotation_id: z.string().min(1).nullish(),
  reference_id: referenceId,
});

const KNOWN_TYPES = "box, line, polygon, keypoints, cuboid, category, multicategory, mask";
const unknownType = { error: `must be one of ${KNOWN_TYPES}` };

/** Any ground-truth annotation, told apart by `type`. */
export const AnnotationSchema = z.discriminatedUnion(
  "type",
  [
    BoxAnnotationSchema,
    LineAnnotationSchema,
    PolygonAnnotationSchema,
    KeypointsAnnotationSchema,
    CuboidAnnotationSchema,
    CategoryAnnotationSchema,
    MultiCategoryAnnotationSchema,
    SegmentationAnnotationSchema,
  ],
  unknownType,
);

/** A box prediction: a box with a confidence and an optional class distribution. */
export const BoxPredictionSchema = BoxAnnotationSchema.extend(predictionFields);
/** A line prediction. */
export const LinePredictionSchema = LineAnnotationSchema.extend(predictionFields);
/** A polygon prediction. */
export const PolygonPredictionSchema = PolygonAnnotationSchema.extend(predictionFields);
/** A keypoints prediction. */
export const KeypointsPredictionSchema = KeypointsAnnotationSchema.extend(predictionFields);
/** A cuboid prediction. */
export const CuboidPredictionSchema = CuboidAnnotationSchema.extend(predictionFields);
/** A category prediction (also used for scene categories, which have no `class_pdf` in practice). */
export const CategoryPredictionSchema = CategoryAnnotationSchema.extend(predictionFields);
/** A segmentation prediction: the same wire form as the annotation, with no confidence. */
export const SegmentationPredictionSchema = SegmentationAnnotationSchema;

/** Any prediction, told apart by `type`. There is no multicategory prediction. */
export const PredictionSchema = z.discriminatedUnion(
  "type",
  [
    BoxPredictionSchema,
    LinePredictionSchema,
    PolygonPredictionSchema,
    KeypointsPredictionSchema,
    CuboidPredictionSchema,
    CategoryPredictionSchema,
    SegmentationPredictionSchema,
  ],
  { error: "must be one of box, line, polygon, keypoints, cuboid, category, mask" },
);

/** Every annotation `type` value on the wire. */
export type AnnotationType = z.output<typeof AnnotationSchema>["type"];

/** Box annotation, wire form. */
export type BoxAnnotationWire = z.output<typeof BoxAnnotationSchema>;
/** Line annotation, wire form. */
export type LineAnnotationWire = z.output<typeof LineAnnotationSchema>;
/** Polygon annotation, wire form. */
export type PolygonAnnotationWire = z.output<typeof PolygonAnnotationSchema>;
/** Keypoints annotation, wire form. */
export type KeypointsAnnotationWire = z.output<typeof KeypointsAnnotationSchema>;
/** Cuboid annotation, wire form. */
export type CuboidAnnotationWire = z.output<typeof CuboidAnnotationSchema>;
/** Category annotation, wire form. */
export type CategoryAnnotationWire = z.output<typeof CategoryAnnotationSchema>;
/** Multi-category annotation, wire form. */
export type MultiCategoryAnnotationWire = z.output<typeof MultiCategoryAnnotationSchema>;
/** Segmentation annotation, wire form. */
export type SegmentationAnnotationWire = z.output<typeof SegmentationAnnotationSchema>;
/** Any annotation, wire form. */
export type AnnotationWire = z.output<typeof AnnotationSchema>;
/** Any prediction, wire form. */
export type PredictionWire = z.output<typeof PredictionSchema>;

/** A box annotation. */
export type BoxAnnotation = Camelize<BoxAnnotationWire>;
/** A line annotation. */
export type LineAnnotation = Camelize<LineAnnotationWire>;
/** A polygon annotation. */
export type PolygonAnnotation = Camelize<PolygonAnnotationWire>;
/** A keypoints annotation. */
export type KeypointsAnnotation = Camelize<KeypointsAnnotationWire>;
/** A cuboid annotation. */
export type CuboidAnnotation = Camelize<CuboidAnnotationWire>;
/** A category annotation (or a scene category). */
export type CategoryAnnotation = Camelize<CategoryAnnotationWire>;
/** A multi-category annotation. */
export type MultiCategoryAnnotation = Camelize<MultiCategoryAnnotationWire>;
/** A segmentation annotation. */
export type SegmentationAnnotation = Camelize<SegmentationAnnotationWire>;
/** One segment of a mask. */
export type Segment = z.output<typeof SegmentSchema>;

/** A box prediction. */
export type BoxPrediction = Camelize<z.output<typeof BoxPredictionSchema>>;
/** A line prediction. */
export type LinePrediction = Camelize<z.output<typeof LinePredictionSchema>>;
/** A polygon prediction. */
export type PolygonPrediction = Camelize<z.output<typeof PolygonPredictionSchema>>;
/** A keypoints prediction. */
export type KeypointsPrediction = Camelize<z.output<typeof KeypointsPredictionSchema>>;
/** A cuboid prediction. */
export type CuboidPrediction = Camelize<z.output<typeof CuboidPredictionSchema>>;
/** A category prediction. */
export type CategoryPrediction = Camelize<z.output<typeof CategoryPredictionSchema>>;
/** A segmentation prediction. */
export type SegmentationPrediction = SegmentationAnnotation;

/**
 * Any ground-truth annotation, camelCase. Convert it with the `Annotation` codec's `toWire` and
 * `fromWire`.
 */
export type Annotation = Camelize<AnnotationWire>;

/**
 * The codec of every annotation payload (the entries of `annotations` and `segmentations` in an
 * annotate request, and the lines of an annotation NDJSON upload).
 *
 * @example
 * ```ts
 * import { Annotation } from "@nucleus/schemas";
 *
 * const wire = Annotation.encode({
 *   type: "box",
 *   label: "car",
 *   referenceId: "img_1",
 *   geometry: { x: 10, y: 20, width: 30, height: 40 },
 * });
 * wire.reference_id; // "img_1"
 * ```
 */
export const Annotation = createCodec(AnnotationSchema);

/** Any prediction, camelCase. */
export type Prediction = Camelize<PredictionWire>;

/**
 * The codec of every prediction payload.
 *
 * @example
 * ```ts
 * import { Prediction } from "@nucleus/schemas";
 *
 * const wire = Prediction.encode({
 *   type: "box",
 *   label: "car",
 *   referenceId: "img_1",
 *   geometry: { x: 0, y: 0, width: 10, height: 10 },
 *   confidence: 0.9,
 *   classPdf: { car: 0.9, bus: 0.1 },
 * });
 * wire.class_pdf; // { car: 0.9, bus: 0.1 }
 * ```
 */
export const Prediction = createCodec(PredictionSchema);
