/**
 * Small constructors for the common objects, with flat fields: `box({ referenceId, label, x, y,
 * width, height })` instead of nesting the geometry. They return the plain typed objects every
 * upload method takes.
 */
import type {
  BoxPrediction,
  CategoryPrediction,
  CuboidPrediction,
  DatasetItem,
  KeypointsPrediction,
  LinePrediction,
  Metadata,
  PolygonPrediction,
  SegmentationAnnotation,
} from "@nucleus/schemas";

/** Fields every annotation and prediction builder accepts. */
export interface LabelFields {
  referenceId: string;
  label: string;
  annotationId?: string;
  metadata?: Metadata;
  trackReferenceId?: string;
  /** Makes the object a prediction: a score in [0, 1]. */
  confidence?: number;
  /** A prediction's distribution over labels. */
  classPdf?: Record<string, number>;
}

function common({
  referenceId,
  label,
  annotationId,
  metadata,
  trackReferenceId,
  confidence,
  classPdf,
}: LabelFields) {
  return {
    referenceId,
    label,
    ...(annotationId !== undefined ? { annotationId } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(trackReferenceId !== undefined ? { trackReferenceId } : {}),
    ...(confidence !== undefined ? { confidence } : {}),
    ...(classPdf !== undefined ? { classPdf } : {}),
  };
}

/**
 * A box: `x, y` is the top-left corner, in pixels. With `confidence` it is a prediction.
 *
 * @example
 * ```ts
 * await dataset.annotate([box({ referenceId: "img_1", label: "car", x: 10, y: 20, width: 30, height: 40 })]);
 * ```
 */
export function box(
  fields: LabelFields & { x: number; y: number; width: number; height: number; embeddingVector?: number[] },
): BoxPrediction {
  const { x, y, width, height, embeddingVector } = fields;
  return {
    type: "box",
    ...common(fields),
    geometry: { x, y, width, height },
    ...(embeddingVector ? { embeddingVector } : {}),
  };
}

/**
 * A polygon from `[x, y]` pairs, optionally with an object vector (`embeddingVector`).
 *
 * @example
 * ```ts
 * polygon({ referenceId: "img_1", label: "road", vertices: [[0, 50], [60, 50], [60, 60]] });
 * ```
 */
export function polygon(
  fields: LabelFields & { vertices: readonly (readonly [number, number])[]; embeddingVector?: number[] },
): PolygonPrediction {
  return {
    type: "polygon",
    ...common(fields),
    geometry: { vertices: fields.vertices.map(([x, y]) => ({ x, y })) },
    ...(fields.embeddingVector ? { embeddingVector: fields.embeddingVector } : {}),
  };
}

/**
 * An open polyline from `[x, y]` pairs.
 *
 * @example
 * ```ts
 * line({ referenceId: "img_1", label: "lane", vertices: [[0, 100], [50, 60]] });
 * ```
 */
export function line(
  fields: LabelFields & { vertices: readonly (readonly [number, number])[] },
): LinePrediction {
  return {
    type: "line",
    ...common(fields),
    geometry: { vertices: fields.vertices.map(([x, y]) => ({ x, y })) },
  };
}

/**
 * Named keypoints; `null` coordinates mark an invisible point.
 *
 * @example
 * ```ts
 * keypoints({ referenceId: "img_1", label: "person", points: { head: [10, 5], tail: null }, skeleton: [[0, 1]] });
 * ```
 */
export function keypoints(
  fields: LabelFields & {
    points: Record<string, readonly [number, number] | null>;
    skeleton?: [number, number][];
  },
): KeypointsPrediction {
  const names = Object.keys(fields.points);
  return {
    type: "keypoints",
    ...common(fields),
    geometry: {
      names,
      keypoints: names.map((name) => {
        const point = fields.points[name];
        return point ? { x: point[0], y: point[1], visible: true } : { x: null, y: null, visible: false };
      }),
      skeleton: fields.skeleton ?? null,
    },
  };
}

/**
 * A 3D cuboid on a point cloud: centre, size and yaw in radians.
 *
 * @example
 * ```ts
 * cuboid({ referenceId: "pc_1", label: "car", position: [1, 2, 0], dimensions: [4, 2, 1.5], yaw: 0.3 });
 * ```
 */
export function cuboid(
  fields: LabelFields & {
    position: readonly [number, number, number];
    dimensions: readonly [number, number, number];
    yaw: number;
  },
): CuboidPrediction {
  const [px, py, pz] = fields.position;
  const [dx, dy, dz] = fields.dimensions;
  return {
    type: "cuboid",
    ...common(fields),
    geometry: { position: { x: px, y: py, z: pz }, dimensions: { x: dx, y: dy, z: dz }, yaw: fields.yaw },
  };
}

/**
 * An item-level class, optionally in a taxonomy.
 *
 * @example
 * ```ts
 * category({ referenceId: "img_1", label: "daytime", taxonomyName: "time_of_day" });
 * ```
 */
export function category(
  fields: Omit<LabelFields, "annotationId"> & { taxonomyName?: string },
): CategoryPrediction {
  const { annotationId: _unused, ...rest } = common(fields);
  return {
    type: "category",
    ...rest,
    ...(fields.taxonomyName !== undefined ? { taxonomyName: fields.taxonomyName } : {}),
  };
}

/**
 * A segmentation mask: a PNG (URL or local path) whose pixel values map to labels.
 *
 * @example
 * ```ts
 * segmentation({ referenceId: "img_1", maskUrl: "./masks/img_1.png", segments: { road: 1, sky: 2 } });
 * ```
 */
export function segmentation(fields: {
  referenceId: string;
  maskUrl: string;
  segments: Record<string, number>;
  annotationId?: string;
}): SegmentationAnnotation {
  return {
    type: "mask",
    referenceId: fields.referenceId,
    maskUrl: fields.maskUrl,
    annotations: Object.entries(fields.segments).map(([label, index]) => ({ label, index })),
    ...(fields.annotationId !== undefined ? { annotationId: fields.annotationId } : {}),
  };
}

/**
 * A dataset item: an image at a URL or a local path.
 *
 * @example
 * ```ts
 * await dataset.append([item("s3://bucket/1.jpg", "img_1", { camera: "front" })]);
 * ```
 */
export function item(imageUrl: string, referenceId: string, metadata?: Metadata): DatasetItem {
  return { imageUrl, referenceId, ...(metadata ? { metadata } : {}) };
}
