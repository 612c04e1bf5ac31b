import type {
  Annotation,
  DatasetItemRecord,
  ItemResponse,
  JobStatus,
  PredictionGroups,
} from "@nucleus/schemas";
import { describe, expectTypeOf, it } from "vitest";
import {
  type APIError,
  type AppendResult,
  type Dataset,
  type Job,
  type LabelUploadResult,
  type ModelRun,
  type NotFoundError,
  NucleusClient,
  type NucleusError,
  type PageIterator,
  type PreparedBatch,
} from "./index.js";

describe("public API types", () => {
  it("returns typed resources and camelCase data", () => {
    expectTypeOf<NucleusClient["createDataset"]>().returns.resolves.toEqualTypeOf<Dataset>();
    expectTypeOf<Dataset["refloc"]>().returns.resolves.toEqualTypeOf<ItemResponse>();
    expectTypeOf<Dataset["items"]>().returns.toEqualTypeOf<PageIterator<DatasetItemRecord>>();
    expectTypeOf<ModelRun["refloc"]>().returns.resolves.toEqualTypeOf<PredictionGroups>();
    expectTypeOf<Job["waitUntilDone"]>().returns.resolves.toEqualTypeOf<JobStatus>();
  });

  it("narrows uploads by the asynchronous option", () => {
    const dataset = null as unknown as Dataset;
    expectTypeOf(dataset.append([], {})).resolves.toEqualTypeOf<AppendResult>();
    expectTypeOf(dataset.append([], { asynchronous: true })).resolves.toEqualTypeOf<Job>();
    expectTypeOf(dataset.annotate([])).resolves.toEqualTypeOf<LabelUploadResult>();
    expectTypeOf(dataset.annotate([], { asynchronous: true })).resolves.toEqualTypeOf<Job>();
  });

  it("takes annotations as plain typed objects", () => {
    expectTypeOf<Parameters<Dataset["annotate"]>[0]>().toEqualTypeOf<
      readonly Annotation[] | PreparedBatch<"annotations">
    >();
    expectTypeOf<{
      type: "box";
      label: string;
      referenceId: string;
      geometry: { x: number; y: number; width: number; height: number };
    }>().toMatchTypeOf<Annotation>();
    expectTypeOf<{ type: "box"; label: string; reference_id: string }>().not.toMatchTypeOf<Annotation>();
  });

  it("has one error hierarchy", () => {
    expectTypeOf<NotFoundError>().toMatchTypeOf<APIError>();
    expectTypeOf<APIError>().toMatchTypeOf<NucleusError>();
    expectTypeOf<APIError["status"]>().toEqualTypeOf<number>();
    expectTypeOf(NucleusClient).constructorParameters.toEqualTypeOf<
      [options?: import("./index.js").NucleusClientOptions]
    >();
  });
});
