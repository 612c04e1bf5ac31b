/**
 * Position of each id in a list of ids. COCO ids are usually small non-negative integers, which
 * a flat table answers faster than a Map; other ids use a Map.
 */
export class IdIndex {
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;

  constructor(ids: readonly number[]) {
    let max = -1;
    let dense = true;
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0) dense = false;
      else if (id > max) max = id;
    }
    // A table up to 4x the ids (plus a little) costs about what a Map would.
    if (dense && max < 4 * ids.length + 1024) {
      this.table = new Int32Array(max + 1).fill(-1);
      ids.forEach((id, i) => {
        if ((this.table as Int32Array)[id] === -1) (this.table as Int32Array)[id] = i;
      });
    } else {
      this.map = new Map();
      ids.forEach((id, i) => {
        if (!this.map?.has(id)) this.map?.set(id, i);
      });
    }
  }

  /** The position of `id` (its first), or -1. */
  get(id: number): number {
    const table = this.table;
    if (table) {
      // Non-integers and ids out of range are not in the table.
      return id >= 0 && id < table.length && id === Math.floor(id) ? (table[id] as number) : -1;
    }
    return this.map?.get(id) ?? -1;
  }

  /** The position of every value of `ids`, -1 where absent. */
  all(ids: ArrayLike<number>, count: number): Int32Array {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i += 1) out[i] = this.get(ids[i] as number);
    return out;
  }
}
