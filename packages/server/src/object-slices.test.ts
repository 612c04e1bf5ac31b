/**
 * Object slices as `Dataset.create_slice_by_ids(annotation_ids=..., prediction_ids=...)` makes
 * them: a slice of type `object` whose `items` are the annotations and predictions themselves
 * (read by the official client by id prefix), exported by `export_raw_json` with their items;
 * unknown ids refused, nothing written; on each store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remoteItems, startTestServer, type TestServer, testBackends } from "./test-support.js";

const box = (ref: string, id: string, extra: Record<string, unknown> = {}) => ({
  type: "box",
  label: "car",
  reference_id: ref,
  annotation_id: id,
  geometry: { x: 1, y: 2, width: 3, height: 4 },
  metadata: {},
  ...extra,
});

describe.each(testBackends())("object slices on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  let runId: string;
  const annotationIds: Record<string, string> = {};
  const predictionIds: Record<string, string> = {};

  const ok = async (method: string, path: string, body?: unknown) => {
    const response = await server.call(method, path, { body });
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = ((await ok("POST", "dataset/create", { name: "objects" })) as { dataset_id: string }).dataset_id;
    await ok("POST", `dataset/${ds}/append`, { items: remoteItems(3), update: false });
    await ok("POST", `dataset/${ds}/annotate`, {
      annotations: [box("img_0", "gt-a"), box("img_1", "gt-b"), box("img_2", "gt-c")],
      update: false,
    });
    const model = (await ok("POST", "models/add", { name: "det", reference_id: "det", metadata: {} })) as {
      model_id: string;
    };
    await ok("POST", `dataset/${ds}/model/${model.model_id}/uploadPredictions`, {
      annotations: [box("img_0", "p-a", { confidence: 0.9 }), box("img_2", "p-c", { confidence: 0.3 })],
    });
    for (const ref of ["img_0", "img_1", "img_2"]) {
      const item = (await ok("GET", `dataset/${ds}/refloc/${ref}`)) as {
        annotations: { box: { id: string; annotation_id: string }[] };
      };
      for (const b of item.annotations.box) annotationIds[b.annotation_id] = b.id;
    }
    runId = ((await ok("GET", `dataset/${ds}/model_runs`)) as string[])[0] as string;
    for (const ref of ["img_0", "img_2"]) {
      const predicted = (await ok("GET", `modelRun/${runId}/refloc/${ref}`, {})) as {
        annotations: { box: { id: string; annotation_id: string }[] };
      };
      for (const b of predicted.annotations.box) predictionIds[b.annotation_id] = b.id;
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  it("makes an object slice of annotation and prediction ids, listed and exported as objects", async () => {
    const objectIds = [annotationIds["gt-c"], predictionIds["p-a"], annotationIds["gt-a"]] as string[];
    expect(objectIds.map((id) => id.split("_")[0])).toEqual(["ann", "pred", "ann"]);
    const created = (await ok("POST", `dataset/${ds}/create_slice`, {
      name: "hard objects",
      dataset_item_ids: null,
      scene_ids: null,
      object_ids: objectIds,
    })) as { slice_id: string };
    const sliceId = created.slice_id;
    expect(await ok("GET", `slice/${sliceId}/info`)).toMatchObject({ name: "hard objects", type: "object" });
    const listed = (await ok("GET", `slice/${sliceId}`)) as {
      items: { id: string; annotation_id: string; reference_id: string; confidence?: number }[];
    };
    expect(listed.items.map((o) => [o.id, o.annotation_id, o.reference_id])).toEqual([
      [annotationIds["gt-c"], "gt-c", "img_2"],
      [predictionIds["p-a"], "p-a", "img_0"],
      [annotationIds["gt-a"], "gt-a", "img_0"],
    ]);
    expect(listed.items[1]?.confidence).toBe(0.9);
    const raw = (await ok("GET", `slice/${sliceId}/export_raw_json`)) as {
      item: { reference_id: string };
      annotation?: { id: string };
      prediction?: { id: string; model_run_id: string };
    }[];
    expect(raw.map((row) => [row.item.reference_id, row.annotation?.id ?? row.prediction?.id])).toEqual([
      ["img_2", annotationIds["gt-c"]],
      ["img_0", predictionIds["p-a"]],
      ["img_0", annotationIds["gt-a"]],
    ]);
    expect(raw[1]?.prediction?.model_run_id).toBe(runId);
    // A deleted item's objects leave the slice.
    await ok("DELETE", `dataset/${ds}/refloc/img_2`, {});
    const after = (await ok("GET", `slice/${sliceId}`)) as { items: { id: string }[] };
    expect(after.items.map((o) => o.id)).toEqual([predictionIds["p-a"], annotationIds["gt-a"]]);
  });

  it("refuses unknown object ids and mixed kinds, writing nothing", async () => {
    const before = ((await ok("GET", `dataset/${ds}/slices`)) as unknown[]).length;
    const unknown = await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "ghost", object_ids: [annotationIds["gt-a"], "ann_nothingatall00000000"] },
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: string }).error).toMatch(
      /object_ids: "ann_nothingatall00000000" name no annotation or prediction of dataset/,
    );
    const mixed = await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "mixed", dataset_item_ids: ["di_x"], object_ids: [annotationIds["gt-a"]] },
    });
    expect(mixed.status).toBe(400);
    expect((mixed.body as { error: string }).error).toMatch(/dataset_item_ids, object_ids/);
    expect(((await ok("GET", `dataset/${ds}/slices`)) as unknown[]).length).toBe(before);
  });

  it("exports an item slice's raw JSON as one row per item", async () => {
    const created = (await ok("POST", `dataset/${ds}/create_slice`, {
      name: "two items",
      reference_ids: ["img_1", "img_0"],
    })) as { slice_id: string };
    const raw = (await ok("GET", `slice/${created.slice_id}/export_raw_json`)) as {
      item: { reference_id: string };
    }[];
    expect(raw.map((row) => row.item.reference_id).sort()).toEqual(["img_0", "img_1"]);
    expect(raw.every((row) => Object.keys(row).length === 1)).toBe(true);
  });
});
