import { describe, expect, it } from "vitest";
import { fitPca, project, type VectorPass } from "./pca.js";

/** A pass over fixed vectors, in pages of `size`. */
const passOver =
  (vectors: Float32Array[], size = 3): VectorPass =>
  async (visit) => {
    for (let i = 0; i < vectors.length; i += size) await visit(vectors.slice(i, i + size));
  };

describe("streaming PCA", () => {
  it("finds the axes of largest variance and their shares, whatever the page size", async () => {
    const shift = [5, -1, 2, 0, 1];
    const vectors: Float32Array[] = [];
    [3, 2, 1, 1, 1].forEach((spread, axis) => {
      for (const sign of [1, -1]) {
        const v = Float32Array.from(shift);
        v[axis] = (v[axis] as number) + sign * spread;
        vectors.push(v);
      }
    });
    for (const size of [1, 4, 100]) {
      const plane = await fitPca(passOver(vectors, size), {
        random: () => 0.3,
        tolerance: 1e-10,
        varianceTolerance: 0,
      });
      expect(plane.count).toBe(10);
      expect(Array.from(plane.mean)).toEqual(shift);
      expect(Math.abs(plane.axes[0][0] as number)).toBeCloseTo(1, 6);
      expect(Math.abs(plane.axes[1][1] as number)).toBeCloseTo(1, 6);
      expect(plane.explained[0]).toBeCloseTo(18 / 32, 6);
      expect(plane.explained[1]).toBeCloseTo(8 / 32, 6);
      const [x, y] = project(plane, vectors[0] as Float32Array);
      expect(Math.abs(x)).toBeCloseTo(3, 5);
      expect(y).toBeCloseTo(0, 5);
    }
  });

  it("stops at the default tolerance within a few hundredths of the exact axes", async () => {
    const vectors = [3, 2, 1, 1, 1].flatMap((spread, axis) =>
      [1, -1].map((sign) => Float32Array.from({ length: 5 }, (_, i) => (i === axis ? sign * spread : 0))),
    );
    const plane = await fitPca(passOver(vectors), { random: () => 0.3 });
    expect(Math.abs(plane.axes[0][0] as number)).toBeGreaterThan(0.99);
    expect(plane.explained[0]).toBeCloseTo(18 / 32, 2);
    expect(plane.iterations).toBeLessThan(25);
  });

  it("stops early where the leading variances are nearly equal: any plane among them captures as much", async () => {
    let state = 9;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648 - 0.5;
    };
    const vectors = Array.from({ length: 400 }, () => Float32Array.from({ length: 32 }, next));
    const strict = await fitPca(passOver(vectors, 100), {
      random: () => 0.3,
      tolerance: 0,
      varianceTolerance: 0,
    });
    const loose = await fitPca(passOver(vectors, 100), { random: () => 0.3, tolerance: 0 });
    expect(loose.iterations).toBeLessThan(strict.iterations);
    expect(loose.explained[0] + loose.explained[1]).toBeGreaterThan(
      0.98 * (strict.explained[0] + strict.explained[1]),
    );
  });

  it("maps vectors of one or two dimensions, and refuses an empty set", async () => {
    const flat = [Float32Array.from([1]), Float32Array.from([3])];
    const plane = await fitPca(passOver(flat));
    expect(plane.axes[0]).toHaveLength(1);
    expect(Math.abs(project(plane, flat[0] as Float32Array)[0])).toBeCloseTo(1, 6);
    await expect(fitPca(passOver([]))).rejects.toThrow(/at least one vector/);
  });
});
