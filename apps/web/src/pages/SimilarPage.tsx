import { useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import { itemsByReference, moreLikeThis } from "../api/embeddings.js";
import { invalidate, useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { ResultTile } from "../components/ResultTile.js";
import { Shell } from "../components/Shell.js";
import { describeError, Empty, ErrorState, Loading } from "../components/States.js";
import { navigate, useLocation, withQuery } from "../state/router.js";

const SIZES = [24, 48, 96, 200] as const;

/** The examples of a "more like this" page: reference ids in its `id` query parameters. */
export function examplesOf(search: URLSearchParams): string[] {
  return search.getAll("id").filter(Boolean);
}

/** The dataset's autotags, each a link to its scores and refinement. */
function AutotagList({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const tags = useResource(`autotags:${datasetId}`, () => client.getDataset(datasetId).autotagDetails());
  if (tags.status !== "ready" || tags.data.length === 0) return null;
  return (
    <section className="panel-section">
      <h2>Autotags</h2>
      <ul className="map-legend" aria-label="Autotags">
        {tags.data.map((tag) => (
          <li key={tag.id}>
            <Link
              className="legend-name"
              href={`/datasets/${encodeURIComponent(datasetId)}/autotags/${encodeURIComponent(tag.id)}`}
            >
              {tag.name}
            </Link>
            <span className="muted small">
              {tag.refinementRounds ?? 0} {tag.refinementRounds === 1 ? "round" : "rounds"}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Trains an autotag from the examples and opens it. */
function AutotagForm({ datasetId, examples }: { datasetId: string; examples: readonly string[] }) {
  const client = useClient();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const tag = await client.getDataset(datasetId).createAutotag({ name, positives: examples });
      invalidate(`autotags:${datasetId}`);
      navigate(`/datasets/${encodeURIComponent(datasetId)}/autotags/${encodeURIComponent(tag.id)}`);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return (
    <form
      className="panel-section"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <h2>Autotag</h2>
      <p className="muted small">
        Train a classifier with {examples.length === 1 ? "this item" : `these ${examples.length} items`} as
        positives, then refine it with the items it scores highest.
      </p>
      <label className="field">
        <span>Name</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} placeholder="rain" />
      </label>
      <button type="submit" className="primary" disabled={busy || !name}>
        {busy ? "Training…" : "Create autotag"}
      </button>
      {error ? (
        <p className="qb-error" role="alert">
          {describeError(error).hint}
        </p>
      ) : null}
    </form>
  );
}

/**
 * "More like this": the items nearest to one or several examples by their vectors, nearest
 * first, with each distance; next to it, an autotag trained from the same examples.
 */
export function SimilarPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const { pathname, search } = useLocation();
  const examples = examplesOf(search);
  const k = Number(search.get("k") ?? 48) || 48;
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const key = `similar:${datasetId}:${JSON.stringify(examples)}:${k}`;
  const results = useResource(examples.length ? key : null, async () => {
    const hits = await moreLikeThis(client, datasetId, examples, k);
    const items = await itemsByReference(client, datasetId, [...examples, ...hits.map((h) => h.referenceId)]);
    return { hits, items };
  });
  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    { label: summary.status === "ready" ? summary.data.name : "…", href: grid },
    { label: "More like this" },
  ];
  if (examples.length === 0)
    return (
      <Shell crumbs={crumbs}>
        <Empty title="No example chosen">
          <p>Open an item and choose “More like this”, or select items in the grid.</p>
        </Empty>
      </Shell>
    );
  return (
    <Shell crumbs={crumbs}>
      <div className="with-panel">
        <aside className="panel" aria-label="Examples">
          <section className="panel-section">
            <h2>{examples.length === 1 ? "Example" : `${examples.length} examples`}</h2>
            <ul className="result-grid small-tiles" aria-label="Examples">
              {examples.map((ref) => (
                <ResultTile
                  key={ref}
                  datasetId={datasetId}
                  referenceId={ref}
                  item={results.data?.items.get(ref)}
                />
              ))}
            </ul>
          </section>
          <label className="field">
            <span>Neighbours</span>
            <select
              value={k}
              onChange={(e) =>
                navigate(withQuery(pathname, search, { k: e.target.value }), { replace: true })
              }
            >
              {SIZES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <AutotagForm datasetId={datasetId} examples={examples} />
          <AutotagList datasetId={datasetId} />
        </aside>
        <section className="page embed-main" aria-label="Similar items">
          <h1>More like {examples.length === 1 ? examples[0] : `${examples.length} items`}</h1>
          {results.status === "loading" ? <Loading what="the nearest items" /> : null}
          {results.status === "error" ? (
            <ErrorState error={results.error} retry={results.reload} what="the nearest items" />
          ) : null}
          {results.status === "ready" ? (
            <>
              <p className="muted">
                {results.data.hits.length} nearest items, nearest first (cosine distance to the nearest
                example).
              </p>
              <ol className="result-grid" aria-label="Nearest items">
                {results.data.hits.map((hit) => (
                  <ResultTile
                    key={hit.referenceId}
                    datasetId={datasetId}
                    referenceId={hit.referenceId}
                    item={results.data.items.get(hit.referenceId)}
                    figure={hit.distance.toFixed(3)}
                  />
                ))}
              </ol>
            </>
          ) : null}
        </section>
      </div>
    </Shell>
  );
}
