import { annotate } from "./annotate.js";
import { appendItems } from "./append-items.js";
import { asyncUpload } from "./async-upload.js";
import { cocoEvaluation } from "./coco-evaluation.js";
import { createClient } from "./create-client.js";
import { datasetInfo } from "./dataset-info.js";
import { datasets } from "./datasets.js";
import { debugAModel } from "./debug-a-model.js";
import { findFailureModes } from "./find-failure-modes.js";
import { itemAccess } from "./item-access.js";
import { modelCi } from "./model-ci.js";
import { modelRuns } from "./models.js";
import { resumableUpload } from "./resumable-upload.js";
import { scenesAndVideo } from "./scenes-and-video.js";
import { similarity } from "./similarity.js";
import { slices } from "./slices.js";
import type { Example } from "./support.js";

/** Every example, in the order of the README. */
export const EXAMPLES: readonly Example[] = [
  createClient,
  datasets,
  appendItems,
  datasetInfo,
  itemAccess,
  annotate,
  modelRuns,
  slices,
  asyncUpload,
  cocoEvaluation,
  debugAModel,
  findFailureModes,
  modelCi,
  scenesAndVideo,
  similarity,
  resumableUpload,
];

export type { Example, ExampleContext } from "./support.js";
