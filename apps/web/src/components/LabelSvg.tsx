import { memo } from "react";
import { withAlpha } from "../labels/colors.js";
import type { Transform } from "../labels/draw.js";
import type { Point, Shape } from "../labels/shapes.js";
import { type StyleOptions, styleOf } from "../labels/style.js";

const num = (n: number) => Math.round(n * 10) / 10;
const at = (t: Transform, p: Point) => `${num(p.x * t.scale + t.dx)} ${num(p.y * t.scale + t.dy)}`;

/** An SVG path (in layer pixels) for the outline of a shape; keypoints give their skeleton. */
export function outlinePath(shape: Shape, t: Transform): string {
  switch (shape.kind) {
    case "box": {
      const x = num(shape.x * t.scale + t.dx);
      const y = num(shape.y * t.scale + t.dy);
      return `M${x} ${y}h${num(shape.width * t.scale)}v${num(shape.height * t.scale)}h${num(-shape.width * t.scale)}Z`;
    }
    case "polygon":
    case "line":
      return (
        shape.points.map((p, i) => `${i === 0 ? "M" : "L"}${at(t, p)}`).join("") +
        (shape.kind === "polygon" && shape.points.length > 0 ? "Z" : "")
      );
    case "keypoints":
      return shape.skeleton
        .map(([a, b]) => [shape.points[a], shape.points[b]] as const)
        .filter(([pa, pb]) => pa?.visible && pb?.visible)
        .map(([pa, pb]) => `M${at(t, pa as Point)}L${at(t, pb as Point)}`)
        .join("");
    default:
      return "";
  }
}

/** Dots (as one path of circles) for the visible points of a keypoints shape. */
function dotsPath(shape: Shape & { kind: "keypoints" }, t: Transform, radius: number): string {
  const r = num(radius);
  return shape.points
    .filter((p) => p.visible)
    .map((p) => {
      const x = num(p.x * t.scale + t.dx);
      const y = num(p.y * t.scale + t.dy);
      return `M${num(x - r)} ${y}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;
    })
    .join("");
}

/**
 * The labels of a grid tile as inline SVG over its image, styled as {@link drawShapes} draws them
 * on a canvas. A grid shows dozens of tiles at once: an SVG is painted with the page, where a
 * canvas per tile would be a compositor layer of its own to update on every scrolled frame.
 */
export const LabelSvg = memo(function LabelSvg({
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
  /** What the layer shows, for assistive technology. */
  label: string;
}) {
  const parts: React.ReactNode[] = [];
  for (const shape of shapes) {
    if (shape.kind === "category" || shape.kind === "mask") continue;
    const s = styleOf(shape, style);
    if (s.hidden) continue;
    const d = outlinePath(shape, transform);
    const closed = shape.kind === "box" || shape.kind === "polygon";
    if (d)
      parts.push(
        <path
          key={shape.key}
          d={d}
          stroke={s.color}
          strokeWidth={s.width ?? 2}
          strokeDasharray={s.dash ? s.dash.join(" ") : undefined}
          fill={closed && s.fill ? withAlpha(s.color, s.fill) : "none"}
        />,
      );
    if (shape.kind === "keypoints")
      parts.push(
        <path
          key={`${shape.key}/dots`}
          d={dotsPath(shape, transform, Math.max(2, (s.width ?? 2) + 1))}
          fill={s.color}
        />,
      );
  }
  return (
    <svg
      className="label-layer"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-shapes={shapes.length}
      strokeLinejoin="round"
    >
      {parts}
    </svg>
  );
});
