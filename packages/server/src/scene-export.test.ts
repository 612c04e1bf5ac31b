/**
 * `exportForTrainingByScene` as `Dataset.scene_and_annotation_generator` calls it: scenes with
 * their tracked boxes frame by frame, paged, optionally of a slice, on each store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer, testBackends } from "./test-support.js";

function videoScene(ref: string, frames: number) {
  return {
    reference_id: ref,
    frame_rate: 2,
    frames: Array.from({ length: frames }, (_, i) => ({
      url: `s3://bucket/${ref}/${i}.jpg`,
      type: "image",
      reference_id: `${ref}/${i}`,
      metadata: {},
    })),
    metadata: { weather: ref },
  };
}

describe.each(testBackends())("the scene export on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    const created = await server.call("POST", "dataset/create", {
      body: { name: "clips", is_scene: true, use_privacy_mode: false },
    });
    ds = (created.body as { dataset_id: string }).dataset_id;
    const upload = await server.call("POST", `${ds}/upload_video_scenes`, {
      body: {
        scenes: [
          videoScene("a", 3),
          videoScene("b", 2),
          { reference_id: "c", video_url: "s3://bucket/c.mp4", metadata: {} },
        ],
      },
    });
    expect(upload.status).toBe(200);
    const annotate = await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        annotations: [
          // Sent out of frame order: the export lists a track's frames in scene order.
          ...[2, 0].map((i) => ({
            label: "car",
            type: "box",
            geometry: { x: i, y: 1, width: 5, height: 6 },
            reference_id: `a/${i}`,
            annotation_id: `car-${i}`,
            metadata: { i },
            track_reference_id: "car-1",
          })),
          {
            label: "bike",
            type: "box",
            geometry: { x: 3, y: 4, width: 1, height: 2 },
            reference_id: "a/1",
            annotation_id: "bike",
            metadata: {},
            track_reference_id: "bike-1",
          },
          {
            label: "dog",
            type: "box",
            geometry: { x: 0, y: 0, width: 1, height: 1 },
            reference_id: "b/0",
            annotation_id: "loose",
            metadata: {},
          },
        ],
      },
    });
    expect(annotate.body).toMatchObject({ annotations_processed: 4 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("exports each scene with its tracks' boxes keyed by frame position, a page at a time", async () => {
    const first = await server.call("POST", `dataset/${ds}/exportForTrainingByScene`, {
      body: { pageToken: null, pageSize: 2, sliceId: null, onlyMostRecentTask: true },
    });
    expect(first.status).toBe(200);
    const page = first.body as {
      data: { scene: { reference_id: string }; annotations: unknown }[];
      nextPageToken: string;
    };
    expect(page.data.map((row) => row.scene.reference_id)).toEqual(["a", "b"]);
    expect(page.data[0]).toMatchObject({
      scene: { reference_id: "a", type: "video", metadata: { weather: "a" }, fileLocation: null },
    });
    expect(page.data[0]?.annotations).toEqual({
      "car-1": {
        label: "car",
        name: "car-1",
        frames: [
          { left: 0, top: 1, width: 5, height: 6, key: 0, metadata: { i: 0 } },
          { left: 2, top: 1, width: 5, height: 6, key: 2, metadata: { i: 2 } },
        ],
      },
      "bike-1": {
        label: "bike",
        name: "bike-1",
        frames: [{ left: 3, top: 4, width: 1, height: 2, key: 1, metadata: {} }],
      },
    });
    // A box that follows no track is not exported.
    expect(page.data[1]?.annotations).toEqual({});
    const second = await server.call("POST", `dataset/${ds}/exportForTrainingByScene`, {
      body: { pageToken: page.nextPageToken },
    });
    expect(second.body).toMatchObject({
      data: [{ scene: { reference_id: "c", fileLocation: "s3://bucket/c.mp4" }, annotations: {} }],
      nextPageToken: null,
    });
  });

  it("exports only the scenes of a slice", async () => {
    const slice = await server.call("POST", `dataset/${ds}/create_slice`, {
      body: { name: "b only", reference_ids: ["b/1"] },
    });
    const sliceId = (slice.body as { slice_id: string }).slice_id;
    const page = await server.call("POST", `dataset/${ds}/exportForTrainingByScene`, { body: { sliceId } });
    expect(
      (page.body as { data: { scene: { reference_id: string } }[] }).data.map((r) => r.scene.reference_id),
    ).toEqual(["b"]);
  });

  it("refuses a page size over 30, naming the field", async () => {
    const refused = await server.call("POST", `dataset/${ds}/exportForTrainingByScene`, {
      body: { pageSize: 31 },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as { error: string }).error).toMatch(/pageSize/);
  });
});
