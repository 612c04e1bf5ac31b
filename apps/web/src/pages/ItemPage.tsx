import { useEffect, useState, useSyncExternalStore } from "react";
import { datasetSummary, type RunSummary } from "../api/catalog.js";
import { effectiveQuery } from "../api/curation.js";
import { apiEndpoint } from "../api/endpoint.js";
import { type GridItem, itemListOf, knownItem, toGridItem } from "../api/items.js";
import { labelStoreOf } from "../api/labels.js";
import { mediaOf } from "../api/media.js";
import { useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { CategoryChips } from "../components/CategoryChips.js";
import { LabelControls } from "../components/Controls.js";
import { type Camera, fitCamera, ImageViewer, type Panel } from "../components/ImageViewer.js";
import { MoreLikeThis } from "../components/MoreLikeThis.js";
import { ReviewPanel } from "../components/ReviewPanel.js";
import { Shell } from "../components/Shell.js";
import { ErrorState, Loading } from "../components/States.js";
import { useItemLabels } from "../components/useLabels.js";
import { labelColor } from "../labels/colors.js";
import { type MatchInfo, matchShapes } from "../labels/match.js";
import { classesOf, type LabelGroupsLike, type Shape, type Source, shapesOf } from "../labels/shapes.js";
import { isShown, type StyleOptions } from "../labels/style.js";
import { navigate } from "../state/router.js";
import { useShortcut } from "../state/shortcuts.js";
import { carriedQuery, useView } from "../state/view.js";

type Layout = "overlay" | "side";

/**
 * One item: the full image with zoom and pan, ground truth against one or two runs (overlaid or
 * side by side), predictions marked TP / FP / FN at the chosen IoU, a hover card per label, the
 * metadata, and previous / next in the grid's order.
 */
export function ItemPage({ datasetId, itemId }: { datasetId: string; itemId: string }) {
  const client = useClient();
  const [view, update, search] = useView();
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const item = useResource(`item:${datasetId}:${itemId}`, () => client.getDataset(datasetId).loc(itemId));
  const store = labelStoreOf(client, datasetId);
  const [layout, setLayout] = useState<Layout>("overlay");
  // The camera belongs to one item: the next item opens fitted.
  const [cameraOf, setCameraOf] = useState<{ itemId: string; camera: Camera }>();
  const camera = cameraOf?.itemId === itemId ? cameraOf.camera : undefined;
  const setCamera = (next: Camera | undefined) => setCameraOf(next ? { itemId, camera: next } : undefined);
  const [highlight, setHighlight] = useState<string>();

  // Seeds the ground truth the item read brought along, so it is not read twice.
  useEffect(() => {
    if (item.status === "ready")
      store.seed(itemId, "gt", shapesOf(item.data.annotations as LabelGroupsLike, "gt"));
  }, [item.status, item.data, itemId, store]);

  const runs: RunSummary[] = summary.status === "ready" ? summary.data.runs : [];
  const shownRuns = view.runs.slice(0, 2);
  const sources: Source[] = ["gt", ...shownRuns.map((r) => `run:${r}` as const)];
  const states = useItemLabels(store, itemId, sources);
  const gt = states[0]?.status === "ready" ? states[0].shapes : [];
  const predictions = shownRuns.map((_, i) => {
    const s = states[i + 1];
    return s?.status === "ready" ? s.shapes : [];
  });
  const labelsError = states.find((s) => s.status === "error");

  const marks = predictions.map((preds) =>
    matchShapes(gt, preds, { iouThreshold: view.iou, minConfidence: view.minConfidence }),
  );

  // Previous / next follow the grid's list (its query, slice and sort).
  const total = summary.status === "ready" ? summary.data.items : undefined;
  const listQuery = view.query ? effectiveQuery(view.query, view.sliceId) : undefined;
  const list =
    summary.status === "ready"
      ? itemListOf(
          client,
          {
            datasetId,
            sliceId: view.sliceId,
            query: listQuery,
            modelRun: listQuery ? view.runs[0] : undefined,
            sort: view.sort,
          },
          total,
        )
      : undefined;
  const snapshot = useSyncExternalStore(
    (l) => list?.subscribe(l) ?? (() => undefined),
    () => list?.getSnapshot(),
  );
  const [index, setIndex] = useState<number>();
  useEffect(() => {
    let live = true;
    setIndex(undefined);
    list?.indexOf(itemId).then((i) => live && setIndex(i));
    return () => {
      live = false;
    };
  }, [list, itemId]);
  const neighbour = (delta: number) =>
    index === undefined || index < 0 ? undefined : snapshot?.items[index + delta];
  useEffect(() => {
    if (index !== undefined && index >= 0) list?.want(index + 2);
  }, [index, list]);
  // Reads the next item's labels ahead, so stepping through is instant.
  useEffect(() => {
    const next = neighbour(1);
    if (next) return store.request(next.id, sources);
  });

  const query = carriedQuery(search);
  const go = (delta: number) => {
    const target = neighbour(delta);
    if (target)
      navigate(`/datasets/${encodeURIComponent(datasetId)}/items/${encodeURIComponent(target.id)}${query}`, {
        replace: true,
      });
  };
  const back = () => navigate(`/datasets/${encodeURIComponent(datasetId)}${query}`);
  useShortcut(["ArrowRight", "j"], "Next item", "Item", () => go(1));
  useShortcut(["ArrowLeft", "k"], "Previous item", "Item", () => go(-1));
  useShortcut(["Escape"], "Back to the grid", "Item", back);
  useShortcut(["o"], "Overlay or side by side", "Item", () =>
    setLayout((l) => (l === "overlay" ? "side" : "overlay")),
  );
  useShortcut(["m"], "Colour by class or by TP / FP / FN", "Item", () =>
    update({ colorBy: view.colorBy === "match" ? "label" : "match" }),
  );
  useShortcut(["g"], "Ground truth on or off", "Item", () => update({ groundTruth: !view.groundTruth }));
  useShortcut(["1", "2", "3", "4", "5", "6", "7", "8", "9"], "Model run 1-9 on or off", "Item", (event) => {
    const run = runs[Number(event.key) - 1];
    if (!run) return;
    update({
      runs: view.runs.includes(run.id)
        ? view.runs.filter((r) => r !== run.id)
        : [...view.runs, run.id].slice(-2),
    });
  });
  // The grid's copy of the item shows at once; the item's own read (which brings its ground truth
  // and the freshest metadata) replaces it when it answers.
  const record: GridItem | undefined =
    item.status === "ready" ? toGridItem(item.data.item) : knownItem(itemId);
  const image = record?.width && record?.height ? { width: record.width, height: record.height } : undefined;
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  const size = image ?? natural;
  const cam = camera ?? (size ? fitCamera(size.width, size.height) : undefined);
  const zoom = (factor: number) =>
    cam && setCamera({ ...cam, zoom: Math.min(40, Math.max(1, cam.zoom * factor)) });
  useShortcut(["+", "="], "Zoom in", "Item", () => zoom(1.25));
  useShortcut(["-"], "Zoom out", "Item", () => zoom(0.8));
  useShortcut(["0"], "Fit the image", "Item", () => setCamera(undefined));

  const runName = (id: string) => runs.find((r) => r.id === id)?.name ?? id;
  const markOf = (shape: Shape): MatchInfo | undefined => {
    if (shape.source === "gt") return marks[0]?.get(shape.key);
    return marks[shownRuns.indexOf(shape.source.slice(4))]?.get(shape.key);
  };
  const describe = (shape: Shape) => {
    const mark = markOf(shape);
    return [
      `${shape.label} · ${shape.source === "gt" ? "ground truth" : runName(shape.source.slice(4))}`,
      ...(shape.confidence !== undefined ? [`confidence ${shape.confidence.toFixed(3)}`] : []),
      ...(mark ? [`${mark.kind} · IoU ${mark.iou.toFixed(2)}`] : []),
      ...(shape.id ? [`id ${shape.id}`] : []),
      ...(shape.annotationId ? [`annotation id ${shape.annotationId}`] : []),
    ];
  };

  if (item.status === "error" || summary.status === "error")
    return (
      <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: "Item" }]}>
        <ErrorState
          error={item.error ?? summary.error}
          what="the item"
          retry={() => {
            item.reload();
            summary.reload();
          }}
        />
      </Shell>
    );
  if (!record || summary.status !== "ready") {
    return (
      <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: "…" }]}>
        <Loading what="the item" />
      </Shell>
    );
  }
  const media = mediaOf(record.imageUrl, apiEndpoint());
  const baseStyle: StyleOptions = {
    colorBy: view.colorBy,
    hidden: view.hidden,
    minConfidence: view.minConfidence,
    groundTruth: view.groundTruth,
    runs: shownRuns,
    highlight,
    captions: true,
  };
  const allMarks = new Map<string, MatchInfo>();
  marks.forEach((m, i) => {
    for (const [key, info] of m) if (i === 0 || !gt.some((g) => g.key === key)) allMarks.set(key, info);
  });
  const panels: Panel[] =
    layout === "overlay" || shownRuns.length === 0
      ? [
          {
            title: "Overlay",
            shapes: [...gt, ...predictions.flat()],
            style: { ...baseStyle, marks: allMarks },
          },
        ]
      : [
          { title: "Ground truth", shapes: gt, style: { ...baseStyle, colorBy: "label" } },
          ...shownRuns.map((id, i) => ({
            title: runName(id),
            // The run's misses are ground truth: they are drawn in its panel too.
            shapes: [
              ...(predictions[i] ?? []),
              ...(view.colorBy === "match" ? gt.filter((g) => marks[i]?.get(g.key)?.kind === "FN") : []),
            ],
            style: { ...baseStyle, marks: marks[i] ?? new Map() },
          })),
        ];
  const rows = [...gt, ...predictions.flat()].filter((s) => isShown(s, baseStyle));
  const categories = rows.filter((s) => s.kind === "category");
  const counts = marks.map((m) => {
    const c = { TP: 0, FP: 0, FN: 0 };
    for (const [key, info] of m) if (info.kind !== "TP" || !gt.some((g) => g.key === key)) c[info.kind]++;
    return c;
  });
  const position =
    index !== undefined && index >= 0
      ? `${(index + 1).toLocaleString()} of ${(snapshot?.total ?? summary.data.items).toLocaleString()}`
      : "";

  return (
    <Shell
      crumbs={[
        { label: "Datasets", href: "/" },
        { label: summary.data.name, href: `/datasets/${encodeURIComponent(datasetId)}${query}` },
        { label: record.referenceId ?? record.id },
      ]}
    >
      <div className="with-panel item-layout">
        <aside className="panel" aria-label="What to show">
          <div className="stepper">
            <button
              type="button"
              onClick={() => go(-1)}
              disabled={!neighbour(-1)}
              aria-label="Previous item (←)"
            >
              ← Prev
            </button>
            <span className="muted small" aria-live="polite">
              {position}
            </span>
            <button type="button" onClick={() => go(1)} disabled={!neighbour(1)} aria-label="Next item (→)">
              Next →
            </button>
          </div>
          <div className="segmented" role="radiogroup" aria-label="Layout">
            {(["overlay", "side"] as const).map((mode) => (
              <label key={mode} className={layout === mode ? "on" : ""}>
                <input
                  type="radio"
                  name="layout"
                  checked={layout === mode}
                  onChange={() => setLayout(mode)}
                />
                {mode === "overlay" ? "Overlay" : "Side by side"}
              </label>
            ))}
          </div>
          <LabelControls
            view={view}
            update={update}
            runs={runs}
            classes={[...new Set(rows.flatMap((s) => classesOf(s)))].sort()}
            maxRuns={2}
          />
        </aside>
        <section className="item-main" aria-label="Image">
          <div className="viewer-toolbar">
            <button type="button" onClick={() => zoom(0.8)} aria-label="Zoom out (-)">
              −
            </button>
            <span className="muted small">{Math.round((cam?.zoom ?? 1) * 100)}%</span>
            <button type="button" onClick={() => zoom(1.25)} aria-label="Zoom in (+)">
              +
            </button>
            <button type="button" onClick={() => setCamera(undefined)}>
              Fit <kbd>0</kbd>
            </button>
            <MoreLikeThis datasetId={datasetId} referenceIds={[record.referenceId ?? record.id]} />
            {counts.map((c, i) => (
              <span key={shownRuns[i]} className="match-counts" data-run={shownRuns[i]}>
                {runName(shownRuns[i] as string)}: <b className="tp">{c.TP} TP</b> ·{" "}
                <b className="fp">{c.FP} FP</b> · <b className="fn">{c.FN} FN</b>
              </span>
            ))}
            {labelsError ? <span className="warn">Some labels did not load</span> : null}
          </div>
          {size && cam ? (
            <ImageViewer
              media={media}
              image={size}
              panels={panels}
              camera={cam}
              setCamera={setCamera}
              describe={describe}
            />
          ) : media.kind === "unreachable" ? (
            <div className="placeholder large">
              <span>This image is not viewable in a browser, and its size is unknown</span>
              <code>{media.url}</code>
            </div>
          ) : (
            <>
              <Loading what="the image" />
              <img
                className="probe"
                src={media.url}
                alt=""
                onLoad={(e) =>
                  setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })
                }
              />
            </>
          )}
        </section>
        <aside className="panel details" aria-label="Details">
          <h2>Item</h2>
          <dl className="kv">
            <dt>Reference id</dt>
            <dd>{record.referenceId}</dd>
            <dt>Item id</dt>
            <dd>
              <code>{record.id}</code>
            </dd>
            <dt>Size</dt>
            <dd>{size ? `${size.width} × ${size.height}` : "unknown"}</dd>
            <dt>Image</dt>
            <dd className="url">{media.kind === "local" ? "stored on this server" : media.url}</dd>
          </dl>
          {categories.length > 0 ? (
            <>
              <h2>Categories</h2>
              <div className="chips item-categories">
                <CategoryChips
                  shapes={categories}
                  describeSource={(shape) =>
                    shape.source === "gt" ? "Ground truth" : runName(shape.source.slice(4))
                  }
                />
              </div>
            </>
          ) : null}
          <ReviewPanel
            datasetId={datasetId}
            itemId={itemId}
            referenceId={record.referenceId ?? record.id}
            annotations={gt}
          />
          <h2>Metadata</h2>
          {Object.keys(record.metadata ?? {}).length === 0 ? (
            <p className="muted small">No metadata.</p>
          ) : (
            <dl className="kv">
              {Object.entries(record.metadata ?? {}).map(([key, value]) => (
                <div key={key} className="kv-row">
                  <dt>{key}</dt>
                  <dd>{typeof value === "object" ? JSON.stringify(value) : String(value)}</dd>
                </div>
              ))}
            </dl>
          )}
          <h2>Labels ({rows.length})</h2>
          <table className="labels-table">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">From</th>
                <th scope="col">Conf.</th>
                <th scope="col">Match</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((shape) => {
                const mark = markOf(shape);
                return (
                  <tr
                    key={shape.key}
                    onMouseEnter={() => setHighlight(shape.key)}
                    onMouseLeave={() => setHighlight(undefined)}
                    className={highlight === shape.key ? "on" : ""}
                  >
                    <td>
                      <i className="dot" style={{ background: labelColor(shape.label) }} />
                      {shape.label}
                    </td>
                    <td
                      className="from"
                      title={shape.source === "gt" ? "Ground truth" : runName(shape.source.slice(4))}
                    >
                      {shape.source === "gt" ? "GT" : runName(shape.source.slice(4))}
                    </td>
                    <td>{shape.confidence?.toFixed(2) ?? ""}</td>
                    <td>
                      {mark ? (
                        <span className={`mark mark-${mark.kind}`}>
                          {mark.kind} {mark.iou.toFixed(2)}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </aside>
      </div>
    </Shell>
  );
}
