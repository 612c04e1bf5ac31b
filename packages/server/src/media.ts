import { createHash } from "node:crypto";
import { extname } from "node:path";
import type { MediaBackend } from "./media/backend.js";
import { BucketMedia, parseBucketLocation, type S3Options } from "./media/bucket.js";
import { FolderMedia } from "./media/folder.js";
import { noteUpload } from "./media/in-flight.js";

export type { MediaBackend } from "./media/backend.js";
export type { S3Options } from "./media/bucket.js";

/**
 * The marker stored in a label's `mask_url` for a mask uploaded as a file: followed by its media
 * key, and replaced by a fetchable URL when the label is read.
 */
export const MEDIA_SCHEME = "nucleus-media:";

const KEY = /^[0-9a-f]{64}(\.[a-z0-9]{1,8})?$/;

const CONTENT_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".bmp": "image/bmp",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".json": "application/json",
  ".ndjson": "application/x-ndjson",
};

/** The content type to serve a key with. */
function contentTypeOf(key: string): string {
  return CONTENT_TYPES[extname(key)] ?? "application/octet-stream";
}

/**
 * Uploaded images, masks and NDJSON payloads, keyed by the SHA-256 of their bytes plus a
 * normalised extension, in a folder or a bucket (`media/`). `put` returns the key at once: a
 * folder has written the file by then; a bucket uploads in the background, and the request's
 * store calls wait for that upload (`media/in-flight.ts`), as do reads of the key here.
 */
export class MediaStore {
  private readonly backend: MediaBackend;
  private readonly pending = new Map<string, Promise<void>>();

  /** A folder path, or a backend (see {@link openMedia}). */
  constructor(rootOrBackend: string | MediaBackend) {
    this.backend = typeof rootOrBackend === "string" ? new FolderMedia(rootOrBackend) : rootOrBackend;
  }

  /** Where files are kept: a folder path or `s3://bucket/prefix`. */
  get location(): string {
    return this.backend.location;
  }

  /** True when files live in a bucket: writes finish after `put` returns, and reads may go straight there. */
  get remote(): boolean {
    return this.backend.pathOf === undefined;
  }

  /** Stores bytes and returns their key. Storing the same bytes twice is free. */
  put(bytes: Uint8Array, fileName = ""): string {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const ext = extname(fileName)
      .toLowerCase()
      .replace(/[^.a-z0-9]/g, "")
      .slice(0, 9);
    const key = `${hash}${ext.length > 1 ? ext : ""}`;
    const written = this.backend.write(key, bytes, contentTypeOf(key));
    if (written) {
      const upload = this.pending.get(key) ?? written.finally(() => this.pending.delete(key));
      // Whoever waits for it sees a failure; nobody waiting is not an unhandled rejection.
      upload.catch(() => {});
      this.pending.set(key, upload);
      noteUpload(upload);
    }
    return key;
  }

  /** Reads a stored file, or `undefined` for an unknown or malformed key. */
  async get(key: string): Promise<Buffer | undefined> {
    if (!KEY.test(key)) return undefined;
    await this.pending.get(key)?.catch(() => {});
    return this.backend.read(key);
  }

  /** Whether a key has bytes. */
  async has(key: string): Promise<boolean> {
    if (!KEY.test(key)) return false;
    await this.pending.get(key)?.catch(() => {});
    return this.backend.has(key);
  }

  /** The content type to serve a key with. */
  contentTypeOf(key: string): string {
    return contentTypeOf(key);
  }

  /** The file of a key, for media in a folder (keys are validated by {@link get}; this is for internal keys only). */
  pathOf(key: string): string {
    if (!this.backend.pathOf) throw new Error(`Media in ${this.backend.location} has no local files`);
    return this.backend.pathOf(key);
  }

  /** A signed URL that reads a key straight from its bucket; undefined for media in a folder. */
  async directUrl(key: string): Promise<string | undefined> {
    if (!KEY.test(key) || !this.backend.downloadUrl) return undefined;
    return this.backend.downloadUrl(key);
  }

  /** A signed URL that takes a PUT of a key's bytes straight into its bucket; undefined for a folder. */
  async uploadUrl(key: string): Promise<string | undefined> {
    if (!KEY.test(key) || !this.backend.uploadUrl) return undefined;
    return this.backend.uploadUrl(key);
  }

  /**
   * True when a client PUT a key's bytes straight into the bucket through {@link uploadUrl};
   * always false for a folder (uploads reach it through the server).
   */
  async uploadedDirectly(key: string): Promise<boolean> {
    return this.backend.uploadUrl !== undefined && (await this.has(key));
  }

  /** Throws when the files cannot be reached. */
  check(): Promise<void> {
    return this.backend.check();
  }

  /** Waits for uploads in flight, then lets go of connections. */
  async close(): Promise<void> {
    await Promise.allSettled(this.pending.values());
    this.backend.close?.();
  }
}

/**
 * The media of a location: `s3://bucket/prefix` for a bucket of an S3-compatible service (reached
 * with `s3`), anything else a folder.
 */
export function openMedia(location: string, s3?: S3Options): MediaStore {
  const bucket = parseBucketLocation(location);
  return new MediaStore(bucket ? new BucketMedia(bucket, s3) : new FolderMedia(location));
}
