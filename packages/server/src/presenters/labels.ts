import type { AnnotationGroupsSchema, PredictionGroupsSchema, StoredLabel, WireOf } from "@nucleus/schemas";
import type * as z from "zod";
import { hasLegacyMaskUrl, MASK_MEDIA_KEY, maskMediaKeyOf } from "../media/masks.js";
import type { LabelRecord, LabelUpsertResult } from "../store/index.js";
import type { MediaUrl } from "./media.js";
import { refusalDetailWire, refusalMessage } from "./problems.js";

/**
 * A stored annotation or prediction as clients read it: its payload plus its id. A mask this
 * server holds keeps the caller's `mask_url` and adds `mask_media_url`, where its bytes are
 * served (for a mask stored before the caller's URL was kept, both are that URL).
 */
export function labelWire(label: LabelRecord, mediaUrl: MediaUrl): WireOf<typeof StoredLabel> {
  const payload = label.payload as Record<string, unknown>;
  const wire = {} as WireOf<typeof StoredLabel>;
  for (const field of Object.keys(payload)) {
    if (field !== MASK_MEDIA_KEY) setField(wire, field, payload[field]);
  }
  wire.id = label.id;
  const key = maskMediaKeyOf(label.payload);
  if (key !== undefined) {
    wire.mask_media_url = mediaUrl(key);
    if (hasLegacyMaskUrl(label.payload)) wire.mask_url = wire.mask_media_url;
  }
  return wire;
}

/**
 * Sets a field as a spread would (`__proto__` stays an own field). Wires are built field by field,
 * not as `{ ...payload, id }`: on Node 20 every object a spread followed by more fields builds gets
 * a hidden class of its own, kept in the old generation until a full collection (25 MB of them over
 * a 100,000-label export).
 */
function setField(wire: object, field: string, value: unknown): void {
  if (field === "__proto__")
    Object.defineProperty(wire, field, { value, enumerable: true, writable: true, configurable: true });
  else (wire as Record<string, unknown>)[field] = value;
}

/** Ground truth of one item as clients read it, grouped by type (`AnnotationGroupsSchema`). */
export type AnnotationGroupsWire = z.output<typeof AnnotationGroupsSchema>;

/** Predictions of one item as clients read them, grouped by type (`PredictionGroupsSchema`). */
export type PredictionGroupsWire = z.output<typeof PredictionGroupsSchema>;

/** Labels grouped by response key (`AnnotationGroupsSchema`); groups with no label are left out. */
export function labelGroupsWire(labels: readonly LabelRecord[], mediaUrl: MediaUrl): AnnotationGroupsWire {
  const groups: Record<string, Record<string, unknown>[]> = {};
  for (const label of labels) {
    const group = groups[label.group];
    if (group) group.push(labelWire(label, mediaUrl));
    else groups[label.group] = [labelWire(label, mediaUrl)];
  }
  // Each payload was validated against its type's schema when it was stored, under its group's key.
  return groups as AnnotationGroupsWire;
}

/** A model run's labels grouped by response key (`PredictionGroupsSchema`). */
export function predictionGroupsWire(
  labels: readonly LabelRecord[],
  mediaUrl: MediaUrl,
): PredictionGroupsWire {
  return labelGroupsWire(labels, mediaUrl) as PredictionGroupsWire;
}

/**
 * What a label upload refused: `errors` in the protocol's words, and beside it `error_details`,
 * one structured entry per error at the same position (`code`, `reference_id`). Both are left
 * out when nothing was refused.
 */
export function refusalsWire(result: LabelUpsertResult) {
  if (result.refused.length === 0) return {};
  return {
    errors: result.refused.map((refusal) => refusalMessage(refusal.problem)),
    error_details: result.refused.map((refusal) => refusalDetailWire(refusal.problem)),
  };
}

/** The response of an annotation upload (`AnnotateResponseSchema`). */
export function annotateResponseWire(datasetId: string, result: LabelUpsertResult) {
  return {
    dataset_id: datasetId,
    annotations_processed: result.processed,
    annotations_ignored: result.ignored,
    ...refusalsWire(result),
  };
}

/** The response of a prediction upload (`PredictResponseSchema`). */
export function predictResponseWire(datasetId: string, runId: string, result: LabelUpsertResult) {
  return {
    dataset_id: datasetId,
    model_run_id: runId,
    predictions_processed: result.processed,
    predictions_ignored: result.ignored,
    ...refusalsWire(result),
  };
}
