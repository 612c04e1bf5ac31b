/**
 * Similarity search with the dataset's vector index, through the real server on each backend:
 * recall against exact search on a generated set (cosine and L2), a filtered search, deletion,
 * a restart that keeps the index file, bad input, and the files going with the dataset.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const ITEMS = 2_000;
const DIM = 32;
const CLUSTERS = 20;

const next = random(7);
// Clustered, as real embeddings are: each vector a cluster centre plus noise.
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
const vectors = Array.from({ length: ITEMS }, (_, i) =>
  (centres[i % CLUSTERS] as number[]).map((x) => x + (next() - 0.5) * 0.6),
);
const ref = (i: number) => `v${i}`;

interface Similar {
  method: string;
  searched: number;
  results: { item_id: string; reference_id: string; distance: number }[];
}

describe.each(testBackends())("vector index on $name", (backend) => {
  let server: TestServer;
  let dataDir: string;
  let ds: string;
  const options = backend.options();
  const start = async () => {
    server = await startTestServer(dataDir, { ...options, vectorIndex: { exactBelow: 500 } });
  };
  const similar = async (body: Record<string, unknown>) => {
    const response = await server.call("POST", `ext/datasets/${ds}/similar`, { body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Similar;
  };
  const recallOf = (found: Similar, exact: Similar) => {
    const truth = new Set(exact.results.map((r) => r.reference_id));
    return found.results.filter((r) => truth.has(r.reference_id)).length / Math.max(truth.size, 1);
  };

  beforeAll(async () => {
    const first = await startTestServer(undefined, options);
    dataDir = first.dataDir;
    await first.close();
    await start();
    ds = await createDataset(server, "vectors");
    const items = vectors.map((_, i) => ({
      reference_id: ref(i),
      image_url: `https://example.invalid/${i}.jpg`,
      metadata: { half: i % 2 === 0 ? "even" : "odd" },
    }));
    for (let i = 0; i < ITEMS; i += 1_000) {
      const appended = await server.call("POST", `dataset/${ds}/append`, {
        body: { items: items.slice(i, i + 1_000) },
      });
      expect(appended.status).toBe(200);
    }
    for (let i = 0; i < ITEMS; i += 500) {
      const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
        body: {
          embeddings: vectors.slice(i, i + 500).map((vector, j) => ({ reference_id: ref(i + j), vector })),
        },
      });
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  it("finds the exact search's nearest items with recall@10 of 0.95 or more, by cosine and L2", async () => {
    const draw = random(99);
    for (const metric of ["cosine", "l2"] as const) {
      // An index far behind the store (the L2 one is first built now) answers exactly until it caught up.
      for (;;) {
        const first = await similar({ vector: vectors[0], k: 10, metric });
        if (first.method === "index") break;
        expect(first.searched).toBe(ITEMS);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      let recall = 0;
      const queries = 20;
      for (let q = 0; q < queries; q += 1) {
        const vector = Array.from({ length: DIM }, () => draw() * 2 - 1);
        const found = await similar({ vector, k: 10, metric });
        const exact = await similar({ vector, k: 10, metric, exact: true });
        expect(found.method).toBe("index");
        expect(exact.method).toBe("exact");
        expect(exact.searched).toBe(ITEMS);
        expect(found.searched).toBeLessThan(ITEMS);
        expect(found.results).toHaveLength(10);
        // Distances are the exact ones, nearest first.
        const distances = found.results.map((r) => r.distance);
        expect([...distances].sort((a, b) => a - b)).toEqual(distances);
        recall += recallOf(found, exact);
      }
      expect(recall / queries).toBeGreaterThanOrEqual(0.95);
    }
  });

  it("searches near an item within a query's items, the item itself left out", async () => {
    const found = await similar({ reference_id: ref(4), k: 10, query: 'metadata.half = "even"' });
    const exact = await similar({
      reference_id: ref(4),
      k: 10,
      query: 'metadata.half = "even"',
      exact: true,
    });
    expect(found.method).toBe("index");
    expect(found.results).toHaveLength(10);
    for (const r of found.results) {
      expect(r.reference_id).not.toBe(ref(4));
      expect(Number(r.reference_id.slice(1)) % 2).toBe(0);
    }
    expect(recallOf(found, exact)).toBeGreaterThanOrEqual(0.8);
  });

  it("searches near several examples, all of them left out", async () => {
    // Items 0, 20 and 40 share a cluster (i % 20): their neighbours are its other members.
    const examples = [ref(0), ref(20), ref(40)];
    const found = await similar({ reference_ids: examples, k: 10 });
    const exact = await similar({ reference_ids: examples, k: 10, exact: true });
    expect(found.method).toBe("index");
    expect(found.results).toHaveLength(10);
    for (const r of found.results) {
      expect(examples).not.toContain(r.reference_id);
      expect(Number(r.reference_id.slice(1)) % CLUSTERS).toBe(0);
    }
    expect(recallOf(found, exact)).toBeGreaterThanOrEqual(0.9);
    const unknown = await server.call("POST", `ext/datasets/${ds}/similar`, {
      body: { reference_ids: [ref(0), "nope"] },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("reference_ids[1]: no item");
  });

  it("leaves deleted items out of results and keeps the index over a restart", async () => {
    const vector = vectors[123] as number[];
    const before = await similar({ vector, k: 5 });
    expect(before.results[0]?.reference_id).toBe(ref(123));
    expect((await server.call("DELETE", `dataset/${ds}/refloc/${ref(123)}`, { body: {} })).status).toBe(200);
    const after = await similar({ vector, k: 5 });
    expect(after.method).toBe("index");
    expect(after.results.map((r) => r.reference_id)).not.toContain(ref(123));
    // The others keep their places.
    expect(after.results.slice(0, 4).map((r) => r.reference_id)).toEqual(
      before.results.slice(1).map((r) => r.reference_id),
    );

    await server.close();
    const file = join(dataDir, "vectors", `${ds}.cosine.usearch`);
    expect(existsSync(file)).toBe(true);
    await start();
    const again = await similar({ vector, k: 5 });
    expect(again.method).toBe("index");
    expect(again.results).toEqual(after.results);
    // The saved index was opened, not rebuilt: closing again leaves its file as it was.
    const saved = statSync(file).mtimeMs;
    await server.close();
    expect(statSync(file).mtimeMs).toBe(saved);
    await start();
    // Vectors uploaded after the restart join the saved index.
    const moved = vectors[7] as number[];
    const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: [{ reference_id: ref(8), vector: moved }] },
    });
    expect(uploaded.status).toBe(200);
    const near = await similar({ reference_id: ref(7), k: 1 });
    expect(near.method).toBe("index");
    expect(near.results[0]?.reference_id).toBe(ref(8));
    expect(near.results[0]?.distance).toBeCloseTo(0, 6);
  });

  it("refuses bad vectors and unknown items with a 400 naming the entry", async () => {
    const upload = (embeddings: unknown) =>
      server.call("POST", `ext/datasets/${ds}/embeddings`, { body: { embeddings } });
    const short = await upload([{ reference_id: ref(1), vector: [1, 2, 3] }]);
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain(`embeddings[0] (reference_id \\"${ref(1)}\\").vector`);
    const nan = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: `{"embeddings":[{"reference_id":"${ref(1)}","vector":[${Array(DIM).fill("1").join(",")}]},{"reference_id":"${ref(2)}","vector":[NaN${",1".repeat(DIM - 1)}]}]}`,
    });
    expect(nan.status).toBe(400);
    const huge = await upload([{ reference_id: ref(1), vector: [1e39, ...Array(DIM - 1).fill(1)] }]);
    expect(huge.status).toBe(400);
    expect(JSON.stringify(huge.body)).toContain("embeddings[0]");
    expect(JSON.stringify(huge.body)).toContain("vector[0]");
    const unknown = await upload([
      { reference_id: ref(1), vector: Array(DIM).fill(1) },
      { reference_id: "nope", vector: Array(DIM).fill(1) },
    ]);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("embeddings[1].reference_id");
    const query = await server.call("POST", `ext/datasets/${ds}/similar`, { body: { vector: [1, 2] } });
    expect(query.status).toBe(400);
    expect(JSON.stringify(query.body)).toContain("vector: has 2 numbers");
    const missing = await server.call("POST", `ext/datasets/${ds}/similar`, {
      body: { reference_id: "nope" },
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain("reference_id: no item");
  });

  it("deletes its files with the dataset, also when this server never opened them", async () => {
    const file = join(dataDir, "vectors", `${ds}.cosine.usearch`);
    await similar({ reference_id: ref(3), k: 1 });
    await server.close();
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.json`)).toBe(true);
    // A fresh server that has not searched this dataset: its index is on disk only.
    await start();
    expect((await server.call("DELETE", `dataset/${ds}`)).status).toBe(200);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.json`)).toBe(false);
  });
});
