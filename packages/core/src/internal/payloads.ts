/**
 * Wire payloads shaped exactly like the official Python client's, so a request from this SDK
 * and one from that client carry the same keys (and Scale's hosted API sees nothing new).
 */
import {
  type AnnotationWire,
  type DatasetItemWire,
  type PredictionWire,
  withDefaultAnnotationId,
} from "@nucleus/schemas";

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
 * `null` where it sends them, `confidence` and `class_pdf` only when set.
 */
export function labelPayload<T extends AnnotationWire | PredictionWire>(label: T): T {
  if (label.type === "mask") {
    const { type, mask_url, annotations, annotation_id, reference_id } = label;
    return { type, mask_url, annotations, annotation_id: annotation_id ?? null, reference_id } as T;
  }
  const withId = withDefaultAnnotationId(label) as Record<string, unknown> & T;
  const out: Record<string, unknown> = { ...withId, metadata: withId.metadata ?? {} };
  if (label.type === "cuboid") {
    for (const key of ["annotation_id", "track_reference_id", "task_id"])
      if (out[key] == null) delete out[key];
  } else {
    out.track_reference_id = withId.track_reference_id ?? null;
    out.task_id = withId.task_id ?? null;
  }
  if (label.type === "box" || label.type === "polygon")
    out.embedding_vector = withId.embedding_vector ?? null;
  if (label.type === "category" || label.type === "multicategory") {
    out.geometry = {};
    if (out.taxonomy_name == null) delete out.taxonomy_name;
  } else if (label.type !== "cuboid") {
    out.annotation_id = withId.annotation_id ?? null;
  }
  for (const key of ["confidence", "class_pdf"]) if (out[key] == null) delete out[key];
  return out as T;
}
