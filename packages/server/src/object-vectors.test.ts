/**
 * Object vectors through the real server: boxes and polygons uploaded with `embedding_vector`
 * (clusters planted in them) are found nearest-first exactly as a brute-force search computed
 * here finds them, with filters by source, run and label; replaced and deleted labels take their
 * vectors along; bad vectors and bad searches are refused naming the field, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

const ITEMS = 30;
const DIM = 12;
const CLUSTERS = 4;
const LABELS = ["car", "bus", "bike"];

interface Planted {
  source: "annotation" | "prediction";
  annotationId: string;
  referenceId: string;
  label: string;
  type: "box" | "polygon";
  cluster: number;
  vector: number[];
  box: { x: number; y: number; width: number; height: number };
}

// Each object is its cluster's centre plus noise; labels cut across clusters so filters matter.
const next = random(11);
const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
const planted: Planted[] = [];
for (let i = 0; i < ITEMS; i += 1) {
  for (const source of ["annotation", "prediction"] as const) {
    const objects = source === "annotation" ? 3 : 2;
    for (let j = 0; j < objects; j += 1) {
      const cluster = Math.floor(next() * CLUSTERS);
      const x = Math.round(next() * 500);
      const y = Math.round(next() * 300);
      planted.push({
        source,
        annotationId: `${source[0]}-${i}-${j}`,
        referenceId: `o${i}`,
        label: LABELS[(i + j) % LABELS.length] as string,
        type: j === 2 ? "polygon" : "box",
        cluster,
        vector: (centres[cluster] as number[]).map((c) => c + (next() - 0.5) * 0.3),
        box: { x, y, width: 20 + j, height: 10 + j },
      });
    }
  }
}

/** The wire form of a planted object. */
function wire(o: Planted, extra: Record<string, unknown> = {}) {
  const geometry =
    o.type === "box"
      ? o.box
      : {
          vertices: [
            { x: o.box.x, y: o.box.y + o.box.height },
            { x: o.box.x + o.box.width, y: o.box.y + o.box.height },
            { x: o.box.x + o.box.width / 2, y: o.box.y },
          ],
        };
  return {
    type: o.type,
    label: o.label,
    reference_id: o.referenceId,
    annotation_id: o.annotationId,
    geometry,
    embedding_vector: o.vector,
    ...(o.source === "prediction" ? { confidence: 0.5 } : {}),
    ...extra,
  };
}

/** Distances as the server computes them, on the float32 vectors it stores. */
function distance(a: readonly number[], b: readonly number[], metric: "cosine" | "l2"): number {
  const x = Float32Array.from(a);
  const y = Float32Array.from(b);
  if (metric === "l2") {
    let sum = 0;
    for (let i = 0; i < x.length; i += 1) sum += ((x[i] as number) - (y[i] as number)) ** 2;
    return Math.sqrt(sum);
  }
  let dot = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i += 1) {
    dot += (x[i] as number) * (y[i] as number);
    xx += (x[i] as number) ** 2;
    yy += (y[i] as number) ** 2;
  }
  return 1 - Math.max(-1, Math.min(1, dot / (Math.sqrt(yy) * Math.sqrt(xx))));
}

