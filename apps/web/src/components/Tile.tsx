import { memo, useMemo, useState } from "react";
import { type GridItem, notePressed } from "../api/items.js";
import type { LabelStore } from "../api/labels.js";
import { mediaOf, preloadImage } from "../api/media.js";
import { containTransform } from "../labels/draw.js";
import { matchShapes } from "../labels/match.js";
import type { Shape, Source } from "../labels/shapes.js";
import { isShown, type StyleOptions } from "../labels/style.js";
import { CategoryChips } from "./CategoryChips.js";
import { LabelSvg } from "./LabelSvg.js";
import { Link } from "./Link.js";
import { Thumbnail } from "./Thumbnail.js";
import { useItemLabels } from "./useLabels.js";

/** What every tile of a grid draws the same way. */
export interface TileView {
  endpoint: string;
  datasetId: string;
  store: LabelStore;
  sources: readonly Source[];
  runs: readonly string[];
  style: Omit<StyleOptions, "marks">;
  iou: number;
  /** Tile size in CSS pixels: the image box, and the caption below it. */
  width: number;
  imageHeight: number;
  hrefOf: (item: GridItem) => string;
}

/** How a click selects: one tile on or off, or every tile from the last one clicked. */
export type SelectMode = "toggle" | "range";

/**
 * One cell of the grid: the thumbnail, its labels on a canvas, category chips and error counts;
 * with `onSelect`, a check box to select it (shift-click selects a range, and while anything is
 * selected a click on the tile selects rather than opens).
 */
export const Tile = memo(function Tile({
  item,
  index,
  view,
  focused,
  onFocus,
  selected,
  selecting,
  onSelect,
}: {
  item: GridItem | undefined;
  index: number;
  view: TileView;
  focused: boolean;
  onFocus: (index: number) => void;
  selected?: boolean;
  /** Something is selected: a plain click selects too. */
  selecting?: boolean;
  onSelect?: (index: number, mode: SelectMode) => void;
}) {
  const states = useItemLabels(view.store, item?.id, view.sources);
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  const shapes = useMemo(() => states.flatMap((s) => (s.status === "ready" ? s.shapes : [])), [states]);
  const failed = states.some((s) => s.status === "error");
  const loading = states.some((s) => s.status === "loading");
  const firstRun = view.runs[0];
  const marks = useMemo(() => {
    if (!firstRun || loading) return undefined;
    const gt = shapes.filter((s) => s.source === "gt");
    const preds = shapes.filter((s) => s.source === `run:${firstRun}`);
    return matchShapes(gt, preds, { iouThreshold: view.iou, minConfidence: view.style.minConfidence });
  }, [shapes, firstRun, loading, view.iou, view.style.minConfidence]);

  if (!item) {
    return <div className="tile tile-skeleton" aria-hidden="true" style={{ width: view.width }} />;
  }
  const width = item.width ?? natural?.width;
  const height = item.height ?? natural?.height;
  const visible = shapes.filter((s) => isShown(s, view.style));
  const drawable = visible.filter((s) => s.kind !== "category" && s.kind !== "mask");
  const chips = visible.filter((s): s is Shape & { kind: "category" } => s.kind === "category");
  let fp = 0;
  let fn = 0;
  for (const mark of marks?.values() ?? []) {
    if (mark.kind === "FP") fp++;
    if (mark.kind === "FN") fn++;
  }
  const summary = `${item.referenceId}: ${drawable.length} label${drawable.length === 1 ? "" : "s"}${
    marks ? `, ${fp} false positive${fp === 1 ? "" : "s"}, ${fn} missed` : ""
  }`;
  const select = onSelect;
  const link = (
    <Link
      href={view.hrefOf(item)}
      className={`tile${focused ? " tile-focused" : ""}${selected ? " tile-selected" : ""}`}
      style={{ width: view.width }}
      draggable={false}
      onClick={
        select
          ? (event) => {
              const modified = event.shiftKey || event.ctrlKey || event.metaKey;
              if (!modified && !selecting) return;
              event.preventDefault();
              select(index, event.shiftKey ? "range" : "toggle");
            }
          : undefined
      }
      tabIndex={focused ? 0 : -1}
      aria-label={summary}
      data-index={index}
      data-item-id={item.id}
      onFocus={() => onFocus(index)}
      onPointerDown={(event) => {
        // A press comes ~100 ms before the click that opens the item: its image starts loading now.
        if (event.button !== 0) return;
        notePressed(item);
        const media = mediaOf(item.imageUrl, view.endpoint);
        if (media.kind !== "unreachable") preloadImage(media.url);
      }}
    >
      <div className="tile-image" style={{ height: view.imageHeight }}>
        <Thumbnail
          endpoint={view.endpoint}
          datasetId={view.datasetId}
          itemId={item.id}
          url={item.imageUrl}
          size={Math.max(view.width, view.imageHeight) * (window.devicePixelRatio || 1)}
          onSize={(w, h) => setNatural({ width: w, height: h })}
        />
        {width && height ? (
          <LabelSvg
            shapes={drawable}
            width={view.width}
            height={view.imageHeight}
            transform={containTransform(width, height, view.width, view.imageHeight)}
            style={{ ...view.style, ...(marks ? { marks } : {}) }}
            label={summary}
          />
        ) : null}
        {failed ? (
          <span className="tile-flag" title="Some labels did not load">
            !
          </span>
        ) : null}
      </div>
      <div className="tile-caption">
        <span className="tile-ref">{item.referenceId}</span>
        {/* Beside error counts a caption has room for one chip (and how many more). */}
        <CategoryChips shapes={chips} max={marks && (fp > 0 || fn > 0) ? 1 : 3} />
        {marks && (fp > 0 || fn > 0) ? (
          <span className="errors">
            {fp > 0 ? <span className="fp">{fp} FP</span> : null}
            {fn > 0 ? <span className="fn">{fn} FN</span> : null}
          </span>
        ) : null}
      </div>
    </Link>
  );
  if (!select) return link;
  return (
    <div className="tile-cell" style={{ width: view.width }}>
      {link}
      <button
        type="button"
        aria-pressed={Boolean(selected)}
        aria-label={`Select ${item.referenceId}`}
        className="tile-check"
        tabIndex={-1}
        onClick={(event) => select(index, event.shiftKey ? "range" : "toggle")}
      >
        <svg viewBox="0 0 16 16" aria-hidden="true">
          <path d="M3.5 8.5l3 3 6-7" />
        </svg>
      </button>
    </div>
  );
});
