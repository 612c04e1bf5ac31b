import { describe, expect, it } from "vitest";
import { type Example, scoreOf, trainLogistic, trainLogisticAsync, unit } from "./logistic.js";

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("logistic regression", () => {
  it("scales vectors to unit length, leaving a zero vector zero", () => {
    const [a, b] = unit([3, 4]);
    expect(a).toBeCloseTo(0.6, 12);
    expect(b).toBeCloseTo(0.8, 12);
    expect(Array.from(unit([0, 0]))).toEqual([0, 0]);
  });

  it("separates two classes on either side of a direction, scoring in (-1, 1)", () => {
    const next = random(7);
    const examples: Example[] = [];
    for (let n = 0; n < 200; n += 1) {
      const label = n % 4 === 0 ? 1 : 0;
      const vector = Array.from({ length: 8 }, () => next() - 0.5);
      vector[2] = (vector[2] as number) + (label ? 1 : -1);
      examples.push({ vector, label });
    }
    const model = trainLogistic(examples);
    expect(model.weights).toHaveLength(8);
    const wrong = examples.filter((e) => (scoreOf(model, e.vector) > 0 ? 1 : 0) !== e.label).length;
    expect(wrong).toBeLessThanOrEqual(4);
    // The planted feature carries the largest weight.
    const largest = model.weights.map(Math.abs).indexOf(Math.max(...model.weights.map(Math.abs)));
    expect(largest).toBe(2);
    for (const e of examples) expect(Math.abs(scoreOf(model, e.vector))).toBeLessThan(1);
    // Letting the event loop turn changes nothing of the fit.
    return trainLogisticAsync(examples).then((same) => expect(same).toEqual(model));
  });

  it("keeps weights small with a strong penalty, and refuses a vector of another length", () => {
    const examples: Example[] = [
      { vector: [1, 0], label: 1 },
      { vector: [-1, 0], label: 0 },
    ];
    const loose = trainLogistic(examples, { l2: 1e-4 });
    const tight = trainLogistic(examples, { l2: 1 });
    expect(Math.abs(tight.weights[0] as number)).toBeLessThan(Math.abs(loose.weights[0] as number));
    expect(scoreOf(loose, [1, 0])).toBeGreaterThan(0.5);
    expect(scoreOf(loose, [-1, 0])).toBeLessThan(-0.5);
    expect(() => scoreOf(loose, [1, 0, 0])).toThrow(/3 numbers, the model 2/);
    expect(() => trainLogistic([])).toThrow(/at least one example/);
  });
});
