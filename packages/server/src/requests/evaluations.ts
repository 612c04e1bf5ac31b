/**
 * What the Evaluations V2 and commit requests carry, read into what the evaluation service
 * takes. The bodies are validated with the route contracts' codecs in `@nucleus/schemas`
 * (`CreateEvaluationRequest`, `EvaluationExamplesRequest`, `EvaluationChartsRequest`,
 * `CommitModelRunRequest`).
 */
import type {
  CommitModelRunRequestSchema,
  CreateEvaluationRequestSchema,
  EvaluationExamplesRequestSchema,
} from "@nucleus/schemas";
import type { z } from "zod";
import type { ExamplesQuery } from "../evaluation/examples.js";
import { type EvaluationOptions, EvaluationOptionsDocument } from "../store/index.js";

type CommitModelRunRequestWire = z.output<typeof CommitModelRunRequestSchema>;
type CreateEvaluationRequestWire = z.output<typeof CreateEvaluationRequestSchema>;
type EvaluationExamplesRequestWire = z.output<typeof EvaluationExamplesRequestSchema>;

/** A new evaluation's name and options, from its request body. */
export function newEvaluationOf(body: CreateEvaluationRequestWire): {
  name: string | null;
  options: EvaluationOptions;
} {
  return {
    name: body.name ?? null,
    options: {
      // Official clients send each pair in snake_case or camelCase; the schema checked one is there.
      allowedLabelMatches: (body.allowed_label_matches ?? []).map((m) => ({
        groundTruthLabel: (m.ground_truth_label ?? m.groundTruthLabel) as string,
        modelPredictionLabel: (m.model_prediction_label ?? m.modelPredictionLabel) as string,
      })),
    },
  };
}

/** An examples query, from its request body. */
export function examplesQueryOf(body: EvaluationExamplesRequestWire): ExamplesQuery {
  return {
    matchType: body.match_type,
    sortBy: body.sort_by,
    sortOrder: body.sort_order,
    offset: body.offset,
    limit: body.limit,
  };
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
