/**
 * The object index kept in files beside the database, through the real server on each backend:
 * after a restart it is read back (not rebuilt) and answers the same neighbours, takes objects
 * uploaded since, leaves deleted ones out, is rebuilt when its file is unreadable or it is ahead
 * of its database, and its files go with the dataset's last object vector and with the dataset.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  seededRandom as random,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

/** More than a search waits for: an index rebuilt from the store answers exactly at first. */
const OBJECTS = 2_400;
const DIM = 16;
const ITEMS = 120;

interface Answer {
  method: string;
  searched: number;
  results: { object_id: string; reference_id: string; annotation_id: string; distance: number }[];
}

const next = random(41);
const centres = Array.from({ length: 12 }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
const vectors = Array.from({ length: OBJECTS }, (_, i) =>
  (centres[i % 12] as number[]).map((c) => c + (next() - 0.5) * 0.8),
);
const boxOf = (referenceId: string, annotationId: string, vector: number[]) => ({
  type: "box",
  label: "car",
  reference_id: referenceId,
  annotation_id: annotationId,
  geometry: { x: 1, y: 1, width: 5, height: 5 },
  embedding_vector: vector,
});
/** Queries near the planted objects, off their exact vectors. */
const queries = Array.from({ length: 6 }, (_, q) => (vectors[q * 397] as number[]).map((x) => x + 0.02));

describe.each(testBackends())("the saved object index on $name", (backend) => {
  let server: TestServer;
  let dataDir: string;
  let ds: string;
  const options = backend.options();
  const start = async () => {
    server = await startTestServer(dataDir, { ...options, vectorIndex: { exactBelow: 500 } });
  };
  const fileOf = (datasetId: string) => join(dataDir, "vectors", `${datasetId}.objects.cosine.usearch`);
  const search = async (body: Record<string, unknown>, datasetId = ds) => {
    const answer = await server.call("POST", `ext/datasets/${datasetId}/similar_objects`, { body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as Answer;
  };
  /** Searches until the index answers (a first search starts its build and is exact meanwhile). */
  const warm = async (datasetId = ds) => {
    for (;;) {
      if ((await search({ vector: queries[0], k: 1 }, datasetId)).method === "index") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const annotate = async (datasetId: string, annotations: unknown[]) => {
    for (let i = 0; i < annotations.length; i += 1_000) {
      const body = { annotations: annotations.slice(i, i + 1_000) };
      const answer = await server.call("POST", `dataset/${datasetId}/annotate`, { body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
  };
  const withItems = async (name: string) => {
    const id = await createDataset(server, name);
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      reference_id: `o${i}`,
      image_url: `https://example.invalid/o${i}.jpg`,
    }));
    expect((await server.call("POST", `dataset/${id}/append`, { body: { items } })).status).toBe(200);
    return id;
  };
  const before: Answer[] = [];

  beforeAll(async () => {
    const first = await startTestServer(undefined, options);
    dataDir = first.dataDir;
    await first.close();
    await start();
    ds = await withItems("saved objects");
    await annotate(
      ds,
      vectors.map((vector, i) => boxOf(`o${i % ITEMS}`, `a${i}`, vector)),
    );
    await warm();
    for (const vector of queries) before.push(await search({ vector, k: 10 }));
    await server.close();
  }, 120_000);
  afterAll(async () => {
    await server.stop();
  });

  it("is read back from its file after a restart, not rebuilt, and answers as before", async () => {
    const file = fileOf(ds);
    expect(existsSync(file)).toBe(true);
    const saved = readFileSync(file);
    const savedAt = statSync(file).mtimeMs;
    await start();
    // Rebuilt from the store, the index would be too far behind to answer the first search.
    const again: Answer[] = [];
    for (const vector of queries) again.push(await search({ vector, k: 10 }));
    expect(again.map((a) => a.method)).toEqual(queries.map(() => "index"));
    expect(again.map((a) => a.results)).toEqual(before.map((a) => a.results));
    await server.close();
    // Nothing changed, so nothing was written.
    expect(statSync(file).mtimeMs).toBe(savedAt);
    expect(readFileSync(file).equals(saved)).toBe(true);
    expect(server.logs.filter((line) => line.includes("object index"))).toEqual([]);
  });

  it("takes objects uploaded after a restart and leaves deleted ones out", async () => {
    const watermarkOf = () =>
      (JSON.parse(readFileSync(`${fileOf(ds)}.json`, "utf8")) as { watermark: number }).watermark;
    const saved = watermarkOf();
    await start();
    const far = Array.from({ length: DIM }, (_, i) => (i % 3 === 0 ? 4 : -4));
    const added = [0, 1, 2].map((j) =>
      boxOf(
        `o${j}`,
        `late${j}`,
        far.map((x) => x + j * 0.01),
      ),
    );
    await annotate(ds, added);
    const near = await search({ vector: far, k: 3 });
    expect(near.method).toBe("index");
    expect(near.results.map((r) => r.annotation_id).sort()).toEqual(["late0", "late1", "late2"]);
    // Saved a short while after it took them, the server still running.
    for (let waited = 0; watermarkOf() === saved; waited += 100) {
      expect(waited).toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(watermarkOf()).toBeGreaterThan(saved);

    // Every object of the nearest results' items is deleted: none of them is found any more.
    const query = queries[1] as number[];
    const found = await search({ vector: query, k: 10 });
    const gone = [...new Set(found.results.slice(0, 2).map((r) => r.reference_id))];
    const deleted = await server.call("DELETE", `annotation/${ds}`, { body: { reference_ids: gone } });
    expect(deleted.status).toBe(200);
    const after = await search({ vector: query, k: 10 });
    const exact = await search({ vector: query, k: 10, exact: true });
    expect(after.method).toBe("index");
    expect(after.results).toHaveLength(10);
    expect(after.results.filter((r) => gone.includes(r.reference_id))).toEqual([]);
    expect(exact.results.filter((r) => gone.includes(r.reference_id))).toEqual([]);
    await server.close();

    // The saved index holds the late objects: after another restart they are found at once.
    await start();
    const kept = await search({ vector: far, k: 3 });
    expect(kept.method).toBe("index");
    expect(kept.results.map((r) => r.annotation_id).sort()).toEqual(["late0", "late1", "late2"]);
    await server.close();
  });

  it("is rebuilt from the store when its file is unreadable", async () => {
    const file = fileOf(ds);
    await start();
    const good: Answer[] = [];
    for (const vector of queries) good.push(await search({ vector, k: 10 }));
    await server.close();
    writeFileSync(file, "not an index");
    await start();
    const first = await search({ vector: queries[0], k: 10 });
    // The rebuild takes the whole dataset: the first search is exact meanwhile.
    expect(first.method).toBe("exact");
    expect(server.logs.some((line) => line.includes("unreadable") && line.includes(file))).toBe(true);
    await warm();
    const rebuilt: Answer[] = [];
    for (const vector of queries) rebuilt.push(await search({ vector, k: 10 }));
    expect(rebuilt.map((a) => a.method)).toEqual(queries.map(() => "index"));
    // A new graph may order near ties otherwise: each answer keeps nine of the ten objects, or more.
    rebuilt.forEach((answer, q) => {
      const truth = new Set((good[q] as Answer).results.map((r) => r.object_id));
      expect(answer.results.filter((r) => truth.has(r.object_id)).length).toBeGreaterThanOrEqual(9);
    });
    await server.close();
    // Saved again, the rebuilt index is read back at the next start.
    await start();
    expect((await search({ vector: queries[0], k: 10 })).method).toBe("index");
    await server.close();
  });

  it("is rebuilt when it holds keys its database never gave (a database older than the index)", async () => {
    const file = fileOf(ds);
    await start();
    const good: Answer[] = [];
    for (const vector of queries) good.push(await search({ vector, k: 10 }));
    await server.close();
    const meta = JSON.parse(readFileSync(`${file}.json`, "utf8")) as { watermark: number };
    writeFileSync(`${file}.json`, JSON.stringify({ ...meta, watermark: meta.watermark + 1_000_000 }));
    await start();
    expect((await search({ vector: queries[0], k: 10 })).method).toBe("exact");
    expect(server.logs.some((line) => line.includes(file) && line.includes("never gave"))).toBe(true);
    await warm();
    for (const [q, vector] of queries.entries()) {
      const answer = await search({ vector, k: 10 });
      expect(answer.method).toBe("index");
      const truth = new Set((good[q] as Answer).results.map((r) => r.object_id));
      expect(answer.results.filter((r) => truth.has(r.object_id)).length).toBeGreaterThanOrEqual(9);
    }
    await server.close();
    expect((JSON.parse(readFileSync(`${file}.json`, "utf8")) as { watermark: number }).watermark).toBe(
      meta.watermark,
    );
  });

  it("deletes its files with the dataset's last object vector, and with the dataset", async () => {
    await start();
    /** A dataset of 600 objects on one item, its index saved. */
    const indexed = async (name: string) => {
      const id = await withItems(name);
      await annotate(
        id,
        vectors.slice(0, 600).map((vector, i) => boxOf("o0", `s${i}`, vector)),
      );
      await warm(id);
      return id;
    };
    const emptied = await indexed("emptied objects");
    const itemless = await indexed("objects without their item");
    await server.close();
    await start();
    for (const id of [emptied, itemless]) {
      expect(existsSync(fileOf(id))).toBe(true);
      expect((await search({ vector: queries[0], k: 5 }, id)).method).toBe("index");
    }
    // Deleting every annotation deletes the files at once.
    expect((await server.call("DELETE", `annotation/${emptied}`, { body: {} })).status).toBe(200);
    expect(existsSync(fileOf(emptied))).toBe(false);
    expect(existsSync(`${fileOf(emptied)}.json`)).toBe(false);
    // Deleting the item that held them all: the server finds them gone when it stops.
    expect((await server.call("DELETE", `dataset/${itemless}/refloc/o0`, { body: {} })).status).toBe(200);
    await server.close();
    for (const id of [emptied, itemless]) {
      expect(existsSync(fileOf(id))).toBe(false);
      expect(existsSync(`${fileOf(id)}.json`)).toBe(false);
    }

    await start();
    expect(existsSync(fileOf(ds))).toBe(true);
    expect((await server.call("DELETE", `dataset/${ds}`)).status).toBe(200);
    expect(existsSync(fileOf(ds))).toBe(false);
    expect(existsSync(`${fileOf(ds)}.json`)).toBe(false);
  });
});
