import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import { datasetVocabulary } from "../api/curation.js";
import { apiEndpoint } from "../api/endpoint.js";
import { mediaOf, thumbnailUrl } from "../api/media.js";
import {
  type CropObject,
  MAX_OBJECTS,
  type ObjectMode,
  type ObjectSort,
  readObjects,
  sortCrops,
} from "../api/objects.js";
import { useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import {
  formatDistance,
  LIKE_PARAM,
  likeHref,
  MAX_EXAMPLES,
  readSimilarObjects,
  refusalOf,
  scopeName,
  similarScope,
} from "../api/similar-objects.js";
import { Section } from "../components/Controls.js";
import { CropShape } from "../components/CropShape.js";
import { Link } from "../components/Link.js";
import { QueryBar } from "../components/QueryBar.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { labelColor, MATCH_COLORS } from "../labels/colors.js";
import { navigate, useLocation, withQuery } from "../state/router.js";
import { useShortcut } from "../state/shortcuts.js";

const MODES: { mode: ObjectMode; name: string }[] = [
  { mode: "ground_truth", name: "Ground truth" },
  { mode: "predictions_only", name: "Predictions" },
  { mode: "iou", name: "Matches (TP, FP, FN)" },
  { mode: "false_positive", name: "False positives" },
  { mode: "false_negative", name: "False negatives" },
];
const SORTS: { sort: ObjectSort; name: string }[] = [
  { sort: "confidence", name: "Confidence" },
  { sort: "iou", name: "IoU" },
  { sort: "area", name: "Area" },
];
const CROP = 168;
const CAPTION = 40;
const GAP = 8;

/** One object cut out of its image (with some context around it) and its box drawn over it. */
const Crop = memo(function Crop({
  datasetId,
  object,
  runId,
  moreHref,
  selected,
  onSelect,
}: {
  datasetId: string;
  object: CropObject;
  runId: string | undefined;
  /** Where "more like this" goes, for an object with a vector. */
  moreHref?: string | undefined;
  selected?: boolean;
  /** Selects or unselects the object (for "more like these"); only with `moreHref`. */
  onSelect?: (objectId: string) => void;
}) {
  const client = useClient();
  const item = useResource(`item:${datasetId}:${object.itemId}`, () =>
    client.getDataset(datasetId).loc(object.itemId),
  );
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  const record = item.status === "ready" ? item.data.item : undefined;
  const endpoint = apiEndpoint();
  const media = record ? mediaOf(record.originalImageUrl ?? record.imageUrl, endpoint) : undefined;
  const imageWidth = record?.width ?? natural?.width;
  const imageHeight = record?.height ?? natural?.height;
  const color = object.matchType ? MATCH_COLORS[object.matchType] : labelColor(object.label);
  // A mask has no box: its crop is the whole image.
  const box =
    object.box ??
    (object.shape?.kind === "mask" && imageWidth && imageHeight
      ? { x: 0, y: 0, width: imageWidth, height: imageHeight }
      : undefined);

  let picture: React.ReactNode = <div className="crop-empty" />;
  if (media && media.kind !== "unreachable" && box && imageWidth && imageHeight) {
    // The box with a quarter of its size around it, scaled to fill the tile.
    const margin = Math.max(8, 0.25 * Math.max(box.width, box.height));
    const rx = box.x - margin;
    const ry = box.y - margin;
    const rw = box.width + 2 * margin;
    const rh = box.height + 2 * margin;
    const scale = Math.min(CROP / rw, CROP / rh);
    const ox = (CROP - rw * scale) / 2 - rx * scale;
    const oy = (CROP - rh * scale) / 2 - ry * scale;
    const src =
      media.kind === "local"
        ? thumbnailUrl(
            endpoint,
            datasetId,
            object.itemId,
            media.key,
            Math.min(2048, Math.max(512, imageWidth)),
          )
        : media.url;
    picture = (
      <>
        <img
          className="crop-image"
          src={src}
          alt=""
          draggable={false}
          style={{ left: ox, top: oy, width: imageWidth * scale, height: imageHeight * scale }}
          onLoad={(e) =>
            setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })
          }
        />
        {object.shape ? (
          <CropShape shape={object.shape} transform={{ scale, dx: ox, dy: oy }} size={CROP} color={color} />
        ) : (
          <span
            className={`crop-box${object.matchType === "FP" || object.matchType === "FN" ? " dashed" : ""}`}
            style={{
              left: ox + box.x * scale,
              top: oy + box.y * scale,
              width: box.width * scale,
              height: box.height * scale,
              borderColor: color,
            }}
          />
        )}
      </>
    );
  } else if (media?.kind === "unreachable") {
    picture = (
      <div className="placeholder" title={media.url}>
        <code>{media.url}</code>
      </div>
    );
  }
  const facts = [
    object.confidence !== undefined ? `conf ${object.confidence.toFixed(2)}` : "",
    object.iou !== undefined ? `IoU ${object.iou.toFixed(2)}` : "",
  ].filter(Boolean);
  if (object.distance !== undefined) facts.unshift(`distance ${formatDistance(object.distance)}`);
  const runs = runId ? `?runs=${encodeURIComponent(runId)}&color=match` : "";
  const crop = (
    <Link
      href={`/datasets/${encodeURIComponent(datasetId)}/items/${encodeURIComponent(object.itemId)}${runs}`}
      className="crop"
      data-match={object.matchType}
      data-object-id={object.objectId}
      aria-label={`${object.matchType ? `${object.matchType} ` : ""}${object.label} on ${object.referenceId}${facts.length ? `, ${facts.join(", ")}` : ""}`}
    >
      <div className="crop-picture" style={{ width: CROP, height: CROP }}>
        {picture}
      </div>
      <div className="crop-caption">
        <span className="crop-label">
          <i className="dot" style={{ background: labelColor(object.label) }} />
          {object.matchType ? <b className={object.matchType.toLowerCase()}>{object.matchType}</b> : null}{" "}
          {object.label}
        </span>
        {object.distance !== undefined ? (
          <span className="muted crop-facts">
            <span className="crop-distance" data-distance={object.distance}>
              {formatDistance(object.distance)}
            </span>{" "}
            · {object.referenceId}
          </span>
        ) : (
          <span className="muted">{facts.join(" · ") || object.referenceId}</span>
        )}
      </div>
    </Link>
  );
  if (!moreHref) return crop;
  const objectId = object.objectId;
  return (
    <div className={`crop-cell${selected ? " crop-selected" : ""}`}>
      {crop}
      {onSelect && objectId ? (
        <button
          type="button"
          aria-pressed={Boolean(selected)}
          aria-label={`Select ${object.label} on ${object.referenceId}`}
          className="tile-check crop-check"
          onClick={() => onSelect(objectId)}
        >
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M3.5 8.5l3 3 6-7" />
          </svg>
        </button>
      ) : null}
      <Link
        href={moreHref}
        className="crop-more"
        aria-label={`More like ${object.label} on ${object.referenceId}`}
        title="The objects nearest to this one"
      >
        More like this
      </Link>
    </div>
  );
});

