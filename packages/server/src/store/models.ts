import type { JsonObject } from "@nucleus/schemas";
import type { Tenant } from "./common.js";

/** A model. */
export interface ModelRecord {
  id: string;
  tenant: Tenant;
  name: string;
  /** The user's reference id; several models may share one (the newest wins lookups). */
  referenceId: string;
  metadata: JsonObject | null;
  tags: string[];
  trainedSliceIds: string[];
  bundleName: string | null;
  createdAt: string;
}

/** What a new model is made of. */
export interface NewModel {
  name: string;
  referenceId: string;
  metadata: JsonObject | null;
  tags: string[];
  trainedSliceIds: string[];
  bundleName: string | null;
}

/** A model run: one model's predictions on one dataset. */
export interface ModelRunRecord {
  id: string;
  tenant: Tenant;
  modelId: string;
  datasetId: string;
  name: string;
  metadata: JsonObject | null;
  /** `Committed` after a commit; new predictions make it `Started` again. */
  status: "Started" | "Committed";
  /** The options of the last commit. */
  commitOptions: unknown;
  /** True for the run `uploadPredictions` makes for a (model, dataset) pair. */
  implicit: boolean;
  createdAt: string;
}

/** What a new model run is made of. */
export interface NewModelRun {
  modelId: string;
  datasetId: string;
  name: string;
  metadata: JsonObject | null;
}

/** Models of each tenant, in creation order. */
export interface ModelStore {
  create(tenant: Tenant, input: NewModel): Promise<ModelRecord>;
  get(tenant: Tenant, id: string): Promise<ModelRecord | undefined>;
  /** The newest model with a reference id. */
  find(tenant: Tenant, query: { referenceId: string }): Promise<ModelRecord | undefined>;
  list(tenant: Tenant): Promise<ModelRecord[]>;
  /** Deletes a model with its runs; false when there was none. */
  delete(tenant: Tenant, id: string): Promise<boolean>;
}

/** Model runs of each tenant, in creation order. */
export interface ModelRunStore {
  create(tenant: Tenant, input: NewModelRun): Promise<ModelRunRecord>;
  get(tenant: Tenant, id: string): Promise<ModelRunRecord | undefined>;
  /** The runs on a dataset. */
  list(tenant: Tenant, filter: { datasetId: string }): Promise<ModelRunRecord[]>;
  /** The run `uploadPredictions` writes to for a (model, dataset) pair, made on first use. */
  ensureImplicit(
    tenant: Tenant,
    model: Pick<ModelRecord, "id" | "name">,
    datasetId: string,
  ): Promise<ModelRunRecord>;
  /** Marks a run `Committed` with the commit's options. */
  commit(tenant: Tenant, id: string, options: unknown): Promise<void>;
  /** Deletes a run with its predictions and evaluations; false when there was none. */
  delete(tenant: Tenant, id: string): Promise<boolean>;
}
