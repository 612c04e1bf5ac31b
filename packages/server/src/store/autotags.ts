/**
 * Autotags: linear classifiers trained on a dataset's item vectors from a few positive (and
 * negative) examples, refined in rounds, and the score in [-1, 1] each gives every item with a
 * vector. Scores are kept per item so that queries (`autotag.<name> > 0.5`) and slices read them.
 */
import type { Page, PageRequest } from "./common.js";

/** Where an autotag is: training and scoring, scored, or failed. */
export type AutotagStatus = "Running" | "Completed" | "Errored";

/** One round of refinement: what the user accepted and rejected, and how long training took. */
export interface AutotagRound {
  accepted: number;
  rejected: number;
  /** Milliseconds spent training and scoring after the round. */
  ms: number;
  at: string;
}

/** What an autotag learned from, and the model it learned. */
export interface AutotagTraining {
  /** Item ids of the positive examples, in the order they were given. */
  positives: string[];
  /** Item ids of the negative examples the user gave, at creation or by rejecting them since. */
  negatives: string[];
  /**
   * Whether random items stand in as background negatives: set when the autotag was created
   * without negatives, and kept through its refinement rounds.
   */
  randomNegatives: boolean;
  /** Refinement rounds, oldest first. */
  rounds: AutotagRound[];
  /** The model of the last training, null before the first. */
  model: { weights: number[]; bias: number } | null;
  /** How many scores the last scoring wrote. */
  scored: number;
  /** Why the last training failed, when it did. */
  error?: string;
}

/** A stored autotag. */
export interface AutotagRecord {
  id: string;
  datasetId: string;
  name: string;
  status: AutotagStatus;
  training: AutotagTraining;
  /** Counts scorings: scores from an older one are dropped when a scoring ends. */
  generation: number;
  createdAt: string;
  updatedAt: string;
}

/** A scored item. */
export interface AutotagScore {
  itemId: string;
  referenceId: string;
  score: number;
}

/** Autotags and their scores. */
export interface AutotagStore {
  /** Creates an autotag; undefined when the dataset already has one of that name. */
  create(input: {
    id: string;
    datasetId: string;
    name: string;
    training: AutotagTraining;
  }): Promise<AutotagRecord | undefined>;
  get(id: string): Promise<AutotagRecord | undefined>;
  byName(datasetId: string, name: string): Promise<AutotagRecord | undefined>;
  /** The dataset's autotags, oldest first. */
  list(datasetId: string): Promise<AutotagRecord[]>;
  /** Changes status and training; `generation` advances when `nextGeneration` is set. */
  update(
    id: string,
    fields: { status?: AutotagStatus; training?: AutotagTraining; nextGeneration?: boolean },
  ): Promise<AutotagRecord | undefined>;
  /** Deletes an autotag with its scores. */
  delete(id: string): Promise<boolean>;
  /** Writes scores of one generation (replacing an item's earlier score). */
  putScores(
    id: string,
    generation: number,
    scores: readonly { itemId: string; score: number }[],
  ): Promise<void>;
  /** Drops scores older than `generation` (items scored before and not since). */
  dropOlder(id: string, generation: number): Promise<number>;
  /** Scores at or above `min`, highest first (ties by item id), a page at a time. */
  top(id: string, min: number, request: PageRequest): Promise<Page<AutotagScore>>;
  /** How many items score at or above `min`. */
  countAbove(id: string, min: number): Promise<number>;
}
