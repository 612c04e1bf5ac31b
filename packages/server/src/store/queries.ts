/**
 * Queries in the Nucleus query language over a dataset's items and objects, counts, facets and
 * the metadata schema. Queries arrive as text: the store checks them against the dataset (its
 * metadata kinds, runs and slices) and compiles them to its SQL, so a bad query throws the
 * `QueryError` of `@nucleus/query`, naming the position.
 */
import type { Page, PageRequest } from "./common.js";
import type { ItemRecord } from "./items.js";
import type { LabelRecord } from "./labels.js";
import type { MatchRowRecord, MatchType } from "./matches.js";

/** An item query: the text (empty for every item), and the run `predictions.*` counts. */
export interface ItemQuery {
  text: string;
  /** The run whose predictions `predictions.*` counts; every run of the dataset when absent. */
  runId?: string | null | undefined;
}

/** Which items an object query looks at: those matching an item query, or a slice's. */
export type ItemScope = { query: ItemQuery } | { sliceId: string };

/** The objects an object query reads. */
export type ObjectSource =
  | { kind: "annotations" }
  | { kind: "predictions"; runId: string }
  | { kind: "matches"; runId: string; setKey: number; matchTypes?: readonly MatchType[] | undefined };

/** An object query: the text (object scope), where to read, and optionally which items. */
export interface ObjectQuery {
  text: string;
  source: ObjectSource;
  items?: ItemScope | undefined;
}

/** An object a query selected: a stored label, or a match row. */
export type ObjectRecord =
  | { kind: "label"; referenceId: string; label: LabelRecord }
  | { kind: "match"; match: MatchRowRecord };

/** How to order and cut a list of match rows (Evaluations V2 examples). */
export interface MatchOrder {
  /** `confidence`, `iou` or `dataset_item_id`; match order when absent. */
  sortBy?: "confidence" | "iou" | "dataset_item_id" | undefined;
  descending: boolean;
  offset: number;
  limit: number;
}

/** What facets to compute for the items of a query. */
export interface FacetRequest {
  /** Metadata keys (dotted paths) to describe; every key the dataset has when absent. */
  metadataKeys?: readonly string[] | undefined;
  /** Buckets of each numeric histogram. */
  bins: number;
  /** Distinct values listed per text or boolean key, most frequent first. */
  topValues: number;
}

/** Counts of one label among the items of a query. */
export interface LabelFacet {
  label: string;
  /** Objects with the label. */
  objects: number;
  /** Items with at least one. */
  items: number;
}

/** One metadata key among the items of a query. */
export interface MetadataFacet {
  key: string;
  /** What its values are: `number`, `string`, `boolean`, `list`, or `mixed`. */
  type: string;
  /** Items with a value (of any kind) for it. */
  items: number;
  /** The most frequent values of a text or boolean key, and how many items have each. */
  values?: { value: string | boolean; count: number }[];
  /** A numeric key: `counts[b]` items with a value in `[edges[b], edges[b + 1])` (the last bucket is closed). */
  histogram?: { edges: number[]; counts: number[] };
}

/** Facets of the items of a query. */
export interface FacetsRecord {
  /** Items matching the query. */
  count: number;
  /** Ground-truth labels. */
  annotations: LabelFacet[];
  /** Predictions per run of the dataset (or of the run the query names). */
  predictions: { runId: string; labels: LabelFacet[] }[];
  metadata: MetadataFacet[];
  /** Item tags and how many items have each. */
  tags: { tag: string; count: number }[];
}

/** A metadata key of a dataset: the kinds of its values and how many items and distinct values. */
export interface MetadataKeyRecord {
  key: string;
  /** The kinds its values have (`number`, `string`, `boolean`, `list`, `null`). */
  types: string[];
  /** `number`, `string`, `boolean`, `list`, or `any` when items disagree. */
  type: string;
  items: number;
  distinctValues: number;
  min?: number;
  max?: number;
}

/** A field a checked query names: where it is, and what it resolved to. */
export interface CheckedField {
  /** 0-based offsets in the query text, `end` exclusive. */
  start: number;
  end: number;
  text: string;
  /** `item`, `metadata`, `count`, `slice`, `tags`, `review`, `object` or `match`. */
  kind: string;
  /** The kind of value: `number`, `string`, `boolean`, `list` or `any`. */
  type: string;
}

/** Queries over each dataset. */
export interface QueryStore {
  /**
   * Checks a query against the dataset (metadata kinds, runs, slices) and compiles it without
   * running it; throws the `QueryError` a query of that text would.
   */
  check(datasetId: string, query: ItemQuery & { scope: "item" | "object" }): Promise<CheckedField[]>;
  /** A number that changes with every write to the dataset's items, labels, tags or reviews. */
  version(datasetId: string): Promise<number>;
  /** Items matching a query, in upload order. */
  items(datasetId: string, query: ItemQuery, page: PageRequest): Promise<Page<ItemRecord>>;
  /** How many items match a query. */
  count(datasetId: string, query: ItemQuery): Promise<number>;
  /** Objects matching an object query, in upload order of their items, then of the objects. */
  objects(datasetId: string, query: ObjectQuery, page: PageRequest): Promise<Page<ObjectRecord>>;
  /** Match rows of a query in the order asked, with how many there are in all. */
  matchRows(
    datasetId: string,
    query: ObjectQuery & { source: Extract<ObjectSource, { kind: "matches" }> },
    order: MatchOrder,
  ): Promise<{ rows: MatchRowRecord[]; total: number }>;
  /** Facets of the items matching a query. */
  facets(datasetId: string, query: ItemQuery, request: FacetRequest): Promise<FacetsRecord>;
  /** The dataset's metadata keys. */
  metadataKeys(datasetId: string): Promise<MetadataKeyRecord[]>;
}
