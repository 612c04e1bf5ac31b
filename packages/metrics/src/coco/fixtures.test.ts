/**
 * Every golden fixture, produced by pycocotools 2.0.11, reproduced to 1e-12: the 12 stats and
 * every per-category value, for bbox and, where given, segm.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluateCoco } from "./evaluate.js";
import { COCO_IOU_THRESHOLDS, COCO_RECALL_THRESHOLDS } from "./params.js";
import type { CocoDetection, CocoGroundTruth } from "./types.js";

interface Expected {
  stats: number[];
  per_category: Record<
    string,
    {
      ap: number;
      ap50: number;
      ap75: number;
      ar100: number;
      stats: number[];
      ap_by_iou: number[];
      ar_by_iou: number[];
    }
  >;
}

interface Fixture {
  name: string;
  iou_types: ("bbox" | "segm")[];
  gt: CocoGroundTruth;
  dt: CocoDetection[];
  expected: { params: { iouThrs: number[]; recThrs: number[] }; bbox?: Expected; segm?: Expected };
}

const folder = fileURLToPath(new URL("../../../../fixtures/coco-eval/", import.meta.url));
const fixtures: Fixture[] = readdirSync(folder)
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => JSON.parse(readFileSync(`${folder}${file}`, "utf8")) as Fixture);

const cases = fixtures.flatMap((fixture) =>
  fixture.iou_types.map((iouType) => [fixture.name, iouType, fixture] as const),
);

function close(actual: number[], expected: number[], what: string) {
  expect(actual, what).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expect(
      Math.abs((actual[i] as number) - value),
      `${what}[${i}]: ${actual[i]} vs ${value}`,
    ).toBeLessThanOrEqual(1e-12);
  });
}

describe("pycocotools fixtures", () => {
  it("are all here", () => {
    expect(fixtures).toHaveLength(10);
    expect(cases.length).toBe(11);
  });

  it("use the same threshold doubles as numpy", () => {
    for (const fixture of fixtures) {
      expect(COCO_IOU_THRESHOLDS).toEqual(fixture.expected.params.iouThrs);
      expect(COCO_RECALL_THRESHOLDS).toEqual(fixture.expected.params.recThrs);
    }
  });

  it.each(cases)("%s (%s)", (_name, iouType, fixture) => {
    const expected = fixture.expected[iouType] as Expected;
    const result = evaluateCoco(fixture.gt, fixture.dt, { iouType });
    close(result.stats, expected.stats, "stats");
    expect(Object.keys(result.perCategory).sort()).toEqual(Object.keys(expected.per_category).sort());
    for (const [id, want] of Object.entries(expected.per_category)) {
      const got = result.perCategory[Number(id)];
      expect(got, `category ${id}`).toBeDefined();
      if (!got) continue;
      close(
        [got.ap, got.ap50, got.ap75, got.ar100],
        [want.ap, want.ap50, want.ap75, want.ar100],
        `category ${id} ap/ap50/ap75/ar100`,
      );
      close(got.stats, want.stats, `category ${id} stats`);
      close(got.apByIou, want.ap_by_iou, `category ${id} apByIou`);
      close(got.arByIou, want.ar_by_iou, `category ${id} arByIou`);
    }
  });
});
