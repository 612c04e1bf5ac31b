import { createHmac, timingSafeEqual } from "node:crypto";
import { rm } from "node:fs/promises";
import type { MediaStore } from "../media.js";
import type { EntityStores, NucleusStore, Tenant } from "../store/index.js";

/** How long a signed media URL works, at least: an hour. */
export const MEDIA_URL_TTL_MS = 60 * 60 * 1000;

/** Signed URLs expire on the edges of windows this long, so a page's URLs stay the same (and cached) within one. */
const WINDOW_MS = 15 * 60 * 1000;

/** A media key: a SHA-256 and an optional extension. NDJSON payloads are never served. */
const SERVABLE_KEY = /^[0-9a-f]{64}(\.[a-z0-9]{1,8})?$/;

/** The query of a signed media URL. */
export interface MediaSignature {
  tenant: string;
  expires: string;
  sig: string;
}

/**
 * Signatures of the formats stored files may have. Files are served with the type of their
 * bytes, never of the name a client gave them, and with `nosniff`.
 */
const SIGNATURES: { type: string; bytes: (number | null)[] }[] = [
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { type: "image/gif", bytes: [0x47, 0x49, 0x46, 0x38] },
  // RIFF....WEBP
  { type: "image/webp", bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50] },
  { type: "image/bmp", bytes: [0x42, 0x4d] },
  { type: "image/tiff", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: "image/tiff", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
];

/** The content type of a file from its first bytes; `application/octet-stream` when unknown. */
export function sniffContentType(bytes: Uint8Array): string {
  for (const { type, bytes: signature } of SIGNATURES) {
    if (signature.every((byte, i) => byte === null || bytes[i] === byte)) return type;
  }
  return "application/octet-stream";
}

/**
 * Who may read which stored file. A file is readable by a tenant while one of its datasets holds
 * it (items uploaded as files, masks uploaded as PNGs), with the tenant's key or session or a
 * signed URL made for the tenant; NDJSON payloads are never readable. Files are reference-counted
 * by dataset: when the last dataset holding a file is deleted, the file is removed.
 *
 * @example
 * ```ts
 * const access = new MediaAccess(store, media, secret);
 * const path = access.signedPath(tenant, key); // "__media/<key>?tenant=...&expires=...&sig=..."
 * ```
 */
export class MediaAccess {
  private readonly signingKey: Buffer;

  constructor(
    private readonly store: NucleusStore,
    private readonly media: MediaStore,
    secret: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {
    this.signingKey = createHmac("sha256", secret).update("nucleus-media-urls").digest();
  }

  /**
   * The path (under the base path) of a URL that reads `key` as `tenant` without a key or
   * session until it expires, an hour or a little more from now.
   */
  signedPath(tenant: Tenant, key: string): string {
    const expires = Math.ceil((this.now() + MEDIA_URL_TTL_MS) / WINDOW_MS) * WINDOW_MS;
    const seconds = String(Math.floor(expires / 1000));
    return `__media/${key}?tenant=${tenant}&expires=${seconds}&sig=${this.sign(tenant, key, seconds)}`;
  }

  /** The tenant a signed URL's query was made for, when its signature is good and it has not expired. */
  verify(key: string, query: Partial<MediaSignature>): Tenant | undefined {
    const { tenant, expires, sig } = query;
    if (!tenant || !expires || !sig || !/^\d{1,12}$/.test(expires)) return undefined;
    if (Number(expires) * 1000 <= this.now()) return undefined;
    const expected = Buffer.from(this.sign(tenant, key, expires));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected) ? tenant : undefined;
  }

  /** Whether `tenant` may read `key`: a dataset of the tenant holds it, and it is not a payload. */
  async canRead(tenant: Tenant, key: string): Promise<boolean> {
    return SERVABLE_KEY.test(key) && !key.endsWith(".ndjson") && this.store.media.held(tenant, key);
  }

  /** Records that a dataset holds files, through `stores` (a transaction's, to apply with the write). */
  retain(stores: EntityStores, tenant: Tenant, datasetId: string, keys: readonly string[]): Promise<void> {
    return keys.length === 0 ? Promise.resolve() : stores.media.retain(tenant, datasetId, keys);
  }

  /**
   * Deletes a dataset with `remove`, then removes the files it held that no dataset holds any
   * more. Returns what `remove` returned.
   */
  async deleteDataset(datasetId: string, remove: () => Promise<boolean>): Promise<boolean> {
    const keys = await this.store.media.keysOf(datasetId);
    const removed = await remove();
    if (removed && keys.length > 0) {
      for (const key of await this.store.media.unheld(keys)) await this.removeFile(key);
    }
    return removed;
  }

  /** Removes a stored file that no dataset holds. */
  private async removeFile(key: string): Promise<void> {
    const media = this.media as MediaStore & { remove?: (key: string) => Promise<void> };
    if (typeof media.remove === "function") {
      await media.remove(key);
      return;
    }
    let path: string;
    try {
      path = media.pathOf(key);
    } catch {
      // A backend without local files and without removal keeps it (its own lifecycle rules apply).
      return;
    }
    await rm(path, { force: true });
  }

  private sign(tenant: string, key: string, expires: string): string {
    return createHmac("sha256", this.signingKey).update(`${tenant}\n${key}\n${expires}`).digest("base64url");
  }
}
