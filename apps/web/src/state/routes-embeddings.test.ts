import { describe, expect, it } from "vitest";
import { referenceQuery, similarHref } from "../api/embeddings.js";
import { groupColor } from "../components/ScatterMap.js";
import { parseRoute, pathOf } from "./router.js";

describe("scene and embedding routes", () => {
  it.each([
    ["/datasets/ds_1/scenes", { page: "scenes", datasetId: "ds_1" }],
    ["/datasets/ds_1/scenes/drive%201", { page: "scene", datasetId: "ds_1", sceneId: "drive 1" }],
    ["/datasets/ds_1/similar", { page: "similar", datasetId: "ds_1" }],
    ["/datasets/ds_1/autotags/tag_1", { page: "autotag", datasetId: "ds_1", autotagId: "tag_1" }],
    ["/datasets/ds_1/duplicates", { page: "duplicates", datasetId: "ds_1" }],
    ["/datasets/ds_1/map", { page: "map", datasetId: "ds_1" }],
    ["/datasets/ds_1/elsewhere", { page: "not-found", path: "/datasets/ds_1/elsewhere" }],
  ])("%s", (path, route) => {
    expect(parseRoute(path)).toEqual(route);
    if (route.page !== "not-found") expect(pathOf(parseRoute(path))).toBe(path);
  });

  it("writes the examples of “more like this” into the address, each escaped", () => {
    const href = similarHref("ds_1", ["a b", "c,d"]);
    expect(href).toBe("/datasets/ds_1/similar?id=a+b&id=c%2Cd");
    expect(new URL(href, "http://x").searchParams.getAll("id")).toEqual(["a b", "c,d"]);
  });

  it("selects reference ids with a query that quotes each", () => {
    expect(referenceQuery(["img_1", 'say "hi"'])).toBe('item.reference_id IN ["img_1", "say \\"hi\\""]');
  });

  it("colours groups by their place in the legend, and points in no group neutrally", () => {
    const groups = ["car", "person", "(none)"];
    expect(groupColor(groups, "car")).toBe("#3b82f6");
    expect(groupColor(groups, "person")).toBe("#f97316");
    expect(groupColor(groups, "(none)")).toBe(groupColor(groups, "bus"));
  });
});
