/**
 * The bench's generated dataset, smaller, through every way in: the plain reference evaluator
 * (a step-for-step transcription of COCOeval), `evaluateCoco` on the results array, on columns
 * read from the JSON text (whole and in chunks), and across worker threads. Every number must
 * be the same double. The worker threads run the built `dist/worker.js`: build first (`pnpm test`
 * does).
 */
import { describe, expect, it } from "vitest";
import { workload } from "../../bench/workload.mjs";
import { CocoWorkerPool, evaluateCocoParallel } from "../node.js";
import { evaluateCoco } from "./evaluate.js";
import { evaluateCocoReference } from "./reference.js";
import { CocoResultsParser, parseCocoResults } from "./results/parse.js";
import type { CocoEvaluateOptions, CocoEvaluation } from "./types.js";

/** The first position where two arrays of doubles differ in any bit (-0 and 0 differ), or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return i >> 1;
  return -1;
}

function expectSame(actual: CocoEvaluation, expected: CocoEvaluation) {
  const stats = firstDifference(Float64Array.from(actual.stats), Float64Array.from(expected.stats));
  expect(stats, `stats: ${actual.stats} vs ${expected.stats}`).toBe(-1);
  expect(actual.perCategory).toEqual(expected.perCategory);
  for (const key of ["precision", "recall", "scores"] as const) {
    expect(actual[key].shape).toEqual(expected[key].shape);
    const at = firstDifference(actual[key].data, expected[key].data);
    expect(at, `${key}[${at}]: ${actual[key].data[at]} vs ${expected[key].data[at]}`).toBe(-1);
  }
  expect(actual.params).toEqual(expected.params);
  expect(actual.warnings).toEqual(expected.warnings);
}

const { gt, dt } = workload(300, 2024);
const json = JSON.stringify(dt);

// Whole evaluations, several times over: give a busy machine time.
describe("the bench dataset through every path", { timeout: 60_000 }, () => {
  const reference = evaluateCocoReference(gt, dt);

  it("evaluateCoco on the results array", () => {
    expectSame(evaluateCoco(gt, dt), reference);
  });

  it("evaluateCoco on columns read from the JSON text, bytes or string", () => {
    expectSame(evaluateCoco(gt, parseCocoResults(new TextEncoder().encode(json))), reference);
    expectSame(evaluateCoco(gt, parseCocoResults(json)), reference);
  });

  it("evaluateCoco on columns read in chunks split anywhere", () => {
    const bytes = new TextEncoder().encode(json);
    for (const size of [1, 97, 4096]) {
      const parser = new CocoResultsParser();
      const reused = new Uint8Array(size); // the parser must not keep the caller's buffer
      for (let at = 0; at < bytes.length; at += size) {
        const part = bytes.subarray(at, at + size);
        reused.set(part);
        parser.write(reused.subarray(0, part.length));
      }
      expectSame(evaluateCoco(gt, parser.end()), reference);
    }
  });

  it("evaluateCocoParallel across worker threads", async () => {
    expectSame(await evaluateCocoParallel(gt, parseCocoResults(json), { workers: 2 }), reference);
    expectSame(await evaluateCocoParallel(gt, dt, { workers: 3 }), reference);
  });

  it("a worker pool, several evaluations given at once", async () => {
    const pool = new CocoWorkerPool({ workers: 2 });
    try {
      const [first, second] = await Promise.all([
        pool.evaluate(gt, dt),
        pool.evaluate(gt, parseCocoResults(json)),
      ]);
      expectSame(first as CocoEvaluation, reference);
      expectSame(second as CocoEvaluation, reference);
    } finally {
      await pool.close();
    }
  });

  const variants: [string, CocoEvaluateOptions][] = [
    ["class-agnostic", { useCats: false }],
    ["other maxDets, not strict", { maxDets: [1, 5, 20], strict: false }],
    [
      "40 IoU thresholds (two mask words)",
      { iouThresholds: Array.from({ length: 40 }, (_, i) => 0.3 + i * 0.0166) },
    ],
    [
      "some images and categories",
      { imageIds: gt.images.slice(0, 120).map((i) => i.id), categoryIds: [1, 3, 44] },
    ],
    [
      "other thresholds and areas",
      {
        iouThresholds: [0.3, 0.6],
        recallThresholds: [0, 0.99, 0.1, 0.5, 0.25, 1],
        areaRanges: [
          [0, 1e10],
          [0, 2000],
        ],
      },
    ],
  ];
  it.each(variants)("%s", async (_name, options) => {
    const expected = evaluateCocoReference(gt, dt, options);
    expectSame(evaluateCoco(gt, parseCocoResults(json), options), expected);
    expectSame(await evaluateCocoParallel(gt, dt, { ...options, workers: 2 }), expected);
  });

  it("segm, with polygons", () => {
    const small = workload(20, 7, true);
    const expected = evaluateCocoReference(small.gt, small.dt, { iouType: "segm" });
    expectSame(evaluateCoco(small.gt, small.dt, { iouType: "segm" }), expected);
    expectSame(
      evaluateCoco(small.gt, parseCocoResults(JSON.stringify(small.dt)), { iouType: "segm" }),
      expected,
    );
  });
});
