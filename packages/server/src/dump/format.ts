/**
 * The portable dump of one dataset: NDJSON, one record a line, the same on every backend. Ids are
 * the source's (new ones are made on import); items are named by reference id; items and labels
 * are in their wire form; stored files appear as media keys (items' `media_key`, uploaded masks'
 * `mask_media_key`, videos' `videoMediaKey`), and the last line lists them all so that an import
 * can copy the files too.
 *
 * Version 2 adds taxonomies, dataset and slice tags, slice queries, item tags, reviews,
 * perceptual hashes, embeddings, scenes with their labels and tracks, and scenario tests with
 * their functions and evaluations. A version 1 dump has none of these lines and reads as before.
 */
import type { JsonObject } from "@nucleus/schemas";
import { maskMediaKeyOf } from "../media/masks.js";
import type { ReviewStatus } from "../store/curation.js";
import type {
  DatasetRecord,
  LabelInput,
  ModelRecord,
  ModelRunRecord,
  NewItem,
  SliceRecord,
  SliceType,
} from "../store/index.js";
import type { FrameItemType, SceneKind } from "../store/scenes.js";
import type { TaxonomyKind } from "../store/taxonomies.js";
import type { Comparison, ScenarioEvaluationStatus } from "../store/validate.js";

/** The format's name, on the first line. */
export const DUMP_FORMAT = "nucleus-dataset-dump";
/** The version of the dump format this build writes; it reads this one and every earlier one. */
export const DUMP_VERSION = 2;

/** The lines of a dump, in the order they are written. */
export type DumpLine =
  | {
      kind: "header";
      format: typeof DUMP_FORMAT;
      version: number;
      exportedAt: string;
      dataset: Pick<
        DatasetRecord,
        "id" | "name" | "isScene" | "usePrivacyMode" | "annotationMetadataSchema" | "itemMetadataSchema"
      > & {
        /** Since version 2. */
        tags?: string[];
      };
    }
  | { kind: "taxonomy"; taxonomy: { name: string; type: TaxonomyKind; labels: string[] } }
  | { kind: "item"; item: NewItem }
  | { kind: "annotation"; label: LabelInput }
  | { kind: "itemTags"; referenceId: string; tags: string[] }
  | {
      kind: "review";
      review: {
        referenceId: string;
        annotationId: string | null;
        status: ReviewStatus;
        reviewer: string | null;
        comment: string | null;
        createdAt: string;
      };
    }
  | { kind: "phash"; referenceId: string; source: string; phash: string }
  | { kind: "embedding"; referenceId: string; vector: number[] }
  | {
      kind: "scene";
      scene: {
        referenceId: string;
        kind: SceneKind;
        metadata: JsonObject;
        frameRate: number | null;
        videoUrl: string | null;
        videoMediaKey: string | null;
        frames: { frame: number; sensor: string | null; type: FrameItemType; itemReferenceId: string }[];
      };
    }
  /** A scene-level label: ground truth, or a prediction of `runId`. Its `reference_id` names the scene. */
  | { kind: "sceneLabel"; runId?: string; label: LabelInput }
  | { kind: "track"; referenceId: string; metadata: JsonObject }
  | {
      kind: "model";
      model: Pick<
        ModelRecord,
        "id" | "name" | "referenceId" | "metadata" | "tags" | "trainedSliceIds" | "bundleName"
      >;
    }
  | {
      kind: "run";
      run: Pick<
        ModelRunRecord,
        "id" | "modelId" | "name" | "metadata" | "status" | "commitOptions" | "implicit"
      >;
    }
  | { kind: "prediction"; runId: string; label: LabelInput }
  | {
      kind: "slice";
      slice: Pick<SliceRecord, "id" | "name"> & {
        /** Since version 2. */
        tags?: string[];
        /** A scene slice's `scene`; absent for a slice of items. */
        type?: SliceType;
        /** The query it was made from (a dynamic slice's items are read from it); since version 2. */
        query?: { text: string; runId: string | null; dynamic: boolean } | null;
      };
      referenceIds: string[];
    }
  /** An evaluation function whose results are uploaded (the standard ones are every server's own). */
  | { kind: "evalFunction"; fn: { id: string; name: string; level: "item" | "scene" | "track" } }
  | {
      kind: "scenarioTest";
      test: { id: string; name: string; sliceId: string; baselineModelId: string | null };
      functions: {
        evalFunctionId: string;
        arguments: Record<string, unknown>;
        threshold: number | null;
        comparison: Comparison;
      }[];
    }
  | {
      kind: "evaluation";
      evaluation: {
        scenarioTestId: string;
        evalFunctionId: string;
        modelId: string;
        status: Extract<ScenarioEvaluationStatus, "completed" | "errored">;
        result: number | null;
        pass: boolean;
        threshold: number | null;
        comparison: Comparison;
        error: string | null;
        createdAt: string;
      };
      /** Per item; a result uploaded per scene or per track says so in `level` (absent: an item's). */
      items: {
        level?: "scene" | "track";
        referenceId: string;
        result: number | null;
        weight: number;
        pass: boolean;
      }[];
    }
  | { kind: "media"; keys: string[] };

/** The media keys a label refers to: an uploaded mask's. */
export function mediaKeysOfLabel(label: LabelInput): string[] {
  const key = maskMediaKeyOf(label);
  return key === undefined ? [] : [key];
}
