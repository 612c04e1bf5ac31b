/**
 * The one matcher of evaluations: per item, predictions are matched to ground truth as COCO
 * matches them (by descending score, each taking the unmatched ground truth of its class with
 * the best IoU at or above the threshold, regular ground truth before ignored). Each prediction's
 * match row carries the outcome at the chosen threshold (what object queries, charts and examples
 * read) and its COCO outcome at every COCO threshold and size range, so the run's metrics, and
 * those of any subset of items, are accumulated from the stored rows alone.
 */
import {
  type Box,
  boxIouMatrix,
  COCO_AREA_RANGES,
  COCO_IOU_THRESHOLDS,
  type Point,
  polygonIou,
} from "@nucleus/metrics";
import type { MatchRow } from "../store/index.js";

/** A ground-truth annotation or a prediction, as the matcher reads it. */
export interface EvalObject {
  /** The server's id of the stored label. */
  id: string;
  /** The annotation id clients gave. */
  annotationId: string | null;
  label: string;
  shape: "box" | "polygon";
  /** The box, or a polygon's bounding box. */
  box: Box;
  polygon?: readonly Point[];
  /** Confidence, for predictions. */
  score?: number;
}

/** How to match: the threshold of the rows, and which labels may match. */
export interface MatcherOptions {
  iouThreshold: number;
  /** Match regardless of labels (COCO's `useCats = false`). */
  classAgnostic?: boolean;
  /** `[groundTruthLabel, predictionLabel]` pairs that match although the labels differ. */
  allowedLabelMatches?: readonly (readonly [string, string])[];
}

/** COCO's detections per image and class: predictions ranked past it are not evaluated. */
export const MAX_DETECTIONS = 100;

/** Bits of the ten COCO thresholds in an outcome; ignored bits sit 10 higher. */
const IGNORED_SHIFT = 10;

const areaOf = (o: EvalObject) => o.box[2] * o.box[3];
const scoreOf = (o: EvalObject) => o.score ?? 1;

/** The IoU of every prediction with every ground truth of one shape, `ious[p * G + g]`. */
function iouMatrix(preds: readonly EvalObject[], gts: readonly EvalObject[]): Float64Array {
  if (preds[0]?.shape === "polygon" || gts[0]?.shape === "polygon") {
    const out = new Float64Array(preds.length * gts.length);
    preds.forEach((p, i) => {
      gts.forEach((g, j) => {
        out[i * gts.length + j] = p.polygon && g.polygon ? polygonIou(p.polygon, g.polygon) : 0;
      });
    });
    return out;
  }
  return boxIouMatrix(
    Float64Array.from(preds.flatMap((p) => [...p.box])),
    Float64Array.from(gts.flatMap((g) => [...g.box])),
  );
}

/**
 * COCO's greedy matching of one group at one threshold: `order` lists predictions by score,
 * `gtOrder` the ground truth with regular before ignored; returns, per prediction, the matched
 * ground truth (index into the group) or -1.
 */
function greedy(
  order: readonly number[],
  gtOrder: readonly number[],
  ignored: (g: number) => boolean,
  iou: (p: number, g: number) => number,
  threshold: number,
  allowed: (p: number, g: number) => boolean,
): Map<number, number> {
  const matched = new Set<number>();
  const result = new Map<number, number>();
  const limit = Math.min(threshold, 1 - 1e-10);
  for (const p of order) {
    let best = limit;
    let m = -1;
    for (const g of gtOrder) {
      if (matched.has(g) || !allowed(p, g)) continue;
      if (m > -1 && !ignored(m) && ignored(g)) break;
      const value = iou(p, g);
      if (value < best) continue;
      best = value;
      m = g;
    }
    if (m > -1) matched.add(m);
    result.set(p, m);
  }
  return result;
}

/** Indices sorted by descending score, ties in input order (numpy's mergesort). */
function byScore(preds: readonly EvalObject[], indices: readonly number[]): number[] {
  return [...indices].sort((a, b) => scoreOf(preds[b] as EvalObject) - scoreOf(preds[a] as EvalObject));
}

