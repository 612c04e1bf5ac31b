/**
 * Fields resolve per scope to what they mean, and a query that names an unknown field or compares
 * values of different kinds is refused at the right position.
 */
import { describe, expect, it } from "vitest";
import { checkQuery } from "./check.js";
import { QueryError } from "./errors.js";
import type { ResolvedField, Scope } from "./fields.js";

function resolved(query: string, scope: Scope, options = {}): ResolvedField[] {
  return [...checkQuery(query, scope, options).fields.values()];
}

describe("fields of the item scope", () => {
  it.each<[string, ResolvedField]>([
    ["item.reference_id = 'a'", { kind: "item", column: "reference_id", type: "string" }],
    ["item.width > 1", { kind: "item", column: "width", type: "number" }],
    [
      "metadata.camera.position = 'front'",
      { kind: "metadata", owner: "item", path: ["camera", "position"], type: "any" },
    ],
    ["annotations.count > 1", { kind: "count", source: "annotations", type: "number" }],
    ["annotations.car > 1", { kind: "count", source: "annotations", label: "car", type: "number" }],
    ['annotations."count" > 1', { kind: "count", source: "annotations", label: "count", type: "number" }],
    [
      'annotations."traffic light" > 1',
      { kind: "count", source: "annotations", label: "traffic light", type: "number" },
    ],
    [
      "annotations.box.count > 1",
      { kind: "count", source: "annotations", annotationType: "box", type: "number" },
    ],
    ["predictions.count > 1", { kind: "count", source: "predictions", type: "number" }],
    ["predictions.person >= 3", { kind: "count", source: "predictions", label: "person", type: "number" }],
    ['slice."foggy" = true', { kind: "slice", slice: "foggy", type: "boolean" }],
    ['tags CONTAINS "hard"', { kind: "tags", type: "list" }],
    ['review.status = "rejected"', { kind: "review", type: "string" }],
    ["autotag.rain > 0.5", { kind: "autotag", name: "rain", type: "number" }],
    ['autotag."wet road" >= -0.2', { kind: "autotag", name: "wet road", type: "number" }],
    ["embedding.uniqueness > 0.8", { kind: "embedding", score: "uniqueness", type: "number" }],
    [
      "embedding.representativeness >= 0.9",
      { kind: "embedding", score: "representativeness", type: "number" },
    ],
  ])("%s", (query, field) => {
    expect(resolved(query, "item")).toEqual([field]);
  });
});

describe("fields of the object scope", () => {
  it.each<[string, ResolvedField]>([
    ["label = 'car'", { kind: "object", column: "label", type: "string" }],
    ["confidence > 0.5", { kind: "object", column: "confidence", type: "number" }],
    ["area < 1024", { kind: "object", column: "area", type: "number" }],
    ["metadata.occluded = true", { kind: "metadata", owner: "object", path: ["occluded"], type: "any" }],
    ["item.metadata.weather = 'rainy'", { kind: "metadata", owner: "item", path: ["weather"], type: "any" }],
    ["item.reference_id = 'a'", { kind: "item", column: "reference_id", type: "string" }],
    ["iou < 0.1", { kind: "match", column: "iou", type: "number" }],
    ["match_type = 'FP'", { kind: "match", column: "match_type", type: "string" }],
  ])("%s", (query, field) => {
    expect(resolved(query, "object")).toEqual([field]);
  });

  it("metadata keys take the types a schema gives them", () => {
    expect(resolved("metadata.speed > 1", "item", { metadata: { speed: "number" } })).toEqual([
      { kind: "metadata", owner: "item", path: ["speed"], type: "number" },
    ]);
  });
});

const REFUSED: [query: string, scope: Scope, position: number, message: string][] = [
  ["label = 'car'", "item", 1, "unknown field for items"],
  ["annotations.count > 1", "object", 1, "unknown field for objects"],
  ['"metadata".x = 1', "item", 1, "unknown field for items"],
  ["autotag.rain.x > 0", "item", 1, "unknown field for items"],
  ['autotag.rain = "high"', "item", 16, "number"],
  ["annotations.car.count > 1", "item", 1, "car is not an annotation type"],
  [
    "annotations.box.area > 1",
    "item",
    1,
    "expected annotations.count, annotations.<label> or annotations.<type>.count",
  ],
  [
    "annotations.count > 'many'",
    "item",
    21,
    "expected a number to compare with annotations.count, found a string",
  ],
  [
    "item.reference_id IN ['a', 2]",
    "item",
    28,
    "expected a string to compare with item.reference_id, found a number",
  ],
  ["slice.x > true", "item", 1, "> does not apply to true/false values"],
  ["tags = 'x'", "item", 1, "tags is a list: use CONTAINS"],
  [
    "annotations.count CONTAINS 'x'",
    "item",
    1,
    "CONTAINS needs a text or a list, and annotations.count is a number",
  ],
  ["item.width LIKE 'x'", "item", 1, "LIKE needs a text, and item.width is a number"],
  ["label * 2 > 1", "object", 1, "* needs numbers, and this is a string"],
  ["metadata.speed = 'fast'", "item", 18, "expected a number to compare with metadata.speed, found a string"],
];

describe("refused queries", () => {
  it.each(REFUSED)("%s (%s)", (query, scope, position, message) => {
    let error: unknown;
    try {
      checkQuery(query, scope, { metadata: { speed: "number" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).position).toBe(position);
    expect((error as QueryError).expected).toContain(message);
  });

  it("metadata without a schema compares with anything (its type is not known)", () => {
    expect(() => checkQuery("metadata.x = 'a' OR metadata.x > 3", "item")).not.toThrow();
  });
});
