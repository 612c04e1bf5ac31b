/**
 * Scene slices as `Dataset.create_slice_by_ids(scene_ids=...)` makes them: the slice is of type
 * `scene`, holds its scenes' frames, and does not mix kinds of ids; on each store.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DumpLine } from "./dump/format.js";
import { dumpDataset, loadDump } from "./dump/tasks.js";
import { KEY, startTestServer, type TestServer, testBackends } from "./test-support.js";

const clip = (ref: string) => ({
  reference_id: ref,
  frame_rate: 1,
  frames: [0, 1].map((i) => ({
    url: `s3://bucket/${ref}/${i}.jpg`,
    type: "image",
    reference_id: `${ref}/${i}`,
  })),
  metadata: {},
});

describe.each(testBackends())("scene slices on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  let sceneIds: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    const created = await server.call("POST", "dataset/create", {
      body: { name: "clips", is_scene: true, use_privacy_mode: false },
    });
    ds = (created.body as { dataset_id: string }).dataset_id;
    await server.call("POST", `${ds}/upload_video_scenes`, { body: { scenes: [clip("a"), clip("b")] } });
    const listed = (await server.call("GET", `dataset/${ds}/scenes_list`)).body as {
      scenes: { id: string; reference_id: string }[];
    };
    sceneIds = Object.fromEntries(listed.scenes.map((s) => [s.reference_id, s.id]));
  });
  afterAll(async () => {
    await server.stop();
  });

  it("makes a scene slice of scene ids, shown as one in its info and the listing", async () => {
    const created = await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "just b", dataset_item_ids: null, scene_ids: [sceneIds.b], object_ids: null },
    });
    expect(created.status).toBe(200);
    const sliceId = (created.body as { slice_id: string }).slice_id;
    expect((await server.call("GET", `slice/${sliceId}/info`)).body).toMatchObject({
      slice_id: sliceId,
      name: "just b",
      dataset_id: ds,
      type: "scene",
    });
    const listing = (await server.call("GET", "slice/")).body as { id: string; type: string }[];
    expect(listing.find((s) => s.id === sliceId)?.type).toBe("scene");
    // The official client reads each entry of `items` by its id's prefix: the slice's scenes.
    const items = (await server.call("GET", `slice/${sliceId}`)).body as {
      items: { id: string; reference_id: string; frames: { reference_id: string }[] }[];
    };
    expect(items.items.map((i) => [i.id, i.reference_id])).toEqual([[sceneIds.b, "b"]]);
    expect(items.items[0]?.frames.map((f) => f.reference_id)).toEqual(["b/0", "b/1"]);
    const raw = (await server.call("GET", `slice/${sliceId}/export_raw_json`)).body as {
      item: { reference_id: string };
      scene: { id: string; reference_id: string };
    }[];
    expect(raw.map((row) => [row.item.reference_id, row.scene.reference_id])).toEqual([
      ["b/0", "b"],
      ["b/1", "b"],
    ]);
    const exported = (
      await server.call("POST", `dataset/${ds}/exportForTrainingByScene`, { body: { sliceId } })
    ).body as { data: { scene: { reference_id: string } }[] };
    expect(exported.data.map((row) => row.scene.reference_id)).toEqual(["b"]);
  });

  it("refuses mixed kinds of ids and unknown scene ids, naming the fields", async () => {
    const mixed = await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "mixed", dataset_item_ids: ["di_any"], scene_ids: [sceneIds.a] },
    });
    expect(mixed.status).toBe(400);
    expect((mixed.body as { error: string }).error).toMatch(/dataset_item_ids, scene_ids/);
    const unknown = await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "nothing", scene_ids: ["scn_nope"] },
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: string }).error).toMatch(/scene_ids: "scn_nope"/);
  });
});

it("a scene slice stays a scene slice through a dump and its import", async () => {
  const server = await startTestServer();
  try {
    const created = await server.call("POST", "dataset/create", {
      body: { name: "moving clips", is_scene: true, use_privacy_mode: false },
    });
    const ds = (created.body as { dataset_id: string }).dataset_id;
    await server.call("POST", `${ds}/upload_video_scenes`, { body: { scenes: [clip("a"), clip("b")] } });
    const listed = (await server.call("GET", `dataset/${ds}/scenes_list`)).body as {
      scenes: { id: string }[];
    };
    await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "first", scene_ids: [listed.scenes[0]?.id] },
    });
    const slices = async (dataDir: string, datasetId: string) => {
      const lines: DumpLine[] = [];
      await dumpDataset({ dataDir }, { apiKey: KEY }, datasetId, (line) => {
        lines.push(JSON.parse(JSON.stringify(line)) as DumpLine);
      });
      return lines;
    };
    const first = await slices(server.dataDir, ds);
    const target = mkdtempSync(join(tmpdir(), "nucleus-scene-slice-dump-"));
    const loaded = await loadDump(
      { dataDir: target },
      { apiKey: KEY },
      (async function* () {
        yield* first;
      })(),
    );
    const again = (await slices(target, loaded.datasetId)).filter((line) => line.kind === "slice");
    expect(again).toMatchObject([{ slice: { name: "first", type: "scene" }, referenceIds: ["a/0", "a/1"] }]);
  } finally {
    await server.stop();
  }
});
