import { describe, expect, it } from "vitest";
import { compareValues } from "../api/items.js";
import { mediaOf, thumbnailUrl } from "../api/media.js";
import { parseRoute, pathOf, withQuery } from "./router.js";
import { carriedQuery, parseView, viewQuery } from "./view.js";

describe("routes", () => {
  it.each([
    ["/", { page: "datasets" }],
    ["/login", { page: "login" }],
    ["/datasets/ds_1", { page: "dataset", datasetId: "ds_1" }],
    ["/datasets/ds_1/items/di%2F2", { page: "item", datasetId: "ds_1", itemId: "di/2" }],
    ["/datasets/ds_1/slices", { page: "slices", datasetId: "ds_1" }],
    ["/datasets/ds_1/objects", { page: "objects", datasetId: "ds_1" }],
    ["/runs/run_1", { page: "run", runId: "run_1" }],
    ["/runs/run_1/examples", { page: "examples", runId: "run_1" }],
    ["/nowhere/at/all", { page: "not-found", path: "/nowhere/at/all" }],
  ])("%s", (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    if (route.page !== "not-found") expect(parseRoute(pathOf(parseRoute(path)))).toEqual(route);
  });
});

describe("the view in the address bar", () => {
  it("reads defaults from an empty query and writes them back as nothing", () => {
    const view = parseView(new URLSearchParams());
    expect(view).toMatchObject({
      runs: [],
      groundTruth: true,
      minConfidence: 0,
      tile: 220,
      iou: 0.5,
      colorBy: "label",
    });
    expect(withQuery("/d", new URLSearchParams(), viewQuery(view))).toBe("/d");
  });
  it("round-trips a changed view and clamps what is out of range", () => {
    const q = viewQuery({
      runs: ["r1", "r2"],
      groundTruth: false,
      hidden: new Set(["car"]),
      minConfidence: 0.25,
      sort: { field: "weather", descending: true },
      colorBy: "match",
    });
    const view = parseView(new URLSearchParams(withQuery("/d", new URLSearchParams(), q).split("?")[1]));
    expect(view).toMatchObject({
      runs: ["r1", "r2"],
      groundTruth: false,
      minConfidence: 0.25,
      sort: { field: "weather", descending: true },
      colorBy: "match",
    });
    expect([...view.hidden]).toEqual(["car"]);
    expect(parseView(new URLSearchParams("conf=7&tile=5&iou=-1"))).toMatchObject({
      minConfidence: 1,
      tile: 120,
      iou: 0.5,
    });
  });
  it("carries only the view's parameters to another page", () => {
    expect(carriedQuery(new URLSearchParams("runs=a&token=x&color=match"))).toBe("?runs=a&color=match");
  });
});

describe("media", () => {
  const endpoint = "http://127.0.0.1:8080/v1/nucleus";
  it("tells stored, web and unreachable images apart", () => {
    expect(mediaOf(`${endpoint}/__media/abc.png`, endpoint)).toEqual({
      kind: "local",
      url: `${endpoint}/__media/abc.png`,
      key: "abc.png",
    });
    expect(mediaOf(`${endpoint}/__media/abc.png?sig=x`, endpoint)).toMatchObject({ key: "abc.png" });
    expect(mediaOf("https://img.example/a.jpg", endpoint).kind).toBe("remote");
    expect(mediaOf("s3://bucket/a.jpg", endpoint).kind).toBe("unreachable");
    expect(mediaOf(undefined, endpoint).kind).toBe("unreachable");
    expect(thumbnailUrl(endpoint, "ds_1", "di_1", "0123456789abcdef0123", 256)).toBe(
      `${endpoint}/__thumbnail/ds_1/di_1?size=256&v=0123456789abcdef`,
    );
  });
  it("sorts metadata numbers as numbers and missing values last", () => {
    expect([3, undefined, 10, 1].sort(compareValues)).toEqual([1, 3, 10, undefined]);
    expect(["b10", "b9"].sort(compareValues)).toEqual(["b9", "b10"]);
  });
});
