/**
 * Evaluations V2 answers parse with the official Python client's own response models. Its
 * recorded flow (see replay.test.ts) never calls `charts()` or `examples()`, so the field types
 * of its pydantic models (`nucleus/data_transfer_object/evaluation_v2.py`) are mirrored here:
 * `str` is a string, `int` an integer, `float` a number, `Optional[X] = None` may be null or
 * absent, a model ignores keys it does not declare. Where client versions disagree the stricter
 * one is used: one version requires `item_metadata` and `prediction_metadata` on every example.
 * Charts are read with both requests clients send: `GET ...?iouThreshold=` and `POST {iouThreshold}`.
 */
import { NO_OBJECT_LABEL } from "@nucleus/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createDataset, startTestServer, type TestServer } from "./test-support.js";

const str = z.string();
const int = z.int();
const float = z.number();
const optional = <T extends z.ZodType>(t: T) => t.nullish();
const dict = z.record(z.string(), z.unknown());

/** `EvaluationV2Charts` and the models inside it. */
const EvaluationV2Charts = z.object({
  mapSummary: z.object({ mapAt50: optional(float), mapAt75: optional(float), mapAt5095: optional(float) }),
  perClassAp: z.array(z.object({ classLabel: str, ap: float })),
  confusionMatrix: z.array(z.object({ gtLabel: str, predLabel: str, count: int })),
  scoreHistogram: z.array(z.object({ bucketMin: float, bucketMax: float, count: int })),
  computedIouRanges: z.array(float),
  totalCounts: z.object({ tp: int, fp: int, fn: int, predsWithConfidence: int }),
  apBySize: z.object({ small: optional(float), medium: optional(float), large: optional(float) }),
  prCurve: z.array(z.object({ classLabel: str, recall: float, precision: float })),
  tideAttribution: z.object({
    truePositive: int,
    localization: int,
    classification: int,
    both: int,
    duplicate: int,
    background: int,
    missed: int,
  }),
});

/** `EvaluationV2ExamplesPage` with `EvaluationV2MatchExample` rows. */
const EvaluationV2ExamplesPage = z.object({
  rows: z.array(
    z.object({
      id: str,
      evaluation_id: str,
      dataset_item_id: str,
      model_prediction_id: optional(str),
      ground_truth_annotation_id: optional(str),
      pred_canonical_label: optional(str),
      gt_canonical_label: optional(str),
      pred_raw_label: optional(str),
      gt_raw_label: optional(str),
      iou: optional(float),
      confidence: optional(float),
      true_positive: z.boolean(),
      match_type: str,
      gt_area: optional(float),
      item_metadata: dict,
      prediction_metadata: dict,
      prediction_row: optional(dict),
      annotation_row: optional(dict),
    }),
  ),
  total: int,
});

/** `EvaluationV2.from_json` reads these four with `payload[...]`; the rest with `.get`. */
const EvaluationV2 = z.object({ id: str, model_run_id: str, dataset_id: str, status: str });

/** Parses like the client: a failure names each field path, as pydantic's ValidationError does. */
function parsedBy<T extends z.ZodType>(model: T, body: unknown): z.output<T> {
  const result = model.safeParse(body);
  if (!result.success) {
    throw new Error(
      `the official client's model rejects the response:\n${result.error.issues
        .map((i) => `  ${i.path.join(".")}: ${i.message}`)
        .join("\n")}`,
    );
  }
  return result.data;
}

let server: TestServer;
let evaluationId: string;

const box = (ref: string, label: string, x: number, extra: Record<string, unknown> = {}) => ({
  type: "box",
  label,
  reference_id: ref,
  geometry: { x, y: 0, width: 10, height: 10 },
  ...extra,
});

