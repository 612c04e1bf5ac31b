/**
 * Pascal VOC: one XML file per image with its `filename`, `size` and an `object` per box
 * (`name`, `bndbox` xmin ymin xmax ymax, `difficult`, `truncated`, `pose`, `occluded`).
 * Coordinates are taken as written (no 1-based shift): `x = xmin`, `width = xmax - xmin`.
 */

import type { Problem } from "./problems.js";
import { childText, escapeXml, parseXml, type XmlElement, XmlError } from "./xml.js";

/** One object of a VOC file. */
export interface VocObject {
  /** Its position among the file's objects, from 1. */
  index: number;
  name: string;
  box: { x: number; y: number; width: number; height: number };
  /** VOC flags and pose, kept as `voc_*` metadata. */
  metadata: Record<string, string | number>;
}

/** A VOC annotation file, read. */
export interface VocFile {
  filename?: string;
  width?: number;
  height?: number;
  objects: VocObject[];
}

/**
 * Reads a VOC XML file. An object that cannot be read is a problem naming the file, the object
 * and the field; the others are returned.
 *
 * @example
 * ```ts
 * const { voc, problems } = parseVoc(readFileSync("Annotations/a.xml", "utf8"), "Annotations/a.xml");
 * ```
 */
export function parseVoc(text: string, file: string): { voc?: VocFile; problems: Problem[] } {
  const problems: Problem[] = [];
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlError)
      return {
        problems: [{ file, entry: `line ${error.line}`, message: error.message.replace(/^line \d+: /, "") }],
      };
    throw error;
  }
  if (root.name !== "annotation")
    return {
      problems: [{ file, entry: `<${root.name}>`, message: "the root element must be <annotation>" }],
    };
  const size = root.children.find((c) => c.name === "size");
  const dimension = (name: string) => {
    const value = size ? childText(size, name) : undefined;
    const number = value === undefined ? Number.NaN : Number(value);
    return Number.isInteger(number) && number > 0 ? number : undefined;
  };
  const voc: VocFile = { objects: [] };
  const filename = childText(root, "filename");
  if (filename) voc.filename = filename;
  const width = dimension("width");
  const height = dimension("height");
  if (width && height) Object.assign(voc, { width, height });
  root.children
    .filter((c) => c.name === "object")
    .forEach((object, i) => {
      const entry = `object[${i}]`;
      const fail = (message: string) => problems.push({ file, entry, message });
      const name = childText(object, "name");
      if (!name) {
        fail("name: missing or empty");
        return;
      }
      const bndbox = object.children.find((c) => c.name === "bndbox");
      if (!bndbox) {
        fail(`bndbox: missing (object "${name}")`);
        return;
      }
      const edges: number[] = [];
      for (const key of ["xmin", "ymin", "xmax", "ymax"]) {
        const raw = childText(bndbox, key);
        const value = raw === undefined || raw === "" ? Number.NaN : Number(raw);
        if (!Number.isFinite(value)) {
          fail(`bndbox.${key}: ${raw === undefined ? "missing" : `"${raw}" is not a number`}`);
          return;
        }
        edges.push(value);
      }
      const [xmin, ymin, xmax, ymax] = edges as [number, number, number, number];
      if (xmax < xmin) {
        fail(`bndbox: xmax ${xmax} is less than xmin ${xmin}`);
        return;
      }
      if (ymax < ymin) {
        fail(`bndbox: ymax ${ymax} is less than ymin ${ymin}`);
        return;
      }
      const metadata: Record<string, string | number> = {};
      for (const flag of ["difficult", "truncated", "occluded"]) {
        const raw = childText(object, flag);
        if (raw === undefined) continue;
        if (raw !== "0" && raw !== "1") {
          fail(`${flag}: must be 0 or 1, got "${raw}"`);
          return;
        }
        metadata[`voc_${flag}`] = Number(raw);
      }
      const pose = childText(object, "pose");
      if (pose) metadata.voc_pose = pose;
      voc.objects.push({
        index: i + 1,
        name,
        box: { x: xmin, y: ymin, width: xmax - xmin, height: ymax - ymin },
        metadata,
      });
    });
  return { voc, problems };
}

