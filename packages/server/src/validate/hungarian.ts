/**
 * The assignment of rows to columns that maximises the total of a score matrix (the Hungarian
 * method, as scipy's `linear_sum_assignment(..., maximize=True)` answers it): Nucleus's standard
 * evaluation functions match predictions to annotations this way, not greedily.
 */

/**
 * Pairs `[row, column]` of a maximum-total assignment; a rectangular matrix assigns
 * `min(rows, columns)` pairs. `scores[r][c]` must be finite.
 *
 * @example
 * ```ts
 * maximumAssignment([[0.9, 0.8], [0.85, 0.1]]); // [[0, 1], [1, 0]]: 1.65 beats 1.0
 * ```
 */
export function maximumAssignment(scores: readonly (readonly number[])[]): [number, number][] {
  const rows = scores.length;
  const columns = rows === 0 ? 0 : (scores[0] as readonly number[]).length;
  if (rows === 0 || columns === 0) return [];
  // The O(n^3) potentials method on a square cost matrix (minimising the negated scores),
  // padded with zeros, indexed from 1 as in its usual statement.
  const n = Math.max(rows, columns);
  const cost = (r: number, c: number) =>
    r < rows && c < columns ? -((scores[r] as readonly number[])[c] as number) : 0;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const match = new Int32Array(n + 1); // match[column] = row
  const way = new Int32Array(n + 1);
  for (let row = 1; row <= n; row += 1) {
    match[0] = row;
    let column0 = 0;
    const minv = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(n + 1);
    do {
      used[column0] = 1;
      const row0 = match[column0] as number;
      let delta = Number.POSITIVE_INFINITY;
      let column1 = 0;
      for (let c = 1; c <= n; c += 1) {
        if (used[c]) continue;
        const reduced = cost(row0 - 1, c - 1) - (u[row0] as number) - (v[c] as number);
        if (reduced < (minv[c] as number)) {
          minv[c] = reduced;
          way[c] = column0;
        }
        if ((minv[c] as number) < delta) {
          delta = minv[c] as number;
          column1 = c;
        }
      }
      for (let c = 0; c <= n; c += 1) {
        if (used[c]) {
          u[match[c] as number] = (u[match[c] as number] as number) + delta;
          v[c] = (v[c] as number) - delta;
        } else minv[c] = (minv[c] as number) - delta;
      }
      column0 = column1;
    } while (match[column0] !== 0);
    do {
      const column1 = way[column0] as number;
      match[column0] = match[column1] as number;
      column0 = column1;
    } while (column0 !== 0);
  }
  const pairs: [number, number][] = [];
  for (let c = 1; c <= n; c += 1) {
    const r = (match[c] as number) - 1;
    if (r >= 0 && r < rows && c - 1 < columns) pairs.push([r, c - 1]);
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}
