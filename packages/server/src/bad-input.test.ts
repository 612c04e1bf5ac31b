/**
 * Bad requests get a 4xx JSON `{"error": ...}` that names what is wrong, never a 5xx or a stack
 * trace, and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, remoteItems, startTestServer, type TestServer, TINY_PNG } from "./test-support.js";

let server: TestServer;
let ds: string;
let runId: string;
let sliceId: string;

beforeAll(async () => {
  server = await startTestServer(undefined, { maxBodyBytes: 64 * 1024 });
  ds = await createDataset(server, "bad-input");
  await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(3) } });
  await server.call("POST", "models/add", { body: { name: "m", reference_id: "m-ref" } });
  runId = (
    (
      await server.call("POST", `dataset/${ds}/modelRun/create`, {
        body: { name: "r", reference_id: "m-ref" },
      })
    ).body as {
      model_run_id: string;
    }
  ).model_run_id;
  sliceId = (
    (
      await server.call("POST", `dataset/${ds}/create_slice`, {
        body: { name: "s", reference_ids: ["img_0"] },
      })
    ).body as {
      slice_id: string;
    }
  ).slice_id;
});
afterAll(async () => {
  await server.stop();
});

const box = (extra: Record<string, unknown> = {}, geometry: Record<string, unknown> = {}) => ({
  type: "box",
  label: "car",
  reference_id: "img_1",
  geometry: { x: 0, y: 0, width: 5, height: 5, ...geometry },
  ...extra,
});

function form(parts: [string, string | Blob, string?][]): FormData {
  const data = new FormData();
  for (const [name, value, filename] of parts) {
    if (typeof value === "string") data.append(name, value);
    else data.append(name, value, filename ?? "file");
  }
  return data;
}

type Case = [
  name: string,
  method: string,
  route: () => string,
  body: () => unknown,
  status: number,
  error: RegExp,
];

const cases: Case[] = [
  ["malformed JSON", "POST", () => "dataset/create", () => "{name:", 400, /not valid JSON/],
  [
    "JSON with NaN",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => '{"annotations":[{"type":"box","geometry":{"x":NaN}}]}',
    400,
    /not valid JSON/,
  ],
  ["dataset without a name", "POST", () => "dataset/create", () => ({}), 400, /name is required/],
  [
    "dataset name of the wrong type",
    "POST",
    () => "dataset/create",
    () => ({ name: 7 }),
    400,
    /name must be a string, got 7/,
  ],
  ["dataset body that is an array", "POST", () => "dataset/create", () => [], 400, /must be an object/],
  [
    "items that are not an array",
    "POST",
    () => `dataset/${ds}/append`,
    () => ({ items: {} }),
    400,
    /items must be an array/,
  ],
  [
    "item without a reference id",
    "POST",
    () => `dataset/${ds}/append`,
    () => ({ items: [{ image_url: "s3://b/x.jpg" }] }),
    400,
    /items\[0\]\.reference_id is required/,
  ],
  [
    "item with a negative width",
    "POST",
    () => `dataset/${ds}/append`,
    () => ({ items: [{ reference_id: "w", image_url: "s3://b", width: -1 }] }),
    400,
    /items\[0\] \(reference_id "w"\): width must be > 0, got -1/,
  ],
  [
    "item metadata that is a list",
    "POST",
    () => `dataset/${ds}/append`,
    () => ({ items: [{ reference_id: "m", image_url: "s3://b", metadata: [1] }] }),
    400,
    /metadata must be an object/,
  ],
  [
    "append to an unknown dataset",
    "POST",
    () => "dataset/ds_00000000000000000000/append",
    () => ({ items: [] }),
    404,
    /Dataset ds_0+ not found/,
  ],
  [
    "box with a negative width",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => ({ annotations: [box({}, { width: -2 })] }),
    400,
    /annotations\[0\] \(reference_id "img_1"\): geometry\.width must be >= 0, got -2/,
  ],
  [
    "annotation of an unknown type",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => ({ annotations: [box({ type: "circle" })] }),
    400,
    /type must be one of box/,
  ],
  [
    "polygon with two vertices",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => ({
      annotations: [
        {
          type: "polygon",
          label: "p",
          reference_id: "img_1",
          geometry: {
            vertices: [
              { x: 0, y: 0 },
              { x: 1, y: 1 },
            ],
          },
        },
      ],
    }),
    400,
    /geometry\.vertices must have at least 3 entries/,
  ],
  [
    "keypoints without a name each",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => ({
      annotations: [
        {
          type: "keypoints",
          label: "k",
          reference_id: "img_1",
          geometry: { keypoints: [{ x: 1, y: 1, visible: true }], names: [] },
        },
      ],
    }),
    400,
    /geometry\.names must have one name per keypoint/,
  ],
  [
    "second bad entry named by index",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => ({ annotations: [box(), box({ reference_id: "img_2" }, { height: "tall" })] }),
    400,
    /annotations\[1\] \(reference_id "img_2"\): geometry\.height must be a number, got "tall"/,
  ],
  [
    "segmentation listed as an annotation of the wrong shape",
    "POST",
    () => `dataset/${ds}/annotate`,
    () => ({ segmentations: [{ type: "mask", reference_id: "img_1", annotations: [] }] }),
    400,
    /segmentations\[0\] \(reference_id "img_1"\): mask_url is required/,
  ],
  [
    "prediction with confidence 2",
    "POST",
    () => `modelRun/${runId}/predict`,
    () => ({ annotations: [box({ confidence: 2 })] }),
    400,
    /confidence must be <= 1, got 2/,
  ],
  [
    "predict on an unknown run",
    "POST",
    () => "modelRun/run_00000000000000000000/predict",
    () => ({ annotations: [] }),
    404,
    /Model run run_0+ not found/,
  ],
  [
    "page of size zero",
    "POST",
    () => `dataset/${ds}/itemsPage`,
    () => ({ pageToken: null, pageSize: 0 }),
    400,
    /pageSize must be > 0, got 0/,
  ],
  [
    "page token this server never issued",
    "POST",
    () => `dataset/${ds}/itemsPage`,
    () => ({ pageToken: "abc", pageSize: 1 }),
    400,
    /pageToken "abc" is not a token/,
  ],
  [
    "negative iloc",
    "GET",
    () => `dataset/${ds}/iloc/-1`,
    () => undefined,
    400,
    /index must be a non-negative integer, got "-1"/,
  ],
  [
    "iloc past any integer",
    "GET",
    () => `dataset/${ds}/iloc/99999999999999999999`,
    () => undefined,
    400,
    /index 99999999999999999999 is out of range/,
  ],
  [
    "iloc of 2^63",
    "GET",
    () => `dataset/${ds}/iloc/9223372036854775808`,
    () => undefined,
    400,
    /index 9223372036854775808 is out of range/,
  ],
  [
    "model run iloc past any integer",
    "GET",
    () => `modelRun/${runId}/iloc/99999999999999999999`,
    () => undefined,
    400,
    /index 99999999999999999999 is out of range/,
  ],
  [
    "model run iloc of 2^63",
    "GET",
    () => `modelRun/${runId}/iloc/9223372036854775808`,
    () => undefined,
    400,
    /index 9223372036854775808 is out of range/,
  ],
  [
    "metadata nested 5,000 deep",
    "POST",
    () => `dataset/${ds}/append`,
    // As text: JSON.stringify itself overflows the stack on values this deep.
    () =>
      `{"items": [{"reference_id": "deep", "image_url": "https://example.invalid/d.jpg", "metadata": ${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}]}`,
    400,
    /nests JSON deeper than 72 levels/,
  ],
  [
    "metadata nested past the limit of user JSON",
    "POST",
    () => `dataset/${ds}/append`,
    () => ({
      items: [{ reference_id: "deep", image_url: "https://example.invalid/d.jpg", metadata: nested(66) }],
    }),
    400,
    /items\[0\] \(reference_id "deep"\): metadata(\.a)+ must not nest deeper than 64 levels/,
  ],
  [
    "top-level array nested 30,000 deep",
    "POST",
    () => `dataset/${ds}/append`,
    () => "[".repeat(30_000) + "]".repeat(30_000),
    400,
    /nests JSON deeper than 72 levels/,
  ],
  [
    "iloc that is not a number",
    "GET",
    () => `dataset/${ds}/iloc/first`,
    () => undefined,
    400,
    /index must be a non-negative integer/,
  ],
  [
    "unknown reference id",
    "GET",
    () => `dataset/${ds}/refloc/nope`,
    () => undefined,
    404,
    /Item with reference id "nope" not found/,
  ],
  [
    "multipart with more items than images",
    "POST",
    () => `dataset/${ds}/append`,
    () =>
      form([
        ["items", JSON.stringify(remoteItems(2, "mp_"))],
        ["image", new Blob([TINY_PNG]), "a.png"],
      ]),
    400,
    /2 items but 1 image parts/,
  ],
  [
    "multipart without an items part",
    "POST",
    () => `dataset/${ds}/append`,
    () => form([["image", new Blob([TINY_PNG]), "a.png"]]),
    400,
    /no "items" part/,
  ],
  [
    "multipart items part that is not JSON",
    "POST",
    () => `dataset/${ds}/append`,
    () => form([["items", "[{"]]),
    400,
    /"items" part is not valid JSON/,
  ],
  [
    "mask that is not a PNG",
    "POST",
    () => `dataset/${ds}/annotate`,
    () =>
      form([
        [
          "serialized_request",
          JSON.stringify({
            segmentations: [{ type: "mask", mask_url: "/m.png", annotations: [], reference_id: "img_1" }],
          }),
        ],
        ["mask", new Blob(["GIF89a"]), "m.png"],
      ]),
    400,
    /segmentations\[0\] \(reference_id "img_1"\): the mask is not a PNG/,
  ],
  [
    "slice of unknown reference ids",
    "POST",
    () => `dataset/${ds}/create_slice`,
    () => ({ name: "s", reference_ids: ["img_0", "ghost"] }),
    400,
    /no item in dataset .* has reference id "ghost"/,
  ],
  [
    "empty slice without allow_empty",
    "POST",
    () => `dataset/${ds}/create_slice`,
    () => ({ name: "s" }),
    400,
    /pass allow_empty/,
  ],
  [
    "slice append naming another dataset",
    "POST",
    () => `slice/${sliceId}/append`,
    () => ({ reference_ids: ["img_1"], dataset_id: "ds_other" }),
    400,
    /belongs to dataset/,
  ],
  [
    "model run of an unknown model",
    "POST",
    () => `dataset/${ds}/modelRun/create`,
    () => ({ name: "r", reference_id: "no-such-model" }),
    404,
    /Model with reference id "no-such-model" not found/,
  ],
  [
    "model without a reference id",
    "POST",
    () => "models/add",
    () => ({ name: "m" }),
    400,
    /reference_id is required/,
  ],
  [
    "commit with malformed label matches",
    "POST",
    () => `modelRun/${runId}/commit`,
    () => ({ allowed_label_matches: [{ ground_truth_label: "car" }] }),
    400,
    /allowed_label_matches\[0\]\.model_prediction_label is required/,
  ],
  [
    "job list over the limit",
    "POST",
    () => "jobs/",
    () => ({ limit: 50_001 }),
    400,
    /limit must be <= 50000/,
  ],
  [
    "async upload of an unknown request",
    "POST",
    () => `dataset/${ds}/append?async=1`,
    () => ({ requestId: "never-issued" }),
    400,
    /No signed URL was issued/,
  ],
  [
    "signed URL for a request id with a path in it",
    "GET",
    () => `dataset/${ds}/signedUrl/..%2F..%2Fetc`,
    () => undefined,
    400,
    /requestId must be/,
  ],
  ["PUT to an unknown upload URL", "PUT", () => "__upload/deadbeef", () => "{}", 404, /Upload URL/],
  [
    "media key with a path in it",
    "GET",
    () => "__media/..%2F..%2Fnucleus.sqlite",
    () => undefined,
    404,
    /File .* not found/,
  ],
  [
    "metadata update at scene level",
    "POST",
    () => `dataset/${ds}/metadata`,
    () => ({ metadata: [], level: "scene" }),
    400,
    /level must be "item"/,
  ],
  [
    "delete an unknown slice",
    "DELETE",
    () => "slice/slc_00000000000000000000",
    () => ({}),
    404,
    /Slice slc_0+ not found/,
  ],
  ["unknown job", "GET", () => "job/job_00000000000000000000", () => undefined, 404, /Job job_0+ not found/],
  ["unknown route", "GET", () => "no/such/route", () => undefined, 404, /No route for GET/],
  [
    "body over the size limit",
    "POST",
    () => `dataset/${ds}/append`,
    () => ({ items: remoteItems(2_000, "huge_") }),
    413,
    /larger than 65536 bytes/,
  ],
];

/** `{"a": {"a": ... 1}}`, `depth` objects deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return value;
}

describe("bad input", () => {
  it("has more than thirty cases", () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases)("%s: %s", async (_name, method, route, body, status, error) => {
    const before = await snapshot();
    const response = await server.call(method, route(), { body: body() });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const text = (response.body as { error: string }).error;
    expect(text).toMatch(error);
    expect(text).not.toMatch(/\n\s+at /);
    expect(await snapshot()).toEqual(before);
  });

  it("never logged a server error", () => {
    expect(server.logs).toEqual([]);
  });
});

describe("bad input at full size", () => {
  it("refuses a top-level array nested 200,000 deep with a 400 naming the limit", async () => {
    const roomy = await startTestServer();
    try {
      const target = await createDataset(roomy, "deep");
      const response = await roomy.call("POST", `dataset/${target}/append`, {
        body: "[".repeat(200_000) + "]".repeat(200_000),
      });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toMatch(/deeper than 72 levels, the limit/);
      expect(roomy.logs).toEqual([]);
    } finally {
      await roomy.stop();
    }
  });
});

/** Everything a bad request could have written to. */
async function snapshot() {
  const exported = (await server.call("GET", `dataset/${ds}/exportForTraining`)).body;
  const predictions = await Promise.all(
    [0, 1, 2].map((i) => server.call("GET", `modelRun/${runId}/iloc/${i}`)),
  );
  const slices = (await server.call("GET", "slice/")).body;
  const datasets = (await server.call("GET", "dataset/details")).body;
  const models = (await server.call("GET", "models/")).body;
  const runInfo = (await server.call("GET", `modelRun/${runId}/info`)).body;
  return { exported, predictions: predictions.map((p) => p.body), slices, datasets, models, runInfo };
}
