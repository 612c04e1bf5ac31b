/**
 * A search near an item (or an object) whose beam ended in another cluster: the example itself
 * is then missing from the index's candidates, and the server asks again for many more. A graph
 * of three links a vector over many small, tight clusters makes such searches common enough to
 * see in a test (at the default sixteen links they show only past a few hundred thousand
 * vectors). The routes' logic does not depend on the store, so SQLite alone is used.
 */

import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServer } from "./server.js";
import { createDataset, seededRandom, startTestServer, type TestServer } from "./test-support.js";

const COUNT = 3_000;
const DIM = 32;
const CLUSTERS = 300;
const next = seededRandom(11);
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
// Ten vectors a cluster: a search that reached the example's cluster finds its nine neighbours there.
const vectors = Array.from({ length: COUNT }, (_, i) =>
  (centres[i % CLUSTERS] as number[]).map((x) => x + (next() * 2 - 1) * 0.05),
);
const unit = vectors.map((v) => {
  const length = Math.hypot(...v);
  return v.map((x) => x / length);
});
/** The indexes of the 10 vectors nearest vector `i` by cosine, `i` left out. */
function nearestTen(i: number): Set<number> {
  const query = unit[i] as number[];
  const ranked = unit
    .map((v, j) => ({ j, similarity: v.reduce((sum, x, d) => sum + x * (query[d] as number), 0) }))
    .filter(({ j }) => j !== i)
    .sort((a, b) => b.similarity - a.similarity);
  return new Set(ranked.slice(0, 10).map(({ j }) => j));
}
/** What the server asks an index for when a search near an example did not find the example. */
const WIDE = 512;

/** Vector `i` as an item's embedding, or as box `a{i}` of item `o{i / 10}`. */
const kinds = [
  {
    name: "items",
    route: "similar",
    upload: async (server: TestServer, ds: string) => {
      const items = vectors.map((_, i) => ({
        reference_id: `v${i}`,
        image_url: `https://example.invalid/${i}.jpg`,
      }));
      expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
      const embeddings = vectors.map((vector, i) => ({ reference_id: `v${i}`, vector }));
      const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, { body: { embeddings } });
      expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(200);
    },
    near: (i: number) => ({ reference_id: `v${i}` }),
    indexOf: (result: { reference_id: string }) => Number(result.reference_id.slice(1)),
  },
  {
    name: "objects",
    route: "similar_objects",
    upload: async (server: TestServer, ds: string) => {
      const items = Array.from({ length: COUNT / 10 }, (_, i) => ({
        reference_id: `o${i}`,
        image_url: `https://example.invalid/o${i}.jpg`,
      }));
      expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
      const annotations = vectors.map((vector, i) => ({
        type: "box",
        label: "car",
        reference_id: `o${Math.floor(i / 10)}`,
        annotation_id: `a${i}`,
        geometry: { x: 1, y: 1, width: 5, height: 5 },
        embedding_vector: vector,
      }));
      for (let i = 0; i < COUNT; i += 1_000) {
        const body = { annotations: annotations.slice(i, i + 1_000) };
        const answer = await server.call("POST", `dataset/${ds}/annotate`, { body });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      }
    },
    near: (i: number) => ({ object: { reference_id: `o${Math.floor(i / 10)}`, annotation_id: `a${i}` } }),
    indexOf: (result: { annotation_id?: string }) => Number(result.annotation_id?.slice(1)),
  },
];

interface Similar {
  method: string;
  searched: number;
  results: { reference_id: string; annotation_id?: string }[];
}

describe.each(kinds)("a search near one of the $name that ends in another cluster", (kind) => {
  let server: TestServer;
  let ds: string;
  const similar = async (body: Record<string, unknown>) => {
    const response = await server.call("POST", `ext/datasets/${ds}/${kind.route}`, { body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Similar;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, { vectorIndex: { exactBelow: 500, connectivity: 3 } });
    ds = await createDataset(server, `lost searches near ${kind.name}`);
    await kind.upload(server, ds);
    // The index builds in the background; until it caught up, searches are exact.
    while ((await similar({ ...kind.near(0), k: 10 })).method !== "index")
      await new Promise((resolve) => setTimeout(resolve, 50));
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });

  it("searches again with many more candidates, which find the example's nearest", async () => {
    let widened = 0;
    const widenedAt: number[] = [];
    let widenedHit = 0;
    let hit = 0;
    // Every example, a few searches at a time, so that the rare lost searches are among them.
    for (let i = 0; i < COUNT; i += 8) {
      const batch = Array.from({ length: Math.min(8, COUNT - i) }, (_, j) => i + j);
      const answers = await Promise.all(batch.map((j) => similar({ ...kind.near(j), k: 10 })));
      answers.forEach((answer, j) => {
        expect(answer.method).toBe("index");
        const truth = nearestTen(i + j);
        const found = answer.results.filter((r) => truth.has(kind.indexOf(r))).length;
        if (answer.searched >= WIDE) {
          widened += 1;
          widenedAt.push(i + j);
          widenedHit += found;
        }
        hit += found;
      });
    }
    // Some searches lost their way in this graph (a few dozen of the 3,000, as many as the graph
    // differs from build to build); searched again, they found nearly all of their nearest.
    expect(widened).toBeGreaterThan(0);
    expect(widenedHit / (widened * 10)).toBeGreaterThanOrEqual(0.9);
    expect(hit / (COUNT * 10)).toBeGreaterThanOrEqual(0.98);
    // Asked for more neighbours than the narrow search ranks, the same searches still rank enough
    // of their wide candidates to answer from the index, and find the example's cluster.
    let mates = 0;
    const again = widenedAt.slice(0, 10);
    for (const i of again) {
      const answer = await similar({ ...kind.near(i), k: 50 });
      expect(answer.method).toBe("index");
      expect(answer.results).toHaveLength(50);
      const found = new Set(answer.results.map((r) => kind.indexOf(r)));
      mates += Array.from({ length: 10 }, (_, m) => m * CLUSTERS + (i % CLUSTERS)).filter(
        (j) => j !== i && found.has(j),
      ).length;
    }
    expect(mates / (again.length * 9)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});

describe("the vector index's connectivity", () => {
  it("is refused unless a whole number from 2 to 256", () => {
    for (const connectivity of [0, 1, 2.5, 1_000])
      expect(() => openServer({ apiKeys: ["k"], dataDir: tmpdir(), vectorIndex: { connectivity } })).toThrow(
        `vectorIndex.connectivity must be a whole number from 2 to 256, not ${connectivity}`,
      );
  });
});