beforeAll(async () => {
  server = await startTestServer();
  const ds = await createDataset(server, "client-models");
  await server.call("POST", `dataset/${ds}/append`, {
    body: {
      items: [
        { reference_id: "a", image_url: "s3://bucket/a.jpg", metadata: { camera: "front" } },
        { reference_id: "b", image_url: "s3://bucket/b.jpg" },
      ],
    },
  });
  await server.call("POST", `dataset/${ds}/annotate`, {
    body: {
      annotations: [
        box("a", "car", 0, { annotation_id: "gt_car_a" }),
        box("a", "person", 50, { annotation_id: "gt_person_a" }),
        box("b", "car", 0, { annotation_id: "gt_car_b" }),
      ],
    },
  });
  await server.call("POST", "models/add", { body: { name: "m", reference_id: "m" } });
  const run = (
    (await server.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "m" } }))
      .body as { model_run_id: string }
  ).model_run_id;
  await server.call("POST", `modelRun/${run}/predict`, {
    body: {
      annotations: [
        // Found: a car where a car is.
        box("a", "car", 0, { annotation_id: "p_car", confidence: 0.9 }),
        // Mislabelled: a dog where the person is.
        box("a", "dog", 50, { annotation_id: "p_dog", confidence: 0.6 }),
        // Spurious: a truck where nothing is. The car on b is missed.
        box("a", "truck", 200, { annotation_id: "p_truck", confidence: 0.3, metadata: { source: "nms" } }),
      ],
    },
  });
  const created = await server.call("POST", `modelRun/${run}/evaluationsV2`, { body: { name: "e" } });
  evaluationId = (created.body as { evaluation_id: string }).evaluation_id;
  await server.idle();
  parsedBy(EvaluationV2, (await server.call("GET", `evaluationsV2/${evaluationId}`, { body: {} })).body);
});
afterAll(async () => {
  await server.stop();
});

describe("EvaluationV2.charts() against the official client's model", () => {
  it("parses, with the empty side of a missed or spurious object as the string sentinel", async () => {
    const response = await server.call("GET", `evaluationsV2/${evaluationId}/charts?iouThreshold=0.5`, {
      body: {},
    });
    expect(response.status).toBe(200);
    const charts = parsedBy(EvaluationV2Charts, response.body);
    expect(NO_OBJECT_LABEL).toBe("(none)");
    expect(charts.confusionMatrix).toEqual(
      expect.arrayContaining([
        { gtLabel: "car", predLabel: "car", count: 1 },
        { gtLabel: "person", predLabel: "dog", count: 1 },
        { gtLabel: "(none)", predLabel: "truck", count: 1 },
        { gtLabel: "car", predLabel: "(none)", count: 1 },
      ]),
    );
    expect(charts.confusionMatrix).toHaveLength(4);
  });

  it("answers the POST form newer clients send with the same charts", async () => {
    const viaGet = await server.call("GET", `evaluationsV2/${evaluationId}/charts?iouThreshold=0.5`);
    const viaPost = await server.call("POST", `evaluationsV2/${evaluationId}/charts`, {
      body: { iouThreshold: 0.5 },
    });
    expect(viaPost.status).toBe(200);
    expect(parsedBy(EvaluationV2Charts, viaPost.body)).toEqual(viaGet.body);
  });
});

describe("EvaluationV2.examples() against the official client's model", () => {
  it.each(["TP", "FP", "FN"])("parses a page of %s rows", async (matchType) => {
    const response = await server.call("POST", `evaluationsV2/${evaluationId}/examples`, {
      body: { match_type: matchType, limit: 50, offset: 0 },
    });
    expect(response.status).toBe(200);
    const page = parsedBy(EvaluationV2ExamplesPage, response.body);
    expect(page.rows.length).toBeGreaterThan(0);
    expect(page.rows.every((row) => row.match_type === matchType)).toBe(true);
  });

  it("lists every kind when match_type is left out, sorted with an upper-case order", async () => {
    const response = await server.call("POST", `evaluationsV2/${evaluationId}/examples`, {
      body: { limit: 50, offset: 0, sort_by: "confidence", sort_order: "DESC" },
    });
    expect(response.status).toBe(200);
    const page = parsedBy(EvaluationV2ExamplesPage, response.body);
    // Per class: car TP; dog FP and person FN (wrong label); truck FP; car on b FN.
    expect(page.total).toBe(5);
    expect(page.rows.map((r) => r.match_type).sort()).toEqual(["FN", "FN", "FP", "FP", "TP"]);
    const scored = page.rows.flatMap((r) => (r.confidence == null ? [] : [r.confidence]));
    expect(scored).toEqual([0.9, 0.6, 0.3]);
    const truck = page.rows.find((r) => r.pred_raw_label === "truck");
    expect(truck?.prediction_metadata).toEqual({ source: "nms" });
    expect(truck?.item_metadata).toEqual({ camera: "front" });
  });
});
