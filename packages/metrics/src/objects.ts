import { evaluateCoco } from "./coco/evaluate.js";
import { COCO_IOU_THRESHOLDS } from "./coco/params.js";
import type { CocoAnnotation, CocoDetection } from "./coco/types.js";
import type { Box } from "./geometry/box.js";
import type { MatchObject } from "./match.js";

/** Box objects of some items as COCO ground truth and results, with labels as category ids 1..n. */
export interface CocoFromObjects {
  groundTruth: {
    images: { id: number }[];
    categories: { id: number; name: string }[];
    annotations: CocoAnnotation[];
  };
  detections: CocoDetection[];
  /** The labels, sorted; label `labels[i]` is category `i + 1`. */
  labels: string[];
}

/**
 * Turns box objects into COCO input: one image per item id (in the order given), one category per
 * label (sorted), areas from the boxes, no crowd regions. Objects without a box are left out.
 *
 * @example
 * ```ts
 * import { cocoFromObjects } from "@nucleus/metrics";
 *
 * const { groundTruth, detections } = cocoFromObjects(
 *   ["img_1"],
 *   [{ id: "gt", itemId: "img_1", label: "car", box: [0, 0, 10, 10] }],
 *   [{ id: "p", itemId: "img_1", label: "car", box: [1, 1, 10, 10], score: 0.9 }],
 * );
 * ```
 */
export function cocoFromObjects(
  itemIds: readonly (string | number)[],
  groundTruth: readonly MatchObject[],
  predictions: readonly MatchObject[],
): CocoFromObjects {
  const labels = [
    ...new Set([...groundTruth, ...predictions].filter((o) => o.box).map((o) => o.label)),
  ].sort();
  const labelId = new Map(labels.map((label, i) => [label, i + 1]));
  const imageId = new Map(itemIds.map((id, i) => [String(id), i + 1]));
  const annotations: CocoAnnotation[] = [];
  for (const g of groundTruth) {
    if (!g.box) continue;
    annotations.push({
      id: annotations.length + 1,
      image_id: imageId.get(String(g.itemId)) as number,
      category_id: labelId.get(g.label) as number,
      bbox: [...g.box],
      area: g.box[2] * g.box[3],
      iscrowd: 0,
    });
  }
  const detections: CocoDetection[] = predictions
    .filter((p) => p.box)
    .map((p) => ({
      image_id: imageId.get(String(p.itemId)) as number,
      category_id: labelId.get(p.label) as number,
      bbox: [...(p.box as Box)],
      score: p.score ?? 1,
    }));
  return {
    groundTruth: {
      images: itemIds.map((_, i) => ({ id: i + 1 })),
      categories: labels.map((name, i) => ({ id: i + 1, name })),
      annotations,
    },
    detections,
    labels,
  };
}

/** COCO box metrics of a set of items, overall and per class. AP is -1 where undefined. */
export interface BoxEvaluation {
  /** pycocotools' 12 summary numbers. */
  stats: number[];
  map: number;
  map50: number;
  map75: number;
  apBySize: { small: number; medium: number; large: number };
  ar100: number;
  iouThresholds: number[];
  perClass: { label: string; ap: number; ap50: number; ap75: number; ar100: number; apByIou: number[] }[];
  counts: { items: number; groundTruth: number; predictions: number };
}

/**
 * Evaluates box predictions against box ground truth on the given items, as pycocotools does
 * (`useCats` unless `classAgnostic`). The server evaluates a committed run with it, and tools
 * evaluate any subset of items the same way.
 *
 * @example
 * ```ts
 * import { evaluateBoxes } from "@nucleus/metrics";
 *
 * const result = evaluateBoxes(
 *   ["img_1"],
 *   [{ id: "gt", itemId: "img_1", label: "car", box: [0, 0, 10, 10] }],
 *   [{ id: "p", itemId: "img_1", label: "car", box: [0, 0, 10, 10], score: 0.9 }],
 * );
 * console.log(result.map50); // 1
 * ```
 */
export function evaluateBoxes(
  itemIds: readonly (string | number)[],
  groundTruth: readonly MatchObject[],
  predictions: readonly MatchObject[],
  options: { classAgnostic?: boolean } = {},
): BoxEvaluation {
  const { groundTruth: gt, detections, labels } = cocoFromObjects(itemIds, groundTruth, predictions);
  const coco = evaluateCoco(gt, detections, { useCats: !options.classAgnostic });
  const stats = coco.stats;
  return {
    stats,
    map: stats[0] as number,
    map50: stats[1] as number,
    map75: stats[2] as number,
    apBySize: { small: stats[3] as number, medium: stats[4] as number, large: stats[5] as number },
    ar100: stats[8] as number,
    iouThresholds: [...COCO_IOU_THRESHOLDS],
    perClass: labels.flatMap((label, i) => {
      const result = coco.perCategory[i + 1];
      return result
        ? [
            {
              label,
              ap: result.ap,
              ap50: result.ap50,
              ap75: result.ap75,
              ar100: result.ar100,
              apByIou: result.apByIou,
            },
          ]
        : [];
    }),
    counts: { items: itemIds.length, groundTruth: gt.annotations.length, predictions: detections.length },
  };
}
