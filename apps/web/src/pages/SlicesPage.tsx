import { useState } from "react";
import { datasetSummary, type SliceSummary } from "../api/catalog.js";
import { invalidate, useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";

/** How many items a slice holds now (a dynamic slice: how many its query selects now). */
function SliceCount({ datasetId, slice }: { datasetId: string; slice: SliceSummary }) {
  const client = useClient();
  const count = useResource(`slice-count:${datasetId}:${slice.id}`, () =>
    client.getDataset(datasetId).countItems(`slice.${JSON.stringify(slice.id)} = true`),
  );
  if (count.status === "ready") return <>{count.data.toLocaleString()}</>;
  if (count.status === "error") return <span className="muted">?</span>;
  return <span className="muted">…</span>;
}

/**
 * The slices of a dataset: static ones (a list of items) and dynamic ones (a saved query read
 * again on every read), each with its size, its query, and links to its grid and to a run's
 * metrics on it.
 */
export function SlicesPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const [deleting, setDeleting] = useState<string>();
  const [error, setError] = useState<unknown>();
  const crumbs = [
    { label: "Datasets", href: "/" },
    ...(summary.status === "ready"
      ? [{ label: summary.data.name, href: `/datasets/${encodeURIComponent(datasetId)}` }]
      : []),
    { label: "Slices" },
  ];
  if (summary.status === "loading")
    return (
      <Shell crumbs={crumbs}>
        <Loading what="the slices" />
      </Shell>
    );
  if (summary.status === "error")
    return (
      <Shell crumbs={crumbs}>
        <ErrorState error={summary.error} retry={summary.reload} what="the slices" />
      </Shell>
    );
  const { slices, runs } = summary.data;
  const remove = async (slice: SliceSummary) => {
    if (!window.confirm(`Delete the slice “${slice.name}”? Its items stay in the dataset.`)) return;
    setDeleting(slice.id);
    setError(undefined);
    try {
      await client.getSlice(slice.id).delete();
      invalidate(`dataset:${datasetId}`);
      invalidate("datasets");
    } catch (caught) {
      setError(caught);
    } finally {
      setDeleting(undefined);
    }
  };
  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  return (
    <Shell crumbs={crumbs}>
      <div className="page slices-page">
        <h1>Slices of {summary.data.name}</h1>
        {error ? <ErrorState error={error} what="the slice" /> : null}
        {slices.length === 0 ? (
          <Empty title="No slices yet">
            <p>
              In the <Link href={grid}>grid</Link>, select items (or every item of a query) and choose{" "}
              <strong>Add to slice…</strong>; or <code>nu slices create NAME --where '…' [--dynamic]</code>.
            </p>
          </Empty>
        ) : (
          <table className="data-table slices">
            <thead>
              <tr>
                <th scope="col">Slice</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col">Query</th>
                <th scope="col">Metrics of a run on it</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {slices.map((slice) => (
                <tr key={slice.id}>
                  <th scope="row">
                    <Link href={`${grid}?slice=${encodeURIComponent(slice.id)}`}>{slice.name}</Link>
                    <div className="muted small">
                      <code>{slice.id}</code>
                    </div>
                  </th>
                  <td>
                    <span className={`kind kind-${slice.dynamic ? "dynamic" : "static"}`}>
                      {slice.dynamic ? "dynamic" : "static"}
                    </span>
                  </td>
                  <td className="num">
                    <SliceCount datasetId={datasetId} slice={slice} />
                  </td>
                  <td className="slice-query">
                    {slice.query !== undefined ? (
                      <code>{slice.query || "(every item)"}</code>
                    ) : (
                      <span className="muted">items chosen one by one</span>
                    )}
                  </td>
                  <td>
                    <ul className="inline-list">
                      {runs.map((run) => (
                        <li key={run.id}>
                          <Link
                            href={`/runs/${encodeURIComponent(run.id)}?slice=${encodeURIComponent(slice.id)}`}
                            aria-label={`Metrics of ${run.name} on ${slice.name}`}
                          >
                            {run.name}
                          </Link>
                        </li>
                      ))}
                    </ul>
                    {runs.length === 0 ? <span className="muted">no runs</span> : null}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="ghost"
                      disabled={deleting === slice.id}
                      onClick={() => void remove(slice)}
                      aria-label={`Delete ${slice.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Shell>
  );
}
