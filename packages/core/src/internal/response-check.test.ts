import { ExportPageResponse, ItemsPageResponse, routes } from "@nucleus/schemas";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { sameCheckOf } from "./response-check.js";

const item = (i: number) => ({
  id: `di_${i}`,
  reference_id: `img_${i}`,
  original_image_url: `s3://bucket/img_${i}.jpg`,
  metadata: { index: i, split: i % 2 ? "train" : "val", nested: { tags: ["a", "b"], score: 0.5 } },
  width: 640,
  height: 480,
});

const row = (i: number) => ({
  item: item(i),
  box: [
    {
      id: `ann_${i}`,
      label: "car",
      reference_id: `img_${i}`,
      annotation_id: `b_${i}`,
      type: "box",
      geometry: { x: 1, y: 2, width: 3, height: 4 },
      metadata: {},
    },
  ],
  polygon: [],
  line: [
    {
      label: "lane",
      type: "line",
      geometry: {
        vertices: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
      },
    },
  ],
  keypoints: [],
  cuboid: [],
  category: [],
  multicategory: [],
  segmentation: null,
});

/**
 * The property the API relies on: whenever the fast check passes, zod accepts the value and
 * returns one equal to it; whenever zod refuses it, the fast check fails too.
 */
function expectAgreement(schema: z.ZodType, value: unknown) {
  const same = sameCheckOf(schema);
  expect(same).toBeDefined();
  const passed = (same as (value: unknown) => boolean)(structuredClone(value));
  const parsed = schema.safeParse(structuredClone(value));
  if (passed) {
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(value);
  }
  if (!parsed.success) expect(passed).toBe(false);
  return passed;
}

describe("the fast check of responses", () => {
  it("passes valid pages of items and export rows as they are", () => {
    expect(expectAgreement(ItemsPageResponse.schema, { items: [item(1), item(2)], nextPageToken: "2" })).toBe(
      true,
    );
    expect(expectAgreement(ExportPageResponse.schema, { data: [row(1), row(2)], nextPageToken: null })).toBe(
      true,
    );
  });

  it("fails whatever zod refuses, wherever it is", () => {
    const bad: [z.ZodType, unknown][] = [
      [ItemsPageResponse.schema, { items: [{ ...item(1), id: 7 }], nextPageToken: null }],
      [ItemsPageResponse.schema, { items: [item(1)] }],
      [ItemsPageResponse.schema, { items: [{ ...item(1), metadata: [] }], nextPageToken: null }],
      [ItemsPageResponse.schema, { items: [{ ...item(1), width: "640" }], nextPageToken: null }],
      [
        ExportPageResponse.schema,
        { data: [{ ...row(1), box: [{ ...row(1).box[0], type: "polygon" }] }], nextPageToken: null },
      ],
      // A box of negative width and a line of one vertex: refinements are checked too.
      [
        ExportPageResponse.schema,
        {
          data: [{ ...row(1), box: [{ ...row(1).box[0], geometry: { x: 1, y: 2, width: -3, height: 4 } }] }],
          nextPageToken: null,
        },
      ],
      [
        ExportPageResponse.schema,
        {
          data: [
            { ...row(1), line: [{ label: "l", type: "line", geometry: { vertices: [{ x: 0, y: 0 }] } }] },
          ],
          nextPageToken: null,
        },
      ],
      [ExportPageResponse.schema, { data: [{ ...row(1), segmentation: [] }], nextPageToken: null }],
    ];
    for (const [schema, value] of bad) expect(expectAgreement(schema, value)).toBe(false);
  });

  it("leaves to zod the values zod would change: stripped keys, defaults, transforms", () => {
    // A plain object strips keys it does not know: the value must not be passed on as it is.
    expect(expectAgreement(z.object({ a: z.string() }), { a: "x", b: 1 })).toBe(false);
    expect(expectAgreement(z.object({ a: z.string() }), { a: "x" })).toBe(true);
    expect(sameCheckOf(z.object({ a: z.string().default("x") }))).toBeUndefined();
    expect(sameCheckOf(z.object({ a: z.string().transform((s) => s.length) }))).toBeUndefined();
    expect(sameCheckOf(z.object({ a: z.string().trim() }))).toBeUndefined();
    // zod takes the first option of a union that parses: here the first, which strips `b`.
    const union = z.union([z.object({ a: z.string() }), z.looseObject({ a: z.string() })]);
    expect(expectAgreement(union, { a: "x", b: 1 })).toBe(false);
    expect(expectAgreement(z.int(), 1.5)).toBe(false);
    expect(expectAgreement(z.int(), 2)).toBe(true);
  });

  it("agrees with zod on every route's response for an empty object and a null", () => {
    for (const contract of Object.values(routes)) {
      const same = sameCheckOf(contract.response.schema);
      if (!same) continue;
      for (const value of [{}, null, []]) {
        const passed = same(value);
        const parsed = contract.response.schema.safeParse(value);
        if (passed) expect(parsed.success && parsed.data).toEqual(value);
        if (!parsed.success) expect(passed).toBe(false);
      }
    }
  });
});
