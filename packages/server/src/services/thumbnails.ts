import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { MediaStore } from "../media.js";

/** The widths (and heights) thumbnails are made at; a request is served the next one up. */
export const THUMBNAIL_SIZES = [128, 256, 512, 1024] as const;
/** One of {@link THUMBNAIL_SIZES}. */
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

/** The thumbnail size to serve for a wanted size in pixels: the smallest that is at least as large. */
export function thumbnailSize(wanted: number): ThumbnailSize {
  return THUMBNAIL_SIZES.find((size) => size >= wanted) ?? 1024;
}

/** Why a thumbnail could not be made. */
export class ThumbnailError extends Error {
  constructor(
    message: string,
    /** `unavailable` when the image library cannot load, `unreadable` when the file is no image. */
    readonly reason: "unavailable" | "unreadable",
  ) {
    super(message);
    this.name = "ThumbnailError";
  }
}

type Sharp = typeof import("sharp")["default"];

/**
 * Thumbnails of stored media, made with sharp on first request and kept under a folder of the
 * data folder (`thumbnails/<size>/<ab>/<media key>.webp`); a file is made once even when many
 * requests ask for it at the same time. Media keys are content hashes, so a kept thumbnail never
 * goes stale.
 *
 * @example
 * ```ts
 * const thumbnails = new ThumbnailService(media, "./nucleus-data/thumbnails");
 * const webp = await thumbnails.get(item.mediaKey, thumbnailSize(300)); // 512 px at most
 * ```
 */
export class ThumbnailService {
  private readonly pending = new Map<string, Promise<Buffer | undefined>>();
  private sharp: Promise<Sharp> | undefined;

  constructor(
    private readonly media: MediaStore,
    private readonly dir: string,
  ) {}

  /** The WebP thumbnail of a stored file, no larger than `size` either way; undefined for an unknown key. */
  get(mediaKey: string, size: ThumbnailSize): Promise<Buffer | undefined> {
    const file = join(this.dir, String(size), mediaKey.slice(0, 2), `${mediaKey}.webp`);
    let made = this.pending.get(file);
    if (!made) {
      made = this.load(file, mediaKey, size).finally(() => this.pending.delete(file));
      this.pending.set(file, made);
    }
    return made;
  }

  private async load(file: string, mediaKey: string, size: ThumbnailSize): Promise<Buffer | undefined> {
    const kept = await readFile(file).catch(() => undefined);
    if (kept) return kept;
    const original = await this.media.get(mediaKey);
    if (!original) return undefined;
    const sharp = await this.library();
    let bytes: Buffer;
    try {
      bytes = await sharp(original, { failOn: "none" })
        .rotate()
        .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
        .webp({ quality: 80 })
        .toBuffer();
    } catch (error) {
      throw new ThumbnailError(
        `Stored file ${mediaKey} is not an image: ${(error as Error).message}`,
        "unreadable",
      );
    }
    // Written aside then renamed, so a reader never sees half a file.
    await mkdir(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(partial, bytes);
    await rename(partial, file);
    return bytes;
  }

  /** Loads sharp on first use, so the API still starts (and says why) where its binary is missing. */
  private library(): Promise<Sharp> {
    this.sharp ??= import("sharp")
      .then((module) => module.default)
      .catch((error: Error) => {
        this.sharp = undefined;
        throw new ThumbnailError(
          `The image library (sharp) cannot load here: ${error.message}`,
          "unavailable",
        );
      });
    return this.sharp;
  }
}
