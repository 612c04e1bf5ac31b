import type { MapPoint } from "@nucleus/core";
import {
  type PointerEvent as ReactPointerEvent,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { PALETTE } from "../labels/colors.js";

/** Map coordinates to CSS pixels of the canvas: `px = x * sx + dx`, `py = y * sy + dy`. */
export interface MapTransform {
  sx: number;
  sy: number;
  dx: number;
  dy: number;
}

const PAD = 16;
const NEUTRAL = "#8a94a3";

/** The colour of a group, by its place in the legend (neutral for points in no group). */
export function groupColor(groups: readonly string[], group: string | undefined): string {
  const at = group === undefined ? -1 : groups.indexOf(group);
  return at === -1 || group === "(none)" ? NEUTRAL : (PALETTE[at % PALETTE.length] as string);
}

function fit(points: readonly MapPoint[], width: number, height: number): MapTransform {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  if (!Number.isFinite(minX)) return { sx: 1, sy: 1, dx: 0, dy: 0 };
  // One scale for both axes: distances on the map keep their proportions.
  const scale = Math.min(
    (width - 2 * PAD) / Math.max(maxX - minX, 1e-9),
    (height - 2 * PAD) / Math.max(maxY - minY, 1e-9),
  );
  const dx = (width - (maxX - minX) * scale) / 2 - minX * scale;
  // y grows upwards on the map, downwards on screen.
  const dy = (height + (maxY - minY) * scale) / 2 + minY * scale;
  return { sx: scale, sy: -scale, dx, dy };
}

/** Whether a point lies inside a polygon (even-odd rule). */
function inside(x: number, y: number, polygon: readonly { x: number; y: number }[]): boolean {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i] as { x: number; y: number };
    const b = polygon[j] as { x: number; y: number };
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
  }
  return hit;
}

/**
 * The embedding map as a scatter plot on a canvas, a point per item coloured by its group; a
 * drag selects the points in a box (or, in lasso mode, inside the drawn outline).
 */
export function ScatterMap({
  points,
  colorOf,
  selected,
  onSelect,
  mode,
}: {
  points: readonly MapPoint[];
  colorOf: (point: MapPoint) => string;
  selected: ReadonlySet<string>;
  onSelect: (itemIds: Set<string>) => void;
  mode: "box" | "lasso";
}) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [path, setPath] = useState<{ x: number; y: number }[]>([]);
  const dragging = useRef(false);
  // The path as the pointer drew it, read on release (the state may lag a frame behind).
  const drawn = useRef<{ x: number; y: number }[]>([]);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const t = useMemo(() => fit(points, size.width, size.height), [points, size]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || size.width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = Math.round(size.width * ratio);
    element.height = Math.round(size.height * ratio);
    const ctx = element.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    const any = selected.size > 0;
    const r = points.length > 20_000 ? 1.5 : points.length > 2_000 ? 2.5 : 4;
    // Unselected first, so the selection is drawn on top.
    for (const pass of [false, true]) {
      for (const p of points) {
        const isSelected = selected.has(p.itemId);
        if (isSelected !== pass) continue;
        ctx.globalAlpha = any && !isSelected ? 0.25 : 1;
        ctx.fillStyle = colorOf(p);
        ctx.beginPath();
        ctx.arc(p.x * t.sx + t.dx, p.y * t.sy + t.dy, isSelected ? r + 1 : r, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    if (path.length > 1) {
      ctx.strokeStyle = "#6e95ff";
      ctx.fillStyle = "rgba(110,149,255,0.12)";
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 3]);
      ctx.beginPath();
      const shape = mode === "box" ? rectangle(path) : path;
      shape.forEach((p, i) => {
        if (i === 0) ctx.moveTo(p.x, p.y);
        else ctx.lineTo(p.x, p.y);
      });
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }, [points, colorOf, selected, size, t, path, mode]);

  const local = (e: ReactPointerEvent) => {
    const rect = box.current?.getBoundingClientRect();
    return { x: e.clientX - (rect?.left ?? 0), y: e.clientY - (rect?.top ?? 0) };
  };
  const down = (e: ReactPointerEvent) => {
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    drawn.current = [local(e)];
    setPath(drawn.current);
  };
  const move = (e: ReactPointerEvent) => {
    if (!dragging.current) return;
    const p = local(e);
    const before = drawn.current;
    drawn.current = mode === "box" ? [before[0] ?? p, p] : [...before, p];
    setPath(drawn.current);
  };
  const up = () => {
    if (!dragging.current) return;
    dragging.current = false;
    const path = drawn.current;
    const shape = mode === "box" ? rectangle(path) : path;
    const chosen = new Set<string>();
    if (path.length > 1)
      for (const p of points) if (inside(p.x * t.sx + t.dx, p.y * t.sy + t.dy, shape)) chosen.add(p.itemId);
    setPath([]);
    onSelect(chosen);
  };
  return (
    <div ref={box} className="scatter" onPointerDown={down} onPointerMove={move} onPointerUp={up}>
      <canvas
        ref={canvas}
        style={{ width: size.width, height: size.height }}
        role="img"
        aria-label={`Embedding map of ${points.length} items, ${selected.size} selected`}
        data-points={points.length}
        data-transform={JSON.stringify(t)}
      />
    </div>
  );
}

function rectangle(path: readonly { x: number; y: number }[]): { x: number; y: number }[] {
  const a = path[0];
  const b = path[path.length - 1];
  if (!a || !b) return [];
  return [
    { x: a.x, y: a.y },
    { x: b.x, y: a.y },
    { x: b.x, y: b.y },
    { x: a.x, y: b.y },
  ];
}
