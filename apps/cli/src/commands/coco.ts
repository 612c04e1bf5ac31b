import { type Command, lazyRun } from "../command.js";

/** `nu import coco` and `nu export coco`. */
export const cocoCommands: Command[] = [
  {
    path: ["import", "coco"],
    summary:
      "import COCO images, boxes, polygons and masks (and optionally a model's results) into a dataset",
    flags: {
      dataset: {
        type: "string",
        description: "a dataset id or name (a new dataset when no dataset has that name)",
      },
      images: { type: "string", description: "the folder holding the images' file_name paths" },
      annotations: { type: "string", description: "COCO ground-truth JSON" },
      predictions: { type: "string", description: "COCO results JSON of a model" },
      model: { type: "string", description: "the model's name (with --predictions; default coco-results)" },
    },
    run: lazyRun(
      () => import("../actions/coco.js"),
      (m) => m.importCoco,
    ),
  },
  {
    path: ["export", "coco"],
    summary: "export a dataset (or slice) as COCO ground truth, or a model's predictions as COCO results",
    flags: {
      dataset: { type: "string", description: "the dataset id or name" },
      slice: { type: "string", description: "only this slice's items" },
      model: { type: "string", description: "export this model's predictions (id or name) as COCO results" },
      "boxes-only": {
        type: "boolean",
        description: "leave segmentation out (polygons and masks are written by default)",
      },
      output: { type: "string", description: "write to this file instead of standard output" },
    },
    run: lazyRun(
      () => import("../actions/coco.js"),
      (m) => m.exportCoco,
    ),
  },
];
