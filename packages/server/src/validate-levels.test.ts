/**
 * Scenario tests over scenes and tracks, as `ScenarioTest.get_items(level=...)` and
 * `upload_external_evaluation_results` use them: a test's items, the scenes they are frames of
 * and the tracks their annotations follow; results uploaded per scene and per track, read back
 * per evaluation; and the 400s for a level or reference id that does not fit. On each store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testBackends } from "./test-support.js";

/** A video scene of three frames, `ref/0` to `ref/2`. */
const clip = (ref: string) => ({
  reference_id: ref,
  frame_rate: 2,
  frames: [0, 1, 2].map((i) => ({
    url: `s3://bucket/${ref}/${i}.jpg`,
    type: "image",
    reference_id: `${ref}/${i}`,
  })),
  metadata: { weather: ref === "dusk" ? "dark" : "clear" },
});

/** A box on a frame that follows a track. */
const tracked = (frame: string, track: string, i: number) => ({
  label: "car",
  type: "box",
  geometry: { x: i, y: 1, width: 5, height: 5 },
  reference_id: frame,
  annotation_id: `${track}@${frame}`,
  metadata: {},
  track_reference_id: track,
});

describe.each(testBackends())("scenario tests over scenes and tracks on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  let modelId: string;
  let sliceId: string;
  let testId: string;
  const fns: Record<string, string> = {};

  const ok = async (method: string, path: string, body?: unknown) => {
    const response = await server.call(method, path, { body });
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(200);
    return response.body;
  };
  const upload = (level: string, fn: string, results: Record<string, number>) =>
    server.call("POST", "validate/scenario_test/upload_results", {
      body: {
        unit_test_id: testId,
        eval_function_id: fns[fn],
        result_per_ref_id: results,
        weight_per_ref_id: Object.fromEntries(Object.keys(results).map((ref) => [ref, 1])),
        overall_metric: Object.values(results).reduce((a, b) => a + b, 0) / Object.keys(results).length,
        model_id: modelId,
        slice_id: sliceId,
        level,
      },
    });

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    const created = (await ok("POST", "dataset/create", {
      name: "drives",
      is_scene: true,
      use_privacy_mode: false,
    })) as { dataset_id: string };
    ds = created.dataset_id;
    await ok("POST", `${ds}/upload_video_scenes`, { scenes: [clip("noon"), clip("dusk")], update: false });
    await ok("POST", `dataset/${ds}/annotate`, {
      update: false,
      annotations: [
        ...[0, 1, 2].map((i) => tracked(`dusk/${i}`, "car-7", i)),
        tracked("dusk/1", "bike-2", 3),
        ...[0, 1].map((i) => tracked(`noon/${i}`, "truck-1", i)),
      ],
    });
    await ok("POST", `dataset/${ds}/tracks`, {
      reference_id: "car-7",
      metadata: { color: "red" },
      overwrite: false,
    });
    modelId = (
      (await ok("POST", "models/add", { name: "tracker", reference_id: "tracker-v1", metadata: {} })) as {
        model_id: string;
      }
    ).model_id;
    const scenes = (await ok("GET", `dataset/${ds}/scenes_list`)) as {
      scenes: { id: string; reference_id: string }[];
    };
    const dusk = scenes.scenes.find((s) => s.reference_id === "dusk")?.id;
    sliceId = (
      (await ok("POST", `dataset/${ds}/create_slice`, { name: "at dusk", scene_ids: [dusk] })) as {
        slice_id: string;
      }
    ).slice_id;
    for (const [name, level] of [
      ["scene_smoothness", "scene"],
      ["track_stability", "track"],
      ["frame_sharpness", "item"],
    ]) {
      const made = (await ok("POST", "validate/eval_fn", {
        name,
        is_external_function: true,
        serialized_fn: null,
        raw_source: null,
        level,
      })) as { eval_fn: { id: string } };
      fns[name as string] = made.eval_fn.id;
    }
    testId = (
      (await ok("POST", "validate/scenario_test", {
        name: "dusk driving",
        slice_id: sliceId,
        evaluation_functions: Object.values(fns).map((id) => ({ id, eval_func_arguments: {} })),
      })) as { scenario_test_id: string }
    ).scenario_test_id;
  });
  afterAll(async () => {
    await server.stop();
  });

  it("lists the test's items, the scenes they are frames of, and the tracks they follow", async () => {
    const members = (await ok("GET", `validate/scenario_test/${testId}/items`)) as {
      dataset_items: { ref_id?: string; reference_id?: string }[];
      scenes: { reference_id: string; type: string; metadata: unknown; frames: { reference_id: string }[] }[];
      tracks: { reference_id: string; dataset_id: string; metadata: unknown }[];
    };
    expect(members.dataset_items.map((i) => i.reference_id ?? i.ref_id)).toEqual([
      "dusk/0",
      "dusk/1",
      "dusk/2",
    ]);
    expect(members.scenes).toHaveLength(1);
    expect(members.scenes[0]).toMatchObject({
      reference_id: "dusk",
      type: "video",
      metadata: { weather: "dark" },
    });
    expect(members.scenes[0]?.frames.map((f) => f.reference_id)).toEqual(["dusk/0", "dusk/1", "dusk/2"]);
    // truck-1 follows frames of the other scene only: not this test's.
    expect(members.tracks.map((t) => t.reference_id).sort()).toEqual(["bike-2", "car-7"]);
    expect(members.tracks.find((t) => t.reference_id === "car-7")).toEqual({
      reference_id: "car-7",
      dataset_id: ds,
      metadata: { color: "red" },
    });
  });

  it("takes results per scene and per track, and reads them back with their level", async () => {
    await ok("POST", `validate/metric/set_threshold/${testId}/${fns.track_stability}`, { threshold: 0.5 });
    const scene = await upload("scene", "scene_smoothness", { dusk: 0.75 });
    expect(scene.status, JSON.stringify(scene.body)).toBe(200);
    const track = await upload("track", "track_stability", { "car-7": 0.9, "bike-2": 0.2 });
    expect(track.status, JSON.stringify(track.body)).toBe(200);
    expect(track.body).toMatchObject({ pass: true });
    expect((track.body as { result: number }).result).toBeCloseTo(0.55, 12);

    const history = (await ok("GET", `validate/scenario_test/${testId}/eval_history/details`)) as {
      id: string;
      eval_function_id: string;
    }[];
    const rowsOf = async (fn: string) => {
      const evaluation = history.find((e) => e.eval_function_id === fns[fn]);
      return (
        (await ok("GET", `validate/eval/${evaluation?.id}/info`)) as {
          scenario_test_item_evaluations: Record<string, unknown>[];
        }
      ).scenario_test_item_evaluations;
    };
    const scenes = (await ok("GET", `dataset/${ds}/scenes_list`)) as {
      scenes: { id: string; reference_id: string }[];
    };
    expect(await rowsOf("scene_smoothness")).toEqual([
      expect.objectContaining({
        level: "scene",
        dataset_item_id: null,
        scene_id: scenes.scenes.find((s) => s.reference_id === "dusk")?.id,
        reference_id: "dusk",
        result: 0.75,
      }),
    ]);
    const tracks = await rowsOf("track_stability");
    expect(tracks.map((r) => [r.level, r.track_reference_id, r.dataset_item_id, r.result, r.pass])).toEqual([
      ["track", "car-7", null, 0.9, true],
      ["track", "bike-2", null, 0.2, false],
    ]);
  });

  it("refuses results whose level is not the function's, or that name nothing of the test's", async () => {
    const before = ((await ok("GET", `validate/scenario_test/${testId}/eval_history/details`)) as unknown[])
      .length;
    const wrongLevel = await upload("item", "scene_smoothness", { "dusk/0": 1 });
    expect(wrongLevel.status).toBe(400);
    expect((wrongLevel.body as { error: string }).error).toMatch(
      /^level: scene_smoothness takes results per scene/,
    );
    const otherScene = await upload("scene", "scene_smoothness", { dusk: 1, noon: 1 });
    expect(otherScene.status).toBe(400);
    expect((otherScene.body as { error: string }).error).toMatch(
      /result_per_ref_id: "noon" name no scene of slice/,
    );
    const otherTrack = await upload("track", "track_stability", { "truck-1": 1 });
    expect(otherTrack.status).toBe(400);
    expect((otherTrack.body as { error: string }).error).toMatch(/"truck-1" name no track of slice/);
    const frameAsScene = await upload("scene", "scene_smoothness", { "dusk/1": 1 });
    expect(frameAsScene.status).toBe(400);
    // Nothing was written by the refused uploads.
    expect(
      ((await ok("GET", `validate/scenario_test/${testId}/eval_history/details`)) as unknown[]).length,
    ).toBe(before);
  });
});