/** Objects in label order (code units, as `Array.prototype.sort`), each label's in input order. */
function byLabel(objects: readonly EvalObject[]): EvalObject[] {
  return [...objects].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** Matches one item's objects of one shape; rows of predictions (by score), then missed ground truth. */
function matchShape(
  gts: readonly EvalObject[],
  preds: readonly EvalObject[],
  options: MatcherOptions,
): { predRows: Map<number, MatchRow>; gtRows: MatchRow[] } {
  const G = gts.length;
  const ious = iouMatrix(preds, gts);
  const iou = (p: number, g: number) => ious[p * G + g] as number;
  const allowedPairs = new Set((options.allowedLabelMatches ?? []).map(([g, p]) => `${g}\u0000${p}`));
  const sameClass = (p: number, g: number) => {
    const pl = (preds[p] as EvalObject).label;
    const gl = (gts[g] as EvalObject).label;
    return options.classAgnostic || pl === gl || allowedPairs.has(`${gl}\u0000${pl}`);
  };
  const any = () => true;
  const allPreds = byScore(
    preds,
    preds.map((_, i) => i),
  );
  const allGts = gts.map((_, j) => j);

  // The rows' own matching, at the chosen threshold, and the label-blind one of the confusion matrix.
  const primary = greedy(allPreds, allGts, () => false, iou, options.iouThreshold, sameClass);
  const agnostic = greedy(allPreds, allGts, () => false, iou, options.iouThreshold, any);

  // COCO outcomes: classes evaluated apart (unless agnostic or with label pairs), top 100 each.
  const coco = new Map<number, [number, number, number, number]>();
  const rank = new Map<number, number>();
  if (preds[0]?.shape !== "polygon" && gts[0]?.shape !== "polygon") {
    const pooled = options.classAgnostic || allowedPairs.size > 0;
    const groups = new Map<string, { preds: number[]; gts: number[] }>();
    const group = (label: string) => {
      const key = pooled ? "" : label;
      let entry = groups.get(key);
      if (!entry) {
        entry = { preds: [], gts: [] };
        groups.set(key, entry);
      }
      return entry;
    };
    for (const p of allPreds) group((preds[p] as EvalObject).label).preds.push(p);
    for (const g of allGts) group((gts[g] as EvalObject).label).gts.push(g);
    for (const { preds: members, gts: truths } of groups.values()) {
      members.forEach((p, r) => {
        rank.set(p, r);
      });
      const evaluated = members.slice(0, MAX_DETECTIONS);
      const outcomes = evaluated.map(() => [0, 0, 0, 0] as [number, number, number, number]);
      COCO_AREA_RANGES.forEach(([lo, hi], a) => {
        const outside = (o: EvalObject) => areaOf(o) < lo || areaOf(o) > hi;
        const ignored = (g: number) => outside(gts[g] as EvalObject);
        // Regular ground truth first, each side in input order.
        const gtOrder = [...truths.filter((g) => !ignored(g)), ...truths.filter((g) => ignored(g))];
        COCO_IOU_THRESHOLDS.forEach((threshold, t) => {
          const matches = greedy(evaluated, gtOrder, ignored, iou, threshold, sameClass);
          evaluated.forEach((p, i) => {
            const m = matches.get(p) ?? -1;
            const outcome = outcomes[i] as [number, number, number, number];
            const bit =
              m > -1
                ? ignored(m)
                  ? 1 << (t + IGNORED_SHIFT)
                  : 1 << t
                : outside(preds[p] as EvalObject)
                  ? 1 << (t + IGNORED_SHIFT)
                  : 0;
            outcome[a] = (outcome[a] as number) | bit;
          });
        });
      });
      evaluated.forEach((p, i) => {
        coco.set(p, outcomes[i] as [number, number, number, number]);
      });
    }
  }

  const agnosticGts = new Set([...agnostic.values()].filter((g) => g > -1));
  const matchedGts = new Set<number>();
  const predRows = new Map<number, MatchRow>();
  for (const p of allPreds) {
    const pred = preds[p] as EvalObject;
    const m = primary.get(p) ?? -1;
    const a = agnostic.get(p) ?? -1;
    let best = 0;
    for (let g = 0; g < G; g += 1) best = Math.max(best, iou(p, g));
    const gt = m > -1 ? (gts[m] as EvalObject) : undefined;
    if (gt) matchedGts.add(m);
    predRows.set(p, {
      matchType: gt ? "TP" : "FP",
      shape: pred.shape,
      predictionId: pred.id,
      annotationId: gt?.id ?? null,
      predAnnotationId: pred.annotationId,
      gtAnnotationId: gt?.annotationId ?? null,
      predLabel: pred.label,
      gtLabel: gt?.label ?? null,
      iou: gt ? iou(p, m) : best,
      score: pred.score ?? null,
      box: [...pred.box] as [number, number, number, number],
      area: areaOf(pred),
      gtArea: gt ? areaOf(gt) : null,
      rank: rank.get(p) ?? null,
      coco: rank.has(p) ? (coco.get(p) ?? [0, 0, 0, 0]) : null,
      agnosticLabel: a > -1 ? (gts[a] as EvalObject).label : null,
      // A true positive's ground truth: matched regardless of labels when some prediction took it.
      agnosticMatched: gt ? agnosticGts.has(m) : null,
    });
  }
  const gtRows: MatchRow[] = [];
  gts.forEach((gt, g) => {
    if (matchedGts.has(g)) return;
    let best = 0;
    for (let p = 0; p < preds.length; p += 1) best = Math.max(best, iou(p, g));
    gtRows.push({
      matchType: "FN",
      shape: gt.shape,
      predictionId: null,
      annotationId: gt.id,
      predAnnotationId: null,
      gtAnnotationId: gt.annotationId,
      predLabel: null,
      gtLabel: gt.label,
      iou: best,
      score: null,
      box: [...gt.box] as [number, number, number, number],
      area: areaOf(gt),
      gtArea: areaOf(gt),
      rank: null,
      coco: null,
      agnosticLabel: null,
      agnosticMatched: agnosticGts.has(g),
    });
  });
  return { predRows, gtRows };
}

/**
 * The match rows of one item: every prediction (TP or FP, by descending score), then every
 * missed ground truth (FN). Boxes are matched with boxes and polygons with polygons; only boxes
 * carry COCO outcomes (the metrics are COCO's box metrics).
 *
 * @example
 * ```ts
 * const rows = matchItem(
 *   [{ id: "ann_1", annotationId: "a", label: "car", shape: "box", box: [0, 0, 10, 10] }],
 *   [{ id: "pred_1", annotationId: "p", label: "car", shape: "box", box: [1, 0, 10, 10], score: 0.9 }],
 *   { iouThreshold: 0.5 },
 * );
 * rows[0]?.matchType; // "TP"
 * ```
 */
export function matchItem(
  unsortedGts: readonly EvalObject[],
  unsortedPreds: readonly EvalObject[],
  options: MatcherOptions,
): MatchRow[] {
  // COCO lists an image's objects class by class (classes in label order): pooled classes
  // (class-agnostic) break score ties that way, so both sides are put in that order first.
  const gts = byLabel(unsortedGts);
  const preds = byLabel(unsortedPreds);
  const shapes: ("box" | "polygon")[] = ["box", "polygon"];
  const predRows: { p: EvalObject; row: MatchRow }[] = [];
  const gtRows: MatchRow[] = [];
  for (const shape of shapes) {
    const g = gts.filter((o) => o.shape === shape);
    const p = preds.filter((o) => o.shape === shape);
    if (g.length === 0 && p.length === 0) continue;
    const matched = matchShape(g, p, options);
    for (const [index, row] of matched.predRows) predRows.push({ p: p[index] as EvalObject, row });
    gtRows.push(...matched.gtRows);
  }
  // One order for the item: predictions by score (ties in input order), then missed ground truth.
  const order = new Map(preds.map((p, i) => [p, i]));
  predRows.sort(
    (a, b) => scoreOf(b.p) - scoreOf(a.p) || (order.get(a.p) as number) - (order.get(b.p) as number),
  );
  return [...predRows.map((entry) => entry.row), ...gtRows];
}
