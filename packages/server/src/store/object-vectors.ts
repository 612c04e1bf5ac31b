/**
 * Object embeddings: the `embedding_vector` of box and polygon annotations and predictions, kept
 * beside their label (replacing, deleting the label, its item or its run deletes the vector) and
 * read back in pages so that a search never holds every vector of a dataset at once. The label
 * store writes them with their labels; this store reads them.
 */
import type { Page, PageRequest } from "./common.js";
import type { LabelInput } from "./labels.js";

/** Where an object comes from: a dataset's ground truth or a model run's predictions. */
export type ObjectVectorSource = "annotation" | "prediction";

/** Which objects a read covers (every object of the dataset when empty). */
export interface ObjectVectorFilter {
  /** Only annotations, or only predictions. */
  source?: ObjectVectorSource;
  /** Only this run's predictions. */
  runId?: string;
  /** Only objects with this label. */
  label?: string;
}

/** A stored vector and its object's id, as a scan reads it. */
export interface ObjectVector {
  /**
   * The vector's key: a number that grows with each vector stored (a replaced label's vector
   * takes a new one), so an index catches up by reading the keys past its last.
   */
  key: number;
  objectId: string;
  vector: Float32Array;
}

/** A stored vector with its object: where it lies, what it is and what it was uploaded as. */
export interface ObjectVectorRecord {
  /** The server's id of the annotation or prediction. */
  objectId: string;
  source: ObjectVectorSource;
  /** The run of a prediction; null for an annotation. */
  runId: string | null;
  itemId: string;
  referenceId: string;
  label: string;
  /** The label as uploaded (wire form). */
  payload: LabelInput;
  vector: Float32Array;
}

/** Reads of the object vectors of each dataset. */
export interface ObjectVectorStore {
  /** The length of the dataset's object vectors, or null while it has none. */
  dimension(datasetId: string): Promise<number | null>;
  /** How many object vectors of the dataset a filter keeps. */
  count(datasetId: string, filter?: ObjectVectorFilter): Promise<number>;
  /** One page of the vectors a filter keeps, in storage order (the cursor is opaque). */
  page(datasetId: string, filter: ObjectVectorFilter, request: PageRequest): Promise<Page<ObjectVector>>;
  /** Some objects of the dataset with their vectors, by object id (ids without a vector are left out). */
  get(datasetId: string, objectIds: readonly string[]): Promise<Map<string, ObjectVectorRecord>>;
  /**
   * Some of the dataset's current vectors with their objects, by key: keys of vectors since
   * replaced or deleted (or of another dataset) are left out.
   */
  byKeys(datasetId: string, keys: readonly number[]): Promise<Map<number, ObjectVectorRecord>>;
  /**
   * The largest key given to any object vector of any dataset so far (0 before the first):
   * deleting vectors does not lower it, so an index holding a larger key was built from another
   * database.
   */
  lastKey(): Promise<number>;
}

/**
 * The vector a label carries for the object table: boxes and polygons with a non-empty
 * `embedding_vector`, as float32; undefined for every other label.
 */
export function objectVectorOf(label: LabelInput): Float32Array | undefined {
  if (label.type !== "box" && label.type !== "polygon") return undefined;
  const vector = label.embedding_vector;
  return Array.isArray(vector) && vector.length > 0 ? Float32Array.from(vector) : undefined;
}

/** The label text of a box or polygon (what a search filters on). */
export function labelText(label: LabelInput): string {
  return "label" in label && typeof label.label === "string" ? label.label : "";
}
