import type { EvaluationExample, NucleusClient } from "@nucleus/core";
import { useMemo, useState } from "react";
import { datasetSummary, runReport } from "../api/catalog.js";
import { effectiveQuery } from "../api/curation.js";
import { apiEndpoint } from "../api/endpoint.js";
import type { GridItem } from "../api/items.js";
import { labelStoreOf } from "../api/labels.js";
import { useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { Tile, type TileView } from "../components/Tile.js";
import { useLocation } from "../state/router.js";

const PAGE = 1_000;
const SHOWN = 60;

/** Which match rows stand for a confusion-matrix cell. */
function cellQuery(
  gt: string | null,
  pred: string | null,
): { matchType: "TP" | "FP" | "FN"; keep: (r: EvaluationExample) => boolean }[] {
  if (gt !== null && gt === pred) return [{ matchType: "TP", keep: (r) => r.gtCanonicalLabel === gt }];
  if (pred === null) return [{ matchType: "FN", keep: (r) => r.gtCanonicalLabel === gt }];
  if (gt === null) return [{ matchType: "FP", keep: (r) => r.predCanonicalLabel === pred }];
  return [
    { matchType: "FP", keep: (r) => r.predCanonicalLabel === pred },
    { matchType: "FN", keep: (r) => r.gtCanonicalLabel === gt },
  ];
}

/**
 * The items behind a confusion-matrix cell. The examples route lists class-aware match rows and
 * filters only by match type, so the rows are read in pages of 1,000 and filtered here: a
 * diagonal cell is its class's TPs, a "none" column its FNs, a "none" row its FPs, and an
 * off-diagonal cell the items where a prediction of one class and a missed object of the other
 * overlap at the IoU threshold (how the class-agnostic matrix counts a confusion).
 */
async function cellItems(
  client: NucleusClient,
  evaluationId: string,
  gt: string | null,
  pred: string | null,
  iou: number,
) {
  const evaluation = await client.getEvaluation(evaluationId);
  const sets: Map<string, number>[] = [];
  for (const { matchType, keep } of cellQuery(gt, pred)) {
    const found = new Map<string, number>();
    for (let offset = 0; ; offset += PAGE) {
      const page = await evaluation.examples({ matchType, limit: PAGE, offset, iouThreshold: iou });
      for (const row of page.rows) {
        // A confusion needs the two to overlap well; a plain FP or FN needs nothing more.
        if (keep(row) && (gt === null || pred === null || gt === pred || (row.iou ?? 0) >= iou))
          found.set(row.datasetItemId, (found.get(row.datasetItemId) ?? 0) + 1);
      }
      if (offset + PAGE >= page.total) break;
    }
    sets.push(found);
  }
  const [first, ...rest] = sets;
  return [...(first ?? new Map()).entries()]
    .filter(([id]) => rest.every((s) => s.has(id)))
    .sort((a, b) => b[1] - a[1])
    .map(([id, count]) => ({ id, count }));
}

/** An examples tile: reads its item, then draws it as the grid does. */
function ExampleTile({
  datasetId,
  itemId,
  index,
  view,
}: {
  datasetId: string;
  itemId: string;
  index: number;
  view: TileView;
}) {
  const client = useClient();
  const item = useResource(`item:${datasetId}:${itemId}`, () => client.getDataset(datasetId).loc(itemId));
  if (item.status !== "ready")
    return <div className="tile tile-skeleton" style={{ width: view.width }} aria-hidden="true" />;
  const r = item.data.item;
  const gridItem: GridItem = {
    id: r.id,
    referenceId: r.referenceId ?? r.id,
    imageUrl: r.originalImageUrl ?? r.imageUrl,
    width: r.width ?? undefined,
    height: r.height ?? undefined,
    metadata: (r.metadata ?? {}) as Record<string, unknown>,
  };
  return <Tile item={gridItem} index={index} view={view} focused={false} onFocus={() => undefined} />;
}

/** The examples of one confusion-matrix cell of a run's evaluation, drawn with TP / FP / FN colours. */
export function ExamplesPage({ runId }: { runId: string }) {
  const client = useClient();
  const { search } = useLocation();
  const gt = search.get("gt") || null;
  const pred = search.get("pred") || null;
  const iou = Number(search.get("iou") ?? "0.5") || 0.5;
  const report = useResource(`run:${runId}:${iou}`, () => runReport(client, runId, iou));
  const datasetId = report.status === "ready" ? report.data.run.datasetId : undefined;
  const dataset = useResource(datasetId ? `dataset:${datasetId}` : null, () =>
    datasetSummary(client, datasetId as string),
  );
  const evaluationId = report.status === "ready" ? report.data.evaluation?.id : undefined;
  // A cell of a subset's matrix (a slice, a query): only the subset's items.
  const sliceId = search.get("slice") ?? undefined;
  const subsetQuery = search.get("q") ?? "";
  const within = subsetQuery || sliceId ? effectiveQuery(subsetQuery, sliceId) : "";
  const items = useResource(
    evaluationId && datasetId ? `examples:${evaluationId}:${gt}:${pred}:${iou}:${within}` : null,
    async () => {
      const cell = await cellItems(client, evaluationId as string, gt, pred, iou);
      if (!within) return cell;
      const inSubset = new Set<string>();
      for await (const item of client.getDataset(datasetId as string).queryItems(within, { pageSize: 5_000 }))
        inSubset.add(item.id);
      return cell.filter((c) => inSubset.has(c.id));
    },
  );
  const [shown, setShown] = useState(SHOWN);
  const query = `?runs=${encodeURIComponent(runId)}&color=match${iou !== 0.5 ? `&iou=${iou}` : ""}`;
  const view = useMemo<TileView | undefined>(
    () =>
      datasetId
        ? {
            endpoint: apiEndpoint(),
            datasetId,
            store: labelStoreOf(client, datasetId),
            sources: ["gt", `run:${runId}`],
            runs: [runId],
            iou,
            width: 240,
            imageHeight: 180,
            hrefOf: (item) =>
              `/datasets/${encodeURIComponent(datasetId)}/items/${encodeURIComponent(item.id)}${query}`,
            style: { colorBy: "match", hidden: new Set(), minConfidence: 0, runs: [runId] },
          }
        : undefined,
    [datasetId, client, runId, iou, query],
  );

  const title = `${gt ?? "none"} → ${pred ?? "none"}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    ...(dataset.status === "ready"
      ? [{ label: dataset.data.name, href: `/datasets/${encodeURIComponent(dataset.data.id)}` }]
      : []),
    {
      label: report.status === "ready" ? report.data.run.name : "Run",
      href: `/runs/${encodeURIComponent(runId)}`,
    },
    { label: title },
  ];
  let body: React.ReactNode;
  if (report.status === "error" || items.status === "error")
    body = (
      <ErrorState
        error={report.error ?? items.error}
        what="the examples"
        retry={() => {
          report.reload();
          items.reload();
        }}
      />
    );
  else if (report.status === "ready" && !evaluationId)
    body = <Empty title="This run has no evaluation yet" />;
  else if (items.status !== "ready" || !view || !datasetId)
    body = <Loading what="the examples" detail="(reading the match rows)" />;
  else if (items.data.length === 0) body = <Empty title="No examples for this cell" />;
  else
    body = (
      <>
        <p className="muted small">
          {items.data.length.toLocaleString()} item{items.data.length === 1 ? "" : "s"}
          {within ? " of the subset" : ""}, most examples first. Green: true positive, red dashed: false
          positive, amber: missed.
        </p>
        <ul className="examples">
          {items.data.slice(0, shown).map(({ id }, i) => (
            <li key={id}>
              <ExampleTile datasetId={datasetId} itemId={id} index={i} view={view} />
            </li>
          ))}
        </ul>
        {items.data.length > shown ? (
          <button type="button" onClick={() => setShown((n) => n + SHOWN)}>
            Show {Math.min(SHOWN, items.data.length - shown)} more
          </button>
        ) : null}
      </>
    );
  return (
    <Shell crumbs={crumbs}>
      <div className="examples-page">
        <h1>
          Examples: ground truth <b>{gt ?? "none"}</b>, predicted <b>{pred ?? "none"}</b>
        </h1>
        {body}
      </div>
    </Shell>
  );
}
