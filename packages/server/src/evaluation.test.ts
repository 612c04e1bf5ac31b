/**
 * Committing a model run evaluates it with @nucleus/metrics: loaded through the API, the p01
 * golden fixture gives pycocotools' own numbers in the run's info, and the Evaluations V2 routes
 * answer from the stored results.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, startTestServer, type TestServer } from "./test-support.js";

interface Fixture {
  gt: {
    images: { id: number }[];
    categories: { id: number; name: string }[];
    annotations: { id: number; image_id: number; category_id: number; bbox: number[] }[];
  };
  dt: { image_id: number; category_id: number; bbox: number[]; score: number }[];
  expected: { bbox: { stats: number[] } };
}

const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../../fixtures/coco-eval/p01_single_class_basic.json", import.meta.url)),
    "utf8",
  ),
) as Fixture;

let server: TestServer;
let runId: string;
const box = (bbox: number[]) => ({ x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3] });

beforeAll(async () => {
  server = await startTestServer();
  const ds = await createDataset(server, "p01");
  const name = (id: number) => fixture.gt.categories.find((c) => c.id === id)?.name as string;
  await server.call("POST", `dataset/${ds}/append`, {
    body: {
      items: fixture.gt.images.map((image) => ({
        reference_id: `img_${image.id}`,
        image_url: `s3://coco/${image.id}.jpg`,
      })),
    },
  });
  await server.call("POST", `dataset/${ds}/annotate`, {
    body: {
      annotations: fixture.gt.annotations.map((a) => ({
        type: "box",
        label: name(a.category_id),
        reference_id: `img_${a.image_id}`,
        annotation_id: `gt_${a.id}`,
        geometry: box(a.bbox),
      })),
    },
  });
  await server.call("POST", "models/add", { body: { name: "detector", reference_id: "detector" } });
  runId = (
    (
      await server.call("POST", `dataset/${ds}/modelRun/create`, {
        body: { name: "run", reference_id: "detector" },
      })
    ).body as {
      model_run_id: string;
    }
  ).model_run_id;
  const predicted = await server.call("POST", `modelRun/${runId}/predict`, {
    body: {
      annotations: fixture.dt.map((d, i) => ({
        type: "box",
        label: name(d.category_id),
        reference_id: `img_${d.image_id}`,
        annotation_id: `dt_${i}`,
        geometry: box(d.bbox),
        confidence: d.score,
      })),
    },
  });
  expect((predicted.body as { predictions_processed: number }).predictions_processed).toBe(fixture.dt.length);
  const committed = await server.call("POST", `modelRun/${runId}/commit`, { body: {} });
  expect((committed.body as { job_id: string }).job_id).toMatch(/^job_/);
  await server.idle();
});
afterAll(async () => {
  await server.stop();
});

describe("evaluation on commit", () => {
  it("puts pycocotools' numbers for the fixture in the run's info", async () => {
    const info = (await server.call("GET", `modelRun/${runId}/info`)).body as {
      status: string;
      evaluation: { status: string; metrics: { stats: number[]; per_class: { label: string }[] } };
    };
    expect(info.status).toBe("Committed");
    expect(info.evaluation.status).toBe("succeeded");
    info.evaluation.metrics.stats.forEach((value, i) => {
      expect(Math.abs(value - (fixture.expected.bbox.stats[i] as number)), `stats[${i}]`).toBeLessThanOrEqual(
        1e-12,
      );
    });
    expect(info.evaluation.metrics.per_class.map((k) => k.label)).toEqual(["object"]);
  });
});

describe("Evaluations V2", () => {
  let evaluationId: string;

  beforeAll(async () => {
    const created = await server.call("POST", `modelRun/${runId}/evaluationsV2`, { body: { name: "again" } });
    evaluationId = (created.body as { evaluation_id: string }).evaluation_id;
    await server.idle();
  });

  it("creates, reads and lists evaluations, newest first", async () => {
    expect(evaluationId).toMatch(/^evalv2_/);
    const one = (await server.call("GET", `evaluationsV2/${evaluationId}`, { body: {} })).body as {
      status: string;
      model_run_id: string;
    };
    expect(one).toMatchObject({ status: "succeeded", model_run_id: runId });
    const list = (await server.call("GET", `modelRun/${runId}/evaluationsV2`)).body as {
      id: string;
      name: string;
    }[];
    expect(list.map((e) => e.name)).toEqual(["again", "commit"]);
  });

  it("charts the stored results with every key the client reads", async () => {
    const charts = (
      await server.call("GET", `evaluationsV2/${evaluationId}/charts?iouThreshold=0.5`, { body: {} })
    ).body as Record<string, unknown> & {
      mapSummary: { mapAt5095: number; mapAt50: number };
      totalCounts: { tp: number; fp: number; fn: number; predsWithConfidence: number };
    };
    expect(Object.keys(charts).sort()).toEqual(
      [
        "apBySize",
        "computedIouRanges",
        "confusionMatrix",
        "mapSummary",
        "perClassAp",
        "prCurve",
        "scoreHistogram",
        "tideAttribution",
        "totalCounts",
      ].sort(),
    );
    expect(
      Math.abs(charts.mapSummary.mapAt5095 - (fixture.expected.bbox.stats[0] as number)),
    ).toBeLessThanOrEqual(1e-12);
    expect(
      Math.abs(charts.mapSummary.mapAt50 - (fixture.expected.bbox.stats[1] as number)),
    ).toBeLessThanOrEqual(1e-12);
    const { tp, fp, fn, predsWithConfidence } = charts.totalCounts;
    expect(tp + fn).toBe(fixture.gt.annotations.length);
    expect(tp + fp).toBe(fixture.dt.length);
    expect(predsWithConfidence).toBe(fixture.dt.length);
  });

  it("pages through the examples behind the counts", async () => {
    const first = (
      await server.call("POST", `evaluationsV2/${evaluationId}/examples`, {
        body: { match_type: "FP", limit: 3, offset: 0 },
      })
    ).body as {
      rows: { match_type: string; model_prediction_id: string; true_positive: boolean }[];
      total: number;
    };
    expect(first.rows).toHaveLength(3);
    expect(
      first.rows.every(
        (r) => r.match_type === "FP" && !r.true_positive && r.model_prediction_id.startsWith("pred_"),
      ),
    ).toBe(true);
    const rest = (
      await server.call("POST", `evaluationsV2/${evaluationId}/examples`, {
        body: { match_type: "FP", limit: 1_000, offset: 3 },
      })
    ).body as { rows: unknown[]; total: number };
    expect(rest.rows.length + 3).toBe(first.total);
    const bad = await server.call("POST", `evaluationsV2/${evaluationId}/examples`, {
      body: { match_type: "XX" },
    });
    expect(bad.status).toBe(400);
  });

  it("evaluates a model's uploaded predictions on request", async () => {
    const ds = await createDataset(server, "small");
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [{ reference_id: "a", image_url: "s3://a.jpg" }] },
    });
    await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        annotations: [
          { type: "box", label: "car", reference_id: "a", geometry: { x: 0, y: 0, width: 10, height: 10 } },
        ],
      },
    });
    const model = (
      (await server.call("POST", "models/add", { body: { name: "m", reference_id: "m2" } })).body as {
        model_id: string;
      }
    ).model_id;
    const uploaded = await server.call("POST", `dataset/${ds}/model/${model}/uploadPredictions`, {
      body: {
        annotations: [
          {
            type: "box",
            label: "car",
            reference_id: "a",
            geometry: { x: 0, y: 0, width: 10, height: 10 },
            confidence: 0.8,
          },
        ],
      },
    });
    const run = (uploaded.body as { model_run_id: string }).model_run_id;
    const started = await server.call("POST", `dataset/${ds}/model/${model}/calculateEvaluationMetrics`, {
      body: {},
    });
    expect((started.body as { model_run_id: string }).model_run_id).toBe(run);
    await server.idle();
    const info = (await server.call("GET", `modelRun/${run}/info`)).body as {
      evaluation: { metrics: { map: number; map50: number } };
    };
    expect(info.evaluation.metrics.map50).toBeCloseTo(1, 12);
  });

  it("answers charts and examples from the labels as they are now", async () => {
    const ds = await createDataset(server, "changing");
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [{ reference_id: "a", image_url: "s3://a.jpg" }] },
    });
    const car = (x: number, extra: Record<string, unknown> = {}) => ({
      type: "box",
      label: "car",
      reference_id: "a",
      geometry: { x, y: 0, width: 10, height: 10 },
      ...extra,
    });
    await server.call("POST", `dataset/${ds}/annotate`, { body: { annotations: [car(0)] } });
    await server.call("POST", "models/add", { body: { name: "m", reference_id: "m3" } });
    const run = (
      (
        await server.call("POST", `dataset/${ds}/modelRun/create`, {
          body: { name: "run", reference_id: "m3" },
        })
      ).body as { model_run_id: string }
    ).model_run_id;
    await server.call("POST", `modelRun/${run}/predict`, {
      body: { annotations: [car(0, { annotation_id: "p1", confidence: 0.9 })] },
    });
    const created = await server.call("POST", `modelRun/${run}/evaluationsV2`, { body: {} });
    const id = (created.body as { evaluation_id: string }).evaluation_id;
    await server.idle();
    const counts = async () =>
      (
        (await server.call("GET", `evaluationsV2/${id}/charts`, { body: {} })).body as {
          totalCounts: { tp: number; fp: number; fn: number };
        }
      ).totalCounts;
    const falsePositives = async () =>
      (
        (
          await server.call("POST", `evaluationsV2/${id}/examples`, {
            body: { match_type: "FP", limit: 10 },
          })
        ).body as { total: number; rows: { model_prediction_id: string }[] }
      ).rows.length;

    expect(await counts()).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(await falsePositives()).toBe(0);
    expect(await falsePositives()).toBe(0);
    // A prediction far from the ground truth, added after the evaluation, is a false positive now.
    await server.call("POST", `modelRun/${run}/predict`, {
      body: { annotations: [car(100, { annotation_id: "p2", confidence: 0.4 })] },
    });
    expect(await counts()).toMatchObject({ tp: 1, fp: 1, fn: 0 });
    expect(await falsePositives()).toBe(1);
  });

  it("deletes an evaluation", async () => {
    expect((await server.call("DELETE", `evaluationsV2/${evaluationId}`, { body: {} })).status).toBe(200);
    expect((await server.call("GET", `evaluationsV2/${evaluationId}`)).status).toBe(404);
  });
});

describe("Evaluations V2 confusion matrix", () => {
  it("keeps classes named like the matcher's own markers", async () => {
    const ds = await createDataset(server, "marker labels");
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [{ reference_id: "a", image_url: "s3://a.jpg" }] },
    });
    const at = (label: string, x: number, extra: Record<string, unknown> = {}) => ({
      type: "box",
      label,
      reference_id: "a",
      geometry: { x, y: 0, width: 10, height: 10 },
      ...extra,
    });
    await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [at("background", 0), at("missing", 50)] },
    });
    await server.call("POST", "models/add", { body: { name: "m", reference_id: "m-markers" } });
    const run = (
      (
        await server.call("POST", `dataset/${ds}/modelRun/create`, {
          body: { name: "run", reference_id: "m-markers" },
        })
      ).body as { model_run_id: string }
    ).model_run_id;
    await server.call("POST", `modelRun/${run}/predict`, {
      body: {
        annotations: [at("background", 0, { confidence: 0.9 }), at("missing", 50, { confidence: 0.8 })],
      },
    });
    const id = (
      (await server.call("POST", `modelRun/${run}/evaluationsV2`, { body: {} })).body as {
        evaluation_id: string;
      }
    ).evaluation_id;
    await server.idle();
    const charts = (await server.call("GET", `evaluationsV2/${id}/charts`)).body as {
      confusionMatrix: unknown[];
    };
    expect(charts.confusionMatrix).toEqual([
      { gtLabel: "background", predLabel: "background", count: 1 },
      { gtLabel: "missing", predLabel: "missing", count: 1 },
    ]);
  });
});
