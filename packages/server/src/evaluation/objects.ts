import type { Box, MatchObject, Point } from "@nucleus/metrics";
import type { EntityStores, ItemRecord, LabelRecord } from "../store/index.js";

/** The ground truth and predictions of one model run's dataset, as geometric objects. */
export interface RunObjects {
  items: ItemRecord[];
  groundTruth: MatchObject[];
  predictions: MatchObject[];
}

const PAGE = 5_000;

/** A box or polygon label as a matchable object; other types are not matched. */
export function toMatchObject(label: LabelRecord): MatchObject | undefined {
  const payload = label.payload as {
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
    id: label.id,
    itemId: label.itemId,
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

/** Reads every item, box and polygon of a run's dataset, a page of items at a time. */
export async function loadRunObjects(
  store: Pick<EntityStores, "items" | "labels">,
  datasetId: string,
  runId: string,
): Promise<RunObjects> {
  const out: RunObjects = { items: [], groundTruth: [], predictions: [] };
  let cursor: string | null = null;
  do {
    const page = await store.items.page(datasetId, { cursor, limit: PAGE });
    for (const item of page.records) out.items.push(item);
    const ids = page.records.map((item) => item.id);
    for (const label of await store.labels.list({ kind: "annotations", datasetId }, ids)) {
      const object = toMatchObject(label);
      if (object) out.groundTruth.push(object);
    }
    for (const label of await store.labels.list({ kind: "predictions", datasetId, runId }, ids)) {
      const object = toMatchObject(label);
      if (object) out.predictions.push(object);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}