/** Where "more like this" goes from a crop, when its object has (or may have) a vector. */
function moreHrefOf(object: CropObject, pathname: string, search: URLSearchParams): string | undefined {
  if (!object.objectId || object.vector === false || object.shape?.kind === "mask") return undefined;
  return likeHref(pathname, search, [object.objectId]);
}

/** What the panel says about "more like this": how to ask it, or why no crop offers it. */
function vectorHint(crops: readonly CropObject[] | undefined): string {
  if (!crops || crops.length === 0) return "";
  const offered = crops.filter((c) => c.vector !== false && c.objectId && c.shape?.kind !== "mask");
  if (offered.some((c) => c.vector))
    return "Point at a crop for More like this (the objects whose vectors are nearest to its own), or select several for More like these.";
  // Match rows do not say whether their objects carry vectors: the search says, if they do not.
  if (offered.length > 0)
    return "Point at a crop for More like this: the predictions nearest to it, for objects uploaded with an embedding_vector.";
  return "None of these objects has a vector: More like this needs boxes or polygons uploaded with an embedding_vector.";
}

/**
 * The objects view: crops of a dataset's annotations, a run's predictions or the match rows of its
 * evaluation (true and false positives, false negatives), narrowed by an object query and sorted
 * by confidence, IoU or area. "Every false positive of person with IoU < 0.1" is one query here.
 */
