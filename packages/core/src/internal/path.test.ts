/**
 * Request paths: one segment per value, encoded byte for byte like the official Python client's
 * `quote(value, safe="")`, and values no URL can carry as a segment refused before sending.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { encodeSegment, fillPath } from "./path.js";

describe("encodeSegment", () => {
  // Right-hand sides are what Python's urllib.parse.quote(value, safe="") returns.
  it.each([
    ["folder/img 3", "folder%2Fimg%203"],
    ["50%", "50%25"],
    ["%2F", "%252F"],
    ["q?x", "q%3Fx"],
    ["h#x", "h%23x"],
    ["ünï 🚀", "%C3%BCn%C3%AF%20%F0%9F%9A%80"],
    ["it's (1)*!", "it%27s%20%281%29%2A%21"],
    ["a+b~c_d-e.f", "a%2Bb~c_d-e.f"],
    ["..x", "..x"],
  ])("%j -> %s", (value, quoted) => {
    expect(encodeSegment(value)).toBe(quoted);
  });
});

describe("fillPath", () => {
  const refloc = "dataset/:datasetId/refloc/:referenceId";

  it("encodes each value as one segment", () => {
    expect(fillPath(refloc, { datasetId: "ds_1", referenceId: "folder/img 3" })).toBe(
      "dataset/ds_1/refloc/folder%2Fimg%203",
    );
    expect(fillPath("dataset/:datasetId/iloc/:index", { datasetId: "ds_1", index: 3 })).toBe(
      "dataset/ds_1/iloc/3",
    );
    expect(fillPath("dataset/", {})).toBe("dataset/");
  });

  it.each([".", "..", ""])("refuses %j, naming the parameter", (referenceId) => {
    let error: unknown;
    try {
      fillPath(refloc, { datasetId: "ds_1", referenceId });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path)).toEqual([["referenceId"]]);
    expect((error as ValidationError).message).toContain(`referenceId must not be`);
    expect((error as ValidationError).message).toContain(JSON.stringify(referenceId));
  });

  it("names every bad or missing parameter at once", () => {
    expect(() => fillPath(refloc, { datasetId: "..", referenceId: "." })).toThrow(
      /datasetId must not be "\." or "\.\."[\s\S]*referenceId must not be/,
    );
    expect(() => fillPath(refloc, { datasetId: "ds_1" })).toThrow(/referenceId must be given/);
  });

  it("refuses broken Unicode, which no URL can carry", () => {
    expect(() => fillPath(refloc, { datasetId: "ds_1", referenceId: "a\uD800b" })).toThrow(
      /referenceId must be well-formed Unicode/,
    );
  });
});
