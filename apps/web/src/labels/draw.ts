import { withAlpha } from "./colors.js";
import type { Point, Shape } from "./shapes.js";

/** Image pixels to canvas (CSS) pixels: `canvas = image * scale + offset`. */
export interface Transform {
  scale: number;
  dx: number;
  dy: number;
}

/** How one shape is drawn; `hidden` shapes are skipped. */
export interface ShapeStyle {
  color: string;
  /** Dash pattern in CSS pixels; predictions are dashed so they never read as ground truth. */
  dash?: number[];
  /** Line width in CSS pixels. */
  width?: number;
  /** Fill opacity of boxes and polygons. */
  fill?: number;
  /** A caption drawn on the shape's top-left corner (item view). */
  caption?: string;
  hidden?: boolean;
}

/**
 * The transform that fits an image of `width` x `height` inside a `boxWidth` x `boxHeight` area,
 * centred, as CSS `object-fit: contain` does.
 */
export function containTransform(
  width: number,
  height: number,
  boxWidth: number,
  boxHeight: number,
): Transform {
  const scale = Math.min(boxWidth / width, boxHeight / height);
  return { scale, dx: (boxWidth - width * scale) / 2, dy: (boxHeight - height * scale) / 2 };
}

const at = (t: Transform, p: Point): [number, number] => [p.x * t.scale + t.dx, p.y * t.scale + t.dy];

function path(ctx: CanvasRenderingContext2D, t: Transform, points: readonly Point[], close: boolean): void {
  ctx.beginPath();
  points.forEach((p, i) => {
    const [x, y] = at(t, p);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  if (close) ctx.closePath();
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Writes a caption above a shape's corner (below it at the top edge); one that would cover a
 * caption already written (a prediction on its ground truth) moves down past it.
 */
function caption(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  color: string,
  taken: Rect[],
): void {
  ctx.font = "600 11px system-ui, sans-serif";
  const width = ctx.measureText(text).width + 8;
  let top = y - 16 < 0 ? y : y - 16;
  for (let tries = 0; tries < 8; tries++) {
    const hit = taken.find((r) => overlaps(r, { x, y: top, width, height: 16 }));
    if (!hit) break;
    top = hit.y + hit.height;
  }
  taken.push({ x, y: top, width, height: 16 });
  ctx.setLineDash([]);
  ctx.fillStyle = color;
  ctx.fillRect(x, top, width, 16);
  ctx.fillStyle = "#0b0d12";
  ctx.fillText(text, x + 4, top + 12);
}

/**
 * Draws shapes onto a 2D context whose unit is the CSS pixel. Categories and masks are not drawn
 * here (categories are chips beside the image; masks are images of their own).
 */
export function drawShapes(
  ctx: CanvasRenderingContext2D,
  shapes: readonly Shape[],
  t: Transform,
  styleOf: (shape: Shape) => ShapeStyle,
): void {
  ctx.lineJoin = "round";
  const captions: Rect[] = [];
  for (const shape of shapes) {
    const style = styleOf(shape);
    if (style.hidden || shape.kind === "category" || shape.kind === "mask") continue;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width ?? 2;
    ctx.setLineDash(style.dash ?? []);
    let corner: [number, number] | undefined;
    if (shape.kind === "box") {
      const [x, y] = at(t, shape);
      const w = shape.width * t.scale;
      const h = shape.height * t.scale;
      if (style.fill) {
        ctx.fillStyle = withAlpha(style.color, style.fill);
        ctx.fillRect(x, y, w, h);
      }
      ctx.strokeRect(x, y, w, h);
      corner = [x, y];
    } else if (shape.kind === "polygon" || shape.kind === "line") {
      const closed = shape.kind === "polygon";
      path(ctx, t, shape.points, closed);
      if (closed && style.fill) {
        ctx.fillStyle = withAlpha(style.color, style.fill);
        ctx.fill();
      }
      ctx.stroke();
      if (shape.points[0]) corner = at(t, shape.points[0]);
    } else if (shape.kind === "keypoints") {
      for (const [a, b] of shape.skeleton) {
        const pa = shape.points[a];
        const pb = shape.points[b];
        if (pa?.visible && pb?.visible) path(ctx, t, [pa, pb], false);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.fillStyle = style.color;
      for (const p of shape.points) {
        if (!p.visible) continue;
        const [x, y] = at(t, p);
        ctx.beginPath();
        ctx.arc(x, y, Math.max(2, (style.width ?? 2) + 1), 0, Math.PI * 2);
        ctx.fill();
        corner ??= [x, y];
      }
    }
    if (style.caption && corner) caption(ctx, style.caption, corner[0], corner[1], style.color, captions);
  }
  ctx.setLineDash([]);
}

/**
 * Sizes a canvas to its element's CSS box at the device's pixel ratio and returns its context,
 * cleared, in CSS pixels.
 */
export function prepareCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
