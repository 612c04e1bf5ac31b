/**
 * Exports on the wire, as the official client calls them: `Dataset.export_predictions`,
 * `ModelRun.ungrouped_export`, `Slice.export_predictions` (and its generator),
 * `Slice.items_and_annotation_generator`, `Slice.export_raw_items` (whose `scale_url` serves the
 * uploaded bytes) and the class labels of a dataset and a slice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, startTestServer, type TestServer, TINY_PNG } from "./test-support.js";

let server: TestServer;
let ds: string;
let model: string;
let run: string;
let slice: string;

const box = (ref: string, label: string, extra: Record<string, unknown> = {}) => ({
  label,
  type: "box",
  geometry: { x: 1, y: 2, width: 3, height: 4 },
  reference_id: ref,
  annotation_id: `${label}-${ref}`,
  metadata: {},
  ...extra,
});

beforeAll(async () => {
  server = await startTestServer();
  ds = await createDataset(server);
  await server.call("POST", `dataset/${ds}/append`, {
    body: {
      items: [
        { reference_id: "a", image_url: "https://example.invalid/a.jpg", metadata: { n: 1 } },
        { reference_id: "b", image_url: "https://example.invalid/b.jpg", metadata: { n: 2 } },
      ],
    },
  });
  const form = new FormData();
  form.append(
    "items",
    JSON.stringify([{ reference_id: "local", image_url: "/data/local.png", metadata: {}, update: false }]),
  );
  form.append("image", new Blob([TINY_PNG], { type: "image/png" }), "%2Fdata%2Flocal.png");
  await server.call("POST", `dataset/${ds}/append`, { body: form });
  await server.call("POST", `dataset/${ds}/add_taxonomy`, {
    body: { taxonomy_name: "time", type: "category", labels: ["day"] },
  });
  await server.call("POST", `dataset/${ds}/annotate`, {
    body: {
      annotations: [
        box("a", "car"),
        box("local", "bus"),
        { type: "category", label: "day", reference_id: "b", taxonomy_name: "time", geometry: {} },
      ],
      segmentations: [
        {
          type: "mask",
          mask_url: "s3://bucket/m.png",
          reference_id: "a",
          annotations: [{ label: "road", index: 1 }],
        },
      ],
    },
  });
  model = (
    (await server.call("POST", "models/add", { body: { name: "m", reference_id: "exp", metadata: {} } }))
      .body as { model_id: string }
  ).model_id;
  await server.call("POST", `dataset/${ds}/model/${model}/uploadPredictions`, {
    body: { annotations: [box("a", "car", { confidence: 0.9 }), box("local", "truck", { confidence: 0.4 })] },
  });
  run = (
    (await server.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "exp" } }))
      .body as { model_run_id: string }
  ).model_run_id;
  await server.call("POST", `modelRun/${run}/predict`, {
    body: { annotations: [box("b", "van", { confidence: 0.5 })] },
  });
  slice = (
    (
      await server.call("POST", `dataset/${ds}/create_slice`, {
        body: { name: "s", reference_ids: ["local", "b"] },
      })
    ).body as { slice_id: string }
  ).slice_id;
});
afterAll(async () => {
  await server.stop();
});

type Groups = Record<string, { label: string; reference_id: string; confidence?: number }[]>;

describe("prediction exports", () => {
  it("of a model on a dataset: every run's predictions, grouped by type", async () => {
    const response = await server.call("GET", `dataset/${ds}/model/${model}/export`);
    const groups = response.body as Groups;
    expect(Object.keys(groups)).toEqual(["box"]);
    expect(groups.box?.map((p) => [p.reference_id, p.label, p.confidence])).toEqual([
      ["a", "car", 0.9],
      ["b", "van", 0.5],
      ["local", "truck", 0.4],
    ]);
    expect((await server.call("GET", `dataset/${ds}/model/prj_missing/export`)).status).toBe(404);
  });

  it("of a run, ungrouped by item", async () => {
    const groups = (await server.call("GET", `modelRun/${run}/ungrouped`)).body as Groups;
    expect(groups.box?.map((p) => p.label)).toEqual(["van"]);
    expect((await server.call("GET", "modelRun/run_missing/ungrouped")).status).toBe(404);
  });

  it("of a slice: export rows holding the model's predictions, whole and paged", async () => {
    const whole = (await server.call("GET", `slice/${slice}/${model}/exportForTraining`)).body as {
      exportedRows: { item: { reference_id: string }; box: { label: string }[]; category: unknown[] }[];
    };
    expect(whole.exportedRows.map((row) => [row.item.reference_id, row.box.map((b) => b.label)])).toEqual([
      ["local", ["truck"]],
      ["b", ["van"]],
    ]);
    expect(whole.exportedRows[1]?.category).toEqual([]);
    const first = (
      await server.call("POST", `slice/${slice}/${model}/exportForTrainingPage`, {
        body: { pageToken: null, pageSize: 1 },
      })
    ).body as { data: { item: { reference_id: string } }[]; nextPageToken: string | null };
    expect(first.data.map((row) => row.item.reference_id)).toEqual(["local"]);
    const second = (
      await server.call("POST", `slice/${slice}/${model}/exportForTrainingPage`, {
        body: { pageToken: first.nextPageToken, pageSize: 1 },
      })
    ).body as typeof first;
    expect(second.data.map((row) => row.item.reference_id)).toEqual(["b"]);
    expect(second.nextPageToken).toBeNull();
  });
});

describe("slice exports", () => {
  it("page the slice's items with their ground truth", async () => {
    const page = (
      await server.call("POST", `slice/${slice}/exportForTrainingPage`, {
        body: { pageToken: null, pageSize: 10, chip: false },
      })
    ).body as {
      data: { item: { reference_id: string }; box: { label: string }[]; category: { label: string }[] }[];
      nextPageToken: null;
    };
    expect(
      page.data.map((row) => [
        row.item.reference_id,
        row.box.map((b) => b.label),
        row.category.map((c) => c.label),
      ]),
    ).toEqual([
      ["local", ["bus"], []],
      ["b", [], ["day"]],
    ]);
    expect(page.nextPageToken).toBeNull();
    const bad = await server.call("POST", `slice/${slice}/exportForTrainingPage`, { body: { pageSize: 0 } });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: string }).error).toContain("pageSize");
  });

  it("export raw items whose scale_url serves the bytes that were uploaded", async () => {
    const { raw_dataset_items: raw } = (await server.call("GET", `slice/${slice}/exportRawItems`)).body as {
      raw_dataset_items: {
        id: string;
        ref_id: string;
        metadata: unknown;
        original_url: string;
        scale_url: string;
      }[];
    };
    expect(raw.map((item) => [item.ref_id, item.original_url])).toEqual([
      ["local", "/data/local.png"],
      ["b", "https://example.invalid/b.jpg"],
    ]);
    expect(raw[0]?.id).toMatch(/^di_/);
    const served = Buffer.from(await (await fetch(raw[0]?.scale_url as string)).arrayBuffer());
    expect(served.equals(TINY_PNG)).toBe(true);
    expect(raw[1]?.scale_url).toBe("https://example.invalid/b.jpg");
    expect(raw[1]?.metadata).toEqual({ n: 2 });
  });

  it("list the class labels of a dataset and of a slice", async () => {
    expect((await server.call("GET", `dataset/${ds}/class_labels`)).body).toEqual({
      data: ["bus", "car", "day", "road"],
    });
    expect((await server.call("GET", `slice/${slice}/class_labels`)).body).toEqual({ data: ["bus", "day"] });
    expect((await server.call("GET", "slice/slc_missing/class_labels")).status).toBe(404);
  });
});
