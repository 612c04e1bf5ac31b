import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { type PointCloud, PointsError, usePoints } from "../api/points.js";
import type { CloudFrame } from "../api/scenes.js";
import {
  type Cuboid,
  cuboidCorners,
  extentOf,
  fitView,
  RAMP_GRADIENT,
  rampColor,
  rampRange,
  toCanvas,
  type View,
  zoomAt,
} from "../labels/bev.js";
import { drawShapes, prepareCanvas } from "../labels/draw.js";
import type { Shape } from "../labels/shapes.js";
import "../styles/pointcloud.css";

/** The canvas behind the points: dark in both themes, so every ramp colour reads. */
const BACKGROUND = "#0f1218";
/** Colour steps of the ramp (points are drawn one step at a time). */
const STEPS = 32;
const IDENTITY = { scale: 1, dx: 0, dy: 0 };

/** How a cuboid is drawn; the scene page decides (track colours, dimming). */
export interface CuboidStyle {
  color: string;
  width: number;
  fill?: number;
  caption: string;
}

/** A grid step in metres that puts lines at least 60 pixels apart. */
function gridStep(scale: number): number {
  for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500]) if (step * scale >= 60) return step;
  return 1000;
}

function drawGrid(ctx: CanvasRenderingContext2D, v: View, width: number, height: number): void {
  const step = gridStep(v.scale);
  ctx.strokeStyle = "rgba(255,255,255,0.08)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  const x0 = Math.ceil(-v.dx / v.scale / step) * step;
  for (let x = x0; x * v.scale + v.dx <= width; x += step) {
    const cx = Math.round(x * v.scale + v.dx) + 0.5;
    ctx.moveTo(cx, 0);
    ctx.lineTo(cx, height);
  }
  const y0 = Math.floor(v.dy / v.scale / step) * step;
  for (let y = y0; -y * v.scale + v.dy <= height; y -= step) {
    const cy = Math.round(-y * v.scale + v.dy) + 0.5;
    ctx.moveTo(0, cy);
    ctx.lineTo(width, cy);
  }
  ctx.stroke();
  // The sensor at the origin.
  const [ox, oy] = toCanvas(v, 0, 0);
  ctx.strokeStyle = "rgba(255,255,255,0.45)";
  ctx.beginPath();
  ctx.moveTo(ox - 6, oy);
  ctx.lineTo(ox + 6, oy);
  ctx.moveTo(ox, oy - 6);
  ctx.lineTo(ox, oy + 6);
  ctx.stroke();
}

/** Draws the points one colour step at a time; returns how many fell on the canvas. */
function drawPoints(
  ctx: CanvasRenderingContext2D,
  cloud: PointCloud,
  values: ArrayLike<number>,
  range: [number, number],
  v: View,
  width: number,
  height: number,
): number {
  const { count, xyz } = cloud;
  const step = new Uint8Array(count);
  const perStep = new Uint32Array(STEPS + 1);
  const span = range[1] - range[0];
  for (let k = 0; k < count; k++) {
    const t = ((values[k] as number) - range[0]) / span;
    const s = Math.min(STEPS - 1, Math.max(0, Math.floor(t * STEPS)));
    step[k] = s;
    perStep[s + 1] = (perStep[s + 1] as number) + 1;
  }
  for (let s = 1; s <= STEPS; s++) perStep[s] = (perStep[s] as number) + (perStep[s - 1] as number);
  const order = new Uint32Array(count);
  const next = perStep.slice(0, STEPS);
  for (let k = 0; k < count; k++) {
    const s = step[k] as number;
    order[next[s] as number] = k;
    next[s] = (next[s] as number) + 1;
  }
  const size = Math.min(4, Math.max(1.5, v.scale * 0.06));
  const half = size / 2;
  let drawn = 0;
  for (let s = 0; s < STEPS; s++) {
    const [r, g, b] = rampColor((s + 0.5) / STEPS);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    for (let at = perStep[s] as number; at < (perStep[s + 1] as number); at++) {
      const k = order[at] as number;
      const cx = (xyz[k * 3] as number) * v.scale + v.dx;
      const cy = -(xyz[k * 3 + 1] as number) * v.scale + v.dy;
      if (cx < -half || cy < -half || cx > width + half || cy > height + half) continue;
      ctx.fillRect(cx - half, cy - half, size, size);
      drawn++;
    }
  }
  return drawn;
}

