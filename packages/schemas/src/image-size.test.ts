/**
 * imageSize on headers built here the way encoders write them: a complete PNG, JPEGs with their
 * segments in the usual orders, the three WebP kinds, GIF and both BMP header versions.
 */
import { crc32, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { imageSize } from "./image-size.js";

const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const text = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** A whole, decodable grey PNG. */
function png(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: number[] | Uint8Array) => {
    const body = Uint8Array.from([...text(type), ...data]);
    return [...u32be(data.length), ...body, ...u32be(crc32(body))];
  };
  const rows = new Uint8Array(height * (width + 1)); // filter byte 0, then black pixels
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk("IHDR", [...u32be(width), ...u32be(height), 8, 0, 0, 0, 0]),
    ...chunk("IDAT", deflateSync(rows)),
    ...chunk("IEND", []),
  ]);
}

const segment = (marker: number, body: number[]) => [0xff, marker, ...u16be(body.length + 2), ...body];

/** An EXIF APP1 segment whose IFD0 holds an Orientation tag. */
function exif(orientation: number, little: boolean): number[] {
  const u16 = little ? u16le : u16be;
  const u32 = little ? u32le : u32be;
  const tiff = [
    ...text(little ? "II" : "MM"),
    ...u16(42),
    ...u32(8),
    ...u16(2), // two entries: Make, then Orientation
    ...u16(0x010f),
    ...u16(2),
    ...u32(4),
    ...text("abc\0"),
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0),
  ];
  return segment(0xe1, [...text("Exif\0\0"), ...tiff]);
}

/** A JPEG header: JFIF, optional EXIF, tables, the frame (SOF0 baseline or SOF2 progressive), a scan. */
function jpeg(
  width: number,
  height: number,
  options: { sof?: number; exif?: number[]; jfif?: boolean; fill?: boolean } = {},
): Uint8Array {
  const jfif = segment(0xe0, [...text("JFIF\0"), 1, 2, 0, ...u16be(72), ...u16be(72), 0, 0]);
  const quant = segment(0xdb, [0, ...new Array(64).fill(1)]);
  const frame = segment(options.sof ?? 0xc0, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0]);
  const huffman = segment(0xc4, [0, ...new Array(16).fill(0)]);
  const scan = segment(0xda, [1, 1, 0, 0, 63, 0]);
  return Uint8Array.from([
    0xff,
    0xd8,
    ...(options.jfif === false ? [] : jfif),
    ...(options.exif ?? []),
    ...(options.fill ? [0xff, 0xff] : []),
    ...quant,
    ...huffman,
    ...frame,
    ...scan,
    0x12,
    0x34,
    0xff,
    0xd9,
  ]);
}

function riff(chunk: string, data: number[]): Uint8Array {
  const body = [...text("WEBP"), ...text(chunk), ...u32le(data.length), ...data];
  return Uint8Array.from([...text("RIFF"), ...u32le(body.length), ...body]);
}

/** Lossy WebP: a key frame tag, the start code, 14-bit sizes with scale bits set. */
const vp8 = (width: number, height: number) =>
  riff("VP8 ", [
    0x50,
    0x02,
    0x00,
    0x9d,
    0x01,
    0x2a,
    ...u16le(width | 0x4000),
    ...u16le(height | 0x8000),
    0,
    0,
  ]);

/** Lossless WebP: signature 0x2F, then width-1 and height-1 packed in 14 bits each. */
const vp8l = (width: number, height: number) =>
  riff("VP8L", [0x2f, ...u32le((width - 1) | ((height - 1) << 14) | (1 << 28)), 0, 0]);

/** Extended WebP: flags, then the canvas size minus one in 24 bits each. */
const vp8x = (width: number, height: number) =>
  riff("VP8X", [0x10, 0, 0, 0, ...u24le(width - 1), ...u24le(height - 1)]);

function bmp(width: number, height: number, core = false): Uint8Array {
  const dib = core
    ? [...u32le(12), ...u16le(width), ...u16le(height), ...u16le(1), ...u16le(24)]
    : [...u32le(40), ...u32le(width), ...u32le(height), ...u16le(1), ...u16le(24), ...new Array(24).fill(0)];
  return Uint8Array.from([...text("BM"), ...u32le(0), 0, 0, 0, 0, ...u32le(14 + dib.length), ...dib]);
}

