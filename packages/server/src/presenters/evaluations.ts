import {
  type EvaluationMetrics,
  EvaluationMetricsDocument,
  EvaluationOptionsDocument,
  type EvaluationRecord,
} from "../store/index.js";

/** An evaluation's metrics as clients read them (`metrics` of `modelRun/{id}/info`). */
export function metricsWire(metrics: EvaluationMetrics) {
  return EvaluationMetricsDocument.toWire(metrics);
}

/** An Evaluations V2 evaluation (`EvaluationSchema`). */
export function evaluationWire(evaluation: EvaluationRecord) {
  return {
    id: evaluation.id,
    model_run_id: evaluation.runId,
    dataset_id: evaluation.datasetId,
    status: evaluation.status,
    name: evaluation.name,
    temporal_workflow_id: null,
    error_message: evaluation.errorMessage,
    created_at: evaluation.createdAt,
    allowed_label_matches: EvaluationOptionsDocument.toWire(evaluation.options).allowed_label_matches ?? [],
    allowed_label_matches_id: null,
    allowed_label_matches_name: null,
  };
}
