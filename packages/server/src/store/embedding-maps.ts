/**
 * Embedding maps: a 2-D projection of a dataset's item vectors, computed as a job and kept until
 * the vectors change (the map remembers the vectors' version it was made from).
 */
import type { Page, PageRequest } from "./common.js";

/** Where a map is: being computed, ready, or failed. */
export type EmbeddingMapStatus = "Running" | "Completed" | "Errored";

/** A dataset's map (one per dataset: a new computation replaces it). */
export interface EmbeddingMapRecord {
  datasetId: string;
  method: string;
  /** The vectors' version (see `EmbeddingMapStore`) the map was computed from. */
  version: string;
  status: EmbeddingMapStatus;
  jobId: string;
  points: number;
  /** What the projection found, e.g. the share of variance each axis explains. */
  details: Record<string, unknown>;
  updatedAt: string;
}

/** One item's place on the map. */
export interface MapPoint {
  itemId: string;
  referenceId: string;
  x: number;
  y: number;
}

/** Embedding maps and their points. */
export interface EmbeddingMapStore {
  get(datasetId: string): Promise<EmbeddingMapRecord | undefined>;
  /** Starts a new map of the dataset: the earlier one and its points are dropped. */
  begin(datasetId: string, fields: { method: string; version: string; jobId: string }): Promise<void>;
  /** Adds points (for items of the dataset; others are dropped). */
  putPoints(datasetId: string, points: readonly { itemId: string; x: number; y: number }[]): Promise<void>;
  /** Ends the computation that `jobId` runs; false when another one replaced it. */
  finish(
    datasetId: string,
    jobId: string,
    fields: { status: EmbeddingMapStatus; points: number; details: Record<string, unknown> },
  ): Promise<boolean>;
  /** The points in item id order, a page at a time. */
  points(datasetId: string, request: PageRequest): Promise<Page<MapPoint>>;
}
