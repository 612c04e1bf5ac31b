/**
 * L2-regularised logistic regression for a few hundred labelled vectors: full-batch accelerated
 * gradient descent (Nesterov) with a step from the loss's smoothness bound, so it converges
 * without tuning. Features are scaled to unit length first (the scale of uploaded vectors varies by model), which also
 * makes the model's score a function of direction only, as cosine similarity is.
 */

/** A trained linear model: `score(x) = tanh((w · x/|x| + b) / 2)`, in (-1, 1). */
export interface LinearModel {
  weights: number[];
  bias: number;
}

/** Training settings; the defaults suit a few to a few hundred examples. */
export interface TrainOptions {
  /** The L2 penalty on the weights (not the bias), per example. */
  l2?: number;
  /** Gradient steps at most. */
  maxSteps?: number;
  /** Stops once no weight moves by more than this in a step. */
  tolerance?: number;
}

/** A labelled vector: 1 for a positive example, 0 for a negative one. */
export interface Example {
  vector: Float32Array | readonly number[];
  label: 0 | 1;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The vector scaled to unit length (a zero vector stays zero). */
export function unit(vector: Float32Array | readonly number[]): Float64Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i += 1) sum += (vector[i] as number) ** 2;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  const out = new Float64Array(vector.length);
  for (let i = 0; i < vector.length; i += 1) out[i] = (vector[i] as number) * scale;
  return out;
}

/**
 * Fits the model. Positives and negatives are weighted to count equally however many of each
 * there are, so a handful of positives against many random negatives still pulls the boundary.
 */
export function trainLogistic(examples: readonly Example[], options: TrainOptions = {}): LinearModel {
  const steps = fitting(examples, options);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** Steps of accelerated gradient descent between turns of the event loop, for a server's jobs. */
const STEPS_PER_TURN = 20;

/** {@link trainLogistic}, letting the event loop turn every few steps (a server keeps answering). */
export async function trainLogisticAsync(
  examples: readonly Example[],
  options: TrainOptions = {},
): Promise<LinearModel> {
  const steps = fitting(examples, options);
  for (let n = 1; ; n += 1) {
    const step = steps.next();
    if (step.done) return step.value;
    if (n % STEPS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The fit, one gradient step per `next()`; returns the model. */
function* fitting(examples: readonly Example[], options: TrainOptions): Generator<void, LinearModel> {
  const first = examples[0];
  if (!first) throw new Error("training needs at least one example");
  const dimension = first.vector.length;
  const xs = examples.map((e) => unit(e.vector));
  const ys = examples.map((e) => e.label);
  const positives = ys.filter((y) => y === 1).length;
  const negatives = ys.length - positives;
  // Class weights summing to 1 over all examples.
  const weightOf = (y: number) =>
    positives === 0 || negatives === 0 ? 1 / ys.length : y === 1 ? 0.5 / positives : 0.5 / negatives;
  const l2 = options.l2 ?? 1e-3;
  const maxSteps = options.maxSteps ?? 500;
  const tolerance = options.tolerance ?? 1e-6;
  // Unit features: the loss's gradient is (1/4 + l2)-Lipschitz in (w, b) up to the bias term.
  const step = 1 / (0.25 * 2 + l2);
  // Nesterov's accelerated gradient: the weights (w, b), the previous ones, and the look-ahead point.
  let w = new Float64Array(dimension);
  let previous = new Float64Array(dimension);
  let b = 0;
  let previousB = 0;
  const ahead = new Float64Array(dimension);
  const grad = new Float64Array(dimension);
  for (let s = 0; s < maxSteps; s += 1) {
    const momentum = s / (s + 3);
    for (let i = 0; i < dimension; i += 1)
      ahead[i] = (w[i] as number) + momentum * ((w[i] as number) - (previous[i] as number));
    const aheadB = b + momentum * (b - previousB);
    grad.fill(0);
    let gradB = 0;
    for (let n = 0; n < xs.length; n += 1) {
      const x = xs[n] as Float64Array;
      let z = aheadB;
      for (let i = 0; i < dimension; i += 1) z += (ahead[i] as number) * (x[i] as number);
      const residual = (sigmoid(z) - (ys[n] as number)) * weightOf(ys[n] as number);
      gradB += residual;
      for (let i = 0; i < dimension; i += 1) grad[i] = (grad[i] as number) + residual * (x[i] as number);
    }
    const next = previous;
    let moved = 0;
    for (let i = 0; i < dimension; i += 1) {
      next[i] = (ahead[i] as number) - step * ((grad[i] as number) + l2 * (ahead[i] as number));
      moved = Math.max(moved, Math.abs((next[i] as number) - (w[i] as number)));
    }
    const nextB = aheadB - step * gradB;
    moved = Math.max(moved, Math.abs(nextB - b));
    previous = w;
    previousB = b;
    w = next;
    b = nextB;
    if (moved < tolerance) break;
    yield;
  }
  return { weights: Array.from(w), bias: b };
}

/** The model's score of a vector, in (-1, 1): positive where the positive class is more likely. */
export function scoreOf(model: LinearModel, vector: Float32Array | readonly number[]): number {
  const { weights } = model;
  if (vector.length !== weights.length)
    throw new Error(`vector has ${vector.length} numbers, the model ${weights.length}`);
  let dot = 0;
  let sum = 0;
  for (let i = 0; i < vector.length; i += 1) {
    const v = vector[i] as number;
    dot += (weights[i] as number) * v;
    sum += v * v;
  }
  const z = (sum > 0 ? dot / Math.sqrt(sum) : 0) + model.bias;
  return Math.tanh(z / 2);
}
