/**
 * One matcher everywhere: the metrics accumulated from match rows are those of `evaluateBoxes`
 * (pycocotools' numbers) for the same boxes, for the whole set and for any subset of items.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Box, evaluateBoxes, type MatchObject } from "@nucleus/metrics";
import { describe, expect, it } from "vitest";
import type { MatchRow } from "../store/index.js";
import { CocoAccumulator } from "./coco-accumulate.js";
import { type EvalObject, matchItem } from "./coco-matcher.js";

/** A seeded generator, so a failure repeats. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

interface World {
  items: string[];
  gts: EvalObject[];
  preds: EvalObject[];
  itemOf: Map<EvalObject, string>;
}

function world(seed: number, items = 40): World {
  const rnd = random(seed);
  const labels = ["car", "person", "bike", "truck"];
  const out: World = { items: [], gts: [], preds: [], itemOf: new Map() };
  for (let i = 0; i < items; i += 1) {
    const item = `img_${i}`;
    out.items.push(item);
    const n = Math.floor(rnd() * 8);
    for (let g = 0; g < n; g += 1) {
      // Sizes from small (< 32x32) to large (> 96x96).
      const size = [12, 40, 120][Math.floor(rnd() * 3)] as number;
      const box: Box = [
        Math.floor(rnd() * 300),
        Math.floor(rnd() * 300),
        size * (0.6 + rnd()),
        size * (0.6 + rnd()),
      ];
      const gt: EvalObject = {
        id: `g${i}_${g}`,
        annotationId: `ga${g}`,
        label: labels[Math.floor(rnd() * labels.length)] as string,
        shape: "box",
        box,
      };
      out.gts.push(gt);
      out.itemOf.set(gt, item);
      // Near-misses, duplicates and confusions around each ground truth.
      const m = Math.floor(rnd() * 3);
      for (let p = 0; p < m; p += 1) {
        const jitter = (v: number) => v + (rnd() - 0.5) * 12;
        const pred: EvalObject = {
          id: `p${i}_${g}_${p}`,
          annotationId: `pa${g}_${p}`,
          label: rnd() < 0.8 ? gt.label : (labels[Math.floor(rnd() * labels.length)] as string),
          shape: "box",
          box: [jitter(box[0]), jitter(box[1]), jitter(box[2]), jitter(box[3])],
          // Rounded, so scores tie across items and within them.
          score: Math.round(rnd() * 20) / 20,
        };
        out.preds.push(pred);
        out.itemOf.set(pred, item);
      }
    }
    // Background false positives.
    for (let p = 0; p < Math.floor(rnd() * 3); p += 1) {
      const pred: EvalObject = {
        id: `bg${i}_${p}`,
        annotationId: null,
        label: labels[Math.floor(rnd() * labels.length)] as string,
        shape: "box",
        box: [400 + rnd() * 50, 400 + rnd() * 50, 20 + rnd() * 60, 20 + rnd() * 60],
        score: Math.round(rnd() * 20) / 20,
      };
      out.preds.push(pred);
      out.itemOf.set(pred, item);
    }
  }
  return out;
}

/** Rows of every item, in item order. */
function rowsOf(w: World, options: { classAgnostic?: boolean; iouThreshold?: number } = {}) {
  return w.items.map((item) => ({
    item,
    rows: matchItem(
      w.gts.filter((o) => w.itemOf.get(o) === item),
      w.preds.filter((o) => w.itemOf.get(o) === item),
      { iouThreshold: options.iouThreshold ?? 0.5, classAgnostic: options.classAgnostic ?? false },
    ),
  }));
}

const asMatchObject =
  (w: World) =>
  (o: EvalObject): MatchObject => ({
    id: o.id,
    itemId: w.itemOf.get(o) as string,
    label: o.label,
    box: o.box,
    ...(o.score !== undefined ? { score: o.score } : {}),
  });

function accumulate(perItem: { rows: MatchRow[] }[], items: number, classAgnostic = false) {
  const accumulator = new CocoAccumulator({ classAgnostic });
  for (const { rows } of perItem) for (const row of rows) accumulator.add(row);
  return accumulator.metrics(items);
}

