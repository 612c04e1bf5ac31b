/** Where an item's image can be loaded from, and how. */
export type Media =
  /** Uploaded to this server: thumbnails come from the server, the original from `url`. */
  | { kind: "local"; url: string; key: string }
  /** On the web: the browser loads it directly. */
  | { kind: "remote"; url: string }
  /** Somewhere a browser cannot reach (`s3://`, `gs://`, a local path): shown as a placeholder. */
  | { kind: "unreachable"; url: string };

/**
 * Sorts an item's image URL into local, remote and unreachable.
 *
 * @example
 * ```ts
 * mediaOf("s3://bucket/a.jpg", "http://127.0.0.1:8080/v1/nucleus"); // { kind: "unreachable", ... }
 * ```
 */
export function mediaOf(url: string | undefined, endpoint: string): Media {
  if (!url) return { kind: "unreachable", url: "(no image URL)" };
  const local = `${endpoint}/__media/`;
  // The server may sign media URLs (a query after the key).
  if (url.startsWith(local))
    return { kind: "local", url, key: url.slice(local.length).split("?")[0] as string };
  if (/^https?:\/\//i.test(url)) return { kind: "remote", url };
  return { kind: "unreachable", url };
}

/** The URL of a stored image's thumbnail, at least `size` pixels wide; the key makes it cacheable for good. */
export function thumbnailUrl(
  endpoint: string,
  datasetId: string,
  itemId: string,
  key: string,
  size: number,
): string {
  const v = key.slice(0, 16);
  return `${endpoint}/__thumbnail/${encodeURIComponent(datasetId)}/${encodeURIComponent(itemId)}?size=${size}&v=${v}`;
}

/** Images being fetched ahead, kept referenced until they load (the browser's cache then has them). */
const preloading = new Map<string, HTMLImageElement>();

/**
 * Starts loading an image the user is about to see (a pointer went down on the tile that opens
 * it), so the item view finds it in the browser's memory cache.
 */
export function preloadImage(url: string): void {
  if (preloading.has(url)) return;
  const img = new Image();
  img.decoding = "async";
  const done = () => preloading.delete(url);
  img.onload = done;
  img.onerror = done;
  preloading.set(url, img);
  img.src = url;
}
