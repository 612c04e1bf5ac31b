import { describe, expect, it } from "vitest";
import { invalidCursor, unknownItem, unknownReference } from "../store/index.js";
import { problemResponse, refusalDetailWire, refusalMessage } from "./problems.js";

describe("store problems on the wire", () => {
  it("word a request's unknown reference ids as the protocol does, with the ids beside the text", () => {
    expect(problemResponse(unknownReference("ds_1", ["a", 'b "quoted"']).problem)).toEqual({
      status: 400,
      body: {
        error: 'reference_ids: no item in dataset ds_1 has reference id "a", "b \\"quoted\\""',
        code: "unknown_reference",
        reference_ids: ["a", 'b "quoted"'],
      },
    });
  });

  it("word unknown item ids and foreign cursors", () => {
    expect(problemResponse(unknownItem("ds_1", ["di_1", "di_2"]).problem).body).toEqual({
      error: "dataset_item_ids: no item in dataset ds_1 has id di_1, di_2",
      code: "unknown_item",
      dataset_item_ids: ["di_1", "di_2"],
    });
    expect(problemResponse(invalidCursor("abc").problem).body).toEqual({
      error: 'pageToken "abc" is not a token this server issued',
      code: "invalid_cursor",
    });
  });

  it("word a refused upload entry exactly as Scale does, and give its structured form", () => {
    const problem = unknownReference("ds_1", ["img 7"]).problem;
    expect(refusalMessage(problem)).toBe('Item with reference id "img 7" doesn\'t exist.');
    expect(refusalDetailWire(problem)).toEqual({ code: "unknown_reference", reference_id: "img 7" });
  });
});
