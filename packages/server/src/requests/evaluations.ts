/**
 * The request bodies of the Evaluations V2 routes, as codecs, and their reading into what the
 * evaluation service takes. (The route table of `@nucleus/schemas` has no request schemas for
 * these routes yet; these move there when it does.)
 */
import { type CommitModelRunRequestSchema, createCodec } from "@nucleus/schemas";
import { z } from "zod";
import type { ExamplesQuery } from "../evaluation/examples.js";
import { badRequest } from "../http/errors.js";
import { type EvaluationOptions, EvaluationOptionsDocument } from "../store/index.js";

type CommitModelRunRequestWire = z.output<typeof CommitModelRunRequestSchema>;

/** The body of `POST modelRun/{id}/evaluationsV2`. */
export const CreateEvaluationBody = createCodec(
  z.object({
    name: z.string().nullish(),
    // The official client sends these pairs in snake_case or camelCase.
    allowed_label_matches: z
      .array(
        z
          .object({
            ground_truth_label: z.string().optional(),
            model_prediction_label: z.string().optional(),
            groundTruthLabel: z.string().optional(),
            modelPredictionLabel: z.string().optional(),
          })
          .refine(
            (m) =>
              (m.ground_truth_label ?? m.groundTruthLabel) !== undefined &&
              (m.model_prediction_label ?? m.modelPredictionLabel) !== undefined,
            {
              message: "needs a ground-truth label and a model prediction label",
            },
          ),
      )
      .nullish(),
    allowed_label_matches_id: z.string().nullish(),
  }),
);

/** The body of `POST evaluationsV2/{id}/examples`. */
export const ExamplesBody = createCodec(
  z.object({
    // Newer official clients leave it out to list every kind.
    match_type: z.enum(["TP", "FP", "FN"]).nullish(),
    limit: z.int().min(1).max(1_000).default(50),
    offset: z.int().min(0).default(0),
    sort_by: z.string().nullish(),
    // Official clients document both "asc" and "ASC".
    sort_order: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(["asc", "desc"]))
      .nullish(),
    filters: z.unknown().optional(),
    query: z.unknown().optional(),
  }),
);

/** The body of `POST evaluationsV2/{id}/charts`, which newer official clients send instead of a query string. */
export const ChartsBody = createCodec(
  z.object({
    iouThreshold: z.number().min(0).max(1).nullish(),
    filters: z.unknown().optional(),
    query: z.unknown().optional(),
  }),
);

/** A new evaluation's name and options, from its request body. */
export function newEvaluationOf(body: z.output<typeof CreateEvaluationBody.schema>): {
  name: string | null;
  options: EvaluationOptions;
} {
  return {
    name: body.name ?? null,
    options: {
      allowedLabelMatches: (body.allowed_label_matches ?? []).map((m) => ({
        groundTruthLabel: (m.ground_truth_label ?? m.groundTruthLabel) as string,
        modelPredictionLabel: (m.model_prediction_label ?? m.modelPredictionLabel) as string,
      })),
    },
  };
}

/** An examples query, from its request body. */
export function examplesQueryOf(body: z.output<typeof ExamplesBody.schema>): ExamplesQuery {
  return {
    matchType: body.match_type,
    sortBy: body.sort_by,
    sortOrder: body.sort_order,
    offset: body.offset,
    limit: body.limit,
  };
}

/** The IoU threshold of a query string (0.5 when absent); anything but a number from 0 to 1 is a 400. */
export function iouThresholdOf(text: string | undefined): number {
  if (text === undefined) return 0.5;
  const value = Number(text);
  if (!(value >= 0 && value <= 1))
    throw badRequest(`iouThreshold must be a number from 0 to 1, got ${JSON.stringify(text)}`);
  return value;
}

/** Evaluation options from a commit's body (`CommitModelRunRequest`). */
export function commitOptionsOf(body: CommitModelRunRequestWire): EvaluationOptions {
  return EvaluationOptionsDocument.fromWire({
    ...(body.class_agnostic === undefined ? {} : { class_agnostic: body.class_agnostic }),
    ...(body.allowed_label_matches === undefined
      ? {}
      : {
          allowed_label_matches: body.allowed_label_matches.map((m) => ({
            ground_truth_label: m.ground_truth_label,
            model_prediction_label: m.model_prediction_label,
          })),
        }),
  });
}
