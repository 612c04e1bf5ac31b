import {
  type PointerEvent as ReactPointerEvent,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type WheelEvent,
} from "react";
import type { Media } from "../api/media.js";
import type { Transform } from "../labels/draw.js";
import { shapeAt } from "../labels/hit.js";
import type { Shape } from "../labels/shapes.js";
import { isShown, type StyleOptions } from "../labels/style.js";
import { LabelLayer } from "./LabelLayer.js";

/** Zoom and pan shared by the panels of a viewer: a zoom factor over "fit", and the image point at the centre. */
export interface Camera {
  zoom: number;
  cx: number;
  cy: number;
}

/** One panel of the viewer: a title and the shapes drawn in it. */
export interface Panel {
  title: string;
  shapes: readonly Shape[];
  style: StyleOptions;
}

/** The camera that shows the whole image. */
export function fitCamera(width: number, height: number): Camera {
  return { zoom: 1, cx: width / 2, cy: height / 2 };
}

function transformOf(
  camera: Camera,
  image: { width: number; height: number },
  box: { width: number; height: number },
): Transform {
  const fit = Math.min(box.width / image.width, box.height / image.height);
  const scale = fit * camera.zoom;
  return { scale, dx: box.width / 2 - camera.cx * scale, dy: box.height / 2 - camera.cy * scale };
}

/**
 * The full image with its labels, in one or more panels side by side that zoom and pan together:
 * the wheel zooms about the pointer, dragging pans, and hovering a label says what it is.
 */
export function ImageViewer({
  media,
  image,
  panels,
  camera,
  setCamera,
  describe,
}: {
  media: Media;
  image: { width: number; height: number };
  panels: readonly Panel[];
  camera: Camera;
  setCamera: (camera: Camera) => void;
  /** The lines of the hover card of a shape. */
  describe: (shape: Shape) => string[];
}) {
  return (
    <div className="viewer" data-panels={panels.length}>
      {panels.map((panel) => (
        <ViewerPanel
          key={panel.title}
          media={media}
          image={image}
          panel={panel}
          camera={camera}
          setCamera={setCamera}
          describe={describe}
        />
      ))}
    </div>
  );
}

function ViewerPanel({
  media,
  image,
  panel,
  camera,
  setCamera,
  describe,
}: {
  media: Media;
  image: { width: number; height: number };
  panel: Panel;
  camera: Camera;
  setCamera: (camera: Camera) => void;
  describe: (shape: Shape) => string[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [hover, setHover] = useState<{ shape: Shape; x: number; y: number }>();
  // The URL that failed: the next item's image gets its own chance.
  const [failedUrl, setFailedUrl] = useState<string>();
  const drag = useRef<{ x: number; y: number; camera: Camera } | null>(null);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  // Wheel zoom must be able to stop the page from scrolling, which React's passive listener cannot.
  const wheel = useRef<(e: globalThis.WheelEvent) => void>(() => undefined);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const listener = (e: globalThis.WheelEvent) => wheel.current(e);
    element.addEventListener("wheel", listener, { passive: false });
    return () => element.removeEventListener("wheel", listener);
  }, []);

  const t = transformOf(camera, image, size);
  const toImage = (clientX: number, clientY: number) => {
    const rect = box.current?.getBoundingClientRect();
    return {
      x: (clientX - (rect?.left ?? 0) - t.dx) / t.scale,
      y: (clientY - (rect?.top ?? 0) - t.dy) / t.scale,
    };
  };
  wheel.current = (e: globalThis.WheelEvent | WheelEvent) => {
    e.preventDefault();
    const p = toImage(e.clientX, e.clientY);
    const zoom = Math.min(40, Math.max(1, camera.zoom * Math.exp(-e.deltaY * 0.0015)));
    const k = camera.zoom / zoom;
    setCamera({ zoom, cx: p.x - (p.x - camera.cx) * k, cy: p.y - (p.y - camera.cy) * k });
  };
  const down = (e: ReactPointerEvent) => {
    drag.current = { x: e.clientX, y: e.clientY, camera };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const move = (e: ReactPointerEvent) => {
    if (drag.current) {
      const start = drag.current;
      setCamera({
        ...start.camera,
        cx: start.camera.cx - (e.clientX - start.x) / t.scale,
        cy: start.camera.cy - (e.clientY - start.y) / t.scale,
      });
      return;
    }
    const shown = panel.shapes.filter((s) => isShown(s, panel.style));
    const shape = shapeAt(shown, toImage(e.clientX, e.clientY), 6 / t.scale);
    const rect = box.current?.getBoundingClientRect();
    setHover(
      shape ? { shape, x: e.clientX - (rect?.left ?? 0), y: e.clientY - (rect?.top ?? 0) } : undefined,
    );
  };
  const up = () => {
    drag.current = null;
  };

  const drawable = panel.shapes.filter((s) => s.kind !== "category" && s.kind !== "mask");
  return (
    <figure className="viewer-panel">
      <figcaption>{panel.title}</figcaption>
      <div
        ref={box}
        className="viewer-stage"
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerLeave={() => setHover(undefined)}
        data-title={panel.title}
      >
        {media.kind === "unreachable" || failedUrl === media.url ? (
          <div className="placeholder large">
            <span>
              {media.kind === "unreachable"
                ? "This image is not viewable in a browser"
                : "The image did not load"}
            </span>
            <code>{media.url}</code>
          </div>
        ) : (
          <img
            className="viewer-image"
            src={media.url}
            alt=""
            draggable={false}
            onError={() => setFailedUrl(media.url)}
            style={{
              width: image.width * t.scale,
              height: image.height * t.scale,
              transform: `translate(${t.dx}px, ${t.dy}px)`,
            }}
          />
        )}
        {size.width > 0 ? (
          <LabelLayer
            shapes={drawable}
            width={size.width}
            height={size.height}
            transform={t}
            style={{ ...panel.style, highlight: hover?.shape.key ?? panel.style.highlight }}
            label={`${panel.title}: ${drawable.length} labels`}
          />
        ) : null}
        {hover ? (
          <div
            className="hovercard"
            role="tooltip"
            style={{
              left: Math.min(hover.x + 14, size.width - 230),
              top: Math.min(hover.y + 14, size.height - 120),
            }}
          >
            {describe(hover.shape).map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        ) : null}
      </div>
    </figure>
  );
}
