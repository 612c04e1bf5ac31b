import { type Command, lazyRun } from "../command.js";

const exportFlags = {
  dataset: { type: "string", description: "the dataset id or name" },
  slice: { type: "string", description: "only this slice's items" },
  output: { type: "string", description: "the folder to write" },
  "labels-only": { type: "boolean", description: "write the label files only, not the images" },
} as const;

/** `nu import yolo|voc` and `nu export yolo|voc|cvat`. */
export const formatCommands: Command[] = [
  {
    path: ["import", "yolo"],
    summary: "import an Ultralytics YOLO dataset (boxes and polygons) from its data.yaml or folder",
    usage: "<data.yaml|dir>",
    flags: {
      dataset: {
        type: "string",
        description: "a dataset id or name (a new dataset when no dataset has that name)",
      },
      predictions: {
        type: "string",
        description: "a folder of a model's YOLO label files (with confidences)",
      },
      model: {
        type: "string",
        description: "the model's name (with --predictions; default yolo-predictions)",
      },
    },
    run: lazyRun(
      () => import("../actions/formats.js"),
      (m) => m.importYolo,
    ),
  },
  {
    path: ["import", "voc"],
    summary: "import Pascal VOC images and XML box annotations",
    flags: {
      dataset: {
        type: "string",
        description: "a dataset id or name (a new dataset when no dataset has that name)",
      },
      images: { type: "string", description: "the folder of the images (JPEGImages)" },
      annotations: { type: "string", description: "the folder of the XML files (Annotations)" },
    },
    run: lazyRun(
      () => import("../actions/formats.js"),
      (m) => m.importVoc,
    ),
  },
  {
    path: ["export", "yolo"],
    summary: "export a dataset (or a model's predictions) as an Ultralytics YOLO dataset",
    flags: {
      ...exportFlags,
      model: { type: "string", description: "write this model's predictions (id or name), with confidences" },
      "boxes-only": {
        type: "boolean",
        description: "write polygons as their bounding boxes (a detection dataset)",
      },
    },
    run: lazyRun(
      () => import("../actions/formats.js"),
      (m) => m.exportYolo,
    ),
  },
  {
    path: ["export", "voc"],
    summary: "export a dataset's boxes as Pascal VOC (Annotations/*.xml and JPEGImages/)",
    flags: { ...exportFlags },
    run: lazyRun(
      () => import("../actions/formats.js"),
      (m) => m.exportVoc,
    ),
  },
  {
    path: ["export", "cvat"],
    summary: "export a dataset's boxes and polygons (or a model's) as CVAT for images 1.1 XML",
    flags: {
      dataset: exportFlags.dataset,
      slice: exportFlags.slice,
      output: { type: "string", description: "the XML file to write (annotations.xml inside a folder)" },
      model: { type: "string", description: "write this model's predictions (id or name)" },
    },
    run: lazyRun(
      () => import("../actions/formats.js"),
      (m) => m.exportCvat,
    ),
  },
];
