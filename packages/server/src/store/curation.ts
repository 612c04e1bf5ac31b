/**
 * Curation records: item tags, reviews of items and of their ground-truth annotations, and the
 * queries of slices made from a query (a static slice keeps the query it was built from; a
 * dynamic slice is its query, read again each time).
 */
import type { Tenant } from "./common.js";
import type { SliceRecord } from "./slices.js";

/** What a review says. */
export type ReviewStatus = "accepted" | "rejected" | "needs_fix";

/** One review: of a whole item, or of one of its ground-truth annotations. */
export interface ReviewRecord {
  itemId: string;
  referenceId: string;
  /** The reviewed annotation's id; null for the whole item. */
  annotationId: string | null;
  status: ReviewStatus;
  reviewer: string | null;
  comment: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** A review to record. */
export interface NewReview {
  itemId: string;
  annotationId?: string | null | undefined;
  status: ReviewStatus;
  reviewer?: string | null | undefined;
  comment?: string | null | undefined;
  /** When it was made (ISO 8601): now unless given (a dump's restore). */
  createdAt?: string | undefined;
}

/** The query of a slice made from one. */
export interface SliceQueryRecord {
  query: string;
  /** The run `predictions.*` counted when the query was written. */
  runId: string | null;
  /** Read again on every read (dynamic), or the items it selected when the slice was made (static). */
  dynamic: boolean;
}

/** Tags, reviews and slice queries of each dataset. */
export interface CurationStore {
  /** Adds and removes tags on items; returns how many (item, tag) pairs changed. */
  tag(
    datasetId: string,
    itemIds: readonly string[],
    change: { add?: readonly string[]; remove?: readonly string[] },
  ): Promise<number>;
  /** The tags of some items, by item id (items without tags are left out). */
  tagsOf(datasetId: string, itemIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Every tag of a dataset with how many items carry it, most used first. */
  tags(datasetId: string): Promise<{ tag: string; count: number }[]>;
  /**
   * Records reviews. A review of a whole item also sets the item's `metadata.review_status`,
   * as Nucleus's own review does, so queries on either read the same value.
   */
  review(datasetId: string, reviews: readonly NewReview[]): Promise<ReviewRecord[]>;
  /** Reviews of some items, oldest first. */
  reviewsOf(datasetId: string, itemIds: readonly string[]): Promise<ReviewRecord[]>;
  /**
   * Creates a slice from a query: a dynamic slice keeps only the query; a static one also gets
   * the items that match now (in upload order), as a slice of ids would.
   */
  createQuerySlice(
    tenant: Tenant,
    input: { datasetId: string; name: string; query: SliceQueryRecord },
  ): Promise<SliceRecord>;
  /** The query of a slice made from one, or undefined for a slice of ids. */
  sliceQuery(sliceId: string): Promise<SliceQueryRecord | undefined>;
}
