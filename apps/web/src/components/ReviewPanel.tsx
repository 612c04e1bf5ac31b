import type { Review, ReviewStatus } from "@nucleus/core";
import { useState } from "react";
import { invalidate, useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { labelColor } from "../labels/colors.js";
import type { Shape } from "../labels/shapes.js";
import { useShortcut } from "../state/shortcuts.js";
import { describeError } from "./States.js";

const STATUSES: { status: ReviewStatus; name: string; key: string; symbol: string }[] = [
  { status: "accepted", name: "Accept", key: "a", symbol: "✓" },
  { status: "rejected", name: "Reject", key: "r", symbol: "✕" },
  { status: "needs_fix", name: "Needs fix", key: "f", symbol: "!" },
];
const WORDS: Record<ReviewStatus, string> = {
  accepted: "accepted",
  rejected: "rejected",
  needs_fix: "needs fix",
};

/** The newest review of the item itself, and of each annotation, from a list in any order. */
function latest(reviews: readonly Review[]): { item?: Review; annotations: Map<string, Review> } {
  const sorted = [...reviews].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  let item: Review | undefined;
  const annotations = new Map<string, Review>();
  for (const review of sorted) {
    if (review.annotationId) annotations.set(review.annotationId, review);
    else item = review;
  }
  return item ? { item, annotations } : { annotations };
}

/**
 * Review of an item's ground truth: the whole item with `a` (accept), `r` (reject) and `f`
 * (needs fix), or one annotation (those with an id) with its buttons; the newest status of each
 * and who gave it.
 */
export function ReviewPanel({
  datasetId,
  itemId,
  referenceId,
  annotations,
}: {
  datasetId: string;
  itemId: string;
  referenceId: string;
  /** The item's ground-truth shapes. */
  annotations: readonly Shape[];
}) {
  const client = useClient();
  const key = `reviews:${datasetId}:${referenceId}`;
  const reviews = useResource(key, () => client.getDataset(datasetId).reviews(referenceId));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const record = async (status: ReviewStatus, annotationId?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await client
        .getDataset(datasetId)
        .review([{ itemId, status, ...(annotationId ? { annotationId } : {}) }]);
      invalidate(key);
      // An item's status is also its metadata (review_status), as Nucleus keeps it.
      if (!annotationId) invalidate(`item:${datasetId}:${itemId}`);
      invalidate(`facets:${datasetId}:`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  useShortcut(["a"], "Review the item: accepted", "Item", () => void record("accepted"));
  useShortcut(["r"], "Review the item: rejected", "Item", () => void record("rejected"));
  useShortcut(["f"], "Review the item: needs fix", "Item", () => void record("needs_fix"));

  const state =
    reviews.status === "ready" ? latest(reviews.data) : { annotations: new Map<string, Review>() };
  const current = state.item;
  const reviewable = annotations.filter((a) => a.annotationId);
  return (
    <section className="review" aria-labelledby="review-title">
      <h2 id="review-title">Review</h2>
      <p className="review-status" aria-live="polite">
        {reviews.status === "loading" ? (
          <span className="muted">Reading reviews…</span>
        ) : current ? (
          <>
            <span className={`status status-${current.status}`}>{WORDS[current.status]}</span>{" "}
            <span className="muted small">
              by {current.reviewer ?? "someone"} · {new Date(current.createdAt).toLocaleString()}
            </span>
          </>
        ) : (
          <span className="muted">Not reviewed yet</span>
        )}
      </p>
      <div className="review-actions">
        {STATUSES.map((s) => (
          <button
            key={s.status}
            type="button"
            disabled={busy}
            aria-pressed={current?.status === s.status}
            onClick={() => void record(s.status)}
          >
            {s.name} <kbd>{s.key}</kbd>
          </button>
        ))}
      </div>
      {error ? (
        <p className="qb-error" role="alert">
          {describeError(error).hint}
        </p>
      ) : null}
      {reviewable.length > 0 ? (
        <ul className="review-annotations">
          {reviewable.map((shape) => {
            const id = shape.annotationId as string;
            const mine = state.annotations.get(id);
            return (
              <li key={shape.key}>
                <i className="dot" style={{ background: labelColor(shape.label) }} aria-hidden="true" />
                <span className="review-name" title={id}>
                  {shape.label} <code>{id}</code>
                </span>
                {mine ? <span className={`status status-${mine.status}`}>{WORDS[mine.status]}</span> : null}
                {STATUSES.map((s) => (
                  <button
                    key={s.status}
                    type="button"
                    className="ghost icon"
                    disabled={busy}
                    aria-pressed={mine?.status === s.status}
                    aria-label={`${s.name} ${shape.label} ${id}`}
                    title={s.name}
                    onClick={() => void record(s.status, id)}
                  >
                    {s.symbol}
                  </button>
                ))}
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
