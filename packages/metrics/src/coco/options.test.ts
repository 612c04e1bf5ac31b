import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluateCoco } from "./evaluate.js";
import type { CocoDetection, CocoGroundTruth } from "./types.js";

function fixture(name: string): { gt: CocoGroundTruth; dt: CocoDetection[] } {
  return JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../../fixtures/coco-eval/${name}.json`, import.meta.url)),
      "utf8",
    ),
  );
}

describe("evaluateCoco options", () => {
  const { gt, dt } = fixture("p09_coco80_small");

  it("imageIds evaluates exactly the chosen images", () => {
    const chosen = gt.images.slice(0, 10).map((image) => image.id);
    const subset = evaluateCoco(gt, dt, { imageIds: chosen });
    const keep = new Set(chosen);
    const filtered = evaluateCoco(
      {
        ...gt,
        images: gt.images.filter((i) => keep.has(i.id)),
        annotations: gt.annotations.filter((a) => keep.has(a.image_id)),
      },
      dt.filter((d) => keep.has(d.image_id)),
    );
    expect(subset.stats).toEqual(filtered.stats);
    expect(subset.params.imageIds).toEqual([...chosen].sort((a, b) => a - b));
  });

  it("categoryIds restricts the categories, leaving the others' numbers unchanged", () => {
    const all = evaluateCoco(gt, dt);
    const some = [1, 3, 18];
    const restricted = evaluateCoco(gt, dt, { categoryIds: some });
    expect(Object.keys(restricted.perCategory).map(Number)).toEqual(some);
    for (const id of some) expect(restricted.perCategory[id]?.stats).toEqual(all.perCategory[id]?.stats);
  });

  it("useCats false matches across categories, which can only raise recall", () => {
    const perClass = evaluateCoco(gt, dt);
    const agnostic = evaluateCoco(gt, dt, { useCats: false });
    expect(agnostic.perCategory).toEqual({});
    expect(agnostic.precision.shape[2]).toBe(1);
    expect(agnostic.stats[8]).toBeGreaterThanOrEqual(perClass.stats[8] as number);
  });

  it("custom thresholds change the grid and the results", () => {
    const loose = evaluateCoco(gt, dt, { iouThresholds: [0.1], recallThresholds: [0, 0.5, 1] });
    expect(loose.precision.shape).toEqual([1, 3, gt.categories.length, 4, 3]);
    expect(loose.stats[1]).toBe(-1); // 0.5 is not among the thresholds
    expect(loose.stats[0]).toBeGreaterThan(evaluateCoco(gt, dt).stats[0] as number);
  });
});
