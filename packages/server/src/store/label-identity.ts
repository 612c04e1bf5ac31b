import { withDefaultAnnotationId } from "@nucleus/schemas";
import { newId } from "../ids.js";
import type { LabelInput } from "./labels.js";

/** The response group of a label type: masks are listed under `segmentation`. */
export function groupOf(type: string): string {
  return type === "mask" ? "segmentation" : type;
}

/**
 * The identity of a label within its item: its annotation id (defaulted like the official
 * client), one category and one multicategory per taxonomy, one segmentation per item.
 * Returns the key and the payload to store.
 */
export function identify(label: LabelInput): { key: string; payload: LabelInput } {
  switch (label.type) {
    case "category":
      return { key: `category:${label.taxonomy_name ?? ""}`, payload: label };
    case "multicategory":
      return { key: `multicategory:${label.taxonomy_name ?? ""}`, payload: label };
    case "mask":
      return { key: "segmentation", payload: label };
    default: {
      const payload = withDefaultAnnotationId(label);
      // Without an id there is nothing to match on: the label is always new.
      const given = payload.annotation_id;
      if (given !== undefined && given !== null) return { key: `id:${given}`, payload };
      const annotationId = newId("annotation");
      // Object.assign, not a spread: each spread copy would get a hidden class of its own (Node 20).
      return {
        key: `id:${annotationId}`,
        payload: Object.assign({}, payload, { annotation_id: annotationId }),
      };
    }
  }
}
