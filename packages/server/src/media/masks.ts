/**
 * Where the bytes of a segmentation's mask are. A mask uploaded as a file keeps the caller's
 * `mask_url` (a local path the official client compares on read-back) and its stored file's key
 * in a private payload field, {@link MASK_MEDIA_KEY}, which no client can send (request schemas
 * drop unknown keys) and no response shows (read-back carries `mask_media_url` instead).
 * Labels stored before this field existed have `nucleus-media:KEY` as their `mask_url`.
 */
import { MEDIA_SCHEME } from "../media.js";

/** The private payload field holding the media key of a mask uploaded as a file. */
export const MASK_MEDIA_KEY = "mask_media_key";

/** The media key of a label's mask when this server holds its bytes. */
export function maskMediaKeyOf(payload: object): string | undefined {
  const fields = payload as { mask_media_key?: unknown; mask_url?: unknown };
  if (typeof fields.mask_media_key === "string" && fields.mask_media_key !== "") return fields.mask_media_key;
  const url = fields.mask_url;
  return typeof url === "string" && url.startsWith(MEDIA_SCHEME) ? url.slice(MEDIA_SCHEME.length) : undefined;
}

/**
 * Where to read a label's mask: `nucleus-media:KEY` for a stored one, else its `mask_url`.
 * Two uploads that named the same local path stay apart, since their keys differ.
 */
export function maskSourceOf(payload: object): string | undefined {
  const key = maskMediaKeyOf(payload);
  if (key) return `${MEDIA_SCHEME}${key}`;
  const url = (payload as { mask_url?: unknown }).mask_url;
  return typeof url === "string" ? url : undefined;
}

/** Whether a stored label names its mask by the old `nucleus-media:` marker (the caller's URL was not kept). */
export function hasLegacyMaskUrl(payload: object): boolean {
  const url = (payload as { mask_url?: unknown }).mask_url;
  return typeof url === "string" && url.startsWith(MEDIA_SCHEME);
}