export function ObjectsPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const { pathname, search } = useLocation();
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const runs = summary.status === "ready" ? summary.data.runs : [];
  const mode = (MODES.find((m) => m.mode === search.get("mode"))?.mode ?? "ground_truth") as ObjectMode;
  const runId = mode === "ground_truth" ? undefined : (search.get("run") ?? runs[0]?.id);
  const query = search.get("q") ?? "";
  const sortParam = search.get("sort") ?? (mode === "ground_truth" ? "-area" : "-confidence");
  const sort = (SORTS.find((s) => s.sort === sortParam.replace(/^-/, ""))?.sort ??
    "confidence") as ObjectSort;
  const descending = sortParam.startsWith("-");
  // The examples of "more like this" (server ids, which hold no spaces), as one string for effects.
  const likes = search.getAll(LIKE_PARAM).slice(0, MAX_EXAMPLES);
  const like = likes.length > 0 ? likes.join(" ") : undefined;
  const scope = similarScope(mode, runId);
  const set = (changes: Record<string, string | null>) =>
    navigate(withQuery(pathname, search, changes), { replace: true });
  const sliceNames = summary.status === "ready" ? summary.data.slices.map((s) => s.name) : [];
  const vocab = useResource(
    summary.status === "ready" ? `vocab:${datasetId}:${sliceNames.join("\u0000")}` : null,
    () => datasetVocabulary(client, datasetId, sliceNames),
  );

  // Reads the objects again whenever what is listed changes; a new read cancels the last one.
  const [read, setRead] = useState<{
    status: "loading" | "ready" | "error";
    count: number;
    crops?: CropObject[];
    more?: boolean;
    error?: unknown;
  }>({ status: "loading", count: 0 });
  const ready = summary.status === "ready";
  const waitingForRun = mode !== "ground_truth" && !runId;
  useEffect(() => {
    if (!ready || waitingForRun) return;
    const controller = new AbortController();
    setRead({ status: "loading", count: 0 });
    readObjects(
      client,
      datasetId,
      { query, mode, runId },
      (count) => setRead({ status: "loading", count }),
      controller.signal,
    ).then(
      ({ crops, more }) => setRead({ status: "ready", count: crops.length, crops, more }),
      (error: unknown) => {
        if (!controller.signal.aborted) setRead({ status: "error", count: 0, error });
      },
    );
    return () => controller.abort();
  }, [client, datasetId, query, mode, runId, ready, waitingForRun]);
  const sorted = useMemo(
    () => (read.crops ? sortCrops(read.crops, sort, descending) : []),
    [read.crops, sort, descending],
  );

  // "More like this": the example's neighbours among the listed source, read again when either changes.
  const [answer, setAnswer] = useState<{
    /** The search it answers (examples and scope). */
    of: string;
    status: "loading" | "ready" | "error";
    crops?: CropObject[];
    error?: unknown;
  }>({ of: "", status: "loading" });
  const scopeKey = scope ? JSON.stringify(scope) : undefined;
  const searchKey = `${like}|${scopeKey}`;
  // Until its own answer comes, a new search is loading (not showing the last one's crops).
  const near = answer.of === searchKey ? answer : { of: searchKey, status: "loading" as const };
  useEffect(() => {
    if (!like || !scopeKey) return;
    const controller = new AbortController();
    const of = `${like}|${scopeKey}`;
    readSimilarObjects(
      client,
      datasetId,
      { objectIds: like.split(" "), scope: JSON.parse(scopeKey) },
      controller.signal,
    ).then(
      (crops) => setAnswer({ of, status: "ready", crops }),
      (error: unknown) => {
        if (!controller.signal.aborted) setAnswer({ of, status: "error", error });
      },
    );
    return () => controller.abort();
  }, [client, datasetId, like, scopeKey]);
  const examples = likes.map((id) => ({ id, crop: read.crops?.find((c) => c.objectId === id) }));

  // Objects picked for "more like these"; a new list starts with none.
  const [picked, setPicked] = useState<string[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: what is listed, not its value, resets the picks.
  useEffect(() => setPicked([]), [datasetId, query, mode, runId, like]);
  const pick = useCallback(
    (objectId: string) =>
      setPicked((now) => (now.includes(objectId) ? now.filter((id) => id !== objectId) : [...now, objectId])),
    [],
  );
  const pickedSet = useMemo(() => new Set(picked), [picked]);
  useShortcut(["Escape"], "Clear the selection", "Objects", () => setPicked([]), picked.length > 0);
  const back = likeHref(pathname, search, []);
  const shown = like ? (near.crops ?? []) : sorted;
  const status = like ? near.status : read.status;

  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the scroller exists only once the objects are read, and is a new one for each list.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, [status, like]);
  const columns = Math.max(1, Math.floor((width - GAP) / (CROP + GAP)));
  const rows = Math.ceil(shown.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => CROP + CAPTION + GAP,
    overscan: 2,
  });

  const crumbs = [
    { label: "Datasets", href: "/" },
    ...(summary.status === "ready"
      ? [{ label: summary.data.name, href: `/datasets/${encodeURIComponent(datasetId)}` }]
      : []),
    ...(like
      ? [{ label: "Objects", href: back }, { label: `More like ${likes.length === 1 ? "this" : "these"}` }]
      : [{ label: "Objects" }]),
  ];
  if (summary.status === "error")
    return (
      <Shell crumbs={crumbs}>
        <ErrorState error={summary.error} retry={summary.reload} what="the dataset" />
      </Shell>
    );

  let body: React.ReactNode;
  if (waitingForRun && ready)
    body = (
      <Empty title="This mode needs a model run">
        <p>Upload predictions and commit a run; its evaluation gives the match rows.</p>
      </Empty>
    );
  else if (like && near.status === "error") {
    const refusal = refusalOf(near.error);
    body = refusal ? (
      <Empty title="No objects like this one to show">
        <p>{refusal}</p>
        <p>
          More like this compares the <code>embedding_vector</code> of boxes and polygons; upload them with
          one to search near them.
        </p>
        <Link className="button" href={back}>
          Back to all objects
        </Link>
      </Empty>
    ) : (
      <ErrorState error={near.error} what="the nearest objects" retry={() => location.reload()} />
    );
  } else if (like && near.status === "loading") body = <Loading what="the nearest objects" />;
  else if (like && shown.length === 0)
    body = (
      <Empty title="No other object has a vector here">
        <p>Pick another mode or run, or upload more objects with an embedding_vector.</p>
        <Link className="button" href={back}>
          Back to all objects
        </Link>
      </Empty>
    );
  else if (!like && read.status === "error")
    body = <ErrorState error={read.error} what="the objects" retry={() => location.reload()} />;
  else if (!like && read.status === "loading")
    body = (
      <Loading what="the objects" detail={read.count > 0 ? `${read.count.toLocaleString()} read` : ""} />
    );
  else if (!like && sorted.length === 0)
    body = (
      <Empty title="No object matches">
        <p>Loosen the query, or pick another mode or run.</p>
      </Empty>
    );
  else
    body = (
      <div
        // A new list starts at its top, whichever way the view came to it.
        key={like ?? ""}
        ref={scroller}
        className={`crops-scroller${picked.length > 0 ? " selecting" : ""}`}
        data-count={shown.length}
        data-like={like}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {virtualizer.getVirtualItems().map((row) => (
            <div
              key={row.key}
              className="crops-row"
              style={{ transform: `translateY(${row.start}px)`, gap: GAP, padding: `0 ${GAP}px` }}
            >
              {shown.slice(row.index * columns, row.index * columns + columns).map((object) => (
                <Crop
                  key={object.key}
                  datasetId={datasetId}
                  object={object}
                  runId={runId}
                  moreHref={moreHrefOf(object, pathname, search)}
                  selected={object.objectId !== undefined && pickedSet.has(object.objectId)}
                  onSelect={pick}
                />
              ))}
            </div>
          ))}
        </div>
      </div>
    );

  return (
    <Shell crumbs={crumbs}>
      <div className="with-panel">
        <aside className="panel" aria-label="Which objects">
          {like ? (
            <p className="panel-count">
              <strong>
                {near.status === "ready"
                  ? shown.length.toLocaleString()
                  : near.status === "error"
                    ? "No"
                    : "…"}
              </strong>{" "}
              nearest {shown.length === 1 ? "object" : "objects"}
            </p>
          ) : (
            <p className="panel-count">
              <strong>{read.status === "ready" ? sorted.length.toLocaleString() : "…"}</strong>{" "}
              {sorted.length === 1 ? "object" : "objects"}
              {read.more ? ` (the first ${MAX_OBJECTS.toLocaleString()})` : ""}
            </p>
          )}
          {like ? (
            <Section title={`More like ${likes.length === 1 ? "this" : "these"}`} id="like-title">
              {examples.length === 1 ? (
                <>
                  <p className="muted small">The objects nearest to this one:</p>
                  <div className="like-example">
                    {examples[0]?.crop ? (
                      <Crop datasetId={datasetId} object={examples[0].crop} runId={runId} />
                    ) : (
                      <p className="muted small">
                        Object <code>{like}</code>
                      </p>
                    )}
                  </div>
                </>
              ) : (
                <>
                  <p className="muted small">The objects nearest to any of these {examples.length}:</p>
                  <ul className="like-examples">
                    {examples.map(({ id, crop }) => (
                      <li key={id} data-object-id={id}>
                        {crop ? (
                          <>
                            <i className="dot" style={{ background: labelColor(crop.label) }} />
                            {crop.label} <span className="muted">on {crop.referenceId}</span>
                          </>
                        ) : (
                          <code>{id}</code>
                        )}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <p className="muted small">
                {scope
                  ? `Among ${scopeName(scope, runs.find((r) => r.id === runId)?.name)}, nearest first by cosine distance${examples.length > 1 ? " to the nearest example" : ""} (shown on each crop).`
                  : "Pick a model run to search among its predictions."}
              </p>
              <Link className="button" href={back}>
                Back to all objects
              </Link>
            </Section>
          ) : null}
          <Section title="Objects" id="objects-title">
            <label className="field">
              <span>Show</span>
              <select
                value={mode}
                onChange={(e) =>
                  set({ mode: e.target.value === "ground_truth" ? null : e.target.value, sort: null })
                }
              >
                {MODES.map((m) => (
                  <option key={m.mode} value={m.mode}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
            {mode !== "ground_truth" ? (
              <label className="field">
                <span>Model run</span>
                <select value={runId ?? ""} onChange={(e) => set({ run: e.target.value })}>
                  {runs.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {like ? null : (
              <>
                <label className="field">
                  <span>Sort by</span>
                  <select
                    value={sort}
                    onChange={(e) => set({ sort: `${descending ? "-" : ""}${e.target.value}` })}
                  >
                    {SORTS.map((s) => (
                      <option key={s.sort} value={s.sort}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={descending}
                    onChange={() => set({ sort: `${descending ? "" : "-"}${sort}` })}
                  />
                  Highest first
                </label>
              </>
            )}
          </Section>
          <p className="muted small">
            Object fields: <code>label</code>, <code>confidence</code>, <code>iou</code>, <code>area</code>,{" "}
            <code>match_type</code>, <code>item.metadata.*</code>. A click opens the item.
          </p>
          {like ? null : <p className="muted small">{vectorHint(read.crops)}</p>}
        </aside>
        <section className="grid-area" aria-label="Objects">
          <QueryBar
            value={query}
            onApply={(q) => set({ q: q || null, [LIKE_PARAM]: null })}
            vocab={vocab.status === "ready" ? vocab.data : undefined}
            scope="object"
            placeholder='e.g. label = "person" AND iou < 0.1'
          />
          {picked.length > 0 ? (
            <div className="selection-bar" role="toolbar" aria-label="Selection">
              <strong className="selection-count">
                {picked.length} {picked.length === 1 ? "object" : "objects"} selected
              </strong>
              <button type="button" className="ghost" onClick={() => setPicked([])}>
                Clear <kbd>Esc</kbd>
              </button>
              <span className="selection-actions">
                {picked.length <= MAX_EXAMPLES ? (
                  <Link className="button" href={likeHref(pathname, search, picked)}>
                    More like {picked.length === 1 ? "this" : "these"}
                  </Link>
                ) : (
                  <span className="muted small">More like these takes up to {MAX_EXAMPLES} objects</span>
                )}
              </span>
            </div>
          ) : null}
          {body}
        </section>
      </div>
    </Shell>
  );
}
