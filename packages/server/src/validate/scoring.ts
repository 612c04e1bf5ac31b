/**
 * How the standard evaluation functions score one item and aggregate items, on the geometry and
 * classification metrics of `@nucleus/metrics`: predictions are matched to annotations per item
 * by the assignment that maximises total IoU (as the official metrics module does), each item
 * gives a value and a weight, and a test's result is the weighted mean of its items (`cat_f1`
 * pools every item's label pairs instead).
 */
import {
  type Box,
  boxIou,
  boxToPolygon,
  type Cuboid,
  categorizationMetrics,
  cuboidBevIou,
  cuboidIou,
  MISSING,
  type Point,
  polygonIou,
} from "@nucleus/metrics";
import { maskSourceOf } from "../media/masks.js";
import { applyFilters, type FilterExpression, parseFilters } from "./filters.js";
import type { StandardFunction } from "./functions.js";
import { maximumAssignment } from "./hungarian.js";
import {
  comparePixels,
  type DecodedMask,
  type LabelRaster,
  maskMetric,
  rasterOfMask,
  rasterOfShapes,
} from "./masks.js";

/** A label as stored (wire form). */
export type Label = Record<string, unknown>;

/** One item's score: null when the item has nothing this function measures. */
export interface ItemScore {
  value: number | null;
  weight: number;
}

/** Scores items one at a time, then gives the aggregate. */
export interface Scorer {
  item(annotations: readonly Label[], predictions: readonly Label[]): ItemScore;
  /** The result over every item scored: null when no item had anything to measure. */
  total(): number | null;
}

/** Arguments of a function that cannot be used: which one and why. */
export class EvalArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvalArgumentError";
  }
}

const EPSILON = 2.220446049250313e-16;

function unitNumber(args: Record<string, unknown>, key: string, fallback: number): number {
  const value = args[key] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new EvalArgumentError(`${key} must be a number in [0, 1], got ${JSON.stringify(value)}`);
  }
  return value;
}

function flag(args: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = args[key] ?? fallback;
  if (typeof value !== "boolean") throw new EvalArgumentError(`${key} must be true or false`);
  return value;
}

/** The arguments of a function as it runs: the caller's over the function's defaults, checked. */
export interface Settings {
  iouThreshold: number;
  confidenceThreshold: number;
  enforceLabelMatch: boolean;
  iou2d: boolean;
  f1Method: "macro" | "micro" | "weighted";
  annotationFilters: FilterExpression;
  predictionFilters: FilterExpression;
}

/**
 * Reads a function's arguments (throws {@link EvalArgumentError} naming the argument); keys it
 * does not know are kept on the test and ignored here, as the official client passes `**kwargs`.
 */
export function settingsOf(fn: StandardFunction, given: Record<string, unknown>): Settings {
  const args = { ...fn.defaults, ...given };
  const method = args.f1_method ?? "macro";
  if (method !== "macro" && method !== "micro" && method !== "weighted") {
    throw new EvalArgumentError(`f1_method must be macro, micro or weighted, got ${JSON.stringify(method)}`);
  }
  return {
    iouThreshold: unitNumber(args, "iou_threshold", 0.5),
    confidenceThreshold: unitNumber(args, "confidence_threshold", 0),
    enforceLabelMatch: flag(args, "enforce_label_match", false),
    iou2d: flag(args, "iou_2d", false),
    f1Method: method,
    annotationFilters: parseFilters(args.annotation_filters, "annotation_filters"),
    predictionFilters: parseFilters(args.prediction_filters, "prediction_filters"),
  };
}

const geometryOf = (label: Label) => (label.geometry ?? {}) as Record<string, unknown>;

function boxOf(label: Label): Box {
  const g = geometryOf(label);
  return [Number(g.x), Number(g.y), Number(g.width), Number(g.height)];
}

function polygonOf(label: Label): Point[] {
  if (label.type === "box") return boxToPolygon(boxOf(label));
  const vertices = (geometryOf(label).vertices ?? []) as { x: number; y: number }[];
  return vertices.map((v) => [v.x, v.y] as Point);
}