/** A cuboid as a polygon in canvas pixels, its top-most corner first (where its caption goes). */
function cuboidShape(c: Cuboid, v: View): Shape {
  const points = cuboidCorners(c).map(([x, y]) => {
    const [cx, cy] = toCanvas(v, x, y);
    return { x: cx, y: cy };
  });
  let first = 0;
  points.forEach((p, i) => {
    const best = points[first] as { x: number; y: number };
    if (p.y < best.y - 0.01 || (Math.abs(p.y - best.y) <= 0.01 && p.x < best.x)) first = i;
  });
  return {
    kind: "polygon",
    points: [...points.slice(first), ...points.slice(0, first)],
    key: c.key,
    label: c.label,
    source: "gt",
  };
}

/** A line from a cuboid's centre to the middle of its front, so its heading shows. */
function drawHeading(ctx: CanvasRenderingContext2D, c: Cuboid, v: View, style: CuboidStyle): void {
  const [x0, y0] = toCanvas(v, c.x, c.y);
  const [x1, y1] = toCanvas(
    v,
    c.x + (Math.cos(c.yaw) * c.length) / 2,
    c.y + (Math.sin(c.yaw) * c.length) / 2,
  );
  ctx.strokeStyle = style.color;
  ctx.lineWidth = style.width;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

/**
 * A lidar frame from above: its points (from the server, a bounded number of them)
 * coloured by height or intensity, fitted to the canvas with both axes at one scale, and its
 * cuboids as turned rectangles with a line to their front. The wheel zooms about the pointer,
 * dragging pans, a double click (or Fit) fits the cloud again; the view is kept from frame to
 * frame. A cloud the server cannot read shows the server's reason instead.
 */
export function PointCloudView({
  datasetId,
  frameIndex,
  cloud,
  nextItemId,
  styleOf,
  order,
}: {
  datasetId: string;
  frameIndex: number;
  cloud: CloudFrame;
  /** The next frame's cloud, read ahead. */
  nextItemId?: string;
  styleOf: (cuboid: Cuboid) => CuboidStyle;
  /** Cuboids in drawing order (the last on top). */
  order: (cuboids: readonly Cuboid[]) => Cuboid[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [manual, setManual] = useState<View | null>(null);
  const [colorBy, setColorBy] = useState<"height" | "intensity">("height");
  const [drawn, setDrawn] = useState(0);
  const points = usePoints(datasetId, cloud.itemId, nextItemId);
  const data = points.status === "ready" ? points.data : undefined;
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const byIntensity = colorBy === "intensity" && Boolean(data?.intensity);
  const values = useMemo(() => {
    if (!data) return new Float32Array(0);
    if (byIntensity && data.intensity) return data.intensity;
    const z = new Float32Array(data.count);
    for (let k = 0; k < data.count; k++) z[k] = data.xyz[k * 3 + 2] as number;
    return z;
  }, [data, byIntensity]);
  const range = useMemo(() => rampRange(values), [values]);
  const fitted = useMemo(() => {
    const b = data?.bounds;
    const extent = extentOf(
      b ? { minX: b.min[0], maxX: b.max[0], minY: b.min[1], maxY: b.max[1] } : null,
      cloud.cuboids,
    );
    return fitView(extent, size.width, size.height);
  }, [data, cloud.cuboids, size]);
  const view = manual ?? fitted;

  useEffect(() => {
    const element = canvas.current;
    if (!element || size.width === 0) return;
    const ctx = prepareCanvas(element, size.width, size.height);
    if (!ctx) return;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, size.width, size.height);
    drawGrid(ctx, view, size.width, size.height);
    setDrawn(data ? drawPoints(ctx, data, values, range, view, size.width, size.height) : 0);
    const cuboids = order(cloud.cuboids);
    const styles = new Map(cuboids.map((c) => [c.key, styleOf(c)]));
    for (const c of cuboids) drawHeading(ctx, c, view, styles.get(c.key) as CuboidStyle);
    drawShapes(
      ctx,
      cuboids.map((c) => cuboidShape(c, view)),
      IDENTITY,
      (shape) => styles.get(shape.key) as CuboidStyle,
    );
  }, [data, values, range, view, size, cloud.cuboids, styleOf, order]);

  // The wheel zooms the view (a listener that may cancel the page's scroll).
  const viewRef = useRef(view);
  viewRef.current = view;
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = element.getBoundingClientRect();
      setManual(zoomAt(viewRef.current, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top));
    };
    element.addEventListener("wheel", wheel, { passive: false });
    return () => element.removeEventListener("wheel", wheel);
  }, []);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const zoomBy = (factor: number) => setManual(zoomAt(view, factor, size.width / 2, size.height / 2));

  const error = points.status === "error" ? points.error : undefined;
  return (
    <div ref={box} className="scene-frame cloud-view" data-frame={frameIndex}>
      <canvas
        ref={canvas}
        className="cloud-canvas"
        style={{ width: size.width, height: size.height }}
        role="img"
        aria-label={`Point cloud of frame ${frameIndex + 1} from above: ${drawn} points, ${cloud.cuboids.length} cuboids`}
        data-points={data ? drawn : undefined}
        data-total={data?.total}
        data-cuboids={cloud.cuboids.length}
        data-view={`${view.scale} ${view.dx} ${view.dy}`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, view };
        }}
        onPointerMove={(e) => {
          const start = drag.current;
          if (!start) return;
          setManual({
            ...start.view,
            dx: start.view.dx + e.clientX - start.x,
            dy: start.view.dy + e.clientY - start.y,
          });
        }}
        onPointerUp={() => {
          drag.current = null;
        }}
        onDoubleClick={() => setManual(null)}
      />
      {error ? (
        <div className="placeholder large cloud-message" role="status">
          <span>This point cloud cannot be drawn</span>
          <code>{error instanceof PointsError ? error.message : String(error)}</code>
        </div>
      ) : points.status === "loading" ? (
        <div className="cloud-loading muted small" role="status">
          Loading points…
        </div>
      ) : null}
      {error ? null : (
        <div className="cloud-tools">
          <label className="small">
            Colour by{" "}
            <select
              value={byIntensity ? "intensity" : "height"}
              onChange={(e) => setColorBy(e.target.value as "height" | "intensity")}
            >
              <option value="height">height (z)</option>
              <option value="intensity" disabled={data ? !data.intensity : false}>
                intensity
              </option>
            </select>
          </label>
          <button type="button" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
            +
          </button>
          <button type="button" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
            −
          </button>
          <button type="button" onClick={() => setManual(null)} disabled={!manual}>
            Fit
          </button>
        </div>
      )}
      {data ? (
        <div className="cloud-legend small">
          <span>{fmt(range[0])}</span>
          <span className="cloud-ramp" style={{ background: RAMP_GRADIENT }} />
          <span>
            {fmt(range[1])} {byIntensity ? "intensity" : "m (z)"}
          </span>
          <span className="cloud-count">
            {data.count < data.total
              ? `${data.count.toLocaleString("en")} of ${data.total.toLocaleString("en")} points`
              : `${data.total.toLocaleString("en")} points`}
            {" · "}grid {gridStep(view.scale)} m
          </span>
        </div>
      ) : null}
    </div>
  );
}
