/**
 * Labels as the app draws them: every ground-truth annotation and prediction of an item turned
 * into one flat list of shapes in image pixels, whatever group or route it came from.
 */

/** Where a label comes from: the ground truth, or a model run (by id). */
export type Source = "gt" | `run:${string}`;

/** A point in image pixels. */
export interface Point {
  x: number;
  y: number;
}

/** The geometric part of a shape. */
export type Geometry =
  | { kind: "box"; x: number; y: number; width: number; height: number }
  | { kind: "polygon"; points: Point[] }
  | { kind: "line"; points: Point[] }
  | {
      kind: "keypoints";
      points: (Point & { visible: boolean; name?: string })[];
      skeleton: [number, number][];
    }
  | { kind: "category"; labels: string[] }
  | { kind: "mask"; url: string; segments: { label: string; index: number }[] };

/** One label to draw: its geometry, class, source and identity. */
export type Shape = Geometry & {
  /** Unique within an item: the server's id, else the source and position. */
  key: string;
  /** The server's id of the label (`ann_...`), which match rows and hover show. */
  id?: string;
  /** The id the uploader gave (`annotation_id`). */
  annotationId?: string;
  label: string;
  source: Source;
  confidence?: number;
  metadata?: Record<string, unknown>;
};

/** A stored label as the API returns it (camelCase), loosely: only what drawing needs. */
export interface StoredLabelLike {
  id?: string;
  annotationId?: string | null;
  label?: string;
  labels?: string[];
  type?: string;
  confidence?: number | null;
  metadata?: Record<string, unknown> | null;
  /** What the uploader named the mask (for a file, its local path). */
  maskUrl?: string;
  /** Where the server serves a mask it holds: what the app draws when present. */
  maskMediaUrl?: string;
  annotations?: { label: string; index: number }[];
  geometry?: {
    x?: number;
    y?: number;
    width?: number;
    height?: number;
    vertices?: Point[];
    keypoints?: { x: number | null; y: number | null; visible: boolean }[];
    names?: string[];
    skeleton?: [number, number][] | null;
  };
}

/** Labels grouped by type, as item, prediction and export routes return them. */
export type LabelGroupsLike = Partial<Record<string, StoredLabelLike[] | StoredLabelLike | null | undefined>>;

const GROUPS = ["box", "polygon", "line", "keypoints", "category", "multicategory", "segmentation"] as const;

function geometryOf(group: (typeof GROUPS)[number], label: StoredLabelLike): Geometry | undefined {
  const g = label.geometry ?? {};
  switch (group) {
    case "box":
      return { kind: "box", x: g.x ?? 0, y: g.y ?? 0, width: g.width ?? 0, height: g.height ?? 0 };
    case "polygon":
      return g.vertices ? { kind: "polygon", points: g.vertices } : undefined;
    case "line":
      return g.vertices ? { kind: "line", points: g.vertices } : undefined;
    case "keypoints": {
      const names = g.names ?? [];
      const points = (g.keypoints ?? []).map((p, i) => ({
        x: p.x ?? 0,
        y: p.y ?? 0,
        visible: p.visible && p.x !== null && p.y !== null,
        ...(names[i] ? { name: names[i] } : {}),
      }));
      return { kind: "keypoints", points, skeleton: g.skeleton ?? [] };
    }
    case "category":
      return { kind: "category", labels: [label.label ?? ""] };
    case "multicategory":
      return { kind: "category", labels: label.labels ?? [] };
    case "segmentation": {
      const url = label.maskMediaUrl ?? label.maskUrl;
      return url ? { kind: "mask", url, segments: label.annotations ?? [] } : undefined;
    }
  }
}

/**
 * Flattens label groups (`{ box: [...], polygon: [...], segmentation: {...} }`) into shapes of
 * one source. Cuboids (3D) are left out: the app shows images.
 *
 * @example
 * ```ts
 * shapesOf({ box: [{ id: "ann_1", label: "car", geometry: { x: 1, y: 2, width: 3, height: 4 } }] }, "gt");
 * // [{ kind: "box", x: 1, y: 2, width: 3, height: 4, label: "car", source: "gt", key: "ann_1", id: "ann_1" }]
 * ```
 */
export function shapesOf(groups: LabelGroupsLike, source: Source): Shape[] {
  const shapes: Shape[] = [];
  for (const group of GROUPS) {
    const entry = groups[group];
    const list = entry == null ? [] : Array.isArray(entry) ? entry : [entry];
    list.forEach((label, i) => {
      const geometry = geometryOf(group, label);
      if (!geometry) return;
      const label0 = geometry.kind === "category" ? geometry.labels.join(", ") : (label.label ?? "");
      shapes.push({
        ...geometry,
        key: label.id ?? `${source}/${group}/${i}`,
        label: geometry.kind === "mask" ? "mask" : label0,
        source,
        ...(label.id ? { id: label.id } : {}),
        ...(label.annotationId ? { annotationId: label.annotationId } : {}),
        ...(typeof label.confidence === "number" ? { confidence: label.confidence } : {}),
        ...(label.metadata ? { metadata: label.metadata } : {}),
      });
    });
  }
  return shapes;
}

/** The class names a shape stands for (several for a multi-category). */
export function classesOf(shape: Shape): string[] {
  if (shape.kind === "category") return shape.labels;
  if (shape.kind === "mask") return shape.segments.map((s) => s.label);
  return [shape.label];
}

/** The smallest box around a shape, or undefined for a category or mask. */
export function boundsOf(shape: Shape): { x: number; y: number; width: number; height: number } | undefined {
  if (shape.kind === "box") return { x: shape.x, y: shape.y, width: shape.width, height: shape.height };
  if (shape.kind === "category" || shape.kind === "mask") return undefined;
  const points = shape.kind === "keypoints" ? shape.points.filter((p) => p.visible) : shape.points;
  if (points.length === 0) return undefined;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}
