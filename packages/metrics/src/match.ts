import { type Box, boxIouMatrix } from "./geometry/box.js";
import { boxToPolygon, type Point, polygonIou } from "./geometry/polygon.js";

/** An object to match: a box or a polygon, with a label, on one item (image). */
export interface MatchObject {
  /** The object's id, reported back in match rows. */
  id: string | number;
  /** The item (image) it is on; only objects of the same item are matched. */
  itemId: string | number;
  label: string;
  /** `[x, y, width, height]`, top-left corner. */
  box?: Box;
  /** Vertices, when the object is a polygon. */
  polygon?: readonly Point[];
  /** Confidence, for predictions. */
  score?: number;
  /** A crowd region: may absorb many predictions, never a false negative. */
  crowd?: boolean;
}

/** Options of {@link matchDetections}. */
export interface MatchOptions {
  /** A match needs at least this IoU. Default 0.5. */
  iouThreshold?: number;
  /** Ignore labels when matching. Default false. */
  classAgnostic?: boolean;
  /** Pairs `[groundTruthLabel, predictionLabel]` that may match although the labels differ. */
  allowedLabelMatches?: readonly (readonly [string, string])[];
  /** Predictions below this confidence are left out. Default 0. */
  minScore?: number;
}

/** One row of a matching: a true positive pair, a false positive prediction or a missed ground truth. */
export interface MatchRow {
  kind: "TP" | "FP" | "FN";
  itemId: string | number;
  predictionId?: string | number;
  groundTruthId?: string | number;
  predictionLabel?: string;
  groundTruthLabel?: string;
  /** IoU of the pair, or of the best overlapping object for an unmatched one (0 if none). */
  iou: number;
  score?: number;
}

function iouOf(a: MatchObject, b: MatchObject, crowd: boolean): number {
  if (a.box && b.box) return boxIouMatrix(a.box, b.box, crowd ? [1] : undefined)[0] as number;
  const pa = a.polygon ?? (a.box ? boxToPolygon(a.box) : undefined);
  const pb = b.polygon ?? (b.box ? boxToPolygon(b.box) : undefined);
  return pa && pb ? polygonIou(pa, pb) : 0;
}

/**
 * Matches predictions to ground truth the way COCO does, per item: predictions in descending
 * score (ties in input order) each take the unmatched ground truth with the best IoU at or above
 * the threshold. Returns every TP, FP and FN, so a UI can list the examples behind a number.
 *
 * @example
 * ```ts
 * const rows = matchDetections(
 *   [{ id: "g1", itemId: "img_1", label: "car", box: [0, 0, 10, 10] }],
 *   [{ id: "p1", itemId: "img_1", label: "car", box: [1, 0, 10, 10], score: 0.9 }],
 * );
 * rows[0]?.kind; // "TP"
 * ```
 */
export function matchDetections(
  groundTruth: readonly MatchObject[],
  predictions: readonly MatchObject[],
  options: MatchOptions = {},
): MatchRow[] {
  const threshold = Math.min(options.iouThreshold ?? 0.5, 1 - 1e-10);
  const allowed = new Set((options.allowedLabelMatches ?? []).map(([g, p]) => `${g}\u0000${p}`));
  const labelsMatch = (g: MatchObject, p: MatchObject) =>
    options.classAgnostic || g.label === p.label || allowed.has(`${g.label}\u0000${p.label}`);
  for (const p of predictions) {
    if (p.score !== undefined && !Number.isFinite(p.score)) {
      throw new RangeError(`prediction ${String(p.id)}: score must be a finite number, got ${p.score}`);
    }
  }
  const byItem = new Map<string | number, { gts: MatchObject[]; preds: MatchObject[] }>();
  const entry = (item: string | number) => {
    let value = byItem.get(item);
    if (!value) {
      value = { gts: [], preds: [] };
      byItem.set(item, value);
    }
    return value;
  };
  for (const g of groundTruth) entry(g.itemId).gts.push(g);
  for (const p of predictions) if ((p.score ?? 1) >= (options.minScore ?? 0)) entry(p.itemId).preds.push(p);

  const rows: MatchRow[] = [];
  for (const [itemId, { gts, preds }] of byItem) {
    const sorted = [...preds].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
    // Regular ground truth before crowd regions, as COCO orders them.
    const ordered = [...gts].sort((a, b) => Number(Boolean(a.crowd)) - Number(Boolean(b.crowd)));
    const matched = new Uint8Array(ordered.length);
    for (const p of sorted) {
      let best = threshold;
      let m = -1;
      let overlap = 0;
      ordered.forEach((g, gi) => {
        const iou = iouOf(p, g, Boolean(g.crowd));
        if (iou > overlap) overlap = iou;
        if (m > -1 && !ordered[m]?.crowd && g.crowd) return;
        if ((matched[gi] && !g.crowd) || !labelsMatch(g, p) || iou < best) return;
        best = iou;
        m = gi;
      });
      const g = m > -1 ? ordered[m] : undefined;
      if (g) {
        matched[m] = 1;
        if (g.crowd) continue; // absorbed by a crowd region: neither TP nor FP
        rows.push({
          kind: "TP",
          itemId,
          predictionId: p.id,
          groundTruthId: g.id,
          predictionLabel: p.label,
          groundTruthLabel: g.label,
          iou: best,
          ...(p.score !== undefined ? { score: p.score } : {}),
        });
      } else {
        rows.push({
          kind: "FP",
          itemId,
          predictionId: p.id,
          predictionLabel: p.label,
          iou: overlap,
          ...(p.score !== undefined ? { score: p.score } : {}),
        });
      }
    }
    ordered.forEach((g, gi) => {
      if (!matched[gi] && !g.crowd) {
        const overlap = Math.max(0, ...preds.map((p) => iouOf(p, g, false)));
        rows.push({ kind: "FN", itemId, groundTruthId: g.id, groundTruthLabel: g.label, iou: overlap });
      }
    });
  }
  return rows;
}