/** The annotation ids of the `k` nearest among `pool`, by brute force. */
function bruteForce(query: readonly number[], pool: readonly Planted[], k: number, metric: "cosine" | "l2") {
  return pool
    .map((o) => ({ id: o.annotationId, d: distance(query, o.vector, metric) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k);
}

interface Found {
  object_id: string;
  source: string;
  model_run_id: string | null;
  annotation_id: string;
  item_id: string;
  reference_id: string;
  label: string;
  type: string;
  box: { x: number; y: number; width: number; height: number };
  distance: number;
}
interface Answer {
  metric: string;
  dimension: number;
  searched: number;
  method: string;
  results: Found[];
}

describe.each(testBackends())("object vectors on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  let run: string;
  /** Object ids by annotation id. */
  const ids = new Map<string, string>();

  const search = async (body: Record<string, unknown>) => {
    const answer = await server.call("POST", `ext/datasets/${ds}/similar_objects`, { body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as Answer;
  };
  const refused = async (body: Record<string, unknown>, field: string) => {
    const answer = await server.call("POST", `ext/datasets/${ds}/similar_objects`, { body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect((answer.body as { error: string }).error).toContain(field);
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    ds = await createDataset(server, "objects");
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      reference_id: `o${i}`,
      image_url: `https://example.invalid/${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
    await server.call("POST", "models/add", { body: { name: "m", reference_id: "m" } });
    run = (
      (await server.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "m" } }))
        .body as { model_run_id: string }
    ).model_run_id;
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });

  it("refuses a search before any object vector", async () => {
    await refused({ vector: [1, 2] }, "has no object vectors");
  });

  it("stores the vectors of uploaded boxes and polygons, counted by the indexing status", async () => {
    const annotations = planted.filter((o) => o.source === "annotation").map((o) => wire(o));
    // A box without a vector and a line are not objects with vectors.
    annotations.push({
      ...wire(planted[0] as Planted),
      annotation_id: "plain",
      embedding_vector: null as never,
    });
    const gt = await server.call("POST", `dataset/${ds}/annotate`, { body: { annotations } });
    expect(gt.status, JSON.stringify(gt.body)).toBe(200);
    const predictions = planted.filter((o) => o.source === "prediction").map((o) => wire(o));
    const pred = await server.call("POST", `modelRun/${run}/predict`, { body: { annotations: predictions } });
    expect(pred.status, JSON.stringify(pred.body)).toBe(200);

    const status = await server.call("POST", `dataset/${ds}/indexingStatus`, { body: { image: false } });
    expect(status.body).toMatchObject({ embedding_count: planted.length, percent_indexed: 100 });
    const ofRun = await server.call("POST", `dataset/${ds}/indexingStatus`, {
      body: { image: false, model_run_id: run },
    });
    expect(ofRun.body).toMatchObject({
      embedding_count: planted.filter((o) => o.source === "prediction").length,
    });
    const indexes = await server.call("GET", `dataset/${ds}/embeddingIndexes`);
    expect((indexes.body as { embedding_indexes: unknown[] }).embedding_indexes).toEqual([
      expect.objectContaining({ index_level: "Object", embedding_dimension: DIM, status: "Completed" }),
    ]);

    // Every object, to learn the ids the server gave them.
    const all = await search({ vector: centres[0], k: 1000 });
    expect(all.results).toHaveLength(planted.length);
    for (const found of all.results) ids.set(found.annotation_id, found.object_id);
    const polygon = planted.find((o) => o.type === "polygon") as Planted;
    expect(all.results.find((r) => r.annotation_id === polygon.annotationId)).toMatchObject({
      type: "polygon",
      source: "annotation",
      model_run_id: null,
      reference_id: polygon.referenceId,
      label: polygon.label,
      box: polygon.box,
    });
  });

  it("finds the nearest objects to an object as brute force does, with each filter", async () => {
    const cases: { filter: Record<string, unknown>; keep: (o: Planted) => boolean }[] = [
      { filter: {}, keep: () => true },
      { filter: { source: "annotation" }, keep: (o) => o.source === "annotation" },
      { filter: { model_run_id: run }, keep: (o) => o.source === "prediction" },
      { filter: { label: "bus" }, keep: (o) => o.label === "bus" },
      {
        filter: { source: "prediction", label: "car" },
        keep: (o) => o.source === "prediction" && o.label === "car",
      },
    ];
    for (const [n, query] of [planted[4], planted[37], planted[101]].entries()) {
      const example = query as Planted;
      for (const { filter, keep } of cases) {
        const metric = n === 1 ? "l2" : "cosine";
        const answer = await search({ object_id: ids.get(example.annotationId), k: 7, metric, ...filter });
        const pool = planted.filter((o) => keep(o) && o !== example);
        const expected = bruteForce(example.vector, pool, 7, metric);
        expect(answer.method).toBe("exact");
        expect(answer.searched).toBe(pool.length);
        expect(answer.results.map((r) => r.annotation_id)).toEqual(expected.map((e) => e.id));
        answer.results.forEach((r, i) => {
          expect(r.distance).toBeCloseTo((expected[i] as { d: number }).d, 5);
          if (filter.model_run_id) expect(r.model_run_id).toBe(run);
        });
      }
      // Named by its item and annotation id, the example is the same object.
      const named = await search({
        object: {
          reference_id: example.referenceId,
          annotation_id: example.annotationId,
          ...(example.source === "prediction" ? { model_run_id: run } : {}),
        },
        k: 7,
      });
      expect(named.results.map((r) => r.annotation_id)).toEqual(
        bruteForce(
          example.vector,
          planted.filter((o) => o !== example),
          7,
          "cosine",
        ).map((e) => e.id),
      );
      // The planted structure: the nearest objects share the example's cluster.
      const near = await search({ object_id: ids.get(example.annotationId), k: 5 });
      for (const r of near.results)
        expect(planted.find((o) => o.annotationId === r.annotation_id)?.cluster).toBe(example.cluster);
    }
  });

  it("finds the nearest objects to a raw vector", async () => {
    const query = (centres[2] as number[]).map((x, i) => x + (i % 2 === 0 ? 0.05 : -0.05));
    const answer = await search({ vector: query, k: 12, metric: "l2", source: "annotation" });
    const expected = bruteForce(
      query,
      planted.filter((o) => o.source === "annotation"),
      12,
      "l2",
    );
    expect(answer.results.map((r) => r.annotation_id)).toEqual(expected.map((e) => e.id));
    expect(answer.dimension).toBe(DIM);
  });

  it("refuses bad vectors on upload, naming the label and field, with nothing written", async () => {
    const count = async () =>
      (
        (await server.call("POST", `dataset/${ds}/indexingStatus`, { body: { image: false } })).body as {
          embedding_count: number;
        }
      ).embedding_count;
    const before = await count();
    const good = wire(planted[0] as Planted, { annotation_id: "new-good" });
    const short = wire(planted[1] as Planted, { annotation_id: "new-short", embedding_vector: [1, 2, 3] });
    const wrong = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [good, short] },
    });
    expect(wrong.status).toBe(400);
    expect((wrong.body as { error: string }).error).toContain(
      'annotations[1] (reference_id "o0").embedding_vector: has 3 numbers, but the dataset\'s object vectors have 12',
    );
    const huge = wire(planted[1] as Planted, {
      annotation_id: "new-huge",
      embedding_vector: Array.from({ length: DIM }, (_, i) => (i === 4 ? 1e39 : 0)),
    });
    const overflow = await server.call("POST", `modelRun/${run}/predict`, {
      body: { annotations: [good, huge] },
    });
    expect(overflow.status).toBe(400);
    expect((overflow.body as { error: string }).error).toContain("annotations[1]");
    expect((overflow.body as { error: string }).error).toContain("embedding_vector[4]");
    expect(await count()).toBe(before);
    const stored = await server.call("GET", `dataset/${ds}/refloc/o0`);
    expect(JSON.stringify(stored.body)).not.toContain("new-good");
  });

  it("reports a bad vector of an asynchronous upload and stores its label without it", async () => {
    const count = async () =>
      (
        (await server.call("POST", `dataset/${ds}/indexingStatus`, { body: { image: false } })).body as {
          embedding_count: number;
        }
      ).embedding_count;
    const before = await count();
    const good = wire(planted[2] as Planted, { annotation_id: "async-good" });
    const short = wire(planted[3] as Planted, { annotation_id: "async-short", embedding_vector: [1, 2] });
    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/objects1`)).body as {
      signed_url: string;
    };
    const body = [good, short].map((l) => JSON.stringify(l)).join("\n");
    expect((await fetch(signed.signed_url, { method: "PUT", body })).status).toBe(200);
    const job = (
      await server.call("POST", `dataset/${ds}/annotate?async=1`, { body: { requestId: "objects1" } })
    ).body as { job_id: string };
    await server.jobs.idle();
    const errors = (await server.call("GET", `job/${job.job_id}/errors`)).body as string[];
    expect(errors).toEqual([
      `annotation on reference_id "o0" (annotation_id "async-short").embedding_vector: has 2 numbers, but the dataset's object vectors have ${DIM}; every object vector of a dataset has one length`,
    ]);
    expect(await count()).toBe(before + 1);
    const item = JSON.stringify((await server.call("GET", `dataset/${ds}/refloc/o0`)).body);
    expect(item).toContain("async-good");
    expect(item).toContain("async-short");
    const found = await search({ vector: (planted[2] as Planted).vector, k: 2, source: "annotation" });
    expect(found.results.map((r) => r.annotation_id).sort()).toEqual(["a-0-2", "async-good"]);
  });

  it("refuses bad searches naming the field", async () => {
    await refused({}, "object_id, object, vector");
    await refused({ object_id: "ann_nope" }, "object_id");
    await refused({ object_id: ids.get("a-0-0"), vector: centres[0] }, "object_id, object, vector");
    await refused({ object: { reference_id: "nope", annotation_id: "a-0-0" } }, "object.reference_id");
    await refused({ object: { reference_id: "o0", annotation_id: "p-0-0" } }, "object.annotation_id");
    await refused({ object: { reference_id: "o0" } }, "object.annotation_id");
    await refused({ vector: [1, 2, 3] }, "vector: has 3 numbers");
    await refused({ vector: centres[0], source: "annotation", model_run_id: run }, "model_run_id");
    await refused({ vector: centres[0], k: 0 }, "k");
  });

  it("replaces a vector with its label, and deletes vectors with their labels, item and run", async () => {
    const target = planted.find((o) => o.source === "annotation" && o.referenceId === "o3") as Planted;
    const moved = (centres[3] as number[]).map((x) => -x);
    const replaced = await server.call("POST", `dataset/${ds}/annotate`, {
      body: { annotations: [wire(target, { embedding_vector: moved })], update: true },
    });
    expect(replaced.status).toBe(200);
    const nearest = await search({ vector: moved, k: 1 });
    expect(nearest.results[0]).toMatchObject({ object_id: ids.get(target.annotationId), distance: 0 });

    const present = async (ref: string, source?: string) =>
      (await search({ vector: centres[1], k: 1000, ...(source ? { source } : {}) })).results.filter(
        (r) => r.reference_id === ref,
      ).length;
    expect(await present("o5", "annotation")).toBe(3);
    const deleted = await server.call("DELETE", `annotation/${ds}`, { body: { reference_ids: ["o5"] } });
    expect(deleted.status).toBe(200);
    expect(await present("o5", "annotation")).toBe(0);
    expect(await present("o5", "prediction")).toBe(2);

    expect((await server.call("DELETE", `dataset/${ds}/refloc/o6`, { body: {} })).status).toBe(200);
    expect(await present("o6")).toBe(0);

    expect((await server.call("DELETE", `modelRun/${run}`, { body: {} })).status).toBe(200);
    expect((await search({ vector: centres[1], k: 1000, source: "prediction" })).results).toEqual([]);
    const status = await server.call("POST", `dataset/${ds}/indexingStatus`, { body: { image: false } });
    // Annotations of every item but o5 and o6 remain, and the one the asynchronous upload added.
    expect(status.body).toMatchObject({ embedding_count: (ITEMS - 2) * 3 + 1 });
  });
});

const INDEXED = 1_500;
const INDEX_DIM = 16;

describe.each(testBackends())("the object index on $name", (backend) => {
  let server: TestServer;
  let ds: string;
  const next = random(23);
  const centres = Array.from({ length: 15 }, () => Array.from({ length: INDEX_DIM }, () => next() * 2 - 1));
  const objects = Array.from({ length: INDEXED }, (_, i) => ({
    annotationId: `x${i}`,
    referenceId: `x${i % 100}`,
    label: i % 10 === 0 ? "rare" : i % 2 === 0 ? "car" : "bus",
    vector: (centres[i % 15] as number[]).map((c) => c + (next() - 0.5) * 0.8),
  }));
  const search = async (body: Record<string, unknown>) => {
    const answer = await server.call("POST", `ext/datasets/${ds}/similar_objects`, { body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as Answer;
  };
  const recall = (found: Answer, exact: Answer) => {
    const truth = new Set(exact.results.map((r) => r.object_id));
    return found.results.filter((r) => truth.has(r.object_id)).length / Math.max(truth.size, 1);
  };

  beforeAll(async () => {
    server = await startTestServer(undefined, { ...backend.options(), vectorIndex: { exactBelow: 500 } });
    ds = await createDataset(server, "indexed objects");
    const items = Array.from({ length: 100 }, (_, i) => ({
      reference_id: `x${i}`,
      image_url: `https://example.invalid/x${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${ds}/append`, { body: { items } })).status).toBe(200);
    const annotations = objects.map((o, i) => ({
      type: "box",
      label: o.label,
      reference_id: o.referenceId,
      annotation_id: o.annotationId,
      geometry: { x: i % 50, y: 1, width: 5, height: 5 },
      embedding_vector: o.vector,
    }));
    expect((await server.call("POST", `dataset/${ds}/annotate`, { body: { annotations } })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });

  /** Searches until the index answers: a first search starts its build and is exact meanwhile. */
  const warm = async (metric: "cosine" | "l2") => {
    for (;;) {
      const answer = await search({ vector: (objects[0] as { vector: number[] }).vector, k: 1, metric });
      if (answer.method === "index") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("finds what exact search finds (recall@10 of 0.95 or more), by cosine and L2, and within a broad filter", async () => {
    for (const metric of ["cosine", "l2"] as const) {
      await warm(metric);
      let sum = 0;
      for (let q = 0; q < 10; q += 1) {
        const query = (objects[q * 131] as { vector: number[] }).vector.map((x) => x + 0.01);
        const found = await search({ vector: query, k: 10, metric });
        const exact = await search({ vector: query, k: 10, metric, exact: true });
        expect(found.method).toBe("index");
        expect(exact.method).toBe("exact");
        expect(exact.searched).toBe(INDEXED);
        sum += recall(found, exact);
      }
      expect(sum / 10).toBeGreaterThanOrEqual(0.95);
    }
    const query = (objects[7] as { vector: number[] }).vector;
    const cars = await search({ vector: query, k: 10, label: "car" });
    expect(cars.method).toBe("index");
    expect(cars.results.every((r) => r.label === "car")).toBe(true);
    expect(
      recall(cars, await search({ vector: query, k: 10, label: "car", exact: true })),
    ).toBeGreaterThanOrEqual(0.8);
    // A label on a tenth of the objects is searched exactly.
    const rare = await search({ vector: query, k: 5, label: "rare" });
    expect(rare.method).toBe("exact");
    expect(rare.searched).toBe(INDEXED / 10);
  });

  it("leaves out deleted objects at once and finds a replaced vector", async () => {
    const query = (objects[3] as { vector: number[] }).vector;
    await warm("cosine");
    await warm("l2");
    const before = await search({ vector: query, k: 10 });
    expect(before.method).toBe("index");
    const gone = before.results.slice(0, 3).map((r) => r.reference_id);
    const deleted = await server.call("DELETE", `annotation/${ds}`, { body: { reference_ids: gone } });
    expect(deleted.status).toBe(200);
    const after = await search({ vector: query, k: 10 });
    expect(after.method).toBe("index");
    expect(after.results.filter((r) => gone.includes(r.reference_id))).toEqual([]);
    expect(after.results).toHaveLength(10);

    const far = Array.from({ length: INDEX_DIM }, (_, i) => (i % 2 === 0 ? 5 : -5));
    const moved = objects.find((o) => !gone.includes(o.referenceId)) as (typeof objects)[number];
    const replaced = await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        update: true,
        annotations: [
          {
            type: "box",
            label: moved.label,
            reference_id: moved.referenceId,
            annotation_id: moved.annotationId,
            geometry: { x: 0, y: 1, width: 5, height: 5 },
            embedding_vector: far,
          },
        ],
      },
    });
    expect(replaced.status).toBe(200);
    const found = await search({ vector: far, k: 1, metric: "l2" });
    expect(found.method).toBe("index");
    expect(found.results[0]).toMatchObject({ annotation_id: moved.annotationId, distance: 0 });
  });
});
