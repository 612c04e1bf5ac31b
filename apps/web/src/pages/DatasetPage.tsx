import { APIError } from "@nucleus/core";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { datasetSummary } from "../api/catalog.js";
import { datasetVocabulary, effectiveQuery, isWholeDataset, queryFacets } from "../api/curation.js";
import { apiEndpoint } from "../api/endpoint.js";
import { type GridItem, itemListOf } from "../api/items.js";
import { labelStoreOf } from "../api/labels.js";
import { invalidate, useResource } from "../api/resource.js";
import { NO_SELECTION, type Selection } from "../api/selection.js";
import { useClient } from "../api/session.js";
import { ItemControls, LabelControls } from "../components/Controls.js";
import { FacetPanel } from "../components/Facets.js";
import { Grid, type GridSelection } from "../components/Grid.js";
import { Link } from "../components/Link.js";
import { QueryBar } from "../components/QueryBar.js";
import { SelectionBar } from "../components/SelectionBar.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { TaxonomyList } from "../components/Taxonomies.js";
import type { SelectMode } from "../components/Tile.js";
import type { Source } from "../labels/shapes.js";
import { refine } from "../query/refine.js";
import { navigate } from "../state/router.js";
import { useShortcut } from "../state/shortcuts.js";
import { carriedQuery, useView } from "../state/view.js";

/** How long after the grid's first page the vocabulary loads at the latest. */
const VOCAB_CEILING_MS = 3_000;

const runNameMaps = new WeakMap<readonly { id: string; name: string }[], Map<string, string>>();
/** Run names by id, one map for one list of runs. */
function runNamesOf(runs: readonly { id: string; name: string }[]): Map<string, string> {
  let names = runNameMaps.get(runs);
  if (!names) {
    names = new Map(runs.map((r) => [r.id, r.name]));
    runNameMaps.set(runs, names);
  }
  return names;
}

