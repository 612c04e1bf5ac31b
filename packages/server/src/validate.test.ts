/**
 * Validate on the real server, on SQLite and on PostgreSQL, with the requests the official
 * Python client (0.18.8) sends, byte for byte in shape: GETs and DELETEs carry a `{}` body,
 * criteria carry the constructor defaults as `eval_func_arguments`. Each step checks the keys
 * the client reads (and, for `scenario_test_metrics`, that no other key is there: the client
 * splats them into a dataclass). Then malformed requests: a 400 naming the field, and nothing
 * written.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, startTestServer, type TestServer, testBackends } from "./test-support.js";

const DEFAULTS = {
  enforce_label_match: false,
  iou_threshold: 0.5,
  confidence_threshold: 0.0,
  annotation_filters: null,
  prediction_filters: null,
};
const ID = (prefix: string) => new RegExp(`^${prefix}[0-9a-v]{20}$`);

const box = (ref: string, x: number, extra: Record<string, unknown> = {}) => ({
  label: "car",
  type: "box",
  geometry: { x, y: 0, width: 10, height: 10 },
  reference_id: ref,
  annotation_id: `${ref}-${x}`,
  metadata: {},
  ...extra,
});

describe.each(testBackends())("Validate with the official client's requests on $name", (backend) => {
  let server: TestServer;
  let datasetId: string;
  let sliceId: string;
  let modelId: string;
  const fn = new Map<string, string>();
  const ok = async (method: string, route: string, body: unknown = {}) => {
    const response = await server.call(method, route, { body });
    expect(response.status, `${method} ${route}: ${JSON.stringify(response.body)}`).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    return response.body as never;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    datasetId = await createDataset(server, "validate");
    await ok("POST", `dataset/${datasetId}/append`, {
      items: ["a", "b", "c"].map((ref) => ({
        reference_id: ref,
        image_url: `s3://bucket/${ref}.jpg`,
        metadata: {},
      })),
      update: false,
    });
    // a: two cars, one found exactly; b: one car, found at IoU 1/3; c: outside the slice.
    await ok("POST", `dataset/${datasetId}/annotate`, {
      update: false,
      annotations: [box("a", 0), box("a", 50), box("b", 0), box("c", 0)],
    });
    modelId = (
      (await ok("POST", "models/add", { name: "detector", reference_id: "detector", metadata: {} })) as {
        model_id: string;
      }
    ).model_id;
    await ok("POST", `dataset/${datasetId}/model/${modelId}/uploadPredictions`, {
      update: false,
      annotations: [box("a", 0, { confidence: 0.9 }), box("b", 5, { confidence: 0.8 })],
    });
    sliceId = (
      (await ok("POST", `dataset/${datasetId}/create_slice`, { name: "ab", reference_ids: ["a", "b"] })) as {
        slice_id: string;
      }
    ).slice_id;
  });
  afterAll(async () => {
    await server.stop();
  });

  it("lists the standard evaluation functions with the keys EvalFunctionEntry needs", async () => {
    const { eval_functions } = (await ok("GET", "validate/eval_fn")) as {
      eval_functions: Record<string, unknown>[];
    };
    for (const entry of eval_functions) {
      expect(entry.id).toMatch(ID("ef_"));
      expect(entry).toMatchObject({ is_public: true, is_external_function: false, user_id: "public" });
      fn.set(entry.name as string, entry.id as string);
    }
    for (const name of [
      "bbox_iou",
      "bbox_recall",
      "bbox_map",
      "poly_precision",
      "cuboid_iou_3d",
      "cat_f1",
      "seg_iou",
    ])
      expect(fn.has(name), name).toBe(true);
    // The ids are the same on every server.
    const again = (await ok("GET", "validate/eval_fn")) as { eval_functions: { id: string }[] };
    expect(again.eval_functions.map((e) => e.id)).toEqual([...fn.values()]);
  });

  it("runs the scenario test flow of the official client end to end", { timeout: 30_000 }, async () => {
    const created = (await ok("POST", "validate/scenario_test", {
      name: "cars",
      slice_id: sliceId,
      evaluation_functions: [{ id: fn.get("bbox_recall"), eval_func_arguments: DEFAULTS }],
    })) as { scenario_test_id: string };
    const testId = created.scenario_test_id;
    expect(testId).toMatch(ID("ut_"));
    expect(await ok("GET", `validate/scenario_test/${testId}/info`)).toMatchObject({
      name: "cars",
      slice_id: sliceId,
    });
    expect(await ok("GET", `validate/scenario_test/${testId}`)).toMatchObject({ id: testId });

    const added = await ok("POST", "validate/scenario_test_eval_function", {
      scenario_test_name: "cars",
      eval_function_id: fn.get("bbox_iou"),
    });
    expect(added).toEqual({
      scenario_test_id: testId,
      eval_function_id: fn.get("bbox_iou"),
      threshold: null,
      threshold_comparison: "greater_than_equal_to",
    });
    expect(
      await ok("POST", `validate/metric/set_threshold/${testId}/${fn.get("bbox_recall")}`, {
        threshold: 0.5,
      }),
    ).toMatchObject({ threshold: 0.5 });

    const { scenario_test_metrics } = (await ok("GET", `validate/scenario_test/${testId}/metrics`)) as {
      scenario_test_metrics: Record<string, unknown>[];
    };
    expect(scenario_test_metrics).toEqual([
      {
        scenario_test_id: testId,
        eval_function_id: fn.get("bbox_recall"),
        threshold: 0.5,
        threshold_comparison: "greater_than_equal_to",
        eval_func_arguments: DEFAULTS,
      },
      {
        scenario_test_id: testId,
        eval_function_id: fn.get("bbox_iou"),
        threshold: null,
        threshold_comparison: "greater_than_equal_to",
        eval_func_arguments: {},
      },
    ]);

    const items = (await ok("GET", `validate/scenario_test/${testId}/items`)) as {
      dataset_items: { id: string; reference_id: string }[];
      scenes: unknown[];
      tracks: unknown[];
    };
    expect(items.dataset_items.map((i) => i.reference_id)).toEqual(["a", "b"]);
    expect(items.dataset_items.every((i) => ID("di_").test(i.id))).toBe(true);
    expect([items.scenes, items.tracks]).toEqual([[], []]);

    const job = (await ok("POST", `validate/${modelId}/evaluate`, { test_names: ["cars"] })) as Record<
      string,
      string
    >;
    expect(Object.keys(job).sort()).toEqual([
      "job_creation_time",
      "job_id",
      "job_last_known_status",
      "job_type",
    ]);
    await server.jobs.idle();
    expect(await ok("GET", `job/${job.job_id}`)).toMatchObject({ status: "Completed", job_progress: "1.00" });

    const history = (await ok("GET", `validate/scenario_test/${testId}/eval_history/details`)) as Record<
      string,
      unknown
    >[];
    expect(history).toHaveLength(2);
    const [recall, iou] = history as { id: string; result: number; pass: boolean }[];
    // Recall at IoU 0.5: a finds 1 of 2, b 0 of 1 -> 1/3, under its 0.5 threshold.
    expect(recall).toMatchObject({
      scenario_test_id: testId,
      eval_function_id: fn.get("bbox_recall"),
      model_id: modelId,
      status: "completed",
      pass: false,
    });
    expect(recall?.result).toBeCloseTo(1 / 3, 12);
    // IoU: a (1 + 0) / 2 with weight 2, b 1/3 with weight 1 -> 4/9; no threshold, so it passes.
    expect(iou).toMatchObject({ eval_function_id: fn.get("bbox_iou"), status: "completed", pass: true });
    expect(iou?.result).toBeCloseTo(4 / 9, 12);

    const info = (await ok("GET", `validate/eval/${recall?.id}/info`)) as {
      scenario_test_item_evaluations: Record<string, unknown>[];
    };
    expect(info.scenario_test_item_evaluations.map((e) => [e.reference_id, e.result, e.pass])).toEqual([
      ["a", 0.5, true],
      ["b", 0, false],
    ]);
    for (const e of info.scenario_test_item_evaluations) {
      expect(e).toMatchObject({
        evaluation_id: recall?.id,
        scenario_test_id: testId,
        eval_function_id: fn.get("bbox_recall"),
      });
      expect(e.dataset_item_id).toMatch(ID("di_"));
    }

    expect(await ok("POST", `validate/scenario_test/${testId}/set_baseline_model/${modelId}`)).toEqual({
      baseline_model_id: modelId,
    });
    expect(await ok("GET", "validate/scenario_test/details")).toEqual([
      { id: testId, name: "cars", slice_id: sliceId, dataset_id: datasetId, baseline_model_id: modelId },
    ]);
    expect(await ok("GET", "validate/scenario_test")).toEqual({ scenario_test_ids: [testId] });

    // With the model as baseline, bbox_iou (no threshold of its own) is judged by its 4/9.
    const metrics = (await ok("POST", `validate/${modelId}/metrics`)) as { job_id: string }[];
    expect(metrics).toHaveLength(1);
    await server.jobs.idle();
    const latest = (
      (await ok("GET", `validate/scenario_test/${testId}/eval_history/details`)) as {
        eval_function_id: string;
        threshold: number;
        pass: boolean;
      }[]
    ).at(-1);
    expect(latest).toMatchObject({ eval_function_id: fn.get("bbox_iou"), pass: true });
    expect(latest?.threshold).toBeCloseTo(4 / 9, 12);

    expect(await ok("DELETE", `validate/scenario_test/${testId}`)).toEqual({ success: true });
    expect((await server.call("GET", `validate/scenario_test/${testId}/info`, { body: {} })).status).toBe(
      404,
    );
  });

  it("takes external functions and their uploaded results", async () => {
    const { eval_fn } = (await ok("POST", "validate/eval_fn", {
      name: "lane_keeping",
      is_external_function: true,
      serialized_fn: null,
      raw_source: null,
      level: "item",
    })) as { eval_fn: Record<string, unknown> };
    expect(eval_fn).toMatchObject({ name: "lane_keeping", is_external_function: true, is_public: false });
    const listed = (await ok("GET", "validate/eval_fn")) as { eval_functions: { id: string }[] };
    expect(listed.eval_functions.at(-1)?.id).toBe(eval_fn.id);
    const { scenario_test_id } = (await ok("POST", "validate/scenario_test", {
      name: "lanes",
      slice_id: sliceId,
      evaluation_functions: [{ id: eval_fn.id, eval_func_arguments: {} }],
    })) as { scenario_test_id: string };
    await ok("POST", `validate/metric/set_threshold/${scenario_test_id}/${eval_fn.id}`, { threshold: 0.7 });
    const uploaded = await ok("POST", "validate/scenario_test/upload_results", {
      unit_test_id: scenario_test_id,
      eval_function_id: eval_fn.id,
      result_per_ref_id: { a: 0.9, b: 0.6 },
      weight_per_ref_id: { a: 1, b: 0.5 },
      overall_metric: (0.9 + 0.3) / 1.5,
      model_id: modelId,
      slice_id: sliceId,
      level: "item",
    });
    expect(uploaded).toMatchObject({ pass: true });
    expect((uploaded as { result: number }).result).toBeCloseTo(0.8, 12);
    const [evaluation] = (await ok(
      "GET",
      `validate/scenario_test/${scenario_test_id}/eval_history/details`,
    )) as {
      id: string;
    }[];
    const info = (await ok("GET", `validate/eval/${evaluation?.id}/info`)) as {
      scenario_test_item_evaluations: {
        reference_id: string;
        result: number;
        weight: number;
        pass: boolean;
      }[];
    };
    expect(
      info.scenario_test_item_evaluations.map((e) => [e.reference_id, e.result, e.weight, e.pass]),
    ).toEqual([
      ["a", 0.9, 1, true],
      ["b", 0.6, 0.5, false],
    ]);
    // A test cannot mix external and standard functions.
    const mixed = await server.call("POST", "validate/scenario_test_eval_function", {
      body: { scenario_test_name: "lanes", eval_function_id: fn.get("bbox_iou") },
    });
    expect(mixed.status).toBe(400);
    expect((mixed.body as { error: string }).error).toContain("eval_function_id");
  });

  it("scores segmentation masks uploaded as files, and reports a mask it cannot read", async () => {
    // 4x4 masks: ground truth road in columns 0-1 and car in 2-3; prediction road in 0-2, car in 3.
    const png = (columns: number[]) =>
      sharp(Buffer.from(Array.from({ length: 16 }, (_, i) => columns[i % 4] as number)), {
        raw: { width: 4, height: 4, channels: 1 },
      })
        .png()
        .toBuffer();
    const upload = async (route: string, columns: number[], classes: [string, number][]) => {
      const form = new FormData();
      form.append(
        "serialized_request",
        JSON.stringify({
          segmentations: [
            {
              type: "mask",
              mask_url: "/data/mask.png",
              annotations: classes.map(([label, index]) => ({ label, index })),
              reference_id: "a",
            },
          ],
          update: false,
        }),
      );
      form.append("mask", new Blob([await png(columns)], { type: "image/png" }), "%2Fdata%2Fmask.png");
      const response = await server.call("POST", route, { body: form });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    };
    await upload(
      `dataset/${datasetId}/annotate`,
      [1, 1, 2, 2],
      [
        ["road", 1],
        ["car", 2],
      ],
    );
    await upload(
      `dataset/${datasetId}/model/${modelId}/uploadPredictions`,
      [3, 3, 3, 4],
      [
        ["road", 3],
        ["car", 4],
      ],
    );
    const { scenario_test_id: testId } = (await ok("POST", "validate/scenario_test", {
      name: "masks",
      slice_id: sliceId,
      evaluation_functions: ["seg_iou", "seg_recall", "seg_precision", "seg_fwavacc"].map((name) => ({
        id: fn.get(name),
        eval_func_arguments: { annotation_filters: null, prediction_filters: null },
      })),
    })) as { scenario_test_id: string };
    await ok("POST", `validate/${modelId}/evaluate`, { test_names: ["masks"] });
    await server.jobs.idle();
    const history = (await ok("GET", `validate/scenario_test/${testId}/eval_history/details`)) as {
      status: string;
      result: number;
    }[];
    expect(history.map((e) => e.status)).toEqual(["completed", "completed", "completed", "completed"]);
    // road IoU 8/12, car 4/8; recall 1 and 1/2; precision 8/12 and 1; both labels half the pixels.
    const expected = [(2 / 3 + 1 / 2) / 2, (1 + 1 / 2) / 2, (2 / 3 + 1) / 2, (2 / 3 + 1 / 2) / 2];
    for (const [i, e] of history.entries()) expect(e.result).toBeCloseTo(expected[i] as number, 12);

    // A remote mask this server cannot read ends the evaluation with an error naming the item.
    await ok("POST", `dataset/${datasetId}/annotate`, {
      update: false,
      segmentations: [
        {
          type: "mask",
          mask_url: "s3://bucket/c.png",
          annotations: [{ label: "road", index: 1 }],
          reference_id: "c",
        },
      ],
    });
    const { slice_id: onlyC } = (await ok("POST", `dataset/${datasetId}/create_slice`, {
      name: "c",
      reference_ids: ["c"],
    })) as { slice_id: string };
    const { scenario_test_id: remote } = (await ok("POST", "validate/scenario_test", {
      name: "remote masks",
      slice_id: onlyC,
      evaluation_functions: [{ id: fn.get("seg_iou"), eval_func_arguments: {} }],
    })) as { scenario_test_id: string };
    await ok("POST", `validate/${modelId}/evaluate`, { test_names: ["remote masks"] });
    await server.jobs.idle();
    const [errored] = (await ok("GET", `validate/scenario_test/${remote}/eval_history/details`)) as {
      status: string;
      pass: boolean;
      error: string;
    }[];
    expect(errored).toMatchObject({ status: "errored", pass: false });
    expect(errored?.error).toContain("item c: mask s3://bucket/c.png: only masks uploaded to this server");
    for (const id of [testId, remote]) await ok("DELETE", `validate/scenario_test/${id}`);
  });

  it("refuses malformed requests with a 400 naming the field, and writes nothing", async () => {
    const before = await ok("GET", "validate/scenario_test/details");
    const jobsBefore = await ok("POST", "jobs/", { show_completed: true, limit: 1000 });
    const refused = async (method: string, route: string, body: unknown, field: string) => {
      const response = await server.call(method, route, { body });
      expect(response.status, `${route} ${JSON.stringify(body)}`).toBe(400);
      expect(JSON.stringify(response.body), JSON.stringify(body)).toContain(field);
    };
    const recall = fn.get("bbox_recall");
    await refused(
      "POST",
      "validate/scenario_test",
      { name: "x", slice_id: "nope", evaluation_functions: [] },
      "slice_id",
    );
    await refused(
      "POST",
      "validate/scenario_test",
      { name: "x", slice_id: sliceId, evaluation_functions: [] },
      "evaluation_functions",
    );
    await refused(
      "POST",
      "validate/scenario_test",
      {
        name: "x",
        slice_id: sliceId,
        evaluation_functions: [{ id: recall, eval_func_arguments: { iou_threshold: 2 } }],
      },
      "evaluation_functions[0].eval_func_arguments.iou_threshold",
    );
    await refused(
      "POST",
      "validate/scenario_test",
      {
        name: "x",
        slice_id: sliceId,
        evaluation_functions: [
          { id: recall, eval_func_arguments: { prediction_filters: [["label", "~", "car"]] } },
        ],
      },
      "prediction_filters[0]",
    );
    await refused(
      "POST",
      "validate/scenario_test",
      { name: "x", slice_id: sliceId, evaluation_functions: [{ id: "ef_00000000000000000000" }] },
      "evaluation_functions[0].id",
    );
    await refused(
      "POST",
      "validate/scenario_test",
      { name: "lanes", slice_id: sliceId, evaluation_functions: [{ id: recall }] },
      "name",
    );
    await refused("POST", "validate/eval_fn", { name: "has space", is_external_function: true }, "name");
    await refused("POST", "validate/eval_fn", { name: "bbox_iou", is_external_function: true }, "name");
    await refused("POST", `validate/${modelId}/evaluate`, { test_names: ["cars", 3] }, "test_names");
    await refused("POST", `validate/${modelId}/evaluate`, { test_names: ["no such test"] }, "test_names[0]");
    const lanes = (
      (before as { id: string; name: string }[]).find((t) => t.name === "lanes") as { id: string }
    ).id;
    const external = (
      (await ok("GET", "validate/eval_fn")) as { eval_functions: { id: string; name: string }[] }
    ).eval_functions.find((f) => f.name === "lane_keeping")?.id;
    const upload = {
      unit_test_id: lanes,
      eval_function_id: external,
      result_per_ref_id: { a: 0.5 },
      weight_per_ref_id: { a: 1 },
      overall_metric: 0.5,
      model_id: modelId,
      slice_id: sliceId,
      level: "item",
    };
    const historyBefore = await ok("GET", `validate/scenario_test/${lanes}/eval_history/details`);
    await refused(
      "POST",
      "validate/scenario_test/upload_results",
      { ...upload, result_per_ref_id: { a: 0.5, c: 1 } },
      "result_per_ref_id",
    );
    await refused(
      "POST",
      "validate/scenario_test/upload_results",
      { ...upload, weight_per_ref_id: { a: 2 } },
      "weight_per_ref_id",
    );
    await refused(
      "POST",
      "validate/scenario_test/upload_results",
      { ...upload, result_per_ref_id: {} },
      "result_per_ref_id",
    );
    await refused(
      "POST",
      "validate/scenario_test/upload_results",
      { ...upload, model_id: "prj_nope" },
      "model_id",
    );
    await refused(
      "POST",
      `validate/metric/set_threshold/${lanes}/${external}`,
      { threshold: "high" },
      "threshold",
    );
    expect(await ok("GET", `validate/scenario_test/${lanes}/eval_history/details`)).toEqual(historyBefore);
    expect(await ok("GET", "validate/scenario_test/details")).toEqual(before);
    expect(await ok("POST", "jobs/", { show_completed: true, limit: 1000 })).toEqual(jobsBefore);
    expect(server.logs.filter((line) => line.includes("failed"))).toEqual([]);
  });
});
