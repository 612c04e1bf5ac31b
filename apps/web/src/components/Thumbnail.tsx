import { useState } from "react";
import { mediaOf, thumbnailUrl } from "../api/media.js";

/**
 * An item's image scaled into a box: the server's thumbnail for an uploaded image, the image
 * itself for a web URL, and for anything a browser cannot load a placeholder that shows the URL.
 * Calls `onSize` with the image's natural size once it has loaded.
 */
export function Thumbnail({
  endpoint,
  datasetId,
  itemId,
  url,
  size,
  onSize,
}: {
  endpoint: string;
  datasetId: string;
  itemId: string;
  url: string | undefined;
  /** The box's larger side in device pixels, to pick a thumbnail size. */
  size: number;
  onSize?: (width: number, height: number) => void;
}) {
  const [failed, setFailed] = useState(false);
  const media = mediaOf(url, endpoint);
  if (media.kind === "unreachable" || failed) {
    return (
      <div className="placeholder" title={media.url}>
        <span>{failed ? "Image did not load" : "Not viewable in a browser"}</span>
        <code>{media.url}</code>
      </div>
    );
  }
  const src = media.kind === "local" ? thumbnailUrl(endpoint, datasetId, itemId, media.key, size) : media.url;
  return (
    <img
      className="thumb"
      src={src}
      alt=""
      loading="lazy"
      decoding="async"
      draggable={false}
      onLoad={(e) => onSize?.(e.currentTarget.naturalWidth, e.currentTarget.naturalHeight)}
      onError={() => setFailed(true)}
    />
  );
}
