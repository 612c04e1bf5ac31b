import { describe, expect, it } from "vitest";
import { Annotation, Prediction } from "./annotations.js";
import { validateBatch } from "./batch.js";
import type { CheckResult } from "./codec.js";
import { PayloadValidationError } from "./codec.js";
import type { PathPrefix } from "./issues.js";
import { DatasetItem } from "./items.js";
import { JobStatus } from "./jobs.js";
import {
  AnnotateRequest,
  AppendItemsRequest,
  AsyncUploadRequest,
  CreateDatasetRequest,
  CreateModelRequest,
  CreateSliceRequest,
  ListJobsRequest,
  PageRequest,
} from "./requests.js";
import { LidarScene, VideoScene } from "./scenes.js";

interface Checker {
  check(wire: unknown, at?: PathPrefix): CheckResult<unknown>;
}

const box = (geometry: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "box",
  label: "car",
  reference_id: "img_7",
  geometry: { x: 0, y: 0, width: 10, height: 10, ...geometry },
  ...extra,
});
const keypoints = (geometry: Record<string, unknown>) => ({
  type: "keypoints",
  label: "person",
  reference_id: "img_1",
  geometry: {
    keypoints: [
      { x: 1, y: 1, visible: true },
      { x: null, y: null, visible: false },
    ],
    names: ["head", "tail"],
    skeleton: [[0, 1]],
    ...geometry,
  },
});
const item = (extra: Record<string, unknown>) => ({
  image_url: "s3://b/1.jpg",
  reference_id: "img_1",
  ...extra,
});

