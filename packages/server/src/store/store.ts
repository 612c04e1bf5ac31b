import type {
  DatasetRow,
  EvaluationRow,
  ItemInput,
  ItemRow,
  ItemUpsertResult,
  JobRow,
  LabelInput,
  LabelRow,
  LabelTarget,
  LabelUpsertResult,
  ModelRow,
  ModelRunRow,
  SliceRow,
  Tenant,
} from "./types.js";

/**
 * Everything the routes ask of storage. Routes see only this interface, so another backend
 * (Postgres for teams) can stand in without touching them. Each write applies whole or not
 * at all.
 */
export interface NucleusStore {
  /** Runs `fn` in one transaction (nested calls join it). */
  transaction<T>(fn: () => T): T;
  /**
   * A value that changes whenever anything may have been written, by this server or another
   * connection, so data derived from the store can be cached until it changes.
   */
  writeVersion(): string;

  createDataset(
    tenant: Tenant,
    input: {
      name: string;
      isScene: boolean;
      usePrivacyMode: boolean;
      annotationMetadataSchema: unknown;
      itemMetadataSchema: unknown;
    },
  ): DatasetRow;
  getDataset(tenant: Tenant, id: string): DatasetRow | undefined;
  listDatasets(tenant: Tenant): DatasetRow[];
  deleteDataset(tenant: Tenant, id: string): boolean;
  countItems(datasetId: string): number;

  upsertItems(datasetId: string, items: ItemInput[], update: boolean): ItemUpsertResult;
  itemByReference(datasetId: string, referenceId: string): ItemRow | undefined;
  itemById(datasetId: string, itemId: string): ItemRow | undefined;
  itemByIndex(datasetId: string, index: number): ItemRow | undefined;
  itemsPage(datasetId: string, afterSeq: number, limit: number): ItemRow[];
  deleteItem(datasetId: string, referenceId: string): boolean;
  mergeItemMetadata(
    datasetId: string,
    updates: { reference_id: string; metadata: Record<string, unknown> }[],
  ): string[];

  upsertLabels(target: LabelTarget, labels: LabelInput[], update: boolean): LabelUpsertResult;
  labelsOfItems(target: LabelTarget, itemIds: string[]): LabelRow[];
  labelByAnnotationId(target: LabelTarget, itemId: string, annotationId: string): LabelRow | undefined;
  deleteAnnotations(datasetId: string, referenceIds: string[]): number;

  createModel(
    tenant: Tenant,
    input: {
      name: string;
      referenceId: string;
      metadata: unknown;
      tags: string[];
      trainedSliceIds: string[];
      bundleName: string | null;
    },
  ): ModelRow;
  getModel(tenant: Tenant, id: string): ModelRow | undefined;
  modelByReference(tenant: Tenant, referenceId: string): ModelRow | undefined;
  listModels(tenant: Tenant): ModelRow[];
  deleteModel(tenant: Tenant, id: string): boolean;
  createModelRun(
    tenant: Tenant,
    input: { modelId: string; datasetId: string; name: string; metadata: unknown; implicit: boolean },
  ): ModelRunRow;
  getModelRun(tenant: Tenant, id: string): ModelRunRow | undefined;
  jobRun(id: string): ModelRunRow | undefined;
  implicitRun(tenant: Tenant, model: ModelRow, datasetId: string): ModelRunRow;
  runsOfDataset(datasetId: string): ModelRunRow[];
  commitModelRun(id: string, options: unknown): void;
  deleteModelRun(tenant: Tenant, id: string): boolean;

  createSlice(tenant: Tenant, datasetId: string, name: string, itemIds: string[]): SliceRow;
  addToSlice(sliceId: string, itemIds: string[]): string[];
  getSlice(tenant: Tenant, id: string): SliceRow | undefined;
  listSlices(tenant: Tenant, datasetId?: string): SliceRow[];
  sliceItemsPage(sliceId: string, afterSeq: number, limit: number): (ItemRow & { slice_seq: number })[];
  deleteSlice(tenant: Tenant, id: string): boolean;

  createJob(tenant: Tenant, input: { datasetId: string | null; type: string; spec: unknown }): JobRow;
  getJob(tenant: Tenant, id: string): JobRow | undefined;
  jobById(id: string): JobRow | undefined;
  runningJobs(): JobRow[];
  listJobs(
    tenant: Tenant,
    filter: { datasetId?: string | null; types?: string[]; showCompleted: boolean; limit: number },
  ): JobRow[];
  updateJob(
    id: string,
    fields: Partial<Pick<JobRow, "status" | "message" | "completed_steps" | "total_steps" | "errors">>,
  ): void;

  registerUpload(tenant: Tenant, requestId: string, datasetId: string, token: string): void;
  uploadByToken(token: string): { tenant: Tenant; request_id: string } | undefined;
  completeUpload(token: string, mediaKey: string): void;
  uploadOf(tenant: Tenant, requestId: string): { dataset_id: string; media_key: string | null } | undefined;

  createEvaluation(
    tenant: Tenant,
    input: { runId: string; datasetId: string; name: string | null; options: unknown },
  ): EvaluationRow;
  getEvaluation(tenant: Tenant, id: string): EvaluationRow | undefined;
  evaluationById(id: string): EvaluationRow | undefined;
  listEvaluations(runId: string): EvaluationRow[];
  updateEvaluation(
    id: string,
    fields: Partial<Pick<EvaluationRow, "status" | "results" | "error_message">>,
  ): void;
  deleteEvaluation(tenant: Tenant, id: string): boolean;

  /** The response recorded for an idempotency key, if any. */
  idempotentResponse(tenant: Tenant, key: string): { route: string; response: string } | undefined;
  /** Records the response of an idempotency key. */
  recordIdempotentResponse(tenant: Tenant, key: string, route: string, response: string): void;
}
