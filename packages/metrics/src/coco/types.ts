/** An image of a COCO ground truth. `width` and `height` are needed to rasterise polygons (segm). */
export interface CocoImage {
  id: number;
  width?: number;
  height?: number;
  [key: string]: unknown;
}

/** A category of a COCO ground truth. */
export interface CocoCategory {
  id: number;
  name?: string;
  [key: string]: unknown;
}

/** A COCO RLE mask: counts as an array, or as COCO's compressed string. */
export interface CocoRle {
  size: [number, number];
  counts: number[] | string;
}

/** A COCO segmentation: polygons (`[[x1, y1, x2, y2, ...], ...]`) or an RLE. */
export type CocoSegmentation = number[][] | CocoRle;

/**
 * A ground-truth object. `area` decides its size range (not the box); `iscrowd` marks a crowd
 * region (missing means 0, as in pycocotools).
 */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox?: number[];
  area?: number;
  iscrowd?: number | boolean;
  segmentation?: CocoSegmentation;
  [key: string]: unknown;
}

/** A COCO ground truth: images, categories and annotations. */
export interface CocoGroundTruth {
  images: CocoImage[];
  categories: CocoCategory[];
  annotations: CocoAnnotation[];
}

/** One detection of a COCO results file. */
export interface CocoDetection {
  image_id: number;
  category_id: number;
  score: number;
  bbox?: number[];
  segmentation?: CocoSegmentation;
  [key: string]: unknown;
}

/** Options of {@link evaluateCoco}; every one defaults to COCO's own. */
export interface CocoEvaluateOptions {
  /** Compare boxes (`bbox`, default) or masks (`segm`). */
  iouType?: "bbox" | "segm";
  /** IoU thresholds. Default: 0.50:0.05:0.95 as numpy builds them. */
  iouThresholds?: readonly number[];
  /** Recall thresholds. Default: 0:0.01:1 as numpy builds them. */
  recallThresholds?: readonly number[];
  /** Detections per image, ascending. Default [1, 10, 100]. */
  maxDets?: readonly number[];
  /** Area ranges `[min, max]` (inclusive); the first is "all". Default: COCO's all, small, medium, large. */
  areaRanges?: readonly (readonly [number, number])[];
  /** Match detections to ground truth of any category. Default true (per category). */
  useCats?: boolean;
  /** Evaluate only these images. Default: every image of the ground truth. */
  imageIds?: readonly number[];
  /** Evaluate only these categories. Default: every category of the ground truth. */
  categoryIds?: readonly number[];
  /**
   * true (default): the 12 stats exactly as pycocotools computes them, which reads AP at
   * maxDets 100 (stats[0]) and at `maxDets[2]` (the rest) whatever maxDets you give. false:
   * use the last of your maxDets everywhere.
   */
  strict?: boolean;
}

/** One category's results. */
export interface CocoCategoryResult {
  /** AP@[.50:.95] (stats[0] of this category alone). */
  ap: number;
  /** AP@.50. */
  ap50: number;
  /** AP@.75. */
  ap75: number;
  /** AR@100. */
  ar100: number;
  /** The 12 summary stats of this category alone. */
  stats: number[];
  /** Mean precision at each IoU threshold (area all, maxDets 100). */
  apByIou: number[];
  /** Recall at each IoU threshold (area all, maxDets 100). */
  arByIou: number[];
}

/** A dense array with its dimensions, in C order (last dimension fastest). */
export interface Tensor {
  data: Float64Array;
  /** Sizes of the dimensions. */
  shape: number[];
}

/** What {@link evaluateCoco} returns. */
export interface CocoEvaluation {
  /**
   * The 12 numbers of pycocotools' summary: AP@[.50:.95], AP@.50, AP@.75, AP small, medium,
   * large, AR@1, AR@10, AR@100, AR small, medium, large. -1 where there is no ground truth.
   */
  stats: number[];
  /** Per category id. */
  perCategory: Record<number, CocoCategoryResult>;
  /** Precision `[T, R, K, A, M]` (IoU thresholds, recall thresholds, categories, areas, maxDets), -1 where undefined. */
  precision: Tensor;
  /** Recall `[T, K, A, M]`. */
  recall: Tensor;
  /** The score at each precision point, `[T, R, K, A, M]`. */
  scores: Tensor;
  /** The parameters used, ids sorted as pycocotools sorts them. */
  params: {
    iouThresholds: number[];
    recallThresholds: number[];
    maxDets: number[];
    areaRanges: [number, number][];
    imageIds: number[];
    categoryIds: number[];
    useCats: boolean;
    iouType: "bbox" | "segm";
  };
  /** Inputs that pycocotools would treat differently or silently, explained. */
  warnings: string[];
}
