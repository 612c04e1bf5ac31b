import { describe, expect, it } from "vitest";
import { complete, type Vocabulary } from "./complete.js";
import { highlight } from "./highlight.js";
import { refine } from "./refine.js";

const vocab: Vocabulary = {
  metadata: [
    { key: "weather", type: "string", values: ["sunny", "rainy", "foggy"] },
    { key: "brightness", type: "number" },
  ],
  labels: ["car", "person", "traffic light"],
  predictionLabels: ["car", "sign"],
  slices: ["first hundred"],
  tags: ["hard"],
};
const inserts = (text: string, caret = text.length, scope: "item" | "object" = "item") =>
  complete(text, caret, vocab, scope).options.map((o) => o.insert);

describe("highlight", () => {
  it("covers the text, even a broken query", () => {
    for (const text of [
      'metadata.weather = "foggy" AND annotations."traffic light" > 2',
      "a = 'open",
      "x ? y",
    ]) {
      const tokens = highlight(text);
      expect(tokens.map((t) => text.slice(t.start, t.end)).join("")).toBe(text);
    }
  });
  it("tells fields, keywords, strings, numbers and operators apart", () => {
    const text = 'annotations."traffic light" >= 2 and not tags CONTAINS "hard"';
    const classes = highlight(text)
      .filter((t) => t.cls !== "space")
      .map((t) => [text.slice(t.start, t.end), t.cls]);
    expect(classes).toEqual([
      ['annotations."traffic light"', "field"],
      [">=", "operator"],
      ["2", "number"],
      ["and", "keyword"],
      ["not", "keyword"],
      ["tags", "field"],
      ["CONTAINS", "keyword"],
      ['"hard"', "string"],
    ]);
  });
});

describe("complete", () => {
  it("offers metadata keys, labels (quoted when needed) and slices", () => {
    expect(inserts("metadata.we")).toEqual(["metadata.weather"]);
    expect(inserts("annotations.tr")).toEqual(['annotations."traffic light"']);
    expect(inserts("predictions.s")).toEqual(["predictions.sign"]);
    expect(inserts("slice.")).toEqual(['slice."first hundred"']);
    expect(inserts("hund")).toEqual([]);
    expect(inserts("first")).toEqual(['slice."first hundred"']);
    expect(inserts("sign")).toContain("predictions.sign");
    expect(inserts("embedding.")).toEqual(["embedding.uniqueness", "embedding.representativeness"]);
    expect(inserts("embedding.rep")).toEqual(["embedding.representativeness"]);
  });
  it("offers the values of a field after an operator, and keywords after an operand", () => {
    expect(inserts("metadata.weather = ")).toEqual(['"sunny"', '"rainy"', '"foggy"']);
    expect(inserts('metadata.weather = "f')).toEqual(['"foggy"']);
    expect(complete('metadata.weather = "f', 21, vocab, "item").from).toBe(19);
    expect(inserts("metadata.weather IN [")).toHaveLength(3);
    expect(inserts('review.status = "n')).toEqual(['"needs_fix"']);
    expect(inserts("annotations.car > 2 an")).toEqual(["AND"]);
    expect(inserts("annotations.car > 2 AND ")).toContain("metadata.weather");
  });
  it("completes where the caret is, and knows object fields", () => {
    expect(inserts("metadata.we AND tags", 11)).toEqual(["metadata.weather"]);
    expect(inserts("conf", 4, "object")).toEqual(["confidence"]);
    expect(inserts("label = ", 8, "object")).toContain('"traffic light"');
    expect(inserts("match_type = ", 13, "object")).toEqual(['"TP"', '"FP"', '"FN"']);
  });
});

describe("refine", () => {
  it("adds a condition, bracketing an OR", () => {
    expect(refine("", 'metadata.weather = "foggy"')).toBe('metadata.weather = "foggy"');
    expect(refine("annotations.car > 1", "tags CONTAINS 'x'")).toBe(
      "annotations.car > 1 AND tags CONTAINS 'x'",
    );
    expect(refine("a = 1 OR b = 2", "c = 3")).toBe("(a = 1 OR b = 2) AND c = 3");
    expect(refine("a = 1", "a = 1")).toBe("a = 1");
  });
});
