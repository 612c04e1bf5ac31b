/**
 * The spherical k-means pieces: unit vectors, the nearest centroid, a seeding that is the same for
 * the same seed and spreads its centroids, and centroids that move to their members' direction.
 */
import { describe, expect, it } from "vitest";
import { nearestCentroid, seedCentroids, seededRandom, unitInto, updateCentroids } from "./kmeans.js";

const flat = (rows: number[][]) => Float64Array.from(rows.flat());

describe("k-means pieces", () => {
  it("scales a vector to unit length and refuses one of no direction", () => {
    const out = new Float64Array(2);
    expect(unitInto(Float32Array.of(3, 4), out)).toBe(true);
    expect(out[0]).toBeCloseTo(0.6, 12);
    expect(out[1]).toBeCloseTo(0.8, 12);
    expect(unitInto(Float32Array.of(0, 0), out)).toBe(false);
  });

  it("finds the nearest centroid by cosine, the first of equals on a tie", () => {
    const centroids = flat([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(nearestCentroid(centroids, 3, 2, Float64Array.of(0.6, 0.8))).toEqual({ cluster: 1, cosine: 0.8 });
    expect(nearestCentroid(centroids, 3, 2, Float64Array.of(1, 0)).cluster).toBe(0);
  });

  it("seeds the same centroids for the same seed, one in each far-apart group", () => {
    const groups = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const sample = flat(Array.from({ length: 30 }, (_, i) => groups[i % 3] as number[]));
    const a = seedCentroids(sample, 30, 3, 3, seededRandom(7));
    const b = seedCentroids(sample, 30, 3, 3, seededRandom(7));
    expect([...a]).toEqual([...b]);
    const picked = [0, 1, 2].map((c) => [...a.subarray(c * 3, c * 3 + 3)].indexOf(1)).sort();
    expect(picked).toEqual([0, 1, 2]);
  });

  it("moves each centroid to its members' mean direction; an empty cluster keeps its centroid", () => {
    const centroids = flat([
      [1, 0],
      [0, 1],
    ]);
    const sums = flat([
      [3, 3],
      [0, 0],
    ]);
    const moved = updateCentroids(centroids, sums, Uint32Array.of(2, 0), 2);
    expect(centroids[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(centroids[1]).toBeCloseTo(Math.SQRT1_2, 12);
    expect([...centroids.subarray(2)]).toEqual([0, 1]);
    expect(moved).toBeCloseTo(1 - Math.SQRT1_2, 12);
  });
});
