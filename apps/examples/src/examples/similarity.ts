import assert from "node:assert/strict";
import { box, type MapPoint } from "@nucleus/core";
import { EmbeddingIndexList, ExportedEmbeddings, Job, SimilarItemsResponse } from "@nucleus/schemas";
import { type Example, uniqueName } from "./support.js";

// #region guide: vectors
const SCENES = ["highway", "city", "tunnel"] as const;
const DIMENSION = 16;

/** A seeded generator in [-1, 1), so every run plants the same vectors. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

/**
 * 65 frames: 60 in three scenes (each vector its scene's centre plus noise), three copies of
 * earlier frames moved a hair (img_60 and img_61 of img_00, img_62 of img_01), and two frames
 * that look like nothing else (img_63, img_64).
 */
function frames() {
  const next = seeded(7);
  const draw = (scale: number) => Array.from({ length: DIMENSION }, () => next() * scale);
  const centres = SCENES.map(() => draw(1));
  const near = (base: number[], scale: number) => {
    const noise = draw(scale);
    return base.map((x, j) => x + (noise[j] as number));
  };
  const out = Array.from({ length: 60 }, (_, i) => ({
    referenceId: `img_${String(i).padStart(2, "0")}`,
    scene: SCENES[i % 3] as string,
    weather: i % 4 === 0 ? "rain" : "clear",
    vector: near(centres[i % 3] as number[], 0.25),
  }));
  const copy = (referenceId: string, of: number) => {
    const original = out[of] as (typeof out)[number];
    return { ...original, referenceId, vector: near(original.vector, 0.002) };
  };
  out.push(copy("img_60", 0), copy("img_61", 0), copy("img_62", 1));
  out.push({ referenceId: "img_63", scene: "highway", weather: "clear", vector: draw(1) });
  out.push({ referenceId: "img_64", scene: "city", weather: "rain", vector: draw(1) });
  return out;
}
// #endregion

const refs = (hits: readonly { referenceId?: string }[]) => hits.map((h) => h.referenceId ?? "");
/** Each hit as "reference id, distance" with the digits the guide quotes. */
const shown = (hits: readonly { referenceId: string; distance: number }[], digits: number) =>
  hits.map((h) => `${h.referenceId} ${h.distance.toFixed(digits)}`);

/**
 * The "Find similar images and duplicates" guide, whose code blocks are the regions marked
 * `guide:` below: vectors uploaded for a dataset's items, "more like this" near an item, several
 * items and a vector, within a query and a slice, the search's method, near-duplicate groups and a
 * deduplicated slice, uniqueness scores, an autotag refined in a round, the embedding map, the
 * protocol's embedding routes, and the nearest objects (boxes with vectors of their own). The
 * values the guide quotes are asserted here.
 */
