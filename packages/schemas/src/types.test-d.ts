import { describe, expectTypeOf, it } from "vitest";
import type {
  AnnotateRequest,
  Annotation,
  BoxAnnotation,
  BoxAnnotationWire,
  Camelize,
  ContractInput,
  ContractRequest,
  ContractResponse,
  ContractResult,
  CreateDatasetRequest,
  DatasetItem,
  ExportRow,
  ItemResponse,
  Job,
  JobStatusValue,
  JsonValue,
  Prediction,
  PredictionGroups,
} from "./index.js";
import { Annotation as AnnotationCodec, AppendItemsRequest, type routes } from "./index.js";

describe("public types", () => {
  it("camelCase the wire keys", () => {
    expectTypeOf<BoxAnnotation>().toHaveProperty("referenceId");
    expectTypeOf<BoxAnnotation>().not.toHaveProperty("reference_id");
    expectTypeOf<BoxAnnotationWire>().toHaveProperty("reference_id");
    expectTypeOf<BoxAnnotation["geometry"]>().toEqualTypeOf<{
      x: number;
      y: number;
      width: number;
      height: number;
    }>();
    expectTypeOf<DatasetItem["imageUrl"]>().toEqualTypeOf<string>();
    expectTypeOf<Job["jobLastKnownStatus"]>().toEqualTypeOf<JobStatusValue>();
  });

  it("keep metadata as JSON with its keys", () => {
    expectTypeOf<NonNullable<BoxAnnotation["metadata"]>>().toEqualTypeOf<Record<string, JsonValue>>();
    expectTypeOf<Camelize<{ a_b: Record<string, number> }>>().toEqualTypeOf<{ aB: Record<string, number> }>();
  });

  it("discriminate annotations and predictions by type", () => {
    expectTypeOf<Extract<Annotation, { type: "box" }>>().toEqualTypeOf<BoxAnnotation>();
    expectTypeOf<Annotation["type"]>().toEqualTypeOf<
      "box" | "line" | "polygon" | "keypoints" | "cuboid" | "category" | "multicategory" | "mask"
    >();
    expectTypeOf<Extract<Prediction, { type: "box" }>>().toHaveProperty("classPdf");
    expectTypeOf<Prediction["type"]>().not.toEqualTypeOf<Annotation["type"]>();
  });

  it("type codec inputs and outputs", () => {
    expectTypeOf(AnnotationCodec.toWire).parameter(0).toEqualTypeOf<Annotation>();
    expectTypeOf(AppendItemsRequest.encode).returns.toHaveProperty("items");
    expectTypeOf<AnnotateRequest["annotations"]>().toEqualTypeOf<Annotation[] | undefined>();
  });
});

describe("response types", () => {
  it("keep the geometry of stored annotations and predictions", () => {
    expectTypeOf<
      NonNullable<ItemResponse["annotations"]["box"]>[number]["geometry"]["x"]
    >().toEqualTypeOf<number>();
    expectTypeOf<NonNullable<PredictionGroups["box"]>[number]["confidence"]>().toEqualTypeOf<
      number | null | undefined
    >();
    expectTypeOf<ExportRow["item"]["referenceId"]>().toEqualTypeOf<string | undefined>();
  });
});

describe("route contracts", () => {
  it("type path parameters, requests and responses per route", () => {
    expectTypeOf<ContractRequest<typeof routes.itemByReference>["params"]>().toEqualTypeOf<{
      datasetId: string;
      referenceId: string;
    }>();
    expectTypeOf<ContractRequest<typeof routes.createDataset>["body"]>().toHaveProperty("is_scene");
    expectTypeOf<ContractRequest<typeof routes.datasetInfo>["body"]>().toEqualTypeOf<undefined>();
    expectTypeOf<ContractResponse<typeof routes.datasetSize>>().toHaveProperty("count");
    expectTypeOf<ContractResult<typeof routes.createDataset>>().toHaveProperty("datasetId");
    expectTypeOf<ContractInput<typeof routes.itemByIndex>["params"]>().toEqualTypeOf<{
      datasetId: string | number;
      index: string | number;
    }>();
    expectTypeOf<ContractInput<typeof routes.createDataset>["body"]>().toEqualTypeOf<
      CreateDatasetRequest | undefined
    >();
  });

  it("refuse a response of the wrong shape", () => {
    // @ts-expect-error: count must be a number
    const wrong: ContractResponse<typeof routes.datasetSize> = { count: "3" };
    // @ts-expect-error: dataset_id is required
    const missing: ContractResponse<typeof routes.createDataset> = { name: "x" };
    expectTypeOf(wrong).not.toBeAny();
    expectTypeOf(missing).not.toBeAny();
  });
});
