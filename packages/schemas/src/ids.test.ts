import { describe, expect, it } from "vitest";
import { defaultAnnotationId, pythonNumber, withDefaultAnnotationId } from "./ids.js";
import { matchEndpoint } from "./routes.js";

describe("pythonNumber formats numbers like Python's str()", () => {
  it.each([
    [10, "10"],
    [-3, "-3"],
    [0.5, "0.5"],
    [0.1, "0.1"],
    [1.25, "1.25"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [123456.789, "123456.789"],
    [1e16, "10000000000000000"],
    [2 ** 60, "1152921504606846976"],
  ])("%d is %s", (value, expected) => {
    expect(pythonNumber(value)).toBe(expected);
  });
});

describe("default annotation ids", () => {
  const box: {
    annotation_id?: string | null;
    type: string;
    label: string;
    reference_id: string;
    geometry: unknown;
  } = {
    type: "box",
    label: "car",
    reference_id: "img_1",
    geometry: { x: 1, y: 2.5, width: 10, height: 0.00001 },
  };

  it("are label-geometry-reference for boxes", () => {
    expect(defaultAnnotationId(box)).toBe("car-1-2.5-10-1e-05-img_1");
  });

  it("are label-reference-keypoints for keypoints", () => {
    expect(defaultAnnotationId({ type: "keypoints", label: "person", reference_id: "img_9" })).toBe(
      "person-img_9-keypoints",
    );
  });

  it("do not exist for other types", () => {
    expect(defaultAnnotationId({ type: "polygon", label: "road", reference_id: "img_1" })).toBeUndefined();
  });

  it("make identical boxes identical, and keep explicit ids", () => {
    expect(withDefaultAnnotationId(box).annotation_id).toBe(
      withDefaultAnnotationId({ ...box }).annotation_id,
    );
    expect(withDefaultAnnotationId({ ...box, annotation_id: "mine" }).annotation_id).toBe("mine");
    expect(withDefaultAnnotationId({ ...box, annotation_id: null }).annotation_id).toBe(
      "car-1-2.5-10-1e-05-img_1",
    );
  });
});

describe("matchEndpoint", () => {
  it("decodes each segment after splitting, so %2F stays inside a reference id", () => {
    const match = matchEndpoint("GET", "dataset/ds_1/refloc/folder%2Fimg%203");
    expect(match?.endpoint.name).toBe("itemByReference");
    expect(match?.params).toEqual({ datasetId: "ds_1", referenceId: "folder/img 3" });
  });

  it("tells trailing-slash routes and async variants apart", () => {
    expect(matchEndpoint("GET", "dataset/")?.endpoint.name).toBe("listDatasetIds");
    expect(matchEndpoint("GET", "dataset/details")?.endpoint.name).toBe("listDatasets");
    expect(matchEndpoint("POST", "dataset/ds_1/append")?.endpoint.name).toBe("appendItems");
    expect(matchEndpoint("POST", "dataset/ds_1/append", { async: true })?.endpoint.name).toBe(
      "appendItemsAsync",
    );
    expect(matchEndpoint("DELETE", "dataset/ds_1")?.endpoint.name).toBe("deleteDataset");
  });

  it("finds nothing for unknown routes and empty parameters", () => {
    expect(matchEndpoint("GET", "dataset/ds_1/nope")).toBeUndefined();
    expect(matchEndpoint("GET", "dataset//info")).toBeUndefined();
    expect(matchEndpoint("PATCH", "dataset/create")).toBeUndefined();
  });
});
