import { describe, expect, it } from "vitest";
import { JsonValueSchema, MAX_JSON_DEPTH, MetadataSchema } from "./json.js";

/** `{"a": {"a": ... 1}}`, `depth` objects deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return value;
}

describe("JSON nesting depth", () => {
  it("accepts metadata up to the limit", () => {
    expect(MetadataSchema.safeParse(nested(MAX_JSON_DEPTH)).success).toBe(true);
  });

  it("refuses deeper metadata with an issue naming the limit, without overflowing the stack", () => {
    for (const depth of [MAX_JSON_DEPTH + 1, 5_000, 100_000]) {
      const result = MetadataSchema.safeParse(nested(depth));
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(`must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    }
  });

  it("refuses deep arrays too", () => {
    let value: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) value = [value];
    expect(JsonValueSchema.safeParse(value).success).toBe(false);
  });
});
