import { useEffect, useRef } from "react";
import { drawShapes, prepareCanvas, type Transform } from "../labels/draw.js";
import type { Shape } from "../labels/shapes.js";
import { type StyleOptions, styleOf } from "../labels/style.js";

/**
 * A transparent canvas over an image that draws its labels; the image is elsewhere (an `<img>`
 * below), so the canvas holds labels only.
 */
export function LabelLayer({
  shapes,
  width,
  height,
  transform,
  style,
  label,
}: {
  shapes: readonly Shape[];
  /** The layer's size in CSS pixels. */
  width: number;
  height: number;
  transform: Transform;
  style: StyleOptions;
  /** What the canvas shows, for assistive technology. */
  label: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const ctx = prepareCanvas(element, width, height);
    if (ctx) drawShapes(ctx, shapes, transform, (shape) => styleOf(shape, style));
  });
  return (
    <canvas
      ref={canvas}
      className="label-layer"
      style={{ width, height }}
      role="img"
      aria-label={label}
      data-shapes={shapes.length}
    />
  );
}