/** [what, codec, input, expected messages (one per issue, in order)]. */
const table: [string, Checker, unknown, string[]][] = [
  [
    "negative width",
    Annotation,
    box({ width: -2 }),
    ['(reference_id "img_7"): geometry.width must be >= 0, got -2'],
  ],
  [
    "negative height",
    Annotation,
    box({ height: -0.5 }),
    ['(reference_id "img_7"): geometry.height must be >= 0, got -0.5'],
  ],
  [
    "NaN x",
    Annotation,
    box({ x: Number.NaN }),
    ['(reference_id "img_7"): geometry.x must be a finite number, got NaN'],
  ],
  [
    "Infinity y",
    Annotation,
    box({ y: Number.POSITIVE_INFINITY }),
    ['(reference_id "img_7"): geometry.y must be a finite number, got Infinity'],
  ],
  [
    "string width",
    Annotation,
    box({ width: "10" }),
    ['(reference_id "img_7"): geometry.width must be a number, got "10"'],
  ],
  [
    "missing height",
    Annotation,
    box({ height: undefined }),
    ['(reference_id "img_7"): geometry.height is required'],
  ],
  [
    "missing geometry",
    Annotation,
    { type: "box", label: "car", reference_id: "img_7" },
    ['(reference_id "img_7"): geometry is required'],
  ],
  [
    "geometry not an object",
    Annotation,
    { ...box({}), geometry: [1, 2] },
    ['(reference_id "img_7"): geometry must be an object, got [1,2]'],
  ],
  [
    "missing reference id",
    Annotation,
    { type: "box", label: "car", geometry: { x: 0, y: 0, width: 1, height: 1 } },
    ["reference_id is required"],
  ],
  [
    "empty reference id",
    Annotation,
    box({}, { reference_id: "" }),
    ['(reference_id ""): reference_id must not be empty, got ""'],
  ],
  [
    "numeric reference id",
    Annotation,
    box({}, { reference_id: 7 }),
    ["reference_id must be a string, got 7"],
  ],
  ["missing label", Annotation, box({}, { label: undefined }), ['(reference_id "img_7"): label is required']],
  [
    "unknown type",
    Annotation,
    box({}, { type: "boxx" }),
    [
      '(reference_id "img_7"): type must be one of box, line, polygon, keypoints, cuboid, category, multicategory, mask, got "boxx"',
    ],
  ],
  [
    "missing type",
    Annotation,
    { label: "car", reference_id: "img_7" },
    [
      '(reference_id "img_7"): type must be one of box, line, polygon, keypoints, cuboid, category, multicategory, mask',
    ],
  ],
  [
    "NaN in metadata",
    Annotation,
    box({}, { metadata: { score: Number.NaN } }),
    ['(reference_id "img_7"): metadata.score must be a finite number, got NaN'],
  ],
  [
    "metadata not an object",
    Annotation,
    box({}, { metadata: "red" }),
    ['(reference_id "img_7"): metadata must be an object, got "red"'],
  ],
  [
    "embedding with a string",
    Annotation,
    box({}, { embedding_vector: [0.1, "x"] }),
    ['(reference_id "img_7"): embedding_vector[1] must be a number, got "x"'],
  ],
  [
    "line with one vertex",
    Annotation,
    { type: "line", label: "lane", reference_id: "img_2", geometry: { vertices: [{ x: 0, y: 0 }] } },
    ['(reference_id "img_2"): geometry.vertices must have at least 2 entries'],
  ],
  [
    "polygon with two vertices",
    Annotation,
    {
      type: "polygon",
      label: "road",
      reference_id: "img_2",
      geometry: {
        vertices: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
        ],
      },
    },
    ['(reference_id "img_2"): geometry.vertices must have at least 3 entries'],
  ],
  [
    "polygon vertex missing y",
    Annotation,
    {
      type: "polygon",
      label: "road",
      reference_id: "img_2",
      geometry: { vertices: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2 }] },
    },
    ['(reference_id "img_2"): geometry.vertices[2].y is required'],
  ],
  [
    "keypoints without names",
    Annotation,
    keypoints({ names: ["head"] }),
    ['(reference_id "img_1"): geometry.names must have one name per keypoint (2 keypoints, 1 names)'],
  ],
  [
    "keypoints with repeated names",
    Annotation,
    keypoints({ names: ["head", "head"] }),
    ['(reference_id "img_1"): geometry.names[1] repeats the name "head"'],
  ],
  [
    "visible keypoint without x",
    Annotation,
    keypoints({
      keypoints: [
        { x: null, y: 1, visible: true },
        { x: 1, y: 1, visible: true },
      ],
    }),
    ['(reference_id "img_1"): geometry.keypoints[0] is visible and needs x and y'],
  ],
  [
    "skeleton past the last keypoint",
    Annotation,
    keypoints({ skeleton: [[0, 5]] }),
    ['(reference_id "img_1"): geometry.skeleton[0] names a keypoint index past the last one (1)'],
  ],
  [
    "skeleton with a fraction",
    Annotation,
    keypoints({ skeleton: [[0, 0.5]] }),
    ['(reference_id "img_1"): geometry.skeleton[0][1] must be an integer, got 0.5'],
  ],
  [
    "cuboid with negative size",
    Annotation,
    {
      type: "cuboid",
      label: "car",
      reference_id: "pc_1",
      geometry: { position: { x: 0, y: 0, z: 0 }, dimensions: { x: 1, y: -1, z: 1 }, yaw: 0 },
    },
    ['(reference_id "pc_1"): geometry.dimensions.y must be >= 0, got -1'],
  ],
  [
    "cuboid without yaw",
    Annotation,
    {
      type: "cuboid",
      label: "car",
      reference_id: "pc_1",
      geometry: { position: { x: 0, y: 0, z: 0 }, dimensions: { x: 1, y: 1, z: 1 } },
    },
    ['(reference_id "pc_1"): geometry.yaw is required'],
  ],
  [
    "multicategory with no labels",
    Annotation,
    { type: "multicategory", labels: [], reference_id: "img_1", taxonomy_name: "tags" },
    ['(reference_id "img_1"): labels must have at least 1 entry'],
  ],
  [
    "segment index out of range",
    Annotation,
    {
      type: "mask",
      mask_url: "s3://b/m.png",
      reference_id: "img_1",
      annotations: [{ label: "road", index: 256 }],
    },
    ['(reference_id "img_1"): annotations[0].index must be <= 255, got 256'],
  ],
  [
    "mask without url",
    Annotation,
    { type: "mask", reference_id: "img_1", annotations: [] },
    ['(reference_id "img_1"): mask_url is required'],
  ],
  [
    "confidence above 1",
    Prediction,
    box({}, { confidence: 1.5 }),
    ['(reference_id "img_7"): confidence must be <= 1, got 1.5'],
  ],
  [
    "negative class probability",
    Prediction,
    box({}, { class_pdf: { car: -0.1 } }),
    ['(reference_id "img_7"): class_pdf.car must be >= 0, got -0.1'],
  ],
  [
    "multicategory prediction",
    Prediction,
    { type: "multicategory", labels: ["a"], reference_id: "img_1" },
    [
      '(reference_id "img_1"): type must be one of box, line, polygon, keypoints, cuboid, category, mask, got "multicategory"',
    ],
  ],
  [
    "item without image",
    DatasetItem,
    { reference_id: "img_1" },
    ['(reference_id "img_1"): image_url is required'],
  ],
  [
    "item with zero width",
    DatasetItem,
    item({ width: 0 }),
    ['(reference_id "img_1"): width must be > 0, got 0'],
  ],
  [
    "item with fractional height",
    DatasetItem,
    item({ height: 10.5 }),
    ['(reference_id "img_1"): height must be an integer, got 10.5'],
  ],
  [
    "item with Infinity in nested metadata",
    DatasetItem,
    item({ metadata: { a: { b: [1, Number.NEGATIVE_INFINITY] } } }),
    ['(reference_id "img_1"): metadata.a.b[1] must be a finite number, got -Infinity'],
  ],
  [
    "item embedding without index",
    DatasetItem,
    item({ embedding_info: { embedding_vector: [1] } }),
    ['(reference_id "img_1"): embedding_info.index_id is required'],
  ],
  ["append without items", AppendItemsRequest, { update: false }, ["items is required"]],
  [
    "append with update as string",
    AppendItemsRequest,
    { items: [], update: "yes" },
    ['update must be a boolean, got "yes"'],
  ],
  [
    "bad item inside an append",
    AppendItemsRequest,
    { items: [item({}), item({ reference_id: "img_2", width: -1 })] },
    ['items[1] (reference_id "img_2"): width must be > 0, got -1'],
  ],
  [
    "bad annotation inside annotate",
    AnnotateRequest,
    { annotations: [box({ width: -2 }, { reference_id: "img_9" })] },
    ['annotations[0] (reference_id "img_9"): geometry.width must be >= 0, got -2'],
  ],
  [
    "segmentation of the wrong type in annotate",
    AnnotateRequest,
    { segmentations: [box({})] },
    [
      'segmentations[0] (reference_id "img_7"): type must be "mask", got "box"',
      'segmentations[0] (reference_id "img_7"): mask_url is required',
      'segmentations[0] (reference_id "img_7"): annotations is required',
    ],
  ],
  ["dataset without a name", CreateDatasetRequest, { name: "" }, ['name must not be empty, got ""']],
  [
    "dataset with a bad metadata schema type",
    CreateDatasetRequest,
    { name: "d", item_metadata_schema: { weather: { type: "color" } } },
    ['item_metadata_schema.weather.type must be one of "category", "number", "text", "json", got "color"'],
  ],
  ["model without reference id", CreateModelRequest, { name: "m" }, ["reference_id is required"]],
  [
    "slice with too many ids",
    CreateSliceRequest,
    { name: "s", reference_ids: Array.from({ length: 10_001 }, (_, i) => `r${i}`) },
    ["reference_ids must have at most 10000 entries"],
  ],
  ["page of size 0", PageRequest, { pageToken: null, pageSize: 0 }, ["pageSize must be > 0, got 0"]],
  ["async upload without request id", AsyncUploadRequest, { update: false }, ["requestId is required"]],
  ["jobs limit over 50,000", ListJobsRequest, { limit: 50_001 }, ["limit must be <= 50000, got 50001"]],
  [
    "job status with an unknown status",
    JobStatus,
    { job_id: "job_1", status: "Pending", job_progress: "0.00", completed_steps: 0, total_steps: 1 },
    [
      'status must be one of "Queued", "Running", "Completed", "Errored", "Errored_Server", "Errored_User", "Errored_Partial", "Errored_Hanging", "Cancelled", "Retried", got "Pending"',
    ],
  ],
  [
    "job progress as a number",
    JobStatus,
    { job_id: "job_1", status: "Running", job_progress: 0.5, completed_steps: 0, total_steps: 1 },
    ["job_progress must be a string, got 0.5"],
  ],
  [
    "lidar frame with two point clouds",
    LidarScene,
    {
      reference_id: "s1",
      frames: [
        {
          a: { url: "u", type: "pointcloud", reference_id: "p1" },
          b: { url: "v", type: "pointcloud", reference_id: "p2" },
        },
      ],
    },
    ['(reference_id "s1"): frames[0] must hold exactly one pointcloud item (found 2)'],
  ],
  [
    "video scene with frames but no frame rate",
    VideoScene,
    { reference_id: "v1", frames: [{ url: "u.jpg", type: "image", reference_id: "f1" }] },
    ['(reference_id "v1"): frame_rate is required with frames'],
  ],
];

