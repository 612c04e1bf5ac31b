/**
 * Autotags and the embedding map through @nucleus/core against the real local server (SQLite and
 * PostgreSQL): an autotag trained from three examples of a planted concept, refined once, read
 * back in score order, queried as `autotag.<name>`, made into a slice and deleted; the map of two
 * planted clusters computed, kept, and read in pages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, type Dataset, type MapPoint, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-autotags-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const ITEMS = 400;
const DIM = 16;
const KEY = "autotags-key";

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(21);
const ref = (i: number) => `t${i}`;
/** Every fourth item shows the concept: a large first coordinate. */
const shows = (i: number) => i % 4 === 0;
const vectors = Array.from({ length: ITEMS }, (_, i) =>
  Array.from({ length: DIM }, (_, d) => next() * 2 - 1 + (d === 0 && shows(i) ? 4 : 0)),
);

describe.each(serverBackends())("autotags and the embedding map on $name", (backend) => {
  let server: RunningNucleusServer;
  let dataset: Dataset;

  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: [KEY],
      port: 0,
      ...backend.options(),
    });
    const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
    dataset = await client.createDataset("autotags");
    await dataset.append(
      vectors.map((_, i) => ({ imageUrl: `s3://bucket/${ref(i)}.jpg`, referenceId: ref(i) })),
    );
    await dataset.uploadEmbeddings(vectors.map((vector, i) => ({ referenceId: ref(i), vector })));
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it("trains, refines, reads, queries, slices and deletes an autotag", async () => {
    const tag = await dataset.createAutotag({
      name: "bright",
      positives: [ref(0), ref(4), ref(8)],
      pollInterval: 50,
    });
    expect(tag).toMatchObject({ name: "bright", status: "Completed", positives: 3, scored: ITEMS });
    const top = await dataset.autotagItems(tag).toArray({ limit: 40 });
    expect(top).toHaveLength(40);
    const refined = await dataset.refineAutotag(tag, {
      accept: top.filter((item) => shows(Number(item.referenceId.slice(1)))).map((item) => item.referenceId),
      reject: top.filter((item) => !shows(Number(item.referenceId.slice(1)))).map((item) => item.referenceId),
      pollInterval: 50,
    });
    expect(refined).toMatchObject({ status: "Completed", refinementRounds: 1 });
    const best = await dataset
      .autotagItems(tag, { minScore: 0.5 })
      .toArray({ limit: Number.POSITIVE_INFINITY });
    expect(best.length).toBeGreaterThan(20);
    // Background negatives are drawn at random, so a stray item may pass: precision, not purity.
    const precise = best.filter((item) => shows(Number(item.referenceId.slice(1)))).length / best.length;
    expect(precise).toBeGreaterThanOrEqual(0.9);
    const queried = await dataset
      .queryItems("autotag.bright >= 0.5")
      .toArray({ limit: Number.POSITIVE_INFINITY });
    expect(queried.map((item) => item.referenceId).sort()).toEqual(
      best.map((item) => item.referenceId).sort(),
    );
    const slice = await dataset.autotagSlice(tag, "bright ones", { threshold: 0.5 });
    expect(slice.items).toBe(best.length);
    expect((await dataset.autotags()).map((t) => t.name)).toEqual(["bright"]);
    expect((await dataset.autotagDetails())[0]).toMatchObject({ name: "bright", refinementRounds: 1 });
    await expect(dataset.createAutotag({ name: "bright", positives: [ref(0)] })).rejects.toBeInstanceOf(
      APIError,
    );
    await dataset.deleteAutotag(tag);
    expect(await dataset.autotags()).toEqual([]);
  });

  it("computes the embedding map once, and reads its points in pages", async () => {
    const map = await dataset.embeddingMap({ pollInterval: 50 });
    expect(map).toMatchObject({ status: "Completed", stale: false, points: ITEMS, method: "pca" });
    expect(await dataset.embeddingMap()).toMatchObject({ cached: true, jobId: map.jobId });
    const points: MapPoint[] = [];
    for await (const point of dataset.embeddingMapPoints({ pageSize: 150 })) points.push(point);
    expect(points).toHaveLength(ITEMS);
    // The concept's coordinate carries most of the variance: the first axis splits the two groups.
    const xs = (keep: boolean) =>
      points.filter((p) => shows(Number(p.referenceId.slice(1))) === keep).map((p) => p.x);
    const [inside, outside] = [xs(true), xs(false)];
    const sign = Math.sign((inside[0] as number) - (outside[0] as number));
    expect(Math.min(...inside.map((x) => x * sign))).toBeGreaterThan(
      Math.max(...outside.map((x) => x * sign)),
    );
  });
});
