/** Image files on disk: finding them, reading their size, and fetching an item's image for an export. */
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, extname, join } from "node:path";
import { type ImageSize, imageSize } from "@nucleus/schemas";

/** Extensions taken as images when a folder is listed. */
export const IMAGE_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"]);

/**
 * Every image under `dir`, sorted, as paths.
 *
 * @example
 * ```ts
 * for (const path of listImages("dataset/images")) console.log(path);
 * ```
 */
export function listImages(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listImages(path));
    else if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase())) out.push(path);
  }
  return out;
}

/** Enough of a file for any header imageSize reads, EXIF included (a JPEG segment is at most 64 KiB). */
const HEADER_BYTES = 256 * 1024;

/**
 * The size of an image file from its header, or `undefined` when it is not a known format.
 *
 * @example
 * ```ts
 * readImageSize("a.jpg"); // { width: 640, height: 480, format: "jpeg" }
 * ```
 */
export function readImageSize(path: string): ImageSize | undefined {
  const fd = openSync(path, "r");
  try {
    const bytes = new Uint8Array(HEADER_BYTES);
    const read = readSync(fd, bytes, 0, HEADER_BYTES, 0);
    return imageSize(bytes.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes an item's image to `dest`: fetched for an http(s) URL, copied for a local path.
 * Returns the reason when it cannot.
 *
 * @example
 * ```ts
 * const failed = await saveImage(row.item.originalImageUrl, "out/images/a.jpg");
 * ```
 */
export async function saveImage(url: string | undefined, dest: string): Promise<string | undefined> {
  if (!url) return "the item has no image URL";
  mkdirSync(dirname(dest), { recursive: true });
  if (/^https?:\/\//.test(url)) {
    try {
      const response = await fetch(url);
      if (!response.ok) return `fetching ${url} answered ${response.status}`;
      writeFileSync(dest, new Uint8Array(await response.arrayBuffer()));
      return undefined;
    } catch (error) {
      return `cannot fetch ${url}: ${(error as Error).message}`;
    }
  }
  if (existsSync(url)) {
    copyFileSync(url, dest);
    return undefined;
  }
  return `cannot download ${url} (only http(s) URLs and local files)`;
}