function shapeIou(a: Label, b: Label): number {
  if (a.type === "box" && b.type === "box") return boxIou(boxOf(a), boxOf(b));
  return polygonIou(polygonOf(a), polygonOf(b));
}

function cuboidOf(label: Label): Cuboid {
  const g = geometryOf(label) as unknown as Cuboid;
  return { position: g.position, dimensions: g.dimensions, yaw: Number(g.yaw ?? 0) };
}

/** Predictions matched one-to-one to annotations: the IoU of each kept pair. */
function matchedIous(
  annotations: readonly Label[],
  predictions: readonly Label[],
  threshold: number,
): number[] {
  const matrix = predictions.map((p) =>
    annotations.map((a) => {
      const iou = shapeIou(p, a);
      return iou < threshold ? 0 : iou;
    }),
  );
  return maximumAssignment(matrix)
    .map(([p, a]) => (matrix[p] as number[])[a] as number)
    .filter((iou) => iou >= threshold);
}

/** Splits labels by label name, for functions that enforce label matches. */
function byLabel(annotations: readonly Label[], predictions: readonly Label[]) {
  const labels = [...new Set([...annotations, ...predictions].map((l) => String(l.label)))].sort();
  return labels.map((label) => ({
    label,
    annotations: annotations.filter((a) => a.label === label),
    predictions: predictions.filter((p) => p.label === label),
  }));
}

/** Weighted mean of scores that have a value and a weight. */
function weightedMean(scores: readonly ItemScore[]): ItemScore {
  let sum = 0;
  let weight = 0;
  for (const s of scores) {
    if (s.value === null || s.weight <= 0) continue;
    sum += s.value * s.weight;
    weight += s.weight;
  }
  return weight > 0 ? { value: sum / Math.max(weight, EPSILON), weight } : { value: null, weight: 0 };
}

type PairScore = (annotations: readonly Label[], predictions: readonly Label[], s: Settings) => ItemScore;

const detectionScores: Record<"iou" | "precision" | "recall", PairScore> = {
  iou: (annotations, predictions, s) => {
    const n = Math.max(annotations.length, predictions.length);
    if (n === 0) return { value: null, weight: 0 };
    const ious = matchedIous(annotations, predictions, s.iouThreshold);
    return { value: ious.reduce((a, b) => a + b, 0) / n, weight: n };
  },
  precision: (annotations, predictions, s) => {
    if (predictions.length === 0) return { value: null, weight: 0 };
    const tp = matchedIous(annotations, predictions, s.iouThreshold).length;
    return { value: tp / predictions.length, weight: predictions.length };
  },
  recall: (annotations, predictions, s) => {
    if (annotations.length === 0) return { value: null, weight: 0 };
    const tp = matchedIous(annotations, predictions, s.iouThreshold).length;
    return { value: tp / annotations.length, weight: annotations.length };
  },
};

/** VOC all-point average precision of one label on one item. */
function averagePrecision(
  annotations: readonly Label[],
  predictions: readonly Label[],
  threshold: number,
): number {
  if (annotations.length === 0 || predictions.length === 0) return 0;
  const confidences = predictions.map((p) => Number(p.confidence ?? 0));
  const order = predictions.map((_, i) => i);
  // Sorted by confidence only when every prediction has one, as the official module does.
  if (confidences.every((c) => c !== 0))
    order.sort((a, b) => (confidences[b] as number) - (confidences[a] as number));
  const matrix = order.map((i) =>
    annotations.map((a) => {
      const iou = shapeIou(predictions[i] as Label, a);
      return iou < threshold ? 0 : iou;
    }),
  );
  const hit = new Array<boolean>(order.length).fill(false);
  for (const [p, a] of maximumAssignment(matrix))
    if (((matrix[p] as number[])[a] as number) >= threshold) hit[p] = true;
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  hit.forEach((h, i) => {
    if (h) tp += 1;
    recall.push(tp / annotations.length);
    precision.push(tp / (i + 1));
  });
  // The precision envelope, then the area under it at each change of recall.
  const r = [0, ...recall, 1];
  const p = [0, ...precision, 0];
  for (let i = p.length - 2; i >= 0; i -= 1) p[i] = Math.max(p[i] as number, p[i + 1] as number);
  let ap = 0;
  for (let i = 1; i < r.length; i += 1) {
    if (r[i] !== r[i - 1]) ap += ((r[i] as number) - (r[i - 1] as number)) * (p[i] as number);
  }
  return ap;
}

