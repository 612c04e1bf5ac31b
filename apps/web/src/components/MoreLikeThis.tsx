import { similarHref } from "../api/embeddings.js";
import { Link } from "./Link.js";
import "../styles/embeddings.css";

/** A link, drawn as a button, to the items nearest to these (by reference id). */
export function MoreLikeThis({
  datasetId,
  referenceIds,
}: {
  datasetId: string;
  referenceIds: readonly string[];
}) {
  return (
    <Link className="button" href={similarHref(datasetId, referenceIds)}>
      More like {referenceIds.length === 1 ? "this" : "these"}
    </Link>
  );
}
