import type { CocoDetection, CocoGroundTruth } from "../src/index.js";

/** A seeded generator of numbers in [0, 1). */
export function random(seed: number): () => number;

/** The bench's COCO workload: ground truth and detections for `images` images. */
export function workload(
  images: number,
  seed: number,
  withPolygons?: boolean,
): { gt: CocoGroundTruth; dt: CocoDetection[] };
