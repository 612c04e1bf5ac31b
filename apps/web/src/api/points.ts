/**
 * A lidar frame's points, read from the server's `ext/.../points` route (the file uploaded with
 * the scene, or an http(s) URL the server fetches), a bounded number of them per frame. The last
 * few clouds are kept in memory so stepping back and forth through a drive does not read them again.
 */
import { useEffect, useState } from "react";
import { apiEndpoint } from "./endpoint.js";
import type { ResourceState } from "./resource.js";

/** The most points drawn for one frame; the server takes larger clouds down evenly to this. */
export const MAX_DRAWN_POINTS = 50_000;
/** Clouds kept in memory. */
const KEPT = 8;

/** A cloud as drawn: positions (and intensities when every point has one) in typed arrays. */
export interface PointCloud {
  /** Points in the file. */
  total: number;
  /** Points here (at most {@link MAX_DRAWN_POINTS}). */
  count: number;
  /** `count` rows of x, y, z. */
  xyz: Float32Array;
  /** One intensity per point, when the file gives every point one. */
  intensity?: Float32Array;
  /** The whole cloud's extent, or null for an empty cloud. */
  bounds: { min: [number, number, number]; max: [number, number, number] } | null;
}

/** The server's answer. */
interface PointsWire {
  total: number;
  count: number;
  fields: string[];
  points: number[];
  bounds: PointCloud["bounds"];
}

/** Why a cloud could not be read: the server's message (a location it cannot read, a bad file). */
export class PointsError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "PointsError";
  }
}

function unpack(wire: PointsWire): PointCloud {
  const stride = wire.fields.length;
  const hasI = wire.fields[3] === "i";
  const xyz = new Float32Array(wire.count * 3);
  const intensity = hasI ? new Float32Array(wire.count) : undefined;
  for (let k = 0; k < wire.count; k++) {
    const at = k * stride;
    xyz[k * 3] = wire.points[at] as number;
    xyz[k * 3 + 1] = wire.points[at + 1] as number;
    xyz[k * 3 + 2] = wire.points[at + 2] as number;
    if (intensity) intensity[k] = wire.points[at + 3] as number;
  }
  return {
    total: wire.total,
    count: wire.count,
    xyz,
    ...(intensity ? { intensity } : {}),
    bounds: wire.bounds,
  };
}

/** Reads a point cloud item's points (the session's cookie goes with the request). */
export async function fetchPoints(datasetId: string, itemId: string): Promise<PointCloud> {
  const url = `${apiEndpoint()}/ext/datasets/${encodeURIComponent(datasetId)}/items/${encodeURIComponent(itemId)}/points?max=${MAX_DRAWN_POINTS}`;
  const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new PointsError(body.error ?? `the server answered HTTP ${response.status}`, response.status);
  }
  return unpack((await response.json()) as PointsWire);
}

const kept = new Map<string, Promise<PointCloud>>();

/** The cloud of an item, read once and kept among the last few (a failed read is not kept). */
export function loadPoints(datasetId: string, itemId: string): Promise<PointCloud> {
  const key = `${datasetId}/${itemId}`;
  let cloud = kept.get(key);
  if (cloud) kept.delete(key);
  else {
    cloud = fetchPoints(datasetId, itemId);
    cloud.catch(() => kept.get(key) === cloud && kept.delete(key));
  }
  kept.set(key, cloud);
  while (kept.size > KEPT) kept.delete(kept.keys().next().value as string);
  return cloud;
}

/** The points of a point cloud item (none asked for: stays loading), and the next frame's read ahead. */
export function usePoints(
  datasetId: string,
  itemId: string | undefined,
  nextItemId?: string,
): ResourceState<PointCloud> {
  const [state, setState] = useState<{ key: string; value: ResourceState<PointCloud> }>();
  const key = itemId ? `${datasetId}/${itemId}` : "";
  useEffect(() => {
    if (!itemId) return;
    let live = true;
    loadPoints(datasetId, itemId).then(
      (data) => {
        if (live) setState({ key, value: { status: "ready", data } });
        if (nextItemId) void loadPoints(datasetId, nextItemId).catch(() => undefined);
      },
      (error: unknown) => live && setState({ key, value: { status: "error", error } }),
    );
    return () => {
      live = false;
    };
  }, [datasetId, itemId, nextItemId, key]);
  return state && state.key === key ? state.value : { status: "loading" };
}
