/**
 * The portable dump of one dataset: NDJSON, one record a line, the same on every backend. Ids are
 * the source's (new ones are made on import); items and labels are in their wire form; stored
 * files appear as media keys (items' `media_key`, uploaded masks' `mask_media_key`), and the last
 * line lists them all so that an import can copy the files too.
 */

import { maskMediaKeyOf } from "../media/masks.js";
import type {
  DatasetRecord,
  LabelInput,
  ModelRecord,
  ModelRunRecord,
  NewItem,
  SliceRecord,
} from "../store/index.js";

/** The format's name, on the first line. */
export const DUMP_FORMAT = "nucleus-dataset-dump";
/** The version of the dump format this build writes and reads. */
export const DUMP_VERSION = 1;

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
      >;
    }
  | { kind: "item"; item: NewItem }
  | { kind: "annotation"; label: LabelInput }
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
  | { kind: "slice"; slice: Pick<SliceRecord, "id" | "name">; referenceIds: string[] }
  | { kind: "media"; keys: string[] };

/** The media keys a label refers to: an uploaded mask's. */
export function mediaKeysOfLabel(label: LabelInput): string[] {
  const key = maskMediaKeyOf(label);
  return key === undefined ? [] : [key];
}