describe("bad input is reported with the entry, the field and the value", () => {
  it("covers at least forty cases", () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  it.each(table)("%s", (_what, codec, input, expected) => {
    const result = codec.check(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.text)).toEqual(expected);
  });
});

describe("validateBatch", () => {
  it("reports every bad entry of a 100k batch, with its index and reference id", () => {
    const entries = Array.from({ length: 100_000 }, (_, i) =>
      box({ width: i % 100 === 0 ? -1 : 5 }, { reference_id: `img_${i}` }),
    );
    const { valid, issues, invalidIndices } = validateBatch(Annotation, entries, "annotations");
    expect(valid).toHaveLength(99_000);
    expect(issues).toHaveLength(1_000);
    expect(invalidIndices).toEqual(Array.from({ length: 1_000 }, (_, k) => k * 100));
    expect(issues[7]?.text).toBe(
      'annotations[700] (reference_id "img_700"): geometry.width must be >= 0, got -1',
    );
    expect(issues[7]?.path).toEqual(["annotations", 700, "geometry", "width"]);
    expect(issues[7]?.referenceId).toBe("img_700");
  });

  it("reports several problems of one entry", () => {
    const { issues } = validateBatch(
      Annotation,
      [box({ width: -1, height: Number.NaN }, { label: 3 })],
      "annotations",
    );
    expect(issues.map((issue) => issue.text)).toEqual([
      'annotations[0] (reference_id "img_7"): label must be a string, got 3',
      'annotations[0] (reference_id "img_7"): geometry.width must be >= 0, got -1',
      'annotations[0] (reference_id "img_7"): geometry.height must be a finite number, got NaN',
    ]);
  });
});

describe("PayloadValidationError", () => {
  it("is thrown by encode and names every problem", () => {
    let caught: unknown;
    try {
      AnnotateRequest.encode({
        annotations: [
          { type: "box", label: "a", referenceId: "r1", geometry: { x: 0, y: 0, width: -1, height: 1 } },
          { type: "box", label: "b", referenceId: "r2", geometry: { x: 0, y: 0, width: 1, height: -1 } },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PayloadValidationError);
    const error = caught as PayloadValidationError;
    expect(error.issues).toHaveLength(2);
    expect(error.message).toBe(
      '2 invalid fields:\n  annotations[0] (reference_id "r1"): geometry.width must be >= 0, got -1\n  annotations[1] (reference_id "r2"): geometry.height must be >= 0, got -1',
    );
  });

  it("lists twenty problems and counts the rest", () => {
    const entries = Array.from({ length: 25 }, (_, i) => box({ width: -1 }, { reference_id: `r${i}` }));
    const result = AnnotateRequest.check({ annotations: entries });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const message = new PayloadValidationError(result.issues).message;
    expect(message.split("\n")).toHaveLength(22);
    expect(message).toMatch(/\.\.\.and 5 more$/);
  });
});
