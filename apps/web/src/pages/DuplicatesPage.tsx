import type { NearDuplicateGroups } from "@nucleus/core";
import { useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import { type ItemRef, itemsByReference } from "../api/embeddings.js";
import { invalidate, useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { ResultTile } from "../components/ResultTile.js";
import { Shell } from "../components/Shell.js";
import { describeError, Empty, Loading } from "../components/States.js";

/** Groups shown at once; the slice still covers all of them. */
const SHOWN = 200;

/**
 * Near-duplicates: a job groups the items whose vectors lie within a distance of each other; the
 * groups are shown with the item each keeps first, and become a deduplicated slice (one item per
 * group, and every item in no group).
 */
export function DuplicatesPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const dataset = client.getDataset(datasetId);
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const [threshold, setThreshold] = useState("0.05");
  const [result, setResult] = useState<{ groups: NearDuplicateGroups; items: Map<string, ItemRef> }>();
  const [busy, setBusy] = useState<"job" | "slice">();
  const [error, setError] = useState<unknown>();
  const [name, setName] = useState("deduplicated");
  const [notice, setNotice] = useState<{ text: string; sliceId: string }>();
  const run = async () => {
    setBusy("job");
    setError(undefined);
    setNotice(undefined);
    try {
      const groups = await dataset.nearDuplicates({ threshold: Number(threshold) });
      const refs = groups.groups.slice(0, SHOWN).flatMap((g) => g.items.map((i) => i.referenceId));
      setResult({ groups, items: await itemsByReference(client, datasetId, refs) });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };
  const slice = async () => {
    if (!result) return;
    setBusy("slice");
    setError(undefined);
    try {
      const made = await dataset.nearDuplicateSlice(result.groups.jobId, name.trim() || "deduplicated", {
        keep: "unique",
      });
      invalidate(`dataset:${datasetId}`);
      setNotice({ text: `Made the slice “${made.name}” of ${made.items} items.`, sliceId: made.sliceId });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };
  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    { label: summary.status === "ready" ? summary.data.name : "…", href: grid },
    { label: "Near-duplicates" },
  ];
  return (
    <Shell crumbs={crumbs}>
      <div className="with-panel">
        <aside className="panel embed-form" aria-label="Near-duplicate search">
          <form
            className="panel-section"
            onSubmit={(e) => {
              e.preventDefault();
              void run();
            }}
          >
            <h2>Find near-duplicates</h2>
            <label className="field">
              <span>Cosine distance at most</span>
              <input
                type="number"
                min={0}
                max={2}
                step="any"
                value={threshold}
                onChange={(e) => setThreshold(e.target.value)}
              />
            </label>
            <button type="submit" className="primary" disabled={busy !== undefined}>
              {busy === "job" ? "Searching…" : "Find groups"}
            </button>
          </form>
          {result ? (
            <form
              className="panel-section"
              onSubmit={(e) => {
                e.preventDefault();
                void slice();
              }}
            >
              <h2>Deduplicated slice</h2>
              <p className="muted small">
                Every item but the {result.groups.duplicates.toLocaleString()} duplicates: the first item of
                each group stays.
              </p>
              <label className="field">
                <span>Slice name</span>
                <input type="text" value={name} onChange={(e) => setName(e.target.value)} />
              </label>
              <button type="submit" disabled={busy !== undefined}>
                Make slice
              </button>
            </form>
          ) : null}
          {error ? (
            <p className="qb-error" role="alert">
              {describeError(error).hint}
            </p>
          ) : null}
          {notice ? (
            <p className="notice-line" role="status">
              {notice.text} <Link href={`${grid}?slice=${encodeURIComponent(notice.sliceId)}`}>Open it</Link>
            </p>
          ) : null}
        </aside>
        <section className="page embed-main" aria-label="Groups">
          <h1>Near-duplicates</h1>
          {busy === "job" ? (
            <Loading what="the groups" detail="a job compares every vector's neighbours" />
          ) : null}
          {!result && busy !== "job" ? (
            <Empty title="No search yet">
              <p>Choose how close two items must be and find the groups.</p>
            </Empty>
          ) : null}
          {result ? (
            <>
              <p className="muted" data-testid="dup-summary">
                {result.groups.groups.length.toLocaleString()} groups,{" "}
                {result.groups.duplicates.toLocaleString()} duplicates among{" "}
                {result.groups.searched.toLocaleString()} items (distance ≤ {result.groups.threshold}).
              </p>
              <ol className="dup-groups" aria-label="Groups">
                {result.groups.groups.slice(0, SHOWN).map((group, g) => (
                  <li key={group.items[0]?.itemId ?? g} className="dup-group">
                    <h2>
                      Group {g + 1} · {group.items.length} items
                    </h2>
                    <ul className="result-grid">
                      {group.items.map((item, i) => (
                        <ResultTile
                          key={item.referenceId}
                          datasetId={datasetId}
                          referenceId={item.referenceId}
                          item={result.items.get(item.referenceId)}
                          figure={i === 0 ? "kept" : "duplicate"}
                          selected={i === 0}
                        />
                      ))}
                    </ul>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </section>
      </div>
    </Shell>
  );
}
