import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ListSnapshot } from "../api/items.js";
import { useShortcut } from "../state/shortcuts.js";
import { type SelectMode, Tile, type TileView } from "./Tile.js";

/** What the grid selects with: which items are selected, and how a click or a rectangle changes that. */
export interface GridSelection {
  isSelected: (itemId: string) => boolean;
  /** Something is selected. */
  active: boolean;
  onSelect: (index: number, mode: SelectMode) => void;
  /** Tiles inside a dragged rectangle (`add`: keep what was selected). */
  onSelectMany: (indices: number[], add: boolean) => void;
}

/** A rectangle being dragged, in the scroller's content coordinates. */
interface Drag {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  add: boolean;
  moved: boolean;
}

/** Pixels the pointer moves before a press becomes a rectangle. */
const DRAG_START = 6;

const GAP = 8;
const CAPTION = 30;

/**
 * A virtualised grid of tiles over a whole list: only the rows in view (and a few around) exist
 * in the page, so 100,000 items scroll like 100. Arrow keys move the focus, Enter opens.
 */
export function Grid({
  snapshot,
  view,
  tile,
  want,
  focus,
  onFocusChange,
  onOpen,
  selection,
}: {
  snapshot: ListSnapshot;
  view: Omit<TileView, "width" | "imageHeight">;
  /** The wanted tile width in CSS pixels. */
  tile: number;
  /** Asks the list for items up to an index. */
  want: (index: number) => void;
  focus: number;
  onFocusChange: (index: number) => void;
  onOpen: (index: number) => void;
  /** Selecting items: a check box on each tile, shift-click ranges and rectangles. */
  selection?: GridSelection;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);

  const inner = Math.max(0, width - GAP * 2);
  const columns = Math.max(1, Math.floor((inner + GAP) / (tile + GAP)));
  const tileWidth = Math.floor((inner - GAP * (columns - 1)) / columns);
  const imageHeight = Math.round(tileWidth * 0.75);
  const rowHeight = imageHeight + CAPTION + GAP;
  const count = snapshot.total ?? snapshot.items.length + (snapshot.done ? 0 : columns * 3);
  const rows = Math.ceil(count / columns);

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 3,
  });
  // Rows change height with the tile size: the virtualiser measures them again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rowHeight is the reason to measure.
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, rowHeight]);

  const range = virtualizer.getVirtualItems();
  const last = range.at(-1)?.index ?? 0;
  useEffect(() => {
    want((last + 1) * columns);
  }, [last, columns, want]);

  const move = (delta: number) => {
    const next = Math.max(0, Math.min(count - 1, focus + delta));
    onFocusChange(next);
    virtualizer.scrollToIndex(Math.floor(next / columns), { align: "auto" });
    requestAnimationFrame(() =>
      scroller.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus({ preventScroll: true }),
    );
  };
  useShortcut(["ArrowRight", "l"], "Next tile", "Grid", () => move(1));
  useShortcut(["ArrowLeft", "h"], "Previous tile", "Grid", () => move(-1));
  useShortcut(["ArrowDown", "j"], "Tile below", "Grid", () => move(columns));
  useShortcut(["ArrowUp", "k"], "Tile above", "Grid", () => move(-columns));
  useShortcut(["Enter", "o"], "Open the focused item", "Grid", () => onOpen(focus));
  useShortcut(["Home"], "First item", "Grid", () => move(-focus));

  // A rectangle dragged over the grid selects the tiles it touches.
  const [drag, setDrag] = useState<Drag>();
  const dragged = useRef(false);
  const pointAt = (event: { clientX: number; clientY: number }) => {
    const el = scroller.current as HTMLDivElement;
    const rect = el.getBoundingClientRect();
    return { x: event.clientX - rect.left + el.scrollLeft, y: event.clientY - rect.top + el.scrollTop };
  };
  const onPointerDown = (event: React.PointerEvent<HTMLDivElement>) => {
    if (!selection || event.button !== 0 || (event.target as HTMLElement).closest(".tile-check")) return;
    // A finger scrolls rather than selects, and the scroll bar stays a scroll bar.
    if (event.pointerType === "touch") return;
    const el = event.currentTarget;
    if (event.clientX - el.getBoundingClientRect().left >= el.clientWidth) return;
    const { x, y } = pointAt(event);
    dragged.current = false;
    setDrag({
      x0: x,
      y0: y,
      x1: x,
      y1: y,
      add: event.shiftKey || event.ctrlKey || event.metaKey,
      moved: false,
    });
  };
  const onPointerMove = (event: React.PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const { x, y } = pointAt(event);
    const moved = drag.moved || Math.hypot(x - drag.x0, y - drag.y0) > DRAG_START;
    if (moved && !drag.moved) scroller.current?.setPointerCapture(event.pointerId);
    setDrag({ ...drag, x1: x, y1: y, moved });
  };
  const onPointerUp = () => {
    if (!drag) return;
    setDrag(undefined);
    if (!drag.moved || !selection || !scroller.current) return;
    dragged.current = true;
    const el = scroller.current;
    const box = el.getBoundingClientRect();
    const left = Math.min(drag.x0, drag.x1);
    const right = Math.max(drag.x0, drag.x1);
    const top = Math.min(drag.y0, drag.y1);
    const bottom = Math.max(drag.y0, drag.y1);
    const hits: number[] = [];
    for (const tileEl of el.querySelectorAll<HTMLElement>(".tile[data-item-id]")) {
      const r = tileEl.getBoundingClientRect();
      const x = r.left - box.left + el.scrollLeft;
      const y = r.top - box.top + el.scrollTop;
      if (x < right && x + r.width > left && y < bottom && y + r.height > top)
        hits.push(Number(tileEl.dataset.index));
    }
    selection.onSelectMany(hits, drag.add);
  };

  const tileView: TileView = useMemo(
    () => ({ ...view, width: tileWidth, imageHeight }),
    [view, tileWidth, imageHeight],
  );
  return (
    <div
      ref={scroller}
      className={`grid-scroller${drag?.moved ? " dragging" : ""}${selection?.active ? " selecting" : ""}`}
      data-columns={columns}
      data-rows={rows}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => setDrag(undefined)}
      onClickCapture={(event) => {
        // The click that ends a rectangle does not open the tile it ends on.
        if (dragged.current) {
          dragged.current = false;
          event.preventDefault();
          event.stopPropagation();
        }
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {drag?.moved ? (
          <div
            className="select-rect"
            style={{
              left: Math.min(drag.x0, drag.x1),
              top: Math.min(drag.y0, drag.y1) - 8,
              width: Math.abs(drag.x1 - drag.x0),
              height: Math.abs(drag.y1 - drag.y0),
            }}
          />
        ) : null}
        {width > 0
          ? range.map((row) => (
              <div
                key={row.key}
                className="grid-row"
                style={{
                  transform: `translateY(${row.start}px)`,
                  height: rowHeight,
                  gap: GAP,
                  padding: `0 ${GAP}px`,
                }}
              >
                {Array.from({ length: columns }, (_, c) => {
                  const index = row.index * columns + c;
                  if (index >= count) return null;
                  return (
                    <Tile
                      key={index}
                      item={snapshot.items[index]}
                      index={index}
                      view={tileView}
                      focused={index === focus}
                      onFocus={onFocusChange}
                      {...(selection
                        ? {
                            selected: Boolean(
                              snapshot.items[index] &&
                                selection.isSelected((snapshot.items[index] as { id: string }).id),
                            ),
                            selecting: selection.active,
                            onSelect: selection.onSelect,
                          }
                        : {})}
                    />
                  );
                })}
              </div>
            ))
          : null}
      </div>
    </div>
  );
}
