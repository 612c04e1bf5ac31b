/**
 * Object vectors through @nucleus/core against the real local server (on SQLite and on
 * PostgreSQL): boxes and polygons annotated and predicted with `embeddingVector`, the nearest
 * objects to an object and to a vector checked against a brute-force search made here, each
 * filter, and a bad vector refused with nothing written.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, box, type Dataset, type ModelRun, NucleusClient, polygon } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverBackends } from "./backends.js";

const scratch = mkdtempSync(join(tmpdir(), "nucleus-core-objects-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const ITEMS = 20;
const DIM = 8;
const KEY = "objects-key";

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

interface Planted {
  annotationId: string;
  referenceId: string;
  label: string;
  prediction: boolean;
  vector: number[];
}

const next = random(29);
const ref = (i: number) => `b${String(i).padStart(2, "0")}`;
// Stored as float32, so the reference search works on the same rounded numbers.
const f32 = (v: number[]) => Array.from(Float32Array.from(v));
const planted: Planted[] = Array.from({ length: ITEMS * 3 }, (_, n) => ({
  annotationId: `obj-${n}`,
  referenceId: ref(n % ITEMS),
  label: n % 2 === 0 ? "car" : "person",
  prediction: n % 3 === 2,
  vector: f32(Array.from({ length: DIM }, () => next() * 2 - 1)),
}));

function bruteForce(query: number[], metric: "cosine" | "l2", k: number, keep: (o: Planted) => boolean) {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return planted
    .filter(keep)
    .map((o) => ({
      annotationId: o.annotationId,
      distance:
        metric === "l2"
          ? Math.sqrt(o.vector.reduce((s, x, j) => s + (x - (query[j] as number)) ** 2, 0))
          : 1 -
            o.vector.reduce((s, x, j) => s + x * (query[j] as number), 0) / (norm(o.vector) * norm(query)),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k);
}

describe.each(serverBackends())("object vectors on $name", (backend) => {
  let server: RunningNucleusServer;
  let dataset: Dataset;
  let run: ModelRun;

  beforeAll(async () => {
    server = await createServer({
      dataDir: join(scratch, backend.name),
      apiKeys: [KEY],
      port: 0,
      ...backend.options(),
    });
    const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
    dataset = await client.createDataset("objects");
    await dataset.append(
      Array.from({ length: ITEMS }, (_, i) => ({
        imageUrl: `s3://bucket/${ref(i)}.jpg`,
        referenceId: ref(i),
      })),
    );
    const label = (o: Planted, n: number) =>
      n % 4 === 0
        ? polygon({
            referenceId: o.referenceId,
            label: o.label,
            annotationId: o.annotationId,
            vertices: [
              [n, 10],
              [n + 8, 10],
              [n + 4, 2],
            ],
            embeddingVector: o.vector,
            ...(o.prediction ? { confidence: 0.8 } : {}),
          })
        : box({
            referenceId: o.referenceId,
            label: o.label,
            annotationId: o.annotationId,
            x: n,
            y: 2 * n,
            width: 10,
            height: 5,
            embeddingVector: o.vector,
            ...(o.prediction ? { confidence: 0.8 } : {}),
          });
    await dataset.annotate(planted.flatMap((o, n) => (o.prediction ? [] : [label(o, n)])));
    const model = await client.addModel({ name: "embedder", referenceId: "embedder" });
    run = await model.createRun({
      name: "v1",
      dataset,
      predictions: planted.flatMap((o, n) => (o.prediction ? [label(o, n)] : [])),
    });
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  const ids = (found: { annotationId: string | null }[]) => found.map((f) => f.annotationId);

  it("finds the nearest objects to a vector and to an object, as brute force does", async () => {
    const query = planted[5]?.vector as number[];
    const near = await dataset.similarObjects({ vector: query, k: 8, metric: "l2" });
    expect(ids(near)).toEqual(bruteForce(query, "l2", 8, () => true).map((e) => e.annotationId));
    expect(near[0]).toMatchObject({
      annotationId: "obj-5",
      distance: 0,
      referenceId: ref(5),
      label: "person",
    });

    const example = near[1];
    if (!example) throw new Error("no neighbour");
    const alike = await dataset.similarObjects({ objectId: example.objectId, k: 5 });
    const vector = planted.find((o) => o.annotationId === example.annotationId)?.vector as number[];
    expect(ids(alike)).toEqual(
      bruteForce(vector, "cosine", 5, (o) => o.annotationId !== example.annotationId).map(
        (e) => e.annotationId,
      ),
    );
    // The same object named by its item and annotation id.
    const named = await dataset.similarObjects({
      object: {
        referenceId: example.referenceId,
        annotationId: example.annotationId as string,
        ...(example.source === "prediction" ? { modelRun: run } : {}),
      },
      k: 5,
    });
    expect(ids(named)).toEqual(ids(alike));
    alike.forEach((found, i) => {
      expect(found.distance).toBeCloseTo(
        bruteForce(vector, "cosine", 6, (o) => o.annotationId !== example.annotationId)[i]
          ?.distance as number,
        5,
      );
      expect(found.box.width).toBeGreaterThan(0);
    });
  });

  it("keeps to annotations, a run's predictions or a label", async () => {
    const query = planted[0]?.vector as number[];
    const gt = await dataset.similarObjects({ vector: query, k: 100, source: "annotation" });
    expect(ids(gt)).toEqual(
      bruteForce(query, "cosine", 100, (o) => !o.prediction).map((e) => e.annotationId),
    );
    const predicted = await dataset.similarObjects({ vector: query, k: 100, modelRun: run });
    expect(ids(predicted)).toEqual(
      bruteForce(query, "cosine", 100, (o) => o.prediction).map((e) => e.annotationId),
    );
    expect(predicted.every((p) => p.source === "prediction" && p.modelRunId === run.id)).toBe(true);
    const cars = await dataset.similarObjects({ vector: query, k: 100, label: "car", source: "prediction" });
    expect(ids(cars)).toEqual(
      bruteForce(query, "cosine", 100, (o) => o.prediction && o.label === "car").map((e) => e.annotationId),
    );
  });

  it("refuses a vector of another length, on upload and in a search", async () => {
    const bad = await dataset
      .annotate([
        box({ referenceId: ref(0), label: "car", x: 0, y: 0, width: 1, height: 1, embeddingVector: [1, 2] }),
      ])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(APIError);
    expect((bad as APIError).status).toBe(400);
    expect((bad as APIError).message).toContain("annotations[0]");
    expect((bad as APIError).message).toContain("embedding_vector");
    const search = await dataset.similarObjects({ vector: [1, 2] }).catch((e: unknown) => e);
    expect((search as APIError).status).toBe(400);
    const all = await dataset.similarObjects({ vector: planted[0]?.vector as number[], k: 1000 });
    expect(all).toHaveLength(planted.length);
  });
});
