import type { Page, PageRequest, Tenant } from "./common.js";
import type { ItemRecord } from "./items.js";

/** What a slice holds: items (the only kind this server makes), objects or scenes. */
export type SliceType = "dataset_item" | "object" | "scene";

/** A slice: a named, ordered subset of a dataset's items. */
export interface SliceRecord {
  id: string;
  tenant: Tenant;
  datasetId: string;
  name: string;
  type: SliceType;
  description: string | null;
  tags: string[];
  createdAt: string;
  /** The query a slice was made from; a dynamic slice's items are that query's, read again each time. */
  query?: { text: string; runId: string | null; dynamic: boolean } | undefined;
}

/** The items of a new slice, by reference id or by item id. */
export type SliceMembers = { referenceIds: readonly string[] } | { itemIds: readonly string[] };

/** Slices of each tenant, in creation order; a slice's items in the order they were added. */
export interface SliceStore {
  /**
   * Creates a slice with its items. Ids that name no item of the dataset are refused all
   * together (`unknownReference` or `unknownItem`) and nothing is written.
   */
  create(
    tenant: Tenant,
    input: {
      datasetId: string;
      name: string;
      members: SliceMembers;
      /** What the slice holds; `dataset_item` unless said (a scene slice keeps its scenes' frame items). */
      type?: SliceType | undefined;
      /** The query the items were selected by, kept as a static slice's (a dump's restore). */
      query?: { text: string; runId: string | null } | undefined;
    },
  ): Promise<SliceRecord>;
  /**
   * Adds items by reference id; items already in the slice are left alone. Returns the reference
   * ids added, once each. Unknown reference ids are refused all together, nothing written.
   */
  append(slice: Pick<SliceRecord, "id" | "datasetId">, referenceIds: readonly string[]): Promise<string[]>;
  get(tenant: Tenant, id: string): Promise<SliceRecord | undefined>;
  /** The tenant's slices, or those of one dataset. */
  list(tenant: Tenant, filter?: { datasetId?: string }): Promise<SliceRecord[]>;
  /** The slice's items in the order they were added; a dynamic slice's are its query's, in upload order. */
  items(sliceId: string, request: PageRequest): Promise<Page<ItemRecord>>;
  /** Deletes a slice (not its items); false when there was none. */
  delete(tenant: Tenant, id: string): Promise<boolean>;
}
