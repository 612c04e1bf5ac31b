import { type Command, lazyRun } from "../command.js";

const uploadFlags = {
  dataset: {
    type: "string",
    value: "ID_OR_NAME",
    required: true,
    description: "the dataset: an id or a name",
  },
  resume: {
    type: "string",
    value: "JOURNAL",
    description:
      "the journal of an earlier run of the same upload: only what it did not acknowledge is sent (each upload keeps one; Ctrl-C prints where)",
  },
  update: { type: "boolean", description: "replace existing entries instead of ignoring them" },
  concurrency: { type: "integer", min: 1, max: 64, description: "requests in flight (default 4)" },
  "batch-size": { type: "integer", min: 1, description: "entries per request (default: the protocol's)" },
} as const;

const FORMATS = `Formats (one entry per line in .ndjson; a .json file may hold an array of entries):
  items        {"image_url": "s3://bucket/a.jpg", "reference_id": "a.jpg", "metadata": {"weather": "rain"}}
  annotations  {"type": "box", "reference_id": "a.jpg", "label": "car", "annotation_id": "car-1",
                "geometry": {"x": 10, "y": 20, "width": 30, "height": 40}}
  predictions  {"type": "box", "reference_id": "a.jpg", "label": "car", "confidence": 0.92,
                "geometry": {"x": 12, "y": 21, "width": 29, "height": 41}}
Keys may be snake_case (the protocol's) or the camelCase that \`nu ... --json\` prints, so the
output of \`nu items get DATASET REF --json\` can be uploaded again as it is. Annotations and
predictions may also be COCO JSON. See the Formats guide for every type.`;

/** `nu upload items|annotations|predictions`. */
export const uploadCommands: Command[] = [
  {
    path: ["upload", "items"],
    summary: "upload a folder of images, or an NDJSON, JSON or CSV file of items",
    usage: "<dir-or-file>",
    flags: {
      ...uploadFlags,
      "string-columns": {
        type: "string",
        value: "A,B",
        description: "CSV columns to keep as text (others: numbers and true/false become typed)",
      },
    },
    details: `${FORMATS}\nCSV: a header with image_url and reference_id; other columns become metadata.`,
    run: lazyRun(
      () => import("../actions/upload.js"),
      (m) => m.uploadItems,
    ),
  },
  {
    path: ["upload", "annotations"],
    summary: "upload ground truth from Nucleus NDJSON/JSON or COCO JSON",
    usage: "<file>",
    flags: uploadFlags,
    details: FORMATS,
    run: lazyRun(
      () => import("../actions/upload.js"),
      (m) => m.uploadAnnotations,
    ),
  },
  {
    path: ["upload", "predictions"],
    summary: "upload a model's predictions from Nucleus NDJSON/JSON or COCO results JSON",
    usage: "<file>",
    flags: {
      ...uploadFlags,
      model: { type: "string", value: "MODEL_ID", required: true, description: "the model id" },
      gt: {
        type: "string",
        value: "FILE",
        description: "the COCO ground truth the results refer to (COCO input)",
      },
    },
    details: FORMATS,
    run: lazyRun(
      () => import("../actions/upload.js"),
      (m) => m.uploadPredictions,
    ),
  },
];