export const similarity: Example = {
  name: "similarity",
  async run({ client, log }) {
    const name = uniqueName("street");
    const sceneOf = new Map(frames().map((f) => [f.referenceId, f.scene]));
    const scene = (hits: readonly { referenceId?: string }[]) =>
      new Set(hits.map((h) => sceneOf.get(h.referenceId ?? "")));
    // #region guide: upload
    const dataset = await client.createDataset(name);
    const street = frames();
    await dataset.append(
      street.map(({ referenceId, scene, weather }) => ({
        referenceId,
        imageUrl: `s3://street/${referenceId}.jpg`,
        metadata: { scene, weather },
      })),
    );
    const stored = await dataset.uploadEmbeddings(
      street.map(({ referenceId, vector }) => ({ referenceId, vector })),
    );
    // #endregion
    assert.deepEqual(stored, { uploaded: 65, dimension: 16, total: 65 });
    log(`stored ${stored.total} vectors of ${stored.dimension} numbers`);

    // #region guide: similar
    const like = await dataset.similar({ referenceId: "img_00", k: 5 });
    // #endregion
    log(`near img_00: ${shown(like, 4).join(", ")}`);
    assert.deepEqual(shown(like, 4), [
      "img_60 0.0000",
      "img_61 0.0000",
      "img_51 0.0295",
      "img_48 0.0348",
      "img_18 0.0371",
    ]);
    assert.ok((like[1]?.distance as number) < 0.0001);

    // #region guide: narrow
    const tunnels = await dataset.similar({ referenceIds: ["img_02", "img_05", "img_08"], k: 10 });
    const rainy = await dataset.similar({ referenceId: "img_00", k: 5, query: 'metadata.weather = "rain"' });
    const picked = await dataset.createSlice("picked", ["img_01", "img_02", "img_04", "img_07", "img_63"]);
    const inPicked = await dataset.similar({ vector: street[10]?.vector ?? [], slice: picked, metric: "l2" });
    // #endregion
    log(`near three tunnels: ${refs(tunnels).join(" ")}`);
    log(`rainy near img_00: ${shown(rainy, 4).join(", ")}`);
    log(`slice, L2 near img_10's vector: ${shown(inPicked, 3).join(", ")}`);
    assert.equal(tunnels.length, 10);
    assert.deepEqual(scene(tunnels), new Set(["tunnel"]));
    assert.ok(!refs(tunnels).some((r) => ["img_02", "img_05", "img_08"].includes(r)));
    assert.deepEqual(shown(rainy, 4), [
      "img_60 0.0000",
      "img_61 0.0000",
      "img_48 0.0348",
      "img_12 0.0457",
      "img_24 0.0476",
    ]);
    assert.deepEqual(shown(inPicked, 3), [
      "img_07 0.701",
      "img_01 0.740",
      "img_04 0.798",
      "img_63 3.080",
      "img_02 3.142",
    ]);

    // #region guide: method
    const auth = `Basic ${Buffer.from(`${process.env.NUCLEUS_API_KEY}:`).toString("base64")}`;
    const call = async (method: "GET" | "POST", path: string, body?: object): Promise<unknown> => {
      const response = await fetch(`${client.endpoint}/${path}`, {
        method,
        headers: { authorization: auth, "content-type": "application/json" },
        body: body && JSON.stringify(body),
      });
      return response.json();
    };
    const answer = SimilarItemsResponse.decode(
      await call("POST", `ext/datasets/${dataset.id}/similar`, { reference_id: "img_00", k: 3 }),
    );
    // #endregion
    const { results, ...rest } = answer;
    log(`raw answer: ${JSON.stringify(rest)}, ${results.length} results`);
    assert.deepEqual(rest, { metric: "cosine", dimension: 16, method: "exact", searched: 64 });
    assert.deepEqual(shown(results, 4), shown(like.slice(0, 3), 4));

    // #region guide: duplicates
    const found = await dataset.nearDuplicates({ threshold: 0.001 });
    const groups = found.groups.map((group) => group.items.map((item) => item.referenceId));
    const deduplicated = await dataset.nearDuplicateSlice(found.jobId, "street, deduplicated");
    // #endregion
    log(
      `groups ${JSON.stringify(groups)}, ${found.duplicates} duplicates of ${found.searched}; slice ${deduplicated.items}`,
    );
    assert.deepEqual(groups, [
      ["img_00", "img_60", "img_61"],
      ["img_01", "img_62"],
    ]);
    assert.equal(found.duplicates, 3);
    assert.equal(found.searched, 65);
    assert.equal(deduplicated.items, 62);

    // #region guide: uniqueness
    const started = Job.decode(await call("POST", `ext/datasets/${dataset.id}/uniqueness`, {}));
    await (await client.getJob(started.jobId)).waitUntilDone();
    const unusual = await dataset.queryItems("embedding.uniqueness > 0.5").toArray({ limit: 100 });
    // #endregion
    log(`unusual: ${refs(unusual).join(" ")}`);
    assert.deepEqual(refs(unusual), ["img_63", "img_64"]);
    assert.equal((await dataset.queryItems("embedding.uniqueness < 0.1").toArray({ limit: 100 })).length, 63);

    // #region guide: autotag
    const tunnel = await dataset.createAutotag({
      name: "tunnel",
      positives: ["img_02", "img_05", "img_08"],
      negatives: ["img_00", "img_01", "img_03", "img_04"],
    });
    const top = await dataset.autotagItems(tunnel).toArray({ limit: 22 });
    // #endregion
    log(`top: ${top.map((t) => `${t.referenceId} ${t.score.toFixed(3)}`).join(", ")}`);
    assert.equal(tunnel.scored, 65);
    assert.deepEqual(scene(top.slice(0, 20)), new Set(["tunnel"]));
    assert.ok(top.slice(0, 20).every((t) => t.score > 0.9));
    assert.deepEqual(
      top.slice(20).map((t) => `${t.referenceId} ${t.score.toFixed(2)}`),
      ["img_64 0.58", "img_63 -0.27"],
    );

    // #region guide: refine
    const refined = await dataset.refineAutotag(tunnel, { accept: ["img_11", "img_14"], reject: ["img_64"] });
    const tagged = await dataset.queryItems("autotag.tunnel > 0.5").toArray({ limit: 100 });
    const tunnelSlice = await dataset.autotagSlice(tunnel, "tunnels", { threshold: 0.5 });
    // #endregion
    log(
      `refined: positives ${refined.positives}, negatives ${refined.negatives}, rounds ${refined.refinementRounds}`,
    );
    log(`tagged ${tagged.length}; slice ${tunnelSlice.items}`);
    assert.deepEqual([refined.positives, refined.negatives, refined.refinementRounds], [5, 5, 1]);
    assert.equal(tagged.length, 20);
    assert.deepEqual(scene(tagged), new Set(["tunnel"]));
    assert.equal(tunnelSlice.items, 20);

    // #region guide: map
    const map = await dataset.embeddingMap();
    const points: MapPoint[] = [];
    for await (const point of dataset.embeddingMapPoints()) points.push(point);
    // #endregion
    const variance = (map.details.explained_variance as number[]).map((v) => v.toFixed(2));
    log(`map: ${map.method}, ${map.points} points, explained variance ${variance.join(" ")}`);
    assert.equal(map.method, "pca");
    assert.equal(points.length, 65);
    assert.deepEqual(variance, ["0.59", "0.30"]);
    // On the map, each of the 60 scene frames lies nearer its own scene's centre than another's.
    const centre = (s: string) => {
      const mine = points.filter(
        (p) => Number(p.referenceId.slice(4)) < 60 && sceneOf.get(p.referenceId) === s,
      );
      return [
        mine.reduce((a, p) => a + p.x, 0) / mine.length,
        mine.reduce((a, p) => a + p.y, 0) / mine.length,
      ];
    };
    const centres = new Map(SCENES.map((s) => [s, centre(s)]));
    for (const p of points.filter((p) => Number(p.referenceId.slice(4)) < 60)) {
      const nearest = SCENES.map((s) => {
        const [cx, cy] = centres.get(s) as number[];
        return { s, d: Math.hypot(p.x - (cx as number), p.y - (cy as number)) };
      }).sort((a, b) => a.d - b.d)[0]?.s;
      assert.equal(nearest, sceneOf.get(p.referenceId), p.referenceId);
    }
    assert.equal((await dataset.embeddingMap()).cached, true);

    // #region guide: protocol
    const exported = ExportedEmbeddings.decode(await call("GET", `dataset/${dataset.id}/embeddings`));
    const { embeddingIndexes } = EmbeddingIndexList.decode(
      await call("GET", `dataset/${dataset.id}/embeddingIndexes`),
    );
    // #endregion
    log(`exported ${exported.length}; index ${JSON.stringify(embeddingIndexes[0])}`);
    assert.equal(exported.length, 65);
    assert.deepEqual(exported[0]?.referenceId, "img_00");
    assert.deepEqual(exported[0]?.embeddingVector, Array.from(Float32Array.from(street[0]?.vector ?? [])));
    const [index] = embeddingIndexes;
    assert.deepEqual(
      [index?.indexType, index?.indexLevel, index?.embeddingDimension],
      ["Custom", "Image", 16],
    );

    // #region guide: objects
    await dataset.annotate(
      street.slice(0, 30).map(({ referenceId, vector }, i) =>
        box({
          referenceId,
          annotationId: `vehicle-${i}`,
          label: i % 2 === 0 ? "car" : "truck",
          x: 8 * i,
          y: 40,
          width: 64,
          height: 48,
          embeddingVector: vector,
        }),
      ),
    );
    const cars = await dataset.similarObjects({
      object: { referenceId: "img_00", annotationId: "vehicle-0" },
      k: 3,
      label: "car",
    });
    // #endregion
    log(
      `cars like vehicle-0: ${cars.map((c) => `${c.annotationId} ${c.referenceId} ${c.distance.toFixed(4)}`).join(", ")}`,
    );
    assert.deepEqual(
      cars.map((c) => `${c.annotationId} ${c.referenceId} ${c.distance.toFixed(4)}`),
      ["vehicle-18 img_18 0.0371", "vehicle-12 img_12 0.0457", "vehicle-24 img_24 0.0476"],
    );
    assert.ok(cars.every((c) => c.label === "car" && c.source === "annotation"));
    assert.deepEqual(cars[0]?.box, { x: 144, y: 40, width: 64, height: 48 });
  },
};

/** The guide's frames, for the test that runs its terminal session on the same data. */
export { frames as similarityFrames };
