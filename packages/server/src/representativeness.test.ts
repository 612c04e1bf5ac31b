/**
 * Representativeness scores through the real server: in three planted clusters, the members close
 * to each cluster's axis score higher than the few lying out to the side; the scores are queryable
 * (`embedding.representativeness > 0.5`), the same vectors score the same again, a replaced vector
 * loses its score, and bad requests are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "./services/kmeans.js";
import { defaultClusters } from "./services/representativeness.js";
import { createDataset, startTestServer, type TestServer, testBackends } from "./test-support.js";

const DIM = 16;
const CLUSTERS = 3;
const PER_CLUSTER = 40;
/** Members of each cluster (by index within it) that lie 40 degrees off its axis. */
const OUTLYING = [5, 17, 28, 39];

const next = seededRandom(23);
const axis = (n: number) => Array.from({ length: DIM }, (_, j) => (j === n ? 1 : 0));
/** Cluster `c` lies along axis `c`; an outlying member leans towards one of the axes past the clusters'. */
const vectors = Array.from({ length: CLUSTERS * PER_CLUSTER }, (_, i) => {
  const cluster = i % CLUSTERS;
  const member = Math.floor(i / CLUSTERS);
  const side = OUTLYING.indexOf(member);
  if (side >= 0) {
    const tilt = (40 * Math.PI) / 180;
    return axis(cluster).map((x, j) => x * Math.cos(tilt) + (j === CLUSTERS + side ? Math.sin(tilt) : 0));
  }
  return axis(cluster).map((x) => x + (next() - 0.5) * 0.04);
});
const ref = (i: number) => `r${i}`;
const outliers = vectors.flatMap((_, i) => (OUTLYING.includes(Math.floor(i / CLUSTERS)) ? [ref(i)] : []));
const centrals = vectors.flatMap((_, i) => (OUTLYING.includes(Math.floor(i / CLUSTERS)) ? [] : [ref(i)]));

