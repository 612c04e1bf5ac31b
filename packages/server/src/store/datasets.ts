import type { Tenant } from "./common.js";

/** A dataset. */
export interface DatasetRecord {
  id: string;
  tenant: Tenant;
  name: string;
  isScene: boolean;
  usePrivacyMode: boolean;
  /** The JSON schema given at creation, or null. */
  annotationMetadataSchema: unknown;
  /** The JSON schema given at creation, or null. */
  itemMetadataSchema: unknown;
  tags: string[];
  /** ISO 8601. */
  createdAt: string;
}

/** What a new dataset is made of. */
export interface NewDataset {
  name: string;
  isScene: boolean;
  usePrivacyMode: boolean;
  annotationMetadataSchema?: unknown;
  itemMetadataSchema?: unknown;
}

/** Datasets of each tenant, listed in creation order. */
export interface DatasetStore {
  create(tenant: Tenant, input: NewDataset): Promise<DatasetRecord>;
  get(tenant: Tenant, id: string): Promise<DatasetRecord | undefined>;
  list(tenant: Tenant): Promise<DatasetRecord[]>;
  /** Deletes a dataset with its items, labels, runs and slices; false when there was none. */
  delete(tenant: Tenant, id: string): Promise<boolean>;
}
