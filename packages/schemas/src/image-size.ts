/**
 * Image dimensions from the first bytes of a file, without decoding it. Pure: it runs in Node
 * and in a browser, so the server, the CLI and the web app read sizes the same way.
 */

/** An image format {@link imageSize} reads. */
export type ImageFormat = "png" | "jpeg" | "webp" | "gif" | "bmp";

/** What {@link imageSize} finds in a header. */
export interface ImageSize {
  /** Width in pixels, as the image is displayed (after a JPEG's EXIF rotation). */
  width: number;
  /** Height in pixels, as the image is displayed. */
  height: number;
  format: ImageFormat;
  /**
   * A JPEG's EXIF orientation (2 to 8) when it is not the default 1. For 5 to 8 the stored pixels
   * are transposed, and `width`/`height` are already swapped to the displayed size.
   */
  orientation?: number;
}

/**
 * Reads the width and height of a PNG, JPEG (baseline, progressive or lossless; EXIF or JFIF),
 * WebP (VP8, VP8L or VP8X), GIF or BMP from its header. Returns `undefined` for anything else
 * and for a header cut short, never throws.
 *
 * @example
 * ```ts
 * import { imageSize } from "@nucleus/schemas";
 *
 * const png = Uint8Array.from([
 *   0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
 *   0, 0, 2, 128, 0, 0, 1, 224, 8, 2, 0, 0, 0,
 * ]);
 * imageSize(png); // { width: 640, height: 480, format: "png" }
 * ```
 */
export function imageSize(bytes: Uint8Array): ImageSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes, view);
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpeg(bytes, view);
    if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return webp(bytes, view);
    const gif = ascii(bytes, 0, 6);
    if (gif === "GIF87a" || gif === "GIF89a")
      return sized(view.getUint16(6, true), view.getUint16(8, true), "gif");
    if (ascii(bytes, 0, 2) === "BM") return bmp(view);
  } catch (error) {
    // A header cut short reads past the end: that is "unknown", not a failure.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let text = "";
  for (let i = offset; i < offset + length && i < bytes.length; i += 1)
    text += String.fromCharCode(bytes[i] as number);
  return text;
}

function sized(width: number, height: number, format: ImageFormat): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height, format } : undefined;
}

/** IHDR is always the first chunk, right after the signature. */
function png(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  if (ascii(bytes, 12, 4) !== "IHDR") return undefined;
  return sized(view.getUint32(16), view.getUint32(20), "png");
}

/** Start-of-frame markers: C0-CF less DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the marker segments up to the first start-of-frame, noting EXIF orientation on the way. */
function jpeg(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  let offset = 2;
  let orientation = 1;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] as number;
    // Fill bytes (FF FF ...) may pad between segments.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, or scan data before a frame
    const length = view.getUint16(offset + 2);
    if (length < 2) return undefined;
    if (marker === 0xe1 && ascii(bytes, offset + 4, 6) === "Exif\0\0")
      orientation = exifOrientation(view, offset + 10, offset + 2 + length) ?? orientation;
    if (isStartOfFrame(marker)) {
      const height = view.getUint16(offset + 5);
      const width = view.getUint16(offset + 7);
      const transposed = orientation >= 5 && orientation <= 8;
      const size = transposed ? sized(height, width, "jpeg") : sized(width, height, "jpeg");
      return size && orientation !== 1 ? { ...size, orientation } : size;
    }
    offset += 2 + length;
  }
  return undefined;
}

/** The Orientation tag (0x0112) of IFD0 of the TIFF structure at `tiff`, if it is there. */
function exifOrientation(view: DataView, tiff: number, end: number): number | undefined {
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return undefined;
  const little = order === 0x4949;
  if (view.getUint16(tiff + 2, little) !== 42) return undefined;
  const ifd = tiff + view.getUint32(tiff + 4, little);
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i += 1) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return undefined;
    if (view.getUint16(entry, little) === 0x0112) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** The first chunk says which of the three WebP kinds this is. */
function webp(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8 ") {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit width and height (2 scale bits on top).
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
    return sized(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff, "webp");
  }
  if (chunk === "VP8L") {
    // Signature 0x2F, then width-1 and height-1 in 14 bits each, least significant bit first.
    if (bytes[20] !== 0x2f) return undefined;
    const bits = view.getUint32(21, true);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, "webp");
  }
  if (chunk === "VP8X") {
    // Canvas width-1 and height-1 as 24-bit little-endian numbers after 4 flag bytes.
    if (bytes.length < 30) return undefined;
    const width = 1 + ((bytes[24] as number) | ((bytes[25] as number) << 8) | ((bytes[26] as number) << 16));
    const height = 1 + ((bytes[27] as number) | ((bytes[28] as number) << 8) | ((bytes[29] as number) << 16));
    return sized(width, height, "webp");
  }
  return undefined;
}

/** BITMAPCOREHEADER (12 bytes) has 16-bit sizes; later headers 32-bit, height negative when top-down. */
function bmp(view: DataView): ImageSize | undefined {
  const header = view.getUint32(14, true);
  if (header === 12) return sized(view.getUint16(18, true), view.getUint16(20, true), "bmp");
  if (header < 40) return undefined;
  return sized(Math.abs(view.getInt32(18, true)), Math.abs(view.getInt32(22, true)), "bmp");
}
