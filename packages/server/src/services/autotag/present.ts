/** Autotags as the wire shows them: the protocol's four keys, and this server's training counts. */
import type { AutotagRecord } from "../../store/index.js";

/** The level every autotag here works at: items (images), not objects. */
export const AUTOTAG_LEVEL = "Image";

/** The protocol's view of an autotag (`list_autotags`, tagged and training items). */
export function protocolAutotag(tag: AutotagRecord) {
  return { id: tag.id, name: tag.name, status: tag.status, autotag_level: AUTOTAG_LEVEL };
}

/** An autotag with its training counts (`ext/` routes). */
export function autotagWire(tag: AutotagRecord) {
  return {
    ...protocolAutotag(tag),
    dataset_id: tag.datasetId,
    positives: tag.training.positives.length,
    negatives: tag.training.negatives.length,
    refinement_rounds: tag.training.rounds.length,
    scored: tag.training.scored,
    error: tag.training.error ?? null,
    created_at: tag.createdAt,
    updated_at: tag.updatedAt,
  };
}
