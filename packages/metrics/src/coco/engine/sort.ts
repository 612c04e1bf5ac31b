/**
 * Stable sort of `index[from, to)` by `key[index]`, largest first, in place (numpy's
 * `argsort(-key, kind="mergesort")`). Insertion sort for short runs, then bottom-up merges
 * through `scratch` (at least `to - from` long).
 */
export function sortDescending(
  index: Int32Array,
  from: number,
  to: number,
  key: Float64Array,
  scratch: Int32Array,
): void {
  const RUN = 24;
  for (let lo = from; lo < to; lo += RUN) insertionSort(index, lo, Math.min(lo + RUN, to), key);
  if (to - from <= RUN) return;
  let source = index;
  let target = scratch;
  let offset = from; // where this range starts in `source`
  let targetOffset = 0;
  for (let width = RUN; width < to - from; width *= 2) {
    for (let lo = 0; lo < to - from; lo += 2 * width) {
      const mid = Math.min(lo + width, to - from);
      const hi = Math.min(lo + 2 * width, to - from);
      merge(source, offset + lo, offset + mid, offset + hi, target, targetOffset + lo, key);
    }
    [source, target] = [target, source];
    [offset, targetOffset] = [targetOffset, offset];
  }
  if (source !== index) index.set(source.subarray(offset, offset + (to - from)), from);
}

function insertionSort(index: Int32Array, from: number, to: number, key: Float64Array): void {
  for (let i = from + 1; i < to; i += 1) {
    const item = index[i] as number;
    const value = key[item] as number;
    let j = i - 1;
    // Strictly greater moves ahead: equal keys keep their order.
    while (j >= from && (key[index[j] as number] as number) < value) {
      index[j + 1] = index[j] as number;
      j -= 1;
    }
    index[j + 1] = item;
  }
}

function merge(
  source: Int32Array,
  lo: number,
  mid: number,
  hi: number,
  target: Int32Array,
  out: number,
  key: Float64Array,
): void {
  let i = lo;
  let j = mid;
  let o = out;
  while (i < mid && j < hi) {
    const a = source[i] as number;
    const b = source[j] as number;
    // Take from the right run only when strictly larger: stable.
    if ((key[b] as number) > (key[a] as number)) {
      target[o++] = b;
      j += 1;
    } else {
      target[o++] = a;
      i += 1;
    }
  }
  while (i < mid) target[o++] = source[i++] as number;
  while (j < hi) target[o++] = source[j++] as number;
}
