/**
 * Box objects evaluated through `evaluateBoxes` give pycocotools' numbers for the golden fixtures
 * whose ground truth is plain boxes (no crowd regions, area = width x height), overall and per
 * class.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CocoDetection, CocoGroundTruth } from "./coco/types.js";
import type { Box } from "./geometry/box.js";
import type { MatchObject } from "./match.js";
import { evaluateBoxes } from "./objects.js";

interface Fixture {
  gt: CocoGroundTruth;
  dt: CocoDetection[];
  expected: {
    bbox: { stats: number[]; per_category: Record<string, { ap: number; ap50: number; ap75: number }> };
  };
}

const folder = fileURLToPath(new URL("../../../fixtures/coco-eval/", import.meta.url));
const PLAIN_BOXES = [
  "p01_single_class_basic",
  "p03_recall_thresholds",
  "p04_tied_scores_duplicates",
  "p07_maxdets_overflow",
];

/** A COCO `bbox` as a box; every fixture entry has one. */
function toBox(bbox: readonly number[] | undefined): Box {
  const [x = 0, y = 0, width = 0, height = 0] = bbox ?? [];
  return [x, y, width, height];
}

function objects(fixture: Fixture) {
  const name = new Map(fixture.gt.categories.map((c) => [c.id, String(c.name)]));
  const groundTruth: MatchObject[] = fixture.gt.annotations.map((a) => ({
    id: a.id,
    itemId: `img-${a.image_id}`,
    label: name.get(a.category_id) as string,
    box: toBox(a.bbox),
  }));
  const predictions: MatchObject[] = fixture.dt.map((d, i) => ({
    id: i,
    itemId: `img-${d.image_id}`,
    label: name.get(d.category_id) as string,
    box: toBox(d.bbox),
    score: d.score,
  }));
  // pycocotools takes images in ascending id order, which decides ties in score across images.
  const imageIds = fixture.gt.images.map((image) => image.id).sort((a, b) => a - b);
  return { itemIds: imageIds.map((id) => `img-${id}`), groundTruth, predictions, name };
}

describe("evaluateBoxes", () => {
  it.each(PLAIN_BOXES)("%s: the 12 stats and per-class AP of pycocotools", (file) => {
    const fixture = JSON.parse(readFileSync(`${folder}${file}.json`, "utf8")) as Fixture;
    const { itemIds, groundTruth, predictions, name } = objects(fixture);
    const result = evaluateBoxes(itemIds, groundTruth, predictions);
    const expected = fixture.expected.bbox;
    for (const [i, value] of expected.stats.entries()) expect(result.stats[i]).toBeCloseTo(value, 12);
    expect(result.map).toBe(result.stats[0]);
    expect(result.counts).toEqual({
      items: fixture.gt.images.length,
      groundTruth: fixture.gt.annotations.length,
      predictions: fixture.dt.length,
    });
    for (const [categoryId, values] of Object.entries(expected.per_category)) {
      const label = name.get(Number(categoryId));
      const row = result.perClass.find((c) => c.label === label);
      expect(row, label).toBeDefined();
      expect(row?.ap).toBeCloseTo(values.ap, 12);
      expect(row?.ap50).toBeCloseTo(values.ap50, 12);
      expect(row?.ap75).toBeCloseTo(values.ap75, 12);
    }
  });
});