/** A box to write into a VOC file, with the metadata an import kept. */
export interface VocBox {
  label: string;
  geometry: { x: number; y: number; width: number; height: number };
  metadata?: Record<string, unknown> | null;
}

/**
 * A VOC XML file for one image.
 *
 * @example
 * ```ts
 * vocXml({ folder: "JPEGImages", filename: "a.jpg", width: 640, height: 480 }, [
 *   { label: "dog", geometry: { x: 10, y: 20, width: 100, height: 50 } },
 * ]);
 * ```
 */
export function vocXml(
  image: { folder: string; filename: string; width?: number | null; height?: number | null },
  boxes: readonly VocBox[],
): string {
  const e = escapeXml;
  const lines = [
    "<annotation>",
    `  <folder>${e(image.folder)}</folder>`,
    `  <filename>${e(image.filename)}</filename>`,
    "  <size>",
    `    <width>${image.width ?? 0}</width>`,
    `    <height>${image.height ?? 0}</height>`,
    "    <depth>3</depth>",
    "  </size>",
    "  <segmented>0</segmented>",
  ];
  for (const box of boxes) {
    const meta = (box.metadata ?? {}) as Record<string, unknown>;
    const g = box.geometry;
    lines.push(
      "  <object>",
      `    <name>${e(box.label)}</name>`,
      `    <pose>${e(typeof meta.voc_pose === "string" ? meta.voc_pose : "Unspecified")}</pose>`,
      `    <truncated>${meta.voc_truncated ? 1 : 0}</truncated>`,
      `    <difficult>${meta.voc_difficult ? 1 : 0}</difficult>`,
      ...(meta.voc_occluded !== undefined ? [`    <occluded>${meta.voc_occluded ? 1 : 0}</occluded>`] : []),
      "    <bndbox>",
      `      <xmin>${g.x}</xmin>`,
      `      <ymin>${g.y}</ymin>`,
      `      <xmax>${g.x + g.width}</xmax>`,
      `      <ymax>${g.y + g.height}</ymax>`,
      "    </bndbox>",
      "  </object>",
    );
  }
  lines.push("</annotation>");
  return `${lines.join("\n")}\n`;
}

/**
 * CVAT for images 1.1 XML: one `<image>` per item with its boxes and polygons.
 *
 * @example
 * ```ts
 * cvatXml([{ name: "a.jpg", width: 640, height: 480, boxes: [], polygons: [] }]);
 * ```
 */
export function cvatXml(
  images: readonly {
    name: string;
    width?: number | null;
    height?: number | null;
    boxes: readonly { label: string; geometry: { x: number; y: number; width: number; height: number } }[];
    polygons: readonly { label: string; geometry: { vertices: readonly { x: number; y: number }[] } }[];
  }[],
): string {
  const e = escapeXml;
  const labels = [...new Set(images.flatMap((i) => [...i.boxes, ...i.polygons].map((s) => s.label)))].sort();
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    "<annotations>",
    "  <version>1.1</version>",
    "  <meta>",
    "    <task>",
    `      <size>${images.length}</size>`,
    "      <labels>",
    ...labels.map((l) => `        <label><name>${e(l)}</name><attributes></attributes></label>`),
    "      </labels>",
    "    </task>",
    "  </meta>",
  ];
  images.forEach((image, id) => {
    lines.push(
      `  <image id="${id}" name="${e(image.name)}" width="${image.width ?? 0}" height="${image.height ?? 0}">`,
    );
    for (const b of image.boxes) {
      const g = b.geometry;
      lines.push(
        `    <box label="${e(b.label)}" occluded="0" xtl="${g.x}" ytl="${g.y}" xbr="${g.x + g.width}" ybr="${g.y + g.height}" z_order="0"></box>`,
      );
    }
    for (const p of image.polygons) {
      const points = p.geometry.vertices.map((v) => `${v.x},${v.y}`).join(";");
      lines.push(`    <polygon label="${e(p.label)}" occluded="0" points="${points}" z_order="0"></polygon>`);
    }
    lines.push("  </image>");
  });
  lines.push("</annotations>");
  return `${lines.join("\n")}\n`;
}
