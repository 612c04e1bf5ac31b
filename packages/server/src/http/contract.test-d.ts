/** A handler is typed by its route's contract: parameters and body in, the wire response out. */
import { routes } from "@nucleus/schemas";
import { Hono } from "hono";
import { describe, expectTypeOf, it } from "vitest";
import type { Env } from "./context.js";
import { route } from "./contract.js";

const app = new Hono<Env>();

describe("route", () => {
  it("types the request by the contract", () => {
    route(app, routes.itemByReference, ({ params, body }) => {
      expectTypeOf(params).toEqualTypeOf<{ datasetId: string; referenceId: string }>();
      expectTypeOf(body).toEqualTypeOf<undefined>();
      return { item: { id: "di_1", reference_id: params.referenceId, metadata: {} }, annotations: {} };
    });
    route(app, routes.createDataset, ({ body }) => {
      expectTypeOf(body.name).toEqualTypeOf<string>();
      expectTypeOf(body.is_scene).toEqualTypeOf<boolean | null | undefined>();
      return { dataset_id: "ds_1", name: body.name };
    });
    route(app, routes.evaluationCharts, ({ query }) => {
      expectTypeOf(query.iouThreshold).toEqualTypeOf<number | undefined>();
      throw new Error("not needed here");
    });
  });

  it("refuses a handler that returns the wrong shape", () => {
    // @ts-expect-error: count is a number on the wire
    route(app, routes.datasetSize, () => ({ count: "3" }));
    // @ts-expect-error: a created dataset must carry its dataset_id
    route(app, routes.createDataset, async () => ({ name: "street scenes" }));
    // @ts-expect-error: camelCase keys are not the wire's
    route(app, routes.createSlice, () => ({ sliceId: "slc_1" }));
    route(app, routes.datasetSize, () => ({ count: 3 }));
  });
});
