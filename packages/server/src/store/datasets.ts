import type { MetadataSchemaDefinitionSchema } from "@nucleus/schemas";
import type { z } from "zod";
import type { Tenant } from "./common.js";

/** The metadata schema of a dataset's items or annotations: field name to type (and choices). */
export type MetadataSchemaDefinition = z.output<typeof MetadataSchemaDefinitionSchema>;

/** A dataset. */
export interface DatasetRecord {
  id: string;
  tenant: Tenant;
  name: string;
  isScene: boolean;
  usePrivacyMode: boolean;
  /** The metadata schema given at creation, or null. */
  annotationMetadataSchema: MetadataSchemaDefinition | null;
  /** The metadata schema given at creation, or null. */
  itemMetadataSchema: MetadataSchemaDefinition | null;
  tags: string[];
  /** ISO 8601. */
  createdAt: string;
}

/** What a new dataset is made of. */
export interface NewDataset {
  name: string;
  isScene: boolean;
  usePrivacyMode: boolean;
  annotationMetadataSchema?: MetadataSchemaDefinition | null | undefined;
  itemMetadataSchema?: MetadataSchemaDefinition | null | undefined;
}

/** Datasets of each tenant, listed in creation order. */
export interface DatasetStore {
  create(tenant: Tenant, input: NewDataset): Promise<DatasetRecord>;
  get(tenant: Tenant, id: string): Promise<DatasetRecord | undefined>;
  list(tenant: Tenant): Promise<DatasetRecord[]>;
  /** Deletes a dataset with its items, labels, runs and slices; false when there was none. */
  delete(tenant: Tenant, id: string): Promise<boolean>;
}
