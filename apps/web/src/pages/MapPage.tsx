import type { MapPoint } from "@nucleus/core";
import { useCallback, useMemo, useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import {
  type ColorBy,
  colorPoints,
  itemsByReference,
  mapPoints,
  referenceQuery,
  similarHref,
} from "../api/embeddings.js";
import { useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { ResultTile } from "../components/ResultTile.js";
import { groupColor, ScatterMap } from "../components/ScatterMap.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { navigate, useLocation, withQuery } from "../state/router.js";

/** Selected items shown as tiles; the grid link carries all of them. */
const TILES = 120;
/** Examples "more like these" searches from at most. */
const EXAMPLES = 20;
const NO_GROUPS: string[] = [];

function colorByOf(value: string | null): ColorBy {
  if (value === "label") return { kind: "label" };
  if (value === "slice") return { kind: "slice" };
  if (value?.startsWith("metadata:")) return { kind: "metadata", key: value.slice(9) };
  return { kind: "none" };
}

/**
 * The embedding map: every item's vector projected to 2-D, coloured by label, a metadata key or
 * slice; a box or lasso selects points, whose items show below and open in the grid as a query.
 */
export function MapPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const { pathname, search } = useLocation();
  const color = search.get("color") ?? "label";
  const by = colorByOf(color);
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const points = useResource(`map:${datasetId}`, () => mapPoints(client, datasetId));
  const keys = useResource(`metadata-keys:${datasetId}`, async () =>
    (await client.getDataset(datasetId).metadataSchema()).keys.map((k) => k.key),
  );
  const slices = summary.data?.slices ?? [];
  const coloring = useResource(
    summary.status === "ready" ? `map-color:${datasetId}:${color}:${slices.length}` : null,
    () => colorPoints(client, datasetId, by, slices),
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [mode, setMode] = useState<"box" | "lasso">("box");
  const groups = coloring.data?.groups ?? NO_GROUPS;
  const groupOf = coloring.data?.groupOf;
  const colorOf = useCallback(
    (p: MapPoint) => groupColor(groups, groupOf?.get(p.itemId) ?? "(none)"),
    [groups, groupOf],
  );
  const chosen = useMemo(
    () => (points.data ?? []).filter((p) => selected.has(p.itemId)),
    [points.data, selected],
  );
  const chosenRefs = chosen.map((p) => p.referenceId);
  const tiles = useResource(
    chosen.length ? `map-tiles:${datasetId}:${chosenRefs.slice(0, TILES).join(",")}` : null,
    () => itemsByReference(client, datasetId, chosenRefs.slice(0, TILES)),
  );

  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    { label: summary.status === "ready" ? summary.data.name : "…", href: grid },
    { label: "Embedding map" },
  ];
  const counts = new Map<string, number>();
  if (groupOf) for (const g of groupOf.values()) counts.set(g, (counts.get(g) ?? 0) + 1);
  return (
    <Shell crumbs={crumbs}>
      <div className="with-panel">
        <aside className="panel" aria-label="Map controls">
          <label className="field">
            <span>Colour by</span>
            <select
              value={color}
              onChange={(e) =>
                navigate(withQuery(pathname, search, { color: e.target.value }), { replace: true })
              }
            >
              <option value="none">Nothing</option>
              <option value="label">Label</option>
              <option value="slice">Slice</option>
              {(keys.data ?? []).map((key) => (
                <option key={key} value={`metadata:${key}`}>
                  metadata.{key}
                </option>
              ))}
            </select>
          </label>
          {groups.length > 0 ? (
            <ul className="map-legend" aria-label="Legend">
              {groups.map((g) => (
                <li key={g}>
                  <span className="embed-swatch" style={{ background: groupColor(groups, g) }} />
                  <span className="legend-name">{g}</span>
                  <span className="muted">{counts.get(g) ?? 0}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="segmented" role="radiogroup" aria-label="Selection tool">
            {(["box", "lasso"] as const).map((m) => (
              <label key={m} className={mode === m ? "on" : ""}>
                <input type="radio" name="tool" checked={mode === m} onChange={() => setMode(m)} />
                {m === "box" ? "Box" : "Lasso"}
              </label>
            ))}
          </div>
          <section className="panel-section" aria-live="polite">
            <h2>Selection</h2>
            {chosen.length === 0 ? (
              <p className="muted small">Drag on the map to select points.</p>
            ) : (
              <>
                <strong className="map-selected">{chosen.length.toLocaleString()} items selected</strong>
                <Link href={`${grid}?q=${encodeURIComponent(referenceQuery(chosenRefs))}`}>
                  Open in the grid
                </Link>
                <Link href={similarHref(datasetId, chosenRefs.slice(0, EXAMPLES))}>More like these</Link>
                <button type="button" className="ghost" onClick={() => setSelected(new Set())}>
                  Clear
                </button>
              </>
            )}
          </section>
        </aside>
        <section className="page embed-main map-main" aria-label="Embedding map">
          {points.status === "loading" ? (
            <Loading what="the embedding map" detail="projecting the vectors the first time" />
          ) : null}
          {points.status === "error" ? (
            <ErrorState error={points.error} retry={points.reload} what="the embedding map" />
          ) : null}
          {points.status === "ready" && points.data.length === 0 ? (
            <Empty title="No vectors">
              <p>
                Upload item vectors (<code>nu embeddings upload</code>) to see the map.
              </p>
            </Empty>
          ) : null}
          {points.status === "ready" && points.data.length > 0 ? (
            <>
              <ScatterMap
                points={points.data}
                colorOf={colorOf}
                selected={selected}
                onSelect={setSelected}
                mode={mode}
              />
              {chosen.length > 0 ? (
                <ul className="result-grid" aria-label="Selected items">
                  {chosen.slice(0, TILES).map((p) => (
                    <ResultTile
                      key={p.itemId}
                      datasetId={datasetId}
                      referenceId={p.referenceId}
                      item={tiles.data?.get(p.referenceId)}
                    />
                  ))}
                </ul>
              ) : null}
            </>
          ) : null}
        </section>
      </div>
    </Shell>
  );
}