describe("metrics from match rows", () => {
  for (const seed of [1, 7, 42]) {
    it(`equal evaluateBoxes for every item and for a subset (seed ${seed})`, () => {
      const w = world(seed);
      const perItem = rowsOf(w);
      const expected = evaluateBoxes(w.items, w.gts.map(asMatchObject(w)), w.preds.map(asMatchObject(w)));
      const actual = accumulate(perItem, w.items.length);
      expect(actual.stats).toEqual(expected.stats);
      expect(actual.perClass).toEqual(expected.perClass);
      expect(actual.counts).toEqual(expected.counts);

      const subset = w.items.filter((_, i) => i % 3 !== 1);
      const inSubset = (o: EvalObject) => subset.includes(w.itemOf.get(o) as string);
      const expectedSubset = evaluateBoxes(
        subset,
        w.gts.filter(inSubset).map(asMatchObject(w)),
        w.preds.filter(inSubset).map(asMatchObject(w)),
      );
      const actualSubset = accumulate(
        perItem.filter((entry) => subset.includes(entry.item)),
        subset.length,
      );
      expect(actualSubset.stats).toEqual(expectedSubset.stats);
      expect(actualSubset.perClass).toEqual(expectedSubset.perClass);
    });
  }

  it("equal evaluateBoxes class-agnostic", () => {
    const w = world(3);
    const expected = evaluateBoxes(w.items, w.gts.map(asMatchObject(w)), w.preds.map(asMatchObject(w)), {
      classAgnostic: true,
    });
    const actual = accumulate(rowsOf(w, { classAgnostic: true }), w.items.length, true);
    expect(actual.stats).toEqual(expected.stats);
    expect(actual.perClass).toEqual([]);
  });

  it("give pycocotools' numbers for the p01 golden fixture", () => {
    const fixture = JSON.parse(
      readFileSync(
        fileURLToPath(new URL("../../../../fixtures/coco-eval/p01_single_class_basic.json", import.meta.url)),
        "utf8",
      ),
    ) as {
      gt: { images: { id: number }[]; annotations: { id: number; image_id: number; bbox: number[] }[] };
      dt: { image_id: number; bbox: number[]; score: number }[];
      expected: { bbox: { stats: number[] } };
    };
    const accumulator = new CocoAccumulator();
    for (const image of fixture.gt.images) {
      const gts = fixture.gt.annotations
        .filter((a) => a.image_id === image.id)
        .map(
          (a): EvalObject => ({
            id: `g${a.id}`,
            annotationId: null,
            label: "object",
            shape: "box",
            box: a.bbox as unknown as Box,
          }),
        );
      const preds = fixture.dt
        .filter((d) => d.image_id === image.id)
        .map(
          (d, i): EvalObject => ({
            id: `d${image.id}_${i}`,
            annotationId: null,
            label: "object",
            shape: "box",
            box: d.bbox as unknown as Box,
            score: d.score,
          }),
        );
      for (const row of matchItem(gts, preds, { iouThreshold: 0.5 })) accumulator.add(row);
    }
    const stats = accumulator.metrics(fixture.gt.images.length).stats;
    stats.forEach((value, i) => {
      expect(Math.abs(value - (fixture.expected.bbox.stats[i] as number)), `stats[${i}]`).toBeLessThanOrEqual(
        1e-12,
      );
    });
  });
});

describe("match rows", () => {
  it("list predictions by score, then missed ground truth, with the IoU that explains each", () => {
    const gt = (id: string, label: string, box: Box): EvalObject => ({
      id,
      annotationId: id,
      label,
      shape: "box",
      box,
    });
    const pred = (id: string, label: string, box: Box, score: number): EvalObject => ({
      id,
      annotationId: id,
      label,
      shape: "box",
      box,
      score,
    });
    const rows = matchItem(
      [
        gt("g1", "car", [0, 0, 10, 10]),
        gt("g2", "car", [100, 100, 10, 10]),
        gt("g3", "person", [50, 0, 10, 10]),
      ],
      [
        pred("p1", "car", [0, 0, 10, 10], 0.9),
        pred("p2", "car", [1, 0, 10, 10], 0.8),
        pred("p3", "car", [50, 0, 10, 10], 0.7),
        pred("p4", "car", [300, 300, 10, 10], 0.95),
      ],
      { iouThreshold: 0.5 },
    );
    expect(rows.map((r) => [r.matchType, r.predictionId ?? r.annotationId])).toEqual([
      ["FP", "p4"],
      ["TP", "p1"],
      ["FP", "p2"],
      ["FP", "p3"],
      ["FN", "g2"],
      ["FN", "g3"],
    ]);
    const [background, , duplicate, confused] = rows;
    expect(background?.iou).toBe(0);
    expect(duplicate?.iou).toBeCloseTo(9 / 11, 12);
    // Called a car, the person is matched regardless of labels: a confusion, not a miss.
    expect(confused).toMatchObject({ iou: 1, agnosticLabel: "person" });
    expect(rows[5]).toMatchObject({ gtLabel: "person", agnosticMatched: true });
    expect(rows[4]).toMatchObject({ gtLabel: "car", agnosticMatched: false });
  });
});