/** The grid of a dataset (or one of its slices): thumbnails with their labels, and what to draw. */
export function DatasetPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const [view, update, search] = useView();
  const store = labelStoreOf(client, datasetId);
  const classes = useSyncExternalStore(store.subscribeClasses, store.getClasses);
  const total = summary.status === "ready" ? summary.data.items : undefined;
  const sortField = view.sort?.field;
  const sortDescending = view.sort?.descending ?? false;
  const ready = summary.status === "ready";
  const sliceNames = summary.status === "ready" ? summary.data.slices.map((s) => s.name) : [];
  // The vocabulary (the whole dataset's facets) is only for the query bar: it waits for the first
  // tiles and their labels, or for the bar's focus, so it does not hold up the first paint.
  const [vocabWanted, setVocabWanted] = useState(false);
  const wantVocab = useCallback(() => setVocabWanted(true), []);

  // The first shown run is the one `predictions.*` counts, in the query and in the facets.
  const queryRun = view.runs[0];
  const effective = view.query ? effectiveQuery(view.query, view.sliceId) : "";
  const facetQuery = effectiveQuery(view.query, view.sliceId);
  const list = useMemo(
    () =>
      ready
        ? itemListOf(
            client,
            {
              datasetId,
              sliceId: view.sliceId,
              query: effective || undefined,
              modelRun: effective ? queryRun : undefined,
              sort: sortField ? { field: sortField, descending: sortDescending } : undefined,
            },
            total,
          )
        : undefined,
    [client, datasetId, view.sliceId, effective, queryRun, sortField, sortDescending, ready, total],
  );
  const snapshot = useSyncExternalStore(
    useCallback((listener: () => void) => list?.subscribe(listener) ?? (() => undefined), [list]),
    () => list?.getSnapshot(),
  );
  // The facets wait for the grid's first page: the server answers the items a user looks at first.
  const firstPage = Boolean(snapshot && (snapshot.items.length > 0 || snapshot.done || snapshot.error));
  const facets = useResource(
    ready && firstPage ? `facets:${datasetId}:${queryRun ?? ""}:${facetQuery}` : null,
    () => queryFacets(client, datasetId, facetQuery, queryRun),
  );
  // With no query and no run the grid's facets are the whole dataset's: the vocabulary waits for
  // them and reuses them rather than asking the server for the same facets again.
  const shareFacets = isWholeDataset(facetQuery, queryRun);
  const wholeFacets = shareFacets && facets.status === "ready" ? facets.data : undefined;
  const vocab = useResource(
    ready && vocabWanted && (!shareFacets || (facets.status !== "loading" && !facets.stale))
      ? `vocab:${datasetId}:${sliceNames.join("\u0000")}`
      : null,
    () => datasetVocabulary(client, datasetId, sliceNames, wholeFacets),
  );
  // Taxonomies (a small read, for the facets' categories and the list) come with the vocabulary,
  // after the first tiles' labels.
  const taxonomies = useResource(ready && vocabWanted ? `taxonomies:${datasetId}` : null, () =>
    client.getDataset(datasetId).taxonomies(),
  );
  useEffect(() => {
    if (!firstPage || vocabWanted) return;
    let gone = false;
    const go = () => {
      if (!gone) setVocabWanted(true);
    };
    // A frame first, so the first tiles have asked for their labels; a ceiling, so a grid that
    // keeps reading labels (a scroll) does not put the vocabulary off for long.
    const frame = requestAnimationFrame(() => void store.whenIdle().then(go));
    const ceiling = setTimeout(go, VOCAB_CEILING_MS);
    return () => {
      gone = true;
      cancelAnimationFrame(frame);
      clearTimeout(ceiling);
    };
  }, [firstPage, vocabWanted, store]);
  const want = useCallback((index: number) => list?.want(index), [list]);
  useEffect(() => list?.want(0), [list]);
  const [focus, setFocus] = useState(0);

  // Selection: cleared when the items shown change.
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [notice, setNotice] = useState<{ text: string; sliceId?: string }>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new list of items starts a new selection.
  useEffect(() => setSelection(NO_SELECTION), [list]);
  const itemsRef = useRef(snapshot?.items);
  itemsRef.current = snapshot?.items;
  const onSelect = useCallback((index: number, mode: SelectMode) => {
    const items = itemsRef.current ?? [];
    setSelection((prev) => {
      const next = new Map(prev.kind === "items" ? prev.items : []);
      const anchor = prev.kind === "items" ? prev.anchor : undefined;
      if (mode === "range" && anchor !== undefined) {
        for (let i = Math.min(anchor, index); i <= Math.max(anchor, index); i++) {
          const item = items[i];
          if (item) next.set(item.id, item.referenceId);
        }
      } else {
        const item = items[index];
        if (!item) return prev;
        if (next.has(item.id)) next.delete(item.id);
        else next.set(item.id, item.referenceId);
      }
      return { kind: "items", items: next, anchor: index };
    });
  }, []);
  const onSelectMany = useCallback((indices: number[], add: boolean) => {
    const items = itemsRef.current ?? [];
    setSelection((prev) => {
      const next = new Map(add && prev.kind === "items" ? prev.items : []);
      for (const i of indices) {
        const item = items[i];
        if (item) next.set(item.id, item.referenceId);
      }
      return { kind: "items", items: next, anchor: indices.at(-1) };
    });
  }, []);
  const gridSelection = useMemo<GridSelection>(
    () => ({
      isSelected: (id) => selection.kind === "query" || selection.items.has(id),
      active: selection.kind === "query" || selection.items.size > 0,
      onSelect,
      onSelectMany,
    }),
    [selection, onSelect, onSelectMany],
  );

  const query = carriedQuery(search);
  const hrefOf = useCallback(
    (item: GridItem) =>
      `/datasets/${encodeURIComponent(datasetId)}/items/${encodeURIComponent(item.id)}${query}`,
    [datasetId, query],
  );
  const runsKey = view.runs.join(",");
  const sources = useMemo<Source[]>(
    () => [
      ...(view.groundTruth || view.colorBy === "match" ? (["gt"] as const) : []),
      ...runsKey
        .split(",")
        .filter(Boolean)
        .map((r) => `run:${r}` as const),
    ],
    [view.groundTruth, view.colorBy, runsKey],
  );
  const hiddenKey = [...view.hidden].join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the set.
  const hidden = useMemo(() => view.hidden, [hiddenKey]);
  const tileView = useMemo(() => {
    const runs = runsKey.split(",").filter(Boolean);
    return {
      endpoint: apiEndpoint(),
      datasetId,
      store,
      sources,
      runs,
      iou: view.iou,
      hrefOf,
      style: {
        colorBy: view.colorBy,
        hidden,
        minConfidence: view.minConfidence,
        runs,
        groundTruth: view.groundTruth,
      },
    };
  }, [
    datasetId,
    store,
    sources,
    hrefOf,
    view.colorBy,
    hidden,
    view.minConfidence,
    view.iou,
    runsKey,
    view.groundTruth,
  ]);

  const runs = summary.status === "ready" ? summary.data.runs : [];
  useShortcut(["g"], "Ground truth on or off", "Grid", () => update({ groundTruth: !view.groundTruth }));
  useShortcut(["m"], "Colour by class or by TP / FP / FN", "Grid", () =>
    update({ colorBy: view.colorBy === "match" ? "label" : "match" }),
  );
  useShortcut(["1", "2", "3", "4", "5", "6", "7", "8", "9"], "Model run 1-9 on or off", "Grid", (event) => {
    const run = runs[Number(event.key) - 1];
    if (!run) return;
    update({
      runs: view.runs.includes(run.id) ? view.runs.filter((r) => r !== run.id) : [...view.runs, run.id],
    });
  });
  useShortcut(["x"], "Select the focused item", "Grid", () => onSelect(focus, "toggle"));
  useShortcut(["A"], "Select every item of the query", "Grid", () => setSelection({ kind: "query" }));
  useShortcut(
    ["Escape"],
    "Clear the selection",
    "Grid",
    () => setSelection(NO_SELECTION),
    gridSelection.active,
  );
  useShortcut(["+", "="], "Larger tiles", "Grid", () => update({ tile: Math.min(480, view.tile + 40) }));
  useShortcut(["-"], "Smaller tiles", "Grid", () => update({ tile: Math.max(120, view.tile - 40) }));

  // The facet panel is costly to render: its props stay the same object while nothing changed.
  const queryRef = useRef(view.query);
  queryRef.current = view.query;
  const updateRef = useRef(update);
  updateRef.current = update;
  const pickRef = useRef((condition: string) =>
    updateRef.current({ query: refine(queryRef.current, condition) }),
  );

  if (summary.status === "loading")
    return (
      <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: "…" }]}>
        <Loading what="the dataset" />
      </Shell>
    );
  if (summary.status === "error")
    return (
      <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: datasetId }]}>
        <ErrorState error={summary.error} retry={summary.reload} what="the dataset" />
      </Shell>
    );
  const dataset = summary.data;
  const fields = [
    ...new Set([...dataset.metadataFields, ...Object.keys(snapshot?.items[0]?.metadata ?? {})]),
  ].sort();
  const slice = dataset.slices.find((s) => s.id === view.sliceId);
  const open = (index: number) => {
    const item = snapshot?.items[index];
    if (item) navigate(hrefOf(item));
  };

  let body: React.ReactNode;
  if (!snapshot || (snapshot.items.length === 0 && snapshot.loading)) {
    body = (
      <Loading
        what={view.sort ? "and sorting the items" : "the items"}
        detail={
          view.sort && snapshot
            ? `${snapshot.read.toLocaleString()} of ${dataset.items.toLocaleString()} read`
            : ""
        }
      />
    );
  } else if (snapshot.error && snapshot.items.length === 0) {
    body = <ErrorState error={snapshot.error} what="the items" retry={() => location.reload()} />;
  } else if (snapshot.done && snapshot.items.length === 0) {
    body = view.query ? (
      <Empty title="No item matches the query">
        <p>
          Loosen it, or{" "}
          <button type="button" className="link" onClick={() => update({ query: "" })}>
            clear it
          </button>{" "}
          to see every item{slice ? ` of “${slice.name}”` : ""}.
        </p>
      </Empty>
    ) : slice ? (
      <Empty title={`The slice “${slice.name}” is empty`}>
        <p>
          Add items to it with <code>nu slices append</code>, or show the whole dataset.
        </p>
      </Empty>
    ) : (
      <Empty title="This dataset has no items yet">
        <p>
          Upload images with <code>nu upload images --dataset "{dataset.name}" ./folder</code>, or import a
          COCO file with <code>nu import coco</code>.
        </p>
      </Empty>
    );
  } else {
    body = (
      <Grid
        snapshot={snapshot}
        view={tileView}
        tile={view.tile}
        want={want}
        focus={focus}
        onFocusChange={setFocus}
        onOpen={open}
        selection={gridSelection}
      />
    );
  }

  const queryError =
    snapshot?.error instanceof APIError && snapshot.error.status === 400 ? snapshot.error.message : undefined;
  const count =
    snapshot?.total ??
    (facets.status === "ready" ? facets.data.count : undefined) ??
    (slice || view.query ? undefined : dataset.items);
  const pick = pickRef.current;
  const runNames = runNamesOf(dataset.runs);
  return (
    <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: dataset.name }]}>
      <div className="with-panel">
        <aside className="panel" aria-label="What to show">
          <p className="panel-count">
            <strong>
              {count === undefined
                ? `${(snapshot?.items.length ?? 0).toLocaleString()}+`
                : count.toLocaleString()}
            </strong>{" "}
            {count === 1 ? "item" : "items"}
            {slice ? ` in “${slice.name}”` : ""}
            {view.query ? " matching the query" : ""}
            {snapshot?.loading && snapshot.items.length > 0 ? (
              <span className="muted"> · reading…</span>
            ) : null}
          </p>
          <nav className="panel-links" aria-label="More of this dataset">
            <Link href={`/datasets/${encodeURIComponent(datasetId)}/slices`}>
              Slices ({dataset.slices.length})
            </Link>
            <Link
              href={`/datasets/${encodeURIComponent(datasetId)}/objects${view.runs[0] ? `?mode=false_positive&run=${encodeURIComponent(view.runs[0])}` : ""}`}
            >
              Objects
            </Link>
            <Link href={`/datasets/${encodeURIComponent(datasetId)}/scenes`}>Scenes</Link>
            <Link href={`/datasets/${encodeURIComponent(datasetId)}/map`}>Embedding map</Link>
            <Link href={`/datasets/${encodeURIComponent(datasetId)}/duplicates`}>Near-duplicates</Link>
          </nav>
          <ItemControls view={view} update={update} slices={dataset.slices} fields={fields} />
          <LabelControls view={view} update={update} runs={dataset.runs} classes={classes} />
          {taxonomies.status === "ready" && taxonomies.data.length > 0 ? (
            <TaxonomyList taxonomies={taxonomies.data} />
          ) : null}
        </aside>
        <section className="grid-area" aria-label="Grid">
          <QueryBar
            value={view.query}
            onApply={(query) => update({ query })}
            onFocus={wantVocab}
            vocab={vocab.status === "ready" ? vocab.data : undefined}
            serverError={queryError}
          />
          <SelectionBar
            selection={selection}
            total={count}
            scope={{ datasetId, query: facetQuery, modelRun: queryRun }}
            slices={dataset.slices}
            tags={vocab.status === "ready" ? vocab.data.tags : []}
            onSelectAll={() => setSelection({ kind: "query" })}
            onClear={() => setSelection(NO_SELECTION)}
            onChanged={(what, next) => {
              setSelection(NO_SELECTION);
              setNotice(next);
              invalidate(`facets:${datasetId}:`);
              invalidate(`vocab:${datasetId}:`);
              if (what === "slices") {
                invalidate(`dataset:${datasetId}`);
                invalidate("datasets");
              }
            }}
          />
          {notice ? (
            <p className="notice selection-notice" role="status">
              {notice.text}{" "}
              {notice.sliceId ? (
                <Link
                  href={`/datasets/${encodeURIComponent(datasetId)}?slice=${encodeURIComponent(notice.sliceId)}`}
                >
                  Show the slice
                </Link>
              ) : null}
              <button
                type="button"
                className="ghost"
                aria-label="Dismiss"
                onClick={() => setNotice(undefined)}
              >
                ✕
              </button>
            </p>
          ) : null}
          {body}
        </section>
        <aside className="panel facets-panel" aria-label="Facets">
          <h2>Facets</h2>
          {facets.status === "ready" ? (
            <FacetPanel
              facets={facets.data}
              runNames={runNames}
              onPick={pick}
              {...(taxonomies.status === "ready" ? { taxonomies: taxonomies.data } : {})}
            />
          ) : facets.status === "error" ? (
            <ErrorState error={facets.error} retry={facets.reload} what="the facets" />
          ) : (
            <Loading what="the facets" />
          )}
        </aside>
      </div>
    </Shell>
  );
}
