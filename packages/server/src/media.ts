import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";

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

/**
 * Content-addressed files beside the database: uploaded images, masks and NDJSON payloads,
 * keyed by the SHA-256 of their bytes plus a normalised extension. Writes are atomic.
 */
export class MediaStore {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  /** Stores bytes and returns their key. Storing the same bytes twice is free. */
  put(bytes: Uint8Array, fileName = ""): string {
    const hash = createHash("sha256").update(bytes).digest("hex");
    const ext = extname(fileName)
      .toLowerCase()
      .replace(/[^.a-z0-9]/g, "")
      .slice(0, 9);
    const key = `${hash}${ext.length > 1 ? ext : ""}`;
    const path = this.pathOf(key);
    if (!existsSync(path)) {
      mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true });
      const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    }
    return key;
  }

  /** Reads a stored file, or `undefined` for an unknown or malformed key. */
  async get(key: string): Promise<Buffer | undefined> {
    if (!KEY.test(key)) return undefined;
    try {
      return await readFile(this.pathOf(key));
    } catch {
      return undefined;
    }
  }

  /** The content type to serve a key with. */
  contentTypeOf(key: string): string {
    return CONTENT_TYPES[extname(key)] ?? "application/octet-stream";
  }

  /** The file of a key (keys are validated by {@link get}; this is for internal keys only). */
  pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }
}
