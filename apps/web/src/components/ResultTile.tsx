import type { ReactNode } from "react";
import type { ItemRef } from "../api/embeddings.js";
import { apiEndpoint } from "../api/endpoint.js";
import { Link } from "./Link.js";
import { Thumbnail } from "./Thumbnail.js";
import "../styles/embeddings.css";

/**
 * One item of a result grid (similar items, autotag scores, a near-duplicate group, a map
 * selection): its thumbnail linking to the item view, its reference id, a figure (a distance, a
 * score) and optional actions below.
 */
export function ResultTile({
  datasetId,
  referenceId,
  item,
  figure,
  selected,
  onToggle,
  children,
}: {
  datasetId: string;
  referenceId: string;
  item: ItemRef | undefined;
  figure?: string;
  selected?: boolean;
  onToggle?: () => void;
  children?: ReactNode;
}) {
  return (
    <li
      className={`result-tile${selected ? " result-selected" : ""}`}
      data-reference-id={referenceId}
      data-item-id={item?.id}
    >
      <Link
        href={item ? `/datasets/${encodeURIComponent(datasetId)}/items/${encodeURIComponent(item.id)}` : "#"}
        className="result-image"
        aria-label={`Open ${referenceId}`}
      >
        {item ? (
          <Thumbnail
            endpoint={apiEndpoint()}
            datasetId={datasetId}
            itemId={item.id}
            url={item.imageUrl}
            size={256}
          />
        ) : null}
      </Link>
      <div className="result-caption">
        {onToggle ? (
          <input
            type="checkbox"
            checked={Boolean(selected)}
            onChange={onToggle}
            aria-label={`Select ${referenceId}`}
          />
        ) : null}
        <span className="result-ref">{referenceId}</span>
        {figure !== undefined ? <span className="result-figure">{figure}</span> : null}
      </div>
      {children ? <div className="result-actions">{children}</div> : null}
    </li>
  );
}