describe.each(testBackends())("representativeness on $name", (backend) => {
  let server: TestServer;
  let ds: string;

  const items = async (query: string) => {
    const page = await server.call("POST", `ext/datasets/${ds}/itemsPage`, {
      body: { query, pageSize: 500 },
    });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    return (page.body as { items: { reference_id: string }[] }).items.map((item) => item.reference_id).sort();
  };
  const score = async (body: Record<string, unknown>) => {
    const started = await server.call("POST", `ext/datasets/${ds}/representativeness`, { body });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await server.jobs.idle();
    const status = await server.call("GET", `job/${(started.body as { job_id: string }).job_id}`);
    expect(status.body).toMatchObject({ status: "Completed" });
    return (status.body as { message: { scored: number; clusters: number } }).message;
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "typical");
    const appended = await server.call("POST", `dataset/${ds}/append`, {
      body: {
        items: vectors.map((_, i) => ({
          reference_id: ref(i),
          image_url: `https://example.invalid/${i}.jpg`,
        })),
      },
    });
    expect(appended.status).toBe(200);
    const uploaded = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: vectors.map((vector, i) => ({ reference_id: ref(i), vector })) },
    });
    expect(uploaded.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });

  it("scores each cluster's central members above its outlying ones, queryable", async () => {
    expect(await items("embedding.representativeness >= 0")).toEqual([]);
    expect(await score({ clusters: CLUSTERS })).toEqual({
      scored: vectors.length,
      clusters: CLUSTERS,
      rounds: expect.any(Number),
    });
    expect(await items("embedding.representativeness > 0.5")).toEqual([...centrals].sort());
    expect(await items("embedding.representativeness <= 0.5")).toEqual([...outliers].sort());
    expect(
      await items("embedding.representativeness >= 0 AND embedding.representativeness <= 1"),
    ).toHaveLength(vectors.length);
    // Each cluster's most central member scores 1.
    const top = await items("embedding.representativeness >= 0.999999");
    expect(new Set(top.map((r) => Number(r.slice(1)) % CLUSTERS)).size).toBe(CLUSTERS);
  }, 60_000);

  it("scores the same vectors the same again, with the default number of clusters", async () => {
    const before = await items("embedding.representativeness > 0.5");
    await score({ clusters: CLUSTERS });
    expect(await items("embedding.representativeness > 0.5")).toEqual(before);
    const message = await score({});
    expect(message).toMatchObject({ scored: vectors.length, clusters: defaultClusters(vectors.length) });
    expect(
      await items("embedding.representativeness >= 0 AND embedding.representativeness <= 1"),
    ).toHaveLength(vectors.length);
    await score({ clusters: CLUSTERS });
  }, 60_000);

  it("drops the score of a replaced vector, and refuses a bad request", async () => {
    const [first] = centrals as [string];
    const replaced = await server.call("POST", `ext/datasets/${ds}/embeddings`, {
      body: { embeddings: [{ reference_id: first, vector: vectors[0] }] },
    });
    expect(replaced.status).toBe(200);
    expect(await items("embedding.representativeness > 0.5")).toEqual(
      centrals.filter((r) => r !== first).sort(),
    );
    expect(await items("embedding.representativeness >= 0")).not.toContain(first);
    for (const [body, field] of [
      [{ clusters: 0 }, "clusters"],
      [{ clusters: 1.5 }, "clusters"],
      [{ iterations: 101 }, "iterations"],
      [{ iterations: "ten" }, "iterations"],
    ] as const) {
      const bad = await server.call("POST", `ext/datasets/${ds}/representativeness`, { body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(bad.body)).toContain(field);
    }
    const empty = await createDataset(server, "no vectors");
    const none = await server.call("POST", `ext/datasets/${empty}/representativeness`, { body: {} });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("no vectors");
    const unknown = await server.call("POST", `ext/datasets/${ds}/itemsPage`, {
      body: { query: "embedding.typical > 0.8", pageSize: 10 },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("embedding.representativeness");
  }, 60_000);

  it("scores one vector, or copies of one, 1 and leaves a vector of no direction unscored", async () => {
    const small = await createDataset(server, "copies");
    const refs = ["c0", "c1", "c2", "zero"];
    await server.call("POST", `dataset/${small}/append`, {
      body: { items: refs.map((r) => ({ reference_id: r, image_url: `https://example.invalid/${r}.jpg` })) },
    });
    const put = async (vectorOf: (r: string) => number[]) =>
      expect(
        (
          await server.call("POST", `ext/datasets/${small}/embeddings`, {
            body: { embeddings: refs.map((r) => ({ reference_id: r, vector: vectorOf(r) })) },
          })
        ).status,
      ).toBe(200);
    const run = async () => {
      const started = await server.call("POST", `ext/datasets/${small}/representativeness`, { body: {} });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      await server.jobs.idle();
      const status = await server.call("GET", `job/${(started.body as { job_id: string }).job_id}`);
      return (status.body as { message: { scored: number; clusters: number } }).message;
    };
    const scoredOne = async () => {
      const page = await server.call("POST", `ext/datasets/${small}/itemsPage`, {
        body: { query: "embedding.representativeness = 1", pageSize: 10 },
      });
      return (page.body as { items: { reference_id: string }[] }).items
        .map((item) => item.reference_id)
        .sort();
    };
    await put((r) => (r === "zero" ? [0, 0, 0] : [1, 2, 3]));
    expect(await run()).toMatchObject({ scored: 3, clusters: 2 });
    expect(await scoredOne()).toEqual(["c0", "c1", "c2"]);
    await put((r) => (r === "c0" ? [0, 1, 0] : [0, 0, 0]));
    expect(await run()).toMatchObject({ scored: 1, clusters: 1 });
    expect(await scoredOne()).toEqual(["c0"]);
  }, 60_000);
});
