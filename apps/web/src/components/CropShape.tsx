import { useEffect, useRef } from "react";
import { labelColor } from "../labels/colors.js";
import { prepareCanvas, type Transform } from "../labels/draw.js";
import type { Shape } from "../labels/shapes.js";
import { outlinePath } from "./LabelSvg.js";

/**
 * A non-box object drawn over its crop: a polygon, line or keypoints as SVG strokes, a mask as
 * its segments tinted in their classes' colours on a canvas. `transform` maps image pixels to
 * the crop's pixels.
 */
export function CropShape({
  shape,
  transform,
  size,
  color,
}: {
  shape: Shape;
  transform: Transform;
  /** The crop's side in CSS pixels. */
  size: number;
  color: string;
}) {
  if (shape.kind === "mask")
    return <MaskCanvas url={shape.url} segments={shape.segments} transform={transform} size={size} />;
  const dots =
    shape.kind === "keypoints"
      ? shape.points
          .filter((p) => p.visible)
          .map((p) => ({ x: p.x * transform.scale + transform.dx, y: p.y * transform.scale + transform.dy }))
      : [];
  const closed = shape.kind === "polygon";
  return (
    <svg
      className="crop-shape"
      width={size}
      height={size}
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={`${shape.kind} ${shape.label}`}
      data-kind={shape.kind}
    >
      <path
        d={outlinePath(shape, transform)}
        stroke={color}
        strokeWidth={2}
        strokeLinejoin="round"
        fill={closed ? color : "none"}
        fillOpacity={closed ? 0.18 : undefined}
      />
      {dots.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a keypoint is its position in the list.
        <circle key={i} cx={p.x} cy={p.y} r={3} fill={color} />
      ))}
    </svg>
  );
}

/** A segmentation mask (a PNG of segment indices) with each segment tinted in its class's colour. */
function MaskCanvas({
  url,
  segments,
  transform,
  size,
}: {
  url: string;
  segments: readonly { label: string; index: number }[];
  transform: Transform;
  size: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { scale, dx, dy } = transform;
  useEffect(() => {
    let live = true;
    const image = new Image();
    image.src = url;
    image
      .decode()
      .then(() => {
        const element = canvas.current;
        if (!live || !element) return;
        const tint = document.createElement("canvas");
        tint.width = image.naturalWidth;
        tint.height = image.naturalHeight;
        const t = tint.getContext("2d", { willReadFrequently: true });
        if (!t) return;
        t.drawImage(image, 0, 0);
        const pixels = t.getImageData(0, 0, tint.width, tint.height);
        const colors = new Map(
          segments.map((s) => {
            const n = Number.parseInt(labelColor(s.label).slice(1), 16);
            return [s.index, [(n >> 16) & 255, (n >> 8) & 255, n & 255]] as const;
          }),
        );
        const d = pixels.data;
        for (let i = 0; i < d.length; i += 4) {
          const rgb = colors.get(d[i] as number);
          if (rgb) {
            d[i] = rgb[0];
            d[i + 1] = rgb[1];
            d[i + 2] = rgb[2];
            d[i + 3] = 140;
          } else d[i + 3] = 0;
        }
        t.putImageData(pixels, 0, 0);
        const ctx = prepareCanvas(element, size, size);
        if (!ctx) return;
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(tint, dx, dy, tint.width * scale, tint.height * scale);
        element.dataset.drawn = "true";
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [url, segments, scale, dx, dy, size]);
  return (
    <canvas
      ref={canvas}
      className="crop-shape"
      style={{ width: size, height: size }}
      role="img"
      aria-label="mask"
      data-kind="mask"
    />
  );
}
