/** The bounded top-k heap and the distances of exact search, against sorting everything. */
import { describe, expect, it } from "vitest";
import { distanceTo, TopK } from "./nearest.js";

describe("TopK", () => {
  it("keeps the k smallest distances whatever the order they come in, ties by key", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    // Distances from a small set, so that ties are common.
    const candidates = Array.from({ length: 500 }, (_, i) => ({
      value: i,
      key: `k${String(i).padStart(4, "0")}`,
      distance: Math.floor(random() * 50),
    }));
    const expected = [...candidates]
      .sort((a, b) => a.distance - b.distance || (a.key < b.key ? -1 : 1))
      .slice(0, 17);
    const top = new TopK<number>(17);
    for (const c of candidates) top.offer(c);
    expect(top.sorted()).toEqual(expected);
  });

  it("returns everything, sorted, when there are fewer than k", () => {
    const top = new TopK<string>(10);
    top.offer({ value: "b", key: "b", distance: 2 });
    top.offer({ value: "a", key: "a", distance: 1 });
    expect(top.sorted().map((n) => n.value)).toEqual(["a", "b"]);
  });
});

describe("distanceTo", () => {
  it("measures cosine distance (1 - cos) and Euclidean distance", () => {
    const q = Float32Array.from([1, 0]);
    expect(distanceTo(q, "cosine")(Float32Array.from([0, 3]))).toBeCloseTo(1, 12);
    expect(distanceTo(q, "cosine")(Float32Array.from([-2, 0]))).toBeCloseTo(2, 12);
    expect(distanceTo(q, "cosine")(Float32Array.from([5, 0]))).toBeCloseTo(0, 12);
    expect(distanceTo(q, "l2")(Float32Array.from([4, 4]))).toBeCloseTo(5, 12);
  });

  it("treats a zero vector as orthogonal to everything under cosine", () => {
    expect(distanceTo(Float32Array.from([0, 0]), "cosine")(Float32Array.from([1, 1]))).toBe(1);
    expect(distanceTo(Float32Array.from([1, 1]), "cosine")(Float32Array.from([0, 0]))).toBe(1);
  });
});
