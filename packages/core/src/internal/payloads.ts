/**
 * Wire payloads shaped exactly like the official Python client's, so a request from this SDK
 * and one from that client carry the same keys (and Scale's hosted API sees nothing new).
 */
import {
  Annotation,
  type AnnotationWire,
  DatasetItem,
  type DatasetItemWire,
  Prediction,
  type PredictionWire,
  type ValidationIssue,
  validateBatch,
  withDefaultAnnotationId,
} from "@nucleus/schemas";
import { ValidationError } from "../errors.js";

/** An item payload: `metadata` always sent, sizes and embedding only when set. */
export function itemPayload(item: DatasetItemWire): DatasetItemWire {
  const payload: DatasetItemWire = {
    metadata: item.metadata ?? {},
    reference_id: item.reference_id,
    image_url: item.image_url,
  };
  if (item.width) payload.width = item.width;
  if (item.height) payload.height = item.height;
  if (item.embedding_info) payload.embedding_info = item.embedding_info;
  return payload;
}

/**
 * An annotation or prediction payload: the official client's default id, optional keys as
 * `null` where it sends them, `confidence` and `class_pdf` only when set. Built key by key (no
 * `delete`), since it runs for millions of entries.
 */
export function labelPayload<T extends AnnotationWire | PredictionWire>(label: T): T {
  if (label.type === "mask") {
    const { type, mask_url, annotations, annotation_id, reference_id } = label;
    return { type, mask_url, annotations, annotation_id: annotation_id ?? null, reference_id } as T;
  }
  const source = withDefaultAnnotationId(label) as Record<string, unknown> & T;
  const out: Record<string, unknown> = {};
  for (const key in source) {
    const value = source[key];
    // Optional keys the official client leaves out when unset.
    if (value == null && (key === "confidence" || key === "class_pdf" || key === "taxonomy_name")) continue;
    if (
      value == null &&
      label.type === "cuboid" &&
      (key === "annotation_id" || key === "track_reference_id" || key === "task_id")
    )
      continue;
    out[key] = value;
  }
  out.metadata = source.metadata ?? {};
  if (label.type !== "cuboid") {
    out.track_reference_id = source.track_reference_id ?? null;
    out.task_id = source.task_id ?? null;
  }
  if (label.type === "box" || label.type === "polygon")
    out.embedding_vector = source.embedding_vector ?? null;
  if (label.type === "category" || label.type === "multicategory") out.geometry = {};
  else if (label.type !== "cuboid") out.annotation_id = source.annotation_id ?? null;
  return out as T;
}

/** Validates items (every problem at once) and returns their wire payloads. */
export function itemPayloads(items: readonly DatasetItem[]): DatasetItemWire[] {
  const payloads = items.map((item) => itemPayload(DatasetItem.toWire(item)));
  const { issues } = validateBatch(DatasetItem, payloads, "items");
  issues.push(...duplicates(payloads, "items", (p) => p.reference_id));
  if (issues.length > 0) throw new ValidationError(issues);
  return payloads;
}

/** Validates labels (every problem at once) and returns their wire payloads. */
export function labelPayloads(
  labels: readonly (Annotation | Prediction)[],
  kind: "annotations" | "predictions",
): (AnnotationWire | PredictionWire)[] {
  const codec = kind === "annotations" ? Annotation : Prediction;
  const payloads = labels.map((label) =>
    labelPayload(codec.toWire(label as never) as AnnotationWire | PredictionWire),
  );
  const { issues } = validateBatch(codec, payloads, kind === "annotations" ? "annotations" : "predictions");
  issues.push(
    ...duplicates(payloads, kind, (p) =>
      "annotation_id" in p && p.annotation_id ? `${p.reference_id}\u0000${p.annotation_id}` : undefined,
    ),
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return payloads;
}

function duplicates<T extends { reference_id: string }>(
  payloads: readonly T[],
  label: string,
  keyOf: (payload: T) => string | undefined,
): ValidationIssue[] {
  const seen = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  payloads.forEach((payload, index) => {
    const key = keyOf(payload);
    if (key === undefined) return;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const what = label === "items" ? "reference_id" : "annotation_id";
    issues.push({
      path: [label, index, what],
      message: `repeats ${label}[${first}]`,
      received: key,
      referenceId: payload.reference_id,
      text: `${label}[${index}] (reference_id ${JSON.stringify(payload.reference_id)}): ${what} repeats ${label}[${first}]`,
    });
  });
  return issues;
}
