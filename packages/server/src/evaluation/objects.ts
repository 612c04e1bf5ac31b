import type { Box, CocoAnnotation, CocoDetection, MatchObject, Point } from "@nucleus/metrics";
import type { NucleusStore } from "../store/store.js";
import type { ItemRow, LabelRow } from "../store/types.js";

/** The ground truth and predictions of one model run's dataset, as geometric objects. */
export interface RunObjects {
  items: ItemRow[];
  groundTruth: MatchObject[];
  predictions: MatchObject[];
}

const PAGE = 5_000;

function toObject(row: LabelRow, itemId: string): MatchObject | undefined {
  const payload = JSON.parse(row.payload) as {
    type: string;
    label?: string;
    geometry?: {
      x?: number;
      y?: number;
      width?: number;
      height?: number;
      vertices?: { x: number; y: number }[];
    };
    confidence?: number | null;
  };
  const base = {
    id: row.id,
    itemId,
    label: payload.label ?? "",
    ...(payload.confidence != null ? { score: payload.confidence } : {}),
  };
  const g = payload.geometry ?? {};
  if (payload.type === "box")
    return { ...base, box: [g.x ?? 0, g.y ?? 0, g.width ?? 0, g.height ?? 0] as Box };
  if (payload.type === "polygon" && g.vertices)
    return { ...base, polygon: g.vertices.map((v) => [v.x, v.y] as Point) };
  return undefined;
}

/** Reads every item, box and polygon of a run's dataset, page by page. */
export function loadRunObjects(store: NucleusStore, datasetId: string, runId: string): RunObjects {
  const out: RunObjects = { items: [], groundTruth: [], predictions: [] };
  let after = 0;
  for (;;) {
    const items = store.itemsPage(datasetId, after, PAGE);
    if (items.length === 0) break;
    out.items.push(...items);
    after = (items[items.length - 1] as ItemRow).seq;
    const ids = items.map((item) => item.id);
    for (const row of store.labelsOfItems({ kind: "annotations", datasetId }, ids)) {
      const object = toObject(row, row.item_id);
      if (object) out.groundTruth.push(object);
    }
    for (const row of store.labelsOfItems({ kind: "predictions", datasetId, runId }, ids)) {
      const object = toObject(row, row.item_id);
      if (object) out.predictions.push(object);
    }
  }
  return out;
}

/** The run's boxes as a COCO ground truth and results, with labels as category ids 1..n. */
export function toCoco(objects: RunObjects): {
  groundTruth: {
    images: { id: number }[];
    categories: { id: number; name: string }[];
    annotations: CocoAnnotation[];
  };
  detections: CocoDetection[];
  labels: string[];
} {
  const labels = [
    ...new Set([...objects.groundTruth, ...objects.predictions].filter((o) => o.box).map((o) => o.label)),
  ].sort();
  const labelId = new Map(labels.map((label, i) => [label, i + 1]));
  const imageId = new Map(objects.items.map((item, i) => [item.id, i + 1]));
  const annotations: CocoAnnotation[] = [];
  objects.groundTruth.forEach((g) => {
    if (!g.box) return;
    annotations.push({
      id: annotations.length + 1,
      image_id: imageId.get(String(g.itemId)) as number,
      category_id: labelId.get(g.label) as number,
      bbox: [...g.box],
      area: g.box[2] * g.box[3],
      iscrowd: 0,
    });
  });
  const detections: CocoDetection[] = objects.predictions
    .filter((p) => p.box)
    .map((p) => ({
      image_id: imageId.get(String(p.itemId)) as number,
      category_id: labelId.get(p.label) as number,
      bbox: [...(p.box as Box)],
      score: p.score ?? 1,
    }));
  return {
    groundTruth: {
      images: objects.items.map((_, i) => ({ id: i + 1 })),
      categories: labels.map((name, i) => ({ id: i + 1, name })),
      annotations,
    },
    detections,
    labels,
  };
}
