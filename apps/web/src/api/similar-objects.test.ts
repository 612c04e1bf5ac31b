import { APIError, type QueriedObject, type SimilarObject } from "@nucleus/core";
import { describe, expect, it } from "vitest";
import { toCrop } from "./objects.js";
import {
  formatDistance,
  LIKE_PARAM,
  likeHref,
  mergeNeighbours,
  refusalOf,
  scopeName,
  similarScope,
  similarToCrop,
} from "./similar-objects.js";

const hit = (fields: Partial<SimilarObject>): SimilarObject => ({
  objectId: "ann_1",
  source: "annotation",
  modelRunId: null,
  annotationId: "a1",
  itemId: "di_1",
  referenceId: "img_1",
  label: "car",
  type: "box",
  geometry: { x: 4, y: 6, width: 10, height: 20 },
  box: { x: 4, y: 6, width: 10, height: 20 },
  distance: 0.0123,
  ...fields,
});

describe("more like this for objects", () => {
  it("searches among the source the view lists", () => {
    expect(similarScope("ground_truth", undefined)).toEqual({ source: "annotation" });
    expect(similarScope("ground_truth", "run_1")).toEqual({ source: "annotation" });
    expect(similarScope("predictions_only", "run_1")).toEqual({ modelRun: "run_1" });
    expect(similarScope("false_negative", "run_2")).toEqual({ modelRun: "run_2" });
    expect(similarScope("iou", undefined)).toBeUndefined();
    expect(scopeName({ source: "annotation" }, undefined)).toBe("ground truth");
    expect(scopeName({ modelRun: "run_1" }, "detector v2")).toBe("the predictions of detector v2");
    expect(scopeName({ modelRun: "run_1" }, undefined)).toBe("the predictions of run_1");
  });

  it("keeps the example in the address beside the mode, run and query, and drops it for the way back", () => {
    const search = new URLSearchParams({ mode: "predictions_only", run: "run_1", q: 'label = "car"' });
    const href = likeHref("/datasets/ds_1/objects", search, ["pred_7"]);
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/datasets/ds_1/objects");
    expect(url.searchParams.get(LIKE_PARAM)).toBe("pred_7");
    expect(url.searchParams.get("mode")).toBe("predictions_only");
    expect(url.searchParams.get("run")).toBe("run_1");
    expect(url.searchParams.get("q")).toBe('label = "car"');
    expect(likeHref("/datasets/ds_1/objects", url.searchParams, [])).toBe(
      `/datasets/ds_1/objects?${new URLSearchParams({ mode: "predictions_only", run: "run_1", q: 'label = "car"' })}`,
    );
    expect(likeHref("/datasets/ds_1/objects", new URLSearchParams("like=ann_1"), [])).toBe(
      "/datasets/ds_1/objects",
    );
    // Several examples: one parameter each, in the order picked, replacing the last ones.
    const several = likeHref("/datasets/ds_1/objects", new URLSearchParams("like=ann_1&q=x"), ["b", "a"]);
    expect(several).toBe("/datasets/ds_1/objects?q=x&like=b&like=a");
    expect(new URL(several, "http://x").searchParams.getAll(LIKE_PARAM)).toEqual(["b", "a"]);
    expect(likeHref("/p", new URLSearchParams(), ["a"])).toBe("/p?like=a");
  });

  it("merges the searches of several examples: each object at its nearest example's distance, examples left out", () => {
    const fromA = [hit({ objectId: "b", distance: 0.1 }), hit({ objectId: "x", distance: 0.2 })];
    const fromB = [
      hit({ objectId: "a", distance: 0.1 }),
      hit({ objectId: "x", distance: 0.05 }),
      hit({ objectId: "z", distance: 0.3 }),
      hit({ objectId: "y", distance: 0.3 }),
    ];
    const merged = mergeNeighbours([fromA, fromB], ["a", "b"], 10);
    expect(merged.map((o) => [o.objectId, o.distance])).toEqual([
      ["x", 0.05],
      ["y", 0.3],
      ["z", 0.3],
    ]);
    expect(mergeNeighbours([fromA, fromB], ["a", "b"], 2).map((o) => o.objectId)).toEqual(["x", "y"]);
    expect(mergeNeighbours([], [], 5)).toEqual([]);
  });

  it("turns a neighbour into a crop with its distance, a polygon with its shape", () => {
    const box = similarToCrop(hit({}));
    expect(box).toMatchObject({
      key: "ann_1",
      objectId: "ann_1",
      itemId: "di_1",
      referenceId: "img_1",
      label: "car",
      box: { x: 4, y: 6, width: 10, height: 20 },
      area: 200,
      vector: true,
      distance: 0.0123,
    });
    expect(box.shape).toBeUndefined();
    const vertices = [
      { x: 0, y: 0 },
      { x: 8, y: 0 },
      { x: 4, y: 6 },
    ];
    const polygon = similarToCrop(
      hit({
        objectId: "pred_2",
        source: "prediction",
        modelRunId: "run_1",
        type: "polygon",
        geometry: { vertices },
        box: { x: 0, y: 0, width: 8, height: 6 },
      }),
    );
    expect(polygon.shape).toMatchObject({ kind: "polygon", points: vertices, source: "run:run_1" });
    expect(formatDistance(0.0123)).toBe("0.012");
  });

  it("knows which listed objects carry a vector", () => {
    const row = (fields: Record<string, unknown>) => fields as unknown as QueriedObject;
    expect(toCrop(row({ id: "ann_1", type: "box", embedding_vector: [1, 0] }), 0)).toMatchObject({
      objectId: "ann_1",
      vector: true,
    });
    expect(toCrop(row({ id: "ann_2", type: "box", embedding_vector: null }), 0).vector).toBe(false);
    // A match row does not say: its prediction is the example, or its annotation for a miss.
    const fp = toCrop(
      row({ matchType: "FP", modelPredictionId: "pred_1", groundTruthAnnotationId: null }),
      0,
    );
    expect(fp).toMatchObject({ objectId: "pred_1", vector: undefined });
    const fn = toCrop(row({ matchType: "FN", modelPredictionId: null, groundTruthAnnotationId: "ann_3" }), 0);
    expect(fn.objectId).toBe("ann_3");
  });

  it("reads the server's words from a refused search, and nothing from other errors", () => {
    const message =
      'object_id: "ann_2" names no annotation or prediction of dataset ds_1 with an embedding_vector';
    const refused = APIError.generate(
      400,
      { error: message },
      "POST",
      "http://x/similar_objects",
      new Headers(),
    );
    expect(refusalOf(refused)).toBe(message);
    const failed = APIError.generate(
      500,
      { error: "boom" },
      "POST",
      "http://x/similar_objects",
      new Headers(),
    );
    expect(refusalOf(failed)).toBeUndefined();
    expect(refusalOf(new Error("offline"))).toBeUndefined();
  });
});
