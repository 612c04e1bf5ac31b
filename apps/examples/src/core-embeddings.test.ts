/**
 * Embeddings through @nucleus/core against the real local server (on SQLite and on PostgreSQL):
 * vectors uploaded in batches, exact nearest neighbours checked against a brute-force search made
 * here, search within a query and a slice, deletion, a restart, and bad uploads refused whole.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, type Dataset, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-embeddings-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const ITEMS = 300;
const DIM = 24;
const KEY = "embeddings-key";

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(18);
// Stored as float32, so the reference search works on the same rounded numbers.
const vectors = Array.from({ length: ITEMS }, () => Float32Array.from({ length: DIM }, () => next() * 2 - 1));
const ref = (i: number) => `e${String(i).padStart(3, "0")}`;

function bruteForce(
  query: Float32Array,
  metric: "cosine" | "l2",
  k: number,
  keep: (i: number) => boolean,
): { referenceId: string; distance: number }[] {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const scored = vectors.flatMap((v, i) => {
    if (!keep(i)) return [];
    const distance =
      metric === "l2"
        ? Math.sqrt(v.reduce((s, x, j) => s + (x - (query[j] as number)) ** 2, 0))
        : 1 - v.reduce((s, x, j) => s + x * (query[j] as number), 0) / (norm(v) * norm(query));
    return [{ referenceId: ref(i), distance }];
  });
  return scored.sort((a, b) => a.distance - b.distance).slice(0, k);
}

describe.each(serverBackends())("embeddings on $name", (backend) => {
  let server: RunningNucleusServer;
  let dataset: Dataset;
  const options = backend.options();
  const dataDir = join(scratch, backend.name);
  const start = async () => {
    server = await createServer({ dataDir, apiKeys: [KEY], port: 0, ...options });
    const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
    return client;
  };
  const post = (path: string, body: string) =>
    fetch(`${server.url}/${path}`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body,
    });

  beforeAll(async () => {
    const client = await start();
    dataset = await client.createDataset("vectors");
    await dataset.append(
      vectors.map((_, i) => ({
        imageUrl: `s3://bucket/${ref(i)}.jpg`,
        referenceId: ref(i),
        metadata: { group: i % 3 },
      })),
    );
    const uploaded = await dataset.uploadEmbeddings(
      vectors.map((vector, i) => ({ referenceId: ref(i), vector })),
      { batchSize: 128 },
    );
    expect(uploaded).toEqual({ uploaded: ITEMS, dimension: DIM, total: ITEMS });
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  const expectSame = (
    got: { referenceId: string; distance: number }[],
    want: { referenceId: string; distance: number }[],
  ) => {
    expect(got.map((r) => r.referenceId)).toEqual(want.map((r) => r.referenceId));
    got.forEach((r, i) => {
      expect(r.distance).toBeCloseTo((want[i] as { distance: number }).distance, 5);
    });
  };

  it("finds the exact nearest neighbours of an item (cosine) and of a vector (L2)", async () => {
    const near = await dataset.similar({ referenceId: ref(7), k: 10 });
    expectSame(
      near,
      bruteForce(vectors[7] as Float32Array, "cosine", 10, (i) => i !== 7),
    );
    const probe = Float32Array.from({ length: DIM }, () => next() * 2 - 1);
    const byVector = await dataset.similar({ vector: probe, k: 25, metric: "l2" });
    expectSame(
      byVector,
      bruteForce(probe, "l2", 25, () => true),
    );
  });

  it("sends several batches at once, and a reference id sent again keeps its later vector", async () => {
    const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
    const repeats = await client.createDataset("repeats");
    await repeats.append(
      Array.from({ length: 5 }, (_, i) => ({ referenceId: `r${i}`, imageUrl: `s3://b/r${i}.jpg` })),
    );
    const vector = (seed: number) => Float32Array.from({ length: DIM }, (_, j) => Math.sin(seed * 7 + j));
    // r0 three times, one vector a request, four requests in flight: the last one must stay.
    const order = [0, 1, 2, 0, 3, 4, 0];
    const uploaded = await repeats.uploadEmbeddings(
      order.map((i, n) => ({ referenceId: `r${i}`, vector: vector(n) })),
      { batchSize: 1, concurrency: 4 },
    );
    expect(uploaded).toEqual({ uploaded: 7, dimension: DIM, total: 5 });
    const [nearest] = await repeats.similar({ vector: vector(6), k: 1, metric: "l2", exact: true });
    expect(nearest?.referenceId).toBe("r0");
    expect(nearest?.distance).toBeCloseTo(0, 5);
  });

  it("searches only among a query's or a slice's items", async () => {
    const foggy = await dataset.similar({ referenceId: ref(0), k: 12, query: "metadata.group = 1" });
    expectSame(
      foggy,
      bruteForce(vectors[0] as Float32Array, "cosine", 12, (i) => i % 3 === 1),
    );
    const members = [3, 10, 42, 99, 150, 299];
    const slice = await dataset.createSlice("few", members.map(ref));
    const inSlice = await dataset.similar({
      vector: vectors[42] as Float32Array,
      k: 10,
      slice,
      metric: "l2",
    });
    expectSame(
      inSlice,
      bruteForce(vectors[42] as Float32Array, "l2", 10, (i) => members.includes(i)),
    );
    expect(inSlice[0]?.distance).toBe(0);
  });

  it("drops a deleted item from the results, and keeps the vectors across a restart", async () => {
    const before = await dataset.similar({ referenceId: ref(20), k: 5 });
    const gone = before[0]?.referenceId as string;
    await dataset.deleteItem(gone);
    const after = await dataset.similar({ referenceId: ref(20), k: 5 });
    expect(after.map((r) => r.referenceId)).not.toContain(gone);
    const deleted = Number(gone.slice(1));
    expectSame(
      after,
      bruteForce(vectors[20] as Float32Array, "cosine", 5, (i) => i !== 20 && i !== deleted),
    );
    await server.close();
    const client = await start();
    const reopened = await client.getDataset(dataset.id);
    dataset = reopened;
    expect(await reopened.similar({ referenceId: ref(20), k: 5 })).toEqual(after);
  }, 30_000);

  it("keeps the vectors items carry in embedding_info, as the protocol sends them", async () => {
    const carried = Float32Array.from({ length: DIM }, (_, j) => (j % 2 === 0 ? 1 : -1));
    await dataset.append([
      {
        imageUrl: "s3://bucket/carried.jpg",
        referenceId: "carried",
        metadata: {},
        embeddingInfo: { indexId: "custom", embeddingVector: Array.from(carried) },
      },
    ]);
    const [nearest] = await dataset.similar({ vector: carried, k: 1, metric: "l2" });
    expect(nearest).toMatchObject({ referenceId: "carried", distance: 0 });
    const error = await dataset
      .append([
        {
          imageUrl: "s3://bucket/short.jpg",
          referenceId: "short",
          metadata: {},
          embeddingInfo: { indexId: "custom", embeddingVector: [1, 2] },
        },
      ])
      .catch((e: unknown) => e);
    expect((error as APIError).status).toBe(400);
    expect(JSON.stringify((error as APIError).body)).toContain(
      `items[0] (reference_id \\"short\\").embedding_info.embedding_vector: has 2 numbers`,
    );
    // Refused whole: the item is not stored either.
    expect(await dataset.countItems('item.reference_id = "short"')).toBe(0);
  });

  it("lists an async upload's bad vector among its errors and keeps the others", async () => {
    const good = Float32Array.from({ length: DIM }, (_, j) => (j === 3 ? 1 : 0));
    const job = await dataset.append(
      [
        {
          imageUrl: "s3://bucket/async-good.jpg",
          referenceId: "async-good",
          metadata: {},
          embeddingInfo: { indexId: "custom", embeddingVector: Array.from(good) },
        },
        {
          imageUrl: "s3://bucket/async-bad.jpg",
          referenceId: "async-bad",
          metadata: {},
          embeddingInfo: { indexId: "custom", embeddingVector: [1, 2, 3] },
        },
      ],
      { asynchronous: true },
    );
    await job.waitUntilDone().catch(() => undefined);
    expect((await job.errors()).join("\n")).toContain(
      'reference_id "async-bad").embedding_info.embedding_vector: has 3 numbers',
    );
    const [nearest] = await dataset.similar({ vector: good, k: 1, metric: "l2" });
    expect(nearest).toMatchObject({ referenceId: "async-good", distance: 0 });
  });

  it("refuses a bad upload whole, naming the entry and the field", async () => {
    const refused = async (entries: { referenceId: string; vector: number[] }[]) => {
      const error = await dataset.uploadEmbeddings(entries).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(400);
      return JSON.stringify((error as APIError).body);
    };
    const replacement = Array.from({ length: DIM }, () => 0.5);
    // The first entry is good: nothing of the request may land when a later one is bad.
    expect(
      await refused([
        { referenceId: ref(1), vector: replacement },
        { referenceId: ref(2), vector: replacement.slice(1) },
      ]),
    ).toContain(`embeddings[1] (reference_id \\"${ref(2)}\\").vector: has ${DIM - 1} numbers`);
    expect(
      await refused([
        { referenceId: ref(1), vector: replacement },
        { referenceId: "nope", vector: replacement },
      ]),
    ).toContain("embeddings[1].reference_id: no item");
    expect(
      await refused([
        { referenceId: ref(1), vector: replacement },
        { referenceId: ref(1), vector: replacement },
      ]),
    ).toContain("embeddings[1]");
    const overflow = await post(
      `ext/datasets/${dataset.id}/embeddings`,
      `{"embeddings":[{"reference_id":"${ref(1)}","vector":[${replacement.slice(1).join(",")},1e999]}]}`,
    );
    expect(overflow.status).toBe(400);
    expect(await overflow.text()).toContain("vector[23] must be a finite number");
    const float32Overflow = await post(
      `ext/datasets/${dataset.id}/embeddings`,
      `{"embeddings":[{"reference_id":"${ref(1)}","vector":[${replacement.slice(1).join(",")},1e39]}]}`,
    );
    expect(float32Overflow.status).toBe(400);
    expect(await float32Overflow.text()).toContain("vector[23]: 1e+39 is not a finite 32-bit float");
    // ref(1)'s vector is still its own.
    const self = await dataset.similar({ vector: vectors[1] as Float32Array, k: 1, metric: "l2" });
    expect(self[0]).toMatchObject({ referenceId: ref(1), distance: 0 });
    const badK = await post(
      `ext/datasets/${dataset.id}/similar`,
      JSON.stringify({ reference_id: ref(1), k: 0 }),
    );
    expect(badK.status).toBe(400);
    expect(await badK.text()).toContain("k");
    const wrongLength = await dataset.similar({ vector: [1, 2, 3] }).catch((e: unknown) => e);
    expect((wrongLength as APIError).status).toBe(400);
    expect(JSON.stringify((wrongLength as APIError).body)).toContain(`vector: has 3 numbers`);
  });
});
