import type { Box, MatchObject, Point } from "@nucleus/metrics";
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
