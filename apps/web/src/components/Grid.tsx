import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ListSnapshot } from "../api/items.js";
import { useShortcut } from "../state/shortcuts.js";
import { Tile, type TileView } from "./Tile.js";

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

  const tileView: TileView = useMemo(
    () => ({ ...view, width: tileWidth, imageHeight }),
    [view, tileWidth, imageHeight],
  );
  return (
    <div ref={scroller} className="grid-scroller" data-columns={columns} data-rows={rows}>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
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
