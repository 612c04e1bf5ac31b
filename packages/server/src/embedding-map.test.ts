/**
 * The embedding map through the real server: planted clusters of vectors come out as separate
 * groups of points; the map is computed as a job, kept while the vectors stay the same (asking
 * again starts nothing) and stale once they change; bad requests are 4xx that say why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const PER_CLUSTER = 300;
const CLUSTERS = 4;
const DIM = 24;

const next = random(5);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => gaussian() * 6));
const ref = (i: number) => `m${i}`;
const clusterOf = (r: string) => Number(r.slice(1)) % CLUSTERS;
const vectors = Array.from({ length: PER_CLUSTER * CLUSTERS }, (_, i) =>
  (centres[i % CLUSTERS] as number[]).map((c) => c + gaussian()),
);

interface MapInfo {
  status: string;
  job_id: string;
  stale: boolean;
  cached?: boolean;
  points: number;
  details: { explained_variance: number[]; iterations: number };
}
interface Points {
  points: { item_id: string; reference_id: string; x: number; y: number }[];
  next_cursor: string | null;
}

describe.each(testBackends())("the embedding map on $name", (backend) => {
  let server: TestServer;
  let ds: string;

  const finished = async (jobId: string) => {
    for (;;) {
      const status = await server.call("GET", `job/${jobId}`);
      const value = (status.body as { status: string }).status;
      if (value !== "Running" && value !== "Pending") return status.body as { status: string };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const compute = async (body: Record<string, unknown> = {}) => {
    const started = await server.call("POST", `ext/datasets/${ds}/embedding_map`, { body });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const info = started.body as MapInfo;
    if (!info.cached) expect(await finished(info.job_id)).toMatchObject({ status: "Completed" });
    return info;
  };
  const allPoints = async (limit: number) => {
    const points: Points["points"] = [];
    let cursor: string | null = null;
    do {
      const page = await server.call(
        "GET",
        `ext/datasets/${ds}/embedding_map/points?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      points.push(...(page.body as Points).points);
      cursor = (page.body as Points).next_cursor;
    } while (cursor);
    return points;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "map");
    const items = vectors.map((_, i) => ({
      reference_id: ref(i),
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("refuses a map without vectors, and answers 404 before one was computed", async () => {
    const none = await server.call("POST", `ext/datasets/${ds}/embedding_map`, { body: {} });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("has no vectors");
    expect((await server.call("GET", `ext/datasets/${ds}/embedding_map`)).status).toBe(404);
    const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: vectors.map((vector, i) => ({ reference_id: ref(i), vector })) },
    });
    expect(uploaded.status).toBe(200);
    const bad = await server.call("POST", `ext/datasets/${ds}/embedding_map`, { body: { method: "tsne" } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("method");
    const badLimit = await server.call("GET", `ext/datasets/${ds}/embedding_map/points?limit=0`);
    expect(badLimit.status).toBe(400);
    expect(JSON.stringify(badLimit.body)).toContain("limit");
  });

  it("separates planted clusters: every point is nearer its own cluster's centre on the map", async () => {
    const info = await compute();
    expect(info).toMatchObject({ status: "Running", stale: false, cached: false });
    const read = (await server.call("GET", `ext/datasets/${ds}/embedding_map`)).body as MapInfo;
    expect(read).toMatchObject({ status: "Completed", stale: false, points: vectors.length });
    expect(read.details.explained_variance[0]).toBeGreaterThanOrEqual(
      read.details.explained_variance[1] as number,
    );
    const points = await allPoints(500);
    expect(points).toHaveLength(vectors.length);
    expect(new Set(points.map((p) => p.reference_id)).size).toBe(vectors.length);
    const centre = Array.from({ length: CLUSTERS }, () => ({ x: 0, y: 0, n: 0 }));
    for (const p of points) {
      const c = centre[clusterOf(p.reference_id)] as { x: number; y: number; n: number };
      c.x += p.x;
      c.y += p.y;
      c.n += 1;
    }
    for (const c of centre) {
      c.x /= c.n;
      c.y /= c.n;
    }
    const nearest = (p: { x: number; y: number }) =>
      centre.map((c, k) => ({ k, d: Math.hypot(p.x - c.x, p.y - c.y) })).sort((a, b) => a.d - b.d)[0]?.k;
    const misplaced = points.filter((p) => nearest(p) !== clusterOf(p.reference_id)).length;
    expect(misplaced).toBe(0);
    // A query picks the points of its items: here the first cluster's, by reference id.
    const picked = await server.call(
      "GET",
      `ext/datasets/${ds}/embedding_map/points?query=${encodeURIComponent('item.reference_id IN ["m0", "m4", "m8"]')}`,
    );
    expect(picked.status, JSON.stringify(picked.body)).toBe(200);
    expect((picked.body as Points).points.map((p) => p.reference_id).sort()).toEqual(["m0", "m4", "m8"]);
    const bad = await server.call(
      "GET",
      `ext/datasets/${ds}/embedding_map/points?query=${encodeURIComponent("nope = 1")}`,
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("query");
  });

  it("keeps the map while the vectors stay the same, and makes it stale once they change", async () => {
    const kept = (await server.call("GET", `ext/datasets/${ds}/embedding_map`)).body as MapInfo;
    const again = await compute();
    expect(again).toMatchObject({ cached: true, job_id: kept.job_id, status: "Completed" });
    const changed = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: [{ reference_id: ref(0), vector: vectors[1] }] },
    });
    expect(changed.status).toBe(200);
    expect((await server.call("GET", `ext/datasets/${ds}/embedding_map`)).body).toMatchObject({
      stale: true,
    });
    const refused = await server.call("GET", `ext/datasets/${ds}/embedding_map/points`);
    expect(refused.status).toBe(409);
    expect((refused.body as { error: string }).error).toContain("changed since");
    const fresh = await compute();
    expect(fresh.cached).toBe(false);
    expect(fresh.job_id).not.toBe(kept.job_id);
    expect((await server.call("GET", `ext/datasets/${ds}/embedding_map`)).body).toMatchObject({
      stale: false,
      status: "Completed",
    });
    // Deleting an item changes the vectors too.
    expect((await server.call("DELETE", `dataset/${ds}/refloc/${ref(5)}`, { body: {} })).status).toBe(200);
    expect((await server.call("GET", `ext/datasets/${ds}/embedding_map`)).body).toMatchObject({
      stale: true,
    });
    await compute();
    const points = await allPoints(10_000);
    expect(points).toHaveLength(vectors.length - 1);
    expect(points.some((p) => p.reference_id === ref(5))).toBe(false);
  });
});
