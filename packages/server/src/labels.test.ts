import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, KEY, remoteItems, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
let strict: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  strict = await startTestServer(undefined, { immutableCommittedRuns: true });
});
afterAll(async () => {
  await server.stop();
  await strict.stop();
});

const box = (ref: string, x: number, extra: Record<string, unknown> = {}) => ({
  type: "box",
  label: "car",
  reference_id: ref,
  geometry: { x, y: 0, width: 10, height: 10 },
  ...extra,
});

type Groups = {
  annotations: Record<
    string,
    { geometry?: { x: number }; label?: string; id: string; annotation_id?: string }[]
  >;
};

describe("annotations", () => {
  it("ignore a known (reference id, annotation id) without update and replace it with update", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const first = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [box("img_0", 1, { annotation_id: "a1" })] },
    });
    expect(first.body).toEqual({ dataset_id: ds, annotations_processed: 1, annotations_ignored: 0 });
    const ignored = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [box("img_0", 5, { annotation_id: "a1" })] },
    });
    expect(ignored.body).toEqual({ dataset_id: ds, annotations_processed: 0, annotations_ignored: 1 });
    let stored = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups;
    expect(stored.annotations.box?.map((b) => b.geometry?.x)).toEqual([1]);
    const updated = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [box("img_0", 5, { annotation_id: "a1" })], update: true },
    });
    expect(updated.body).toEqual({ dataset_id: ds, annotations_processed: 1, annotations_ignored: 0 });
    stored = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups;
    expect(stored.annotations.box?.map((b) => b.geometry?.x)).toEqual([5]);
    const one = await server.call("GET", `dataset/${ds}/groundTruth/loc/img_0/a1`);
    expect((one.body as { geometry: { x: number } }).geometry.x).toBe(5);
  });

  it("give boxes without an id the official client's default id, so re-uploads are idempotent", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    await server.call("POST", `dataset/${ds}/annotate`, { body: { annotations: [box("img_0", 2.5)] } });
    const again = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [box("img_0", 2.5)] },
    });
    expect(again.body).toMatchObject({ annotations_processed: 0, annotations_ignored: 1 });
    const stored = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups;
    expect(stored.annotations.box?.[0]?.annotation_id).toBe("car-2.5-0-10-10-img_0");
  });

  it("keep one category per taxonomy and omit empty groups", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const category = (label: string, taxonomy: string) => ({
      type: "category",
      label,
      reference_id: "img_0",
      taxonomy_name: taxonomy,
    });
    for (const [name, labels] of [
      ["time", ["day", "night"]],
      ["weather", ["rain"]],
    ] as const) {
      await server.call("POST", `dataset/${ds}/add_taxonomy`, {
        body: { taxonomy_name: name, type: "category", labels },
      });
    }
    await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [category("day", "time"), category("rain", "weather")] },
    });
    const replaced = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [category("night", "time")], update: true },
    });
    expect(replaced.body).toMatchObject({ annotations_processed: 1 });
    const stored = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as Groups;
    expect(Object.keys(stored.annotations)).toEqual(["category"]);
    expect(stored.annotations.category?.map((c) => c.label).sort()).toEqual(["night", "rain"]);
  });

  it("report labels on unknown items in errors, with a structured entry beside each, and apply the rest", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const response = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [box("img_0", 1), box("ghost", 1), box('gh"ost 2', 1)] },
    });
    expect(response.body).toEqual({
      dataset_id: ds,
      annotations_processed: 1,
      annotations_ignored: 0,
      errors: [
        'Item with reference id "ghost" doesn\'t exist.',
        'Item with reference id "gh\\"ost 2" doesn\'t exist.',
      ],
      error_details: [
        { code: "unknown_reference", reference_id: "ghost" },
        { code: "unknown_reference", reference_id: 'gh"ost 2' },
      ],
    });
  });
});

