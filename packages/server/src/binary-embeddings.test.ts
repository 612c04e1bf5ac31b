/**
 * The binary form of `ext/datasets/{id}/embeddings` (a JSON line of reference ids, then float32
 * vectors), through the real server on each backend: what it stores is what a JSON upload of the
 * same vectors stores, and a bad body is a 400 naming the entry, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  KEY,
  rawRequest,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const DIM = 8;
const vectorOf = (i: number) => Array.from({ length: DIM }, (_, j) => Math.fround(Math.sin(i * 7 + j) * 3));

/** A binary upload body: the ids' JSON line, then the vectors as little-endian float32. */
function binaryBody(referenceIds: string[], vectors: number[][], dimension = DIM, extraBytes = 0): Buffer {
  const head = Buffer.from(`${JSON.stringify({ reference_ids: referenceIds, dimension })}\n`);
  const data = Buffer.alloc(vectors.length * dimension * 4 + extraBytes);
  vectors.forEach((vector, i) => {
    vector.forEach((x, j) => {
      data.writeFloatLE(x, (i * dimension + j) * 4);
    });
  });
  return Buffer.concat([head, data]);
}

describe.each(testBackends())("binary embeddings upload on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  const upload = async (body: Buffer) => {
    const response = await rawRequest(
      "POST",
      `${server.url}/ext/datasets/${ds}/embeddings`,
      {
        authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
        "content-type": "application/octet-stream",
        "content-length": String(body.byteLength),
      },
      body,
    );
    return { status: response.status, body: JSON.parse(response.text) as Record<string, unknown> };
  };
  const stored = async () => {
    const status = await server.call("GET", `ext/datasets/${ds}/vector_index?metric=cosine`);
    return (status.body as { vectors: number }).vectors;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "binary vectors");
    const items = Array.from({ length: 6 }, (_, i) => ({
      reference_id: `r${i}`,
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
  });

  afterAll(async () => {
    await server.stop();
  });

  it("stores the vectors it carries, as a JSON upload would", async () => {
    const answer = await upload(
      binaryBody(
        ["r0", "r1", "r2", "r3"],
        [0, 1, 2, 3].map((i) => vectorOf(i)),
      ),
    );
    expect(answer).toEqual({ status: 200, body: { uploaded: 4, dimension: DIM, total: 4 } });
    const json = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: [{ reference_id: "r4", vector: vectorOf(4) }] },
    });
    expect(json.body).toEqual({ uploaded: 1, dimension: DIM, total: 5 });
    // The nearest item to each uploaded vector is its own item, at distance 0.
    for (const i of [0, 3, 4]) {
      const found = await server.call("POST", `ext/datasets/${ds}/similar`, {
        body: { vector: vectorOf(i), k: 1, metric: "l2", exact: true },
      });
      const [first] = (found.body as { results: { reference_id: string; distance: number }[] }).results;
      expect(first?.reference_id).toBe(`r${i}`);
      expect(first?.distance).toBeCloseTo(0, 5);
    }
  });

  it("refuses a bad body whole, naming the entry", async () => {
    const before = await stored();
    const withNaN = vectorOf(5);
    withNaN[2] = Number.NaN;
    const cases: [Buffer, string][] = [
      [binaryBody(["r5", "r1"], [vectorOf(5), withNaN]), 'embeddings[1] (reference_id "r1").vector[2]: NaN'],
      [
        binaryBody(["r5", "r5"], [vectorOf(5), vectorOf(5)]),
        'embeddings[1] (reference_id "r5").reference_id',
      ],
      [
        binaryBody(["r5", "nope"], [vectorOf(5), vectorOf(6)]),
        "embeddings[1].reference_id: no item of dataset",
      ],
      [
        binaryBody(["r5"], [vectorOf(5).concat([1, 2])], DIM + 2),
        `embeddings[0] (reference_id "r5").vector: has ${DIM + 2} numbers, but the dataset's stored vectors have ${DIM}`,
      ],
      [
        binaryBody(["r5"], [vectorOf(5)], DIM, 4),
        "bytes after its first line, but 1 vectors of 8 float32 take 32",
      ],
      [Buffer.from("no header line"), "must start with a line of JSON"],
      [Buffer.from('{"reference_ids": [], "dimension": 8}\n'), "first line.reference_ids: must list from 1"],
      [
        Buffer.from('{"reference_ids": ["r5"], "dimension": 0}\n'),
        "first line.dimension: must be an integer",
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await upload(body);
      expect(answer.status, message).toBe(400);
      expect(String(answer.body.error)).toContain(message);
    }
    expect(await stored()).toBe(before);
  });
});