describe("imageSize", () => {
  it("reads a PNG's IHDR", () => {
    expect(imageSize(png(3, 2))).toEqual({ width: 3, height: 2, format: "png" });
    expect(imageSize(png(4000, 1))).toEqual({ width: 4000, height: 1, format: "png" });
  });

  it("reads JPEG frames after APP segments, tables and fill bytes", () => {
    expect(imageSize(jpeg(640, 480))).toEqual({ width: 640, height: 480, format: "jpeg" });
    expect(imageSize(jpeg(17, 9, { sof: 0xc2 }))).toEqual({ width: 17, height: 9, format: "jpeg" });
    expect(imageSize(jpeg(300, 200, { sof: 0xc3, fill: true }))).toEqual({
      width: 300,
      height: 200,
      format: "jpeg",
    });
    expect(imageSize(jpeg(1, 65535, { jfif: false }))).toEqual({ width: 1, height: 65535, format: "jpeg" });
  });

  it("applies EXIF orientation, in either byte order, as a browser displays it", () => {
    expect(imageSize(jpeg(640, 480, { exif: exif(1, true) }))).toEqual({
      width: 640,
      height: 480,
      format: "jpeg",
    });
    expect(imageSize(jpeg(640, 480, { exif: exif(3, false), jfif: false }))).toEqual({
      width: 640,
      height: 480,
      format: "jpeg",
      orientation: 3,
    });
    for (const little of [true, false])
      expect(imageSize(jpeg(640, 480, { exif: exif(6, little), sof: 0xc2 }))).toEqual({
        width: 480,
        height: 640,
        format: "jpeg",
        orientation: 6,
      });
  });

  it("reads the three kinds of WebP", () => {
    expect(imageSize(vp8(550, 368))).toEqual({ width: 550, height: 368, format: "webp" });
    expect(imageSize(vp8l(386, 395))).toEqual({ width: 386, height: 395, format: "webp" });
    expect(imageSize(vp8l(16384, 1))).toEqual({ width: 16384, height: 1, format: "webp" });
    expect(imageSize(vp8x(20000, 3))).toEqual({ width: 20000, height: 3, format: "webp" });
  });

  it("reads GIF and BMP", () => {
    const gif = Uint8Array.from([...text("GIF89a"), ...u16le(320), ...u16le(240), 0, 0, 0]);
    expect(imageSize(gif)).toEqual({ width: 320, height: 240, format: "gif" });
    expect(imageSize(bmp(31, 7))).toEqual({ width: 31, height: 7, format: "bmp" });
    expect(imageSize(bmp(31, -7))).toEqual({ width: 31, height: 7, format: "bmp" });
    expect(imageSize(bmp(12, 5, true))).toEqual({ width: 12, height: 5, format: "bmp" });
  });

  it("works on a view into a larger buffer", () => {
    const image = png(5, 6);
    const larger = new Uint8Array(image.length + 10);
    larger.set(image, 10);
    expect(imageSize(larger.subarray(10))).toEqual({ width: 5, height: 6, format: "png" });
  });

  it("says undefined for other files and for headers cut short, without throwing", () => {
    expect(imageSize(new Uint8Array())).toBeUndefined();
    expect(imageSize(Uint8Array.from(text("hello, world")))).toBeUndefined();
    expect(imageSize(png(3, 2).subarray(0, 20))).toBeUndefined();
    const cut = jpeg(640, 480, { exif: exif(6, true) });
    for (let n = 0; n < cut.length - 20; n += 7) expect(imageSize(cut.subarray(0, n))).toBeUndefined();
    expect(imageSize(vp8(10, 10).subarray(0, 27))).toBeUndefined();
    expect(imageSize(vp8x(10, 10).subarray(0, 28))).toBeUndefined();
    expect(imageSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeUndefined();
    expect(imageSize(png(0, 0))).toBeUndefined();
  });
});
