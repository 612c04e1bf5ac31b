import type { Rle } from "../../geometry/rle.js";
import type { EngineObjects } from "./category.js";

/**
 * Objects ordered for evaluation: by category, then image, then input order, in O(n) with
 * two stable counting sorts. Without `useCats` every object falls in one group ordered by image,
 * then category, then input order, as pycocotools concatenates categories per image.
 */
export interface Groups {
  /** Object indices in evaluation order; objects of images or categories not evaluated are left out. */
  order: Int32Array;
  /** `order[start[k]] .. order[start[k + 1] - 1]` are the objects of category group k. */
  start: Int32Array;
}

/**
 * @param imageOf - per object, its image's position among the evaluated images, or -1
 * @param categoryOf - per object, its category's position among the evaluated categories, or -1
 */
export function groupObjects(
  imageOf: Int32Array,
  categoryOf: Int32Array,
  images: number,
  categories: number,
  useCats: boolean,
): Groups {
  const n = imageOf.length;
  let kept = 0;
  for (let i = 0; i < n; i += 1) if ((imageOf[i] as number) >= 0 && (categoryOf[i] as number) >= 0) kept += 1;
  const input = new Int32Array(kept);
  kept = 0;
  for (let i = 0; i < n; i += 1) {
    if ((imageOf[i] as number) >= 0 && (categoryOf[i] as number) >= 0) input[kept++] = i;
  }
  // Least significant key first: the last sort decides the major order.
  const [minor, minorSize, major, majorSize] = useCats
    ? [imageOf, images, categoryOf, categories]
    : [categoryOf, categories, imageOf, images];
  const byMinor = countingSort(input, minor, minorSize).order;
  const { order, start } = countingSort(byMinor, major, majorSize);
  return { order, start: useCats ? start : Int32Array.of(0, order.length) };
}

function countingSort(
  input: Int32Array,
  keyOf: Int32Array,
  size: number,
): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(size + 1);
  for (let i = 0; i < input.length; i += 1) {
    const slot = (keyOf[input[i] as number] as number) + 1;
    start[slot] = (start[slot] as number) + 1;
  }
  for (let k = 0; k < size; k += 1) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const next = start.slice(0, size);
  const order = new Int32Array(input.length);
  for (let i = 0; i < input.length; i += 1) {
    const object = input[i] as number;
    const key = keyOf[object] as number;
    const at = next[key] as number;
    order[at] = object;
    next[key] = at + 1;
  }
  return { order, start };
}

/** What {@link gatherObjects} reads, per object in input order. */
export interface ObjectColumns {
  boxes: Float64Array;
  areas: Float64Array;
  crowd: Uint8Array;
  scores: Float64Array;
  masks?: Rle[] | undefined;
}

/**
 * The objects' columns copied into evaluation order, so that each category's objects are
 * contiguous and the engine reads memory in sequence instead of all over the inputs. `shared`
 * puts them in shared memory, for worker threads.
 */
export function gatherObjects(
  source: ObjectColumns,
  imageOf: Int32Array,
  groups: Groups,
  shared = false,
): EngineObjects {
  const { order, start } = groups;
  const n = order.length;
  const memory = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const out: EngineObjects = {
    boxes: new Float64Array(memory(n * 32)),
    areas: new Float64Array(memory(n * 8)),
    crowd: new Uint8Array(memory(n)),
    scores: new Float64Array(memory(n * 8)),
    imageOf: new Int32Array(memory(n * 4)),
    start: shared ? Int32Array.from(start) : start,
    masks: source.masks ? [] : undefined,
  };
  for (let i = 0; i < n; i += 1) {
    const from = order[i] as number;
    out.boxes[i * 4] = source.boxes[from * 4] as number;
    out.boxes[i * 4 + 1] = source.boxes[from * 4 + 1] as number;
    out.boxes[i * 4 + 2] = source.boxes[from * 4 + 2] as number;
    out.boxes[i * 4 + 3] = source.boxes[from * 4 + 3] as number;
    out.areas[i] = source.areas[from] as number;
    out.crowd[i] = source.crowd[from] as number;
    out.scores[i] = source.scores[from] as number;
    out.imageOf[i] = imageOf[from] as number;
    out.masks?.push(source.masks?.[from] as Rle);
  }
  return out;
}