describe("predictions", () => {
  async function runOn(target: TestServer) {
    const ds = await createDataset(target);
    await target.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(2) } });
    const model = (
      await target.call("POST", "models/add", { body: { name: "m", reference_id: "m-ref", metadata: {} } })
    ).body as {
      model_id: string;
    };
    const run = (
      await target.call("POST", `dataset/${ds}/modelRun/create`, {
        body: { name: "run", reference_id: "m-ref" },
      })
    ).body as {
      model_run_id: string;
    };
    return { ds, modelId: model.model_id, runId: run.model_run_id };
  }

  it("are stored per run, read back by position, reference and item id, and listed by model", async () => {
    const { ds, modelId, runId } = await runOn(server);
    const predicted = await server.call("POST", `modelRun/${runId}/predict`, {
      body: {
        annotations: [
          box("img_1", 3, { annotation_id: "p1", confidence: 0.7, class_pdf: { car: 0.7, bus: 0.3 } }),
        ],
      },
    });
    expect(predicted.body).toEqual({
      dataset_id: ds,
      model_run_id: runId,
      predictions_processed: 1,
      predictions_ignored: 0,
    });
    const byRef = (await server.call("GET", `modelRun/${runId}/refloc/img_1`, { body: {} })).body as Groups;
    expect(byRef.annotations.box?.[0]?.id).toMatch(/^pred_/);
    expect((await server.call("GET", `modelRun/${runId}/iloc/1`)).body).toEqual(byRef);
    expect((await server.call("GET", `modelRun/${runId}/iloc/0`)).body).toEqual({ annotations: {} });
    const one = await server.call("GET", `modelRun/${runId}/prediction/loc/img_1/p1`);
    expect(one.body).toMatchObject({ confidence: 0.7, class_pdf: { car: 0.7, bus: 0.3 } });
    expect((await server.call("GET", `model/${runId}`)).body).toMatchObject({ id: modelId, ref_id: "m-ref" });
    expect(
      ((await server.call("GET", `dataset/${ds}/info`)).body as { model_run_ids: string[] }).model_run_ids,
    ).toEqual([runId]);
  });

  it("upload through the model route into one run per (model, dataset)", async () => {
    const { ds, modelId } = await runOn(server);
    for (let i = 0; i < 2; i += 1) {
      const response = await server.call("POST", `dataset/${ds}/model/${modelId}/uploadPredictions`, {
        body: { annotations: [box("img_0", i, { annotation_id: `p${i}`, confidence: 0.5 })] },
      });
      expect(response.body).toMatchObject({ predictions_processed: 1 });
    }
    const back = (await server.call("GET", `dataset/${ds}/model/${modelId}/referenceId/img_0`))
      .body as Groups;
    expect(back.annotations.box?.map((b) => b.annotation_id)).toEqual(["p0", "p1"]);
  });

  it("reopen a committed run by default, and refuse new predictions when runs are immutable", async () => {
    const open = await runOn(server);
    await server.call("POST", `modelRun/${open.runId}/commit`, { body: {} });
    expect(
      ((await server.call("GET", `modelRun/${open.runId}/info`)).body as { status: string }).status,
    ).toBe("Committed");
    await server.call("POST", `modelRun/${open.runId}/predict`, {
      body: { annotations: [box("img_0", 1, { confidence: 0.5 })] },
    });
    expect(
      ((await server.call("GET", `modelRun/${open.runId}/info`)).body as { status: string }).status,
    ).toBe("Started");

    const locked = await runOn(strict);
    await strict.call("POST", `modelRun/${locked.runId}/commit`, { body: { class_agnostic: true } });
    const refused = await strict.call("POST", `modelRun/${locked.runId}/predict`, {
      body: { annotations: [box("img_0", 1, { confidence: 0.5 })] },
    });
    expect(refused.status).toBe(409);
    expect((refused.body as { error: string }).error).toMatch(/is committed/);
    expect((await strict.call("GET", `modelRun/${locked.runId}/iloc/0`, { key: KEY })).body).toEqual({
      annotations: {},
    });
  });
});