/** For each annotation its best prediction, or each prediction its best annotation, at or above the threshold. */
function cuboidBest(from: readonly Label[], to: readonly Label[], s: Settings): number[] {
  const iou = (a: Label, b: Label) =>
    s.iou2d ? cuboidBevIou(cuboidOf(a), cuboidOf(b)) : cuboidIou(cuboidOf(a), cuboidOf(b));
  return from.map((a) => {
    let best = 0;
    for (const b of to) best = Math.max(best, iou(a, b));
    // A pair with no overlap at all is no association, even at threshold 0.
    return best > 0 && best >= s.iouThreshold ? best : -1;
  });
}

const cuboidScores: Record<"cuboid_iou" | "cuboid_precision" | "cuboid_recall", PairScore> = {
  cuboid_iou: (annotations, predictions, s) => {
    const n = Math.max(annotations.length, predictions.length);
    if (n === 0) return { value: null, weight: 0 };
    const best = cuboidBest(annotations, predictions, s).filter((v) => v >= 0);
    return { value: best.reduce((a, b) => a + b, 0) / n, weight: n };
  },
  cuboid_precision: (annotations, predictions, s) => {
    if (predictions.length === 0) return { value: null, weight: 0 };
    const tp = cuboidBest(predictions, annotations, s).filter((v) => v >= 0 && annotations.length > 0).length;
    return { value: tp / predictions.length, weight: predictions.length };
  },
  cuboid_recall: (annotations, predictions, s) => {
    if (annotations.length === 0) return { value: null, weight: 0 };
    const tp = cuboidBest(annotations, predictions, s).filter((v) => v >= 0 && predictions.length > 0).length;
    return { value: tp / annotations.length, weight: annotations.length };
  },
};

/** A label's shape: its type, or `segmentation` for a mask (whatever type its upload named). */
const shapeOf = (label: Label) => (typeof label.mask_url === "string" ? "segmentation" : label.type);

/** Keeps the labels of the types a function reads, its filters and confidence cut applied. */
function inputsOf(
  fn: StandardFunction,
  s: Settings,
  annotations: readonly Label[],
  predictions: readonly Label[],
) {
  const ann = applyFilters(
    annotations.filter((a) => fn.annotations.includes(shapeOf(a) as never)),
    s.annotationFilters,
  );
  let pred = applyFilters(
    predictions.filter((p) => fn.predictions.includes(shapeOf(p) as never)),
    s.predictionFilters,
  );
  if (s.confidenceThreshold > 0)
    pred = pred.filter((p) => Number(p.confidence ?? 0) >= s.confidenceThreshold);
  return { ann, pred };
}

/** The decoded masks of the items being scored, by where they are read (`maskSourceOf`); a mask that could not be read is its error. */
export type MaskLookup = (url: string) => DecodedMask | Error | undefined;

/** A raster of no labels, of a given size. */
const emptyRaster = (of: LabelRaster): LabelRaster => ({
  width: of.width,
  height: of.height,
  labels: [],
  pixels: new Int32Array(of.width * of.height).fill(-1),
});

/**
 * The scorer of a standard function with its arguments; throws {@link EvalArgumentError} for
 * arguments it cannot use. Mask functions read decoded masks from `masks`; a mask that is
 * missing or could not be read makes `item` throw.
 */
