/**
 * JSON documents kept inside records: an evaluation's options and its metrics. Backends store
 * them in their wire form (snake_case, as clients send and read them); records carry the
 * camelCase form. These codecs are the one place the two are converted.
 */
import { createCodec } from "@nucleus/schemas";
import { z } from "zod";

const LabelMatchSchema = z.object({ ground_truth_label: z.string(), model_prediction_label: z.string() });

/** The wire schema of an evaluation's options. */
export const EvaluationOptionsSchema = z.object({
  class_agnostic: z.boolean().optional(),
  allowed_label_matches: z.array(LabelMatchSchema).optional(),
});

/** How a run is evaluated: per class (default) or class-agnostic, with extra label pairs that may match. */
export const EvaluationOptionsDocument = createCodec(EvaluationOptionsSchema);

/** The options of an evaluation, camelCase. */
export type EvaluationOptions = ReturnType<typeof EvaluationOptionsDocument.fromWire>;

/** The wire schema of an evaluation's metrics (what `modelRun/{id}/info` reports as `metrics`). */
export const EvaluationMetricsSchema = z.object({
  iou_type: z.literal("bbox"),
  stats: z.array(z.number()),
  map: z.number(),
  map50: z.number(),
  map75: z.number(),
  ap_by_size: z.object({ small: z.number(), medium: z.number(), large: z.number() }),
  ar100: z.number(),
  iou_thresholds: z.array(z.number()),
  per_class: z.array(
    z.object({
      label: z.string(),
      ap: z.number(),
      ap50: z.number(),
      ap75: z.number(),
      ar100: z.number(),
      ap_by_iou: z.array(z.number()),
    }),
  ),
  counts: z.object({ items: z.number(), ground_truth: z.number(), predictions: z.number() }),
});

/** COCO box metrics of a run, overall and per class. */
export const EvaluationMetricsDocument = createCodec(EvaluationMetricsSchema);

/** The metrics of an evaluation, camelCase. */
export type EvaluationMetrics = ReturnType<typeof EvaluationMetricsDocument.fromWire>;
