/**
 * Segmentation masks for the mask evaluation functions (`seg_*`, `segmentation_to_poly_*`): read
 * (a mask uploaded to this server, or an http(s) URL), decoded to one class index per pixel, and
 * compared pixel by pixel per label. Ground-truth boxes and polygons are rasterised with
 * `@nucleus/metrics`' COCO rasteriser for `segmentation_to_poly_*`.
 */
import { boxToPolygon, rleDecode, rleFromPolygon } from "@nucleus/metrics";
import sharp from "sharp";
import { MEDIA_SCHEME, type MediaStore } from "../media.js";

/** The largest mask read from a URL. */
const MAX_MASK_BYTES = 64 * 1024 * 1024;

/** A decoded mask: one class index per pixel, row-major. */
export interface DecodedMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Reads masks by their `mask_url`, each once per job. */
export class MaskCache {
  private readonly masks = new Map<string, Promise<DecodedMask>>();

  constructor(private readonly media: MediaStore) {}

  /** The mask at `url`; a mask that cannot be read rejects with why. */
  load(url: string): Promise<DecodedMask> {
    let mask = this.masks.get(url);
    if (!mask) {
      mask = this.read(url);
      this.masks.set(url, mask);
    }
    return mask;
  }

  private async read(url: string): Promise<DecodedMask> {
    let bytes: Uint8Array | undefined;
    if (url.startsWith(MEDIA_SCHEME)) bytes = await this.media.get(url.slice(MEDIA_SCHEME.length));
    else if (/^https?:\/\//.test(url)) {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`mask ${url}: HTTP ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.byteLength > MAX_MASK_BYTES)
        throw new Error(`mask ${url}: larger than ${MAX_MASK_BYTES} bytes`);
    } else {
      throw new Error(`mask ${url}: only masks uploaded to this server and http(s) URLs can be read`);
    }
    if (!bytes) throw new Error(`mask ${url}: the stored file is missing`);
    const { data, info } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data) };
  }
}

/** Per-pixel labels: an index into `labels` per pixel, or -1 for none. */
export interface LabelRaster {
  width: number;
  height: number;
  labels: string[];
  pixels: Int32Array;
}

/** A mask's pixels as labels, by the segmentation's `annotations: [{label, index}]`. */
export function rasterOfMask(
  mask: DecodedMask,
  segments: readonly { label: string; index: number }[],
): LabelRaster {
  const labels = [...new Set(segments.map((s) => s.label))];
  const byIndex = new Map(segments.map((s) => [s.index, labels.indexOf(s.label)]));
  const pixels = new Int32Array(mask.width * mask.height);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = byIndex.get(mask.data[i] as number) ?? -1;
  return { width: mask.width, height: mask.height, labels, pixels };
}

/** Boxes and polygons painted on a raster of the given size, later shapes over earlier ones. */
export function rasterOfShapes(
  shapes: readonly Record<string, unknown>[],
  width: number,
  height: number,
): LabelRaster {
  const labels: string[] = [];
  const pixels = new Int32Array(width * height).fill(-1);
  for (const shape of shapes) {
    const g = (shape.geometry ?? {}) as Record<string, unknown>;
    const points =
      shape.type === "box"
        ? boxToPolygon([Number(g.x), Number(g.y), Number(g.width), Number(g.height)])
        : ((g.vertices ?? []) as { x: number; y: number }[]).map((v) => [v.x, v.y] as const);
    if (points.length < 3) continue;
    const label = String(shape.label);
    if (!labels.includes(label)) labels.push(label);
    const index = labels.indexOf(label);
    // The rasteriser is column-major (COCO's order); the raster is row-major.
    const mask = rleDecode(rleFromPolygon(points.flat(), height, width));
    for (let x = 0; x < width; x += 1) {
      for (let y = 0; y < height; y += 1) if (mask[x * height + y]) pixels[y * width + x] = index;
    }
  }
  return { width, height, labels, pixels };
}

/** Pixel counts of each label: in the ground truth, in the prediction, in both. */
export interface PixelCounts {
  label: string;
  truth: number;
  predicted: number;
  both: number;
}

/** Compares two rasters of one size label by label; a size mismatch throws. */
export function comparePixels(
  truth: LabelRaster,
  predicted: LabelRaster,
): { counts: PixelCounts[]; pixels: number } {
  if (truth.width !== predicted.width || truth.height !== predicted.height) {
    throw new Error(
      `masks of different sizes: ${truth.width}x${truth.height} (ground truth) and ${predicted.width}x${predicted.height} (prediction)`,
    );
  }
  const labels = [...new Set([...truth.labels, ...predicted.labels])];
  const t = truth.labels.map((l) => labels.indexOf(l));
  const p = predicted.labels.map((l) => labels.indexOf(l));
  const counts = labels.map((label) => ({ label, truth: 0, predicted: 0, both: 0 }));
  for (let i = 0; i < truth.pixels.length; i += 1) {
    const g = truth.pixels[i] as number;
    const q = predicted.pixels[i] as number;
    const gi = g >= 0 ? (t[g] as number) : -1;
    const qi = q >= 0 ? (p[q] as number) : -1;
    if (gi >= 0) (counts[gi] as PixelCounts).truth += 1;
    if (qi >= 0) (counts[qi] as PixelCounts).predicted += 1;
    if (gi >= 0 && gi === qi) (counts[gi] as PixelCounts).both += 1;
  }
  return { counts, pixels: truth.pixels.length };
}

/** IoU of one label's pixels. */
export const pixelIou = (c: PixelCounts): number => {
  const union = c.truth + c.predicted - c.both;
  return union > 0 ? c.both / union : 0;
};

const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

/** The COCO IoU thresholds, 0.5 to 0.95 by 0.05. */
const COCO = Array.from({ length: 10 }, (_, i) => 0.5 + i * 0.05);

/** A mask metric of one item from its label counts: null when there is nothing to measure. */
export function maskMetric(
  metric: "iou" | "precision" | "recall" | "fwavacc" | "map" | "ap",
  counts: readonly PixelCounts[],
  options: { iouThreshold: number; label?: string } = { iouThreshold: 0.5 },
): number | null {
  const present = counts.filter((c) => c.truth > 0 || c.predicted > 0);
  switch (metric) {
    case "iou":
      return mean(present.map(pixelIou));
    case "precision":
      return mean(present.filter((c) => c.predicted > 0).map((c) => c.both / c.predicted));
    case "recall":
      return mean(present.filter((c) => c.truth > 0).map((c) => c.both / c.truth));
    case "fwavacc": {
      const total = present.reduce((n, c) => n + c.truth, 0);
      return total === 0 ? null : present.reduce((sum, c) => sum + (c.truth / total) * pixelIou(c), 0);
    }
    case "map":
      // A label's AP at one threshold is 1 when its mask reaches that IoU and 0 otherwise.
      return mean(present.map((c) => mean(COCO.map((t) => (pixelIou(c) >= t - 1e-12 ? 1 : 0))) as number));
    case "ap": {
      const c = present.find((entry) => entry.label === options.label);
      return c ? (pixelIou(c) >= options.iouThreshold ? 1 : 0) : null;
    }
  }
}