export function scorerOf(
  fn: StandardFunction,
  given: Record<string, unknown>,
  masks: MaskLookup = () => undefined,
): Scorer {
  const s = settingsOf(fn, given);
  const scores: ItemScore[] = [];
  const finish = (score: ItemScore) => {
    scores.push(score);
    return score;
  };
  const total = () => weightedMean(scores).value;
  switch (fn.family) {
    case "iou":
    case "precision":
    case "recall":
    case "cuboid_iou":
    case "cuboid_precision":
    case "cuboid_recall": {
      const pair =
        fn.family === "iou" || fn.family === "precision" || fn.family === "recall"
          ? detectionScores[fn.family]
          : cuboidScores[fn.family];
      return {
        item(annotations, predictions) {
          const { ann, pred } = inputsOf(fn, s, annotations, predictions);
          if (!s.enforceLabelMatch) return finish(pair(ann, pred, s));
          return finish(weightedMean(byLabel(ann, pred).map((g) => pair(g.annotations, g.predictions, s))));
        },
        total,
      };
    }
    case "map":
      return {
        item(annotations, predictions) {
          const { ann, pred } = inputsOf(fn, s, annotations, predictions);
          const groups = byLabel(ann, pred);
          if (groups.length === 0) return finish({ value: null, weight: 0 });
          const aps = groups.map((g) => averagePrecision(g.annotations, g.predictions, s.iouThreshold));
          return finish({ value: aps.reduce((a, b) => a + b, 0) / aps.length, weight: 1 });
        },
        total,
      };
    case "cat_f1": {
      const pairs: [string, string][] = [];
      return {
        item(annotations, predictions) {
          const { ann, pred } = inputsOf(fn, s, annotations, predictions);
          if (ann.length === 0 && pred.length === 0) return finish({ value: null, weight: 0 });
          // Labels are compared per taxonomy, as "taxonomy->label".
          const key = (l: Label) => `${String(l.taxonomy_name ?? "")}->${String(l.label)}`;
          const taxonomies = new Set([...ann, ...pred].map((l) => String(l.taxonomy_name ?? "")));
          let correct = 0;
          for (const taxonomy of taxonomies) {
            const g = ann.find((a) => String(a.taxonomy_name ?? "") === taxonomy);
            const p = pred.find((q) => String(q.taxonomy_name ?? "") === taxonomy);
            const pair: [string, string] = [g ? key(g) : MISSING, p ? key(p) : MISSING];
            pairs.push(pair);
            if (pair[0] === pair[1]) correct += 1;
          }
          return finish({ value: correct / taxonomies.size, weight: taxonomies.size });
        },
        total() {
          if (pairs.length === 0) return null;
          const metrics = categorizationMetrics(pairs);
          return s.f1Method === "micro"
            ? metrics.microF1
            : s.f1Method === "weighted"
              ? metrics.weightedF1
              : metrics.macroF1;
        },
      };
    }
    case "mask": {
      const spec = fn.mask as NonNullable<StandardFunction["mask"]>;
      const label = String({ ...fn.defaults, ...given }.label ?? "");
      const rasterOf = (segmentation: Label): LabelRaster => {
        const url = maskSourceOf(segmentation) ?? "";
        const mask = masks(url);
        if (mask instanceof Error) throw mask;
        if (!mask) throw new Error(`mask ${url} was not read`);
        return rasterOfMask(mask, (segmentation.annotations ?? []) as { label: string; index: number }[]);
      };
      return {
        item(annotations, predictions) {
          const { ann, pred } = inputsOf(fn, s, annotations, predictions);
          const predicted = pred[0] ? rasterOf(pred[0]) : undefined;
          let truth: LabelRaster | undefined;
          if (spec.truth === "mask") truth = ann[0] ? rasterOf(ann[0]) : undefined;
          else if (predicted) truth = rasterOfShapes(ann, predicted.width, predicted.height);
          else if (ann.length > 0) {
            // Shapes with no predicted mask: nothing of them was found.
            return finish({
              value: spec.metric === "precision" ? null : 0,
              weight: spec.metric === "precision" ? 0 : 1,
            });
          }
          const size = truth ?? predicted;
          if (!size) return finish({ value: null, weight: 0 });
          const { counts, pixels } = comparePixels(
            truth ?? emptyRaster(size),
            predicted ?? emptyRaster(size),
          );
          const value = maskMetric(spec.metric, counts, { iouThreshold: s.iouThreshold, label });
          return finish({ value, weight: value === null ? 0 : pixels });
        },
        total,
      };
    }
  }
}
