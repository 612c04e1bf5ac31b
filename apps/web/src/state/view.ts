import type { ColorBy } from "../labels/style.js";
import { navigate, useLocation, withQuery } from "./router.js";

/**
 * What the grid and item view show, kept in the address bar so that a reload, the back button
 * and a copied link all give the same view.
 */
export interface ViewState {
  /** A query in the Nucleus query language narrowing the items ("" for all of them). */
  query: string;
  /** A slice to show instead of the whole dataset. */
  sliceId: string | undefined;
  /** Runs whose predictions are drawn, in order (the first is the one matched in the item view). */
  runs: string[];
  /** Draw the ground truth. */
  groundTruth: boolean;
  /** Classes not drawn. */
  hidden: Set<string>;
  /** Predictions below this confidence are not drawn. */
  minConfidence: number;
  /** Sort by an item metadata field. */
  sort: { field: string; descending: boolean } | undefined;
  /** Tile width of the grid in CSS pixels. */
  tile: number;
  /** The IoU a prediction needs to count as a true positive. */
  iou: number;
  /** Colour labels by class, or by TP / FP / FN against the first run. */
  colorBy: ColorBy;
}

const list = (value: string | null) => (value ? value.split(",").filter(Boolean) : []);
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Reads the view from query parameters. */
export function parseView(search: URLSearchParams): ViewState {
  const sort = search.get("sort");
  const conf = Number(search.get("conf") ?? "0");
  const tile = Number(search.get("tile") ?? "220");
  const iou = Number(search.get("iou") ?? "0.5");
  return {
    query: search.get("q") ?? "",
    sliceId: search.get("slice") ?? undefined,
    runs: list(search.get("runs")),
    groundTruth: search.get("gt") !== "0",
    hidden: new Set(list(search.get("hide"))),
    minConfidence: Number.isFinite(conf) ? clamp(conf, 0, 1) : 0,
    sort: sort ? { field: sort.replace(/^-/, ""), descending: sort.startsWith("-") } : undefined,
    tile: Number.isFinite(tile) ? clamp(tile, 120, 480) : 220,
    iou: Number.isFinite(iou) && iou > 0 ? clamp(iou, 0.05, 0.95) : 0.5,
    colorBy: search.get("color") === "match" ? "match" : "label",
  };
}

/** The query parameters of a change to the view. */
export function viewQuery(change: Partial<ViewState>): Record<string, string | null> {
  const q: Record<string, string | null> = {};
  if (change.query !== undefined) q.q = change.query.trim() || null;
  if ("sliceId" in change) q.slice = change.sliceId ?? null;
  if (change.runs) q.runs = change.runs.join(",") || null;
  if (change.groundTruth !== undefined) q.gt = change.groundTruth ? null : "0";
  if (change.hidden) q.hide = [...change.hidden].join(",") || null;
  if (change.minConfidence !== undefined)
    q.conf = change.minConfidence > 0 ? change.minConfidence.toFixed(2) : null;
  if ("sort" in change)
    q.sort = change.sort ? `${change.sort.descending ? "-" : ""}${change.sort.field}` : null;
  if (change.tile !== undefined) q.tile = change.tile === 220 ? null : String(Math.round(change.tile));
  if (change.iou !== undefined) q.iou = change.iou === 0.5 ? null : change.iou.toFixed(2);
  if (change.colorBy !== undefined) q.color = change.colorBy === "match" ? "match" : null;
  return q;
}

/** The view of the current URL and a function that changes it (replacing the history entry). */
export function useView(): [ViewState, (change: Partial<ViewState>) => void, URLSearchParams] {
  const { pathname, search } = useLocation();
  const view = parseView(search);
  const update = (change: Partial<ViewState>) =>
    navigate(withQuery(pathname, search, viewQuery(change)), { replace: true });
  return [view, update, search];
}

/** The query string that carries the view to another page (grid <-> item view). */
export function carriedQuery(search: URLSearchParams): string {
  const keep = new URLSearchParams();
  for (const name of ["q", "slice", "runs", "gt", "hide", "conf", "sort", "tile", "iou", "color"]) {
    const value = search.get(name);
    if (value !== null) keep.set(name, value);
  }
  const query = keep.toString();
  return query ? `?${query}` : "";
}
