import { lazy, Suspense, useEffect, useState } from "react";
import { datasetSummary, type RunReport, runReport, type Subset } from "../api/catalog.js";
import { datasetVocabulary } from "../api/curation.js";
import { invalidate, useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { ApTable, ConfusionMatrix, Metric, TideBars } from "../charts/Tables.js";
import { Link } from "../components/Link.js";
import { QueryBar } from "../components/QueryBar.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { navigate, useLocation, withQuery } from "../state/router.js";
import { useShortcut } from "../state/shortcuts.js";

// The charting library loads with the first chart, not with the app.
const PrCurves = lazy(() => import("../charts/PrCurves.js").then((m) => ({ default: m.PrCurves })));
const ScoreHistogram = lazy(() =>
  import("../charts/ScoreHistogram.js").then((m) => ({ default: m.ScoreHistogram })),
);

/** A card of the run page. */
function Card({ title, children, wide }: { title: string; children: React.ReactNode; wide?: boolean }) {
  const id = `card-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section className={`card${wide ? " wide" : ""}`} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * A model run's evaluation: mAP, AP50, AP75 and AP by size, AP per class, PR curves, the confusion
 * matrix (a cell opens its examples), the score histogram and the TIDE error attribution; and the
 * same side by side with another run of the dataset, with per-class differences.
 */
export function RunPage({ runId }: { runId: string }) {
  const client = useClient();
  const { pathname, search } = useLocation();
  const iou = Number(search.get("iou") ?? "0.5") || 0.5;
  const compareId = search.get("compare") ?? undefined;
  // The metrics of a slice or a query's items instead of the whole run.
  const subset: Subset = { sliceId: search.get("slice") ?? undefined, query: search.get("q") ?? undefined };
  const subsetKey = `${subset.sliceId ?? ""}:${subset.query ?? ""}`;
  const report = useResource(`run:${runId}:${iou}:${subsetKey}`, () => runReport(client, runId, iou, subset));
  const other = useResource(compareId ? `run:${compareId}:${iou}:${subsetKey}` : null, () =>
    runReport(client, compareId as string, iou, subset),
  );
  const datasetId = report.status === "ready" ? report.data.run.datasetId : undefined;
  const dataset = useResource(datasetId ? `dataset:${datasetId}` : null, () =>
    datasetSummary(client, datasetId as string),
  );
  const sliceNames = dataset.status === "ready" ? dataset.data.slices.map((s) => s.name) : [];
  const vocab = useResource(
    datasetId && dataset.status === "ready" ? `vocab:${datasetId}:${sliceNames.join("\u0000")}` : null,
    () => datasetVocabulary(client, datasetId as string, sliceNames),
  );
  const [starting, setStarting] = useState<unknown>();

  // An evaluation still computing is asked again until it is done.
  const pending =
    report.status === "ready" &&
    report.data.evaluation &&
    !["succeeded", "failed", "cancelled"].includes(report.data.evaluation.status);
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => report.reload(), 1500);
    return () => clearTimeout(timer);
  });

  const set = (changes: Record<string, string | null>) =>
    navigate(withQuery(pathname, search, changes), { replace: true });
  const siblings = dataset.status === "ready" ? dataset.data.runs.filter((r) => r.id !== runId) : [];
  useShortcut(["c"], "Compare with the next run of the dataset", "Run", () => {
    if (siblings.length === 0) return;
    const at = siblings.findIndex((r) => r.id === compareId);
    set({ compare: siblings[(at + 1) % siblings.length]?.id ?? null });
  });

  if (report.status === "loading")
    return (
      <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: "Run" }]}>
        <Loading what="the run's evaluation" />
      </Shell>
    );
  if (report.status === "error")
    return (
      <Shell crumbs={[{ label: "Datasets", href: "/" }, { label: runId }]}>
        <ErrorState error={report.error} retry={report.reload} what="the run" />
      </Shell>
    );
  const { run, evaluation, charts } = report.data;
  const crumbs = [
    { label: "Datasets", href: "/" },
    ...(dataset.status === "ready"
      ? [{ label: dataset.data.name, href: `/datasets/${encodeURIComponent(run.datasetId)}` }]
      : []),
    { label: run.name },
  ];
  const evaluate = async () => {
    setStarting(true);
    try {
      const model = await client.getModelRun(runId);
      await model.createEvaluation({ name: "from the web app" });
      setStarting(undefined);
      invalidate(`run:${runId}:`);
    } catch (error) {
      setStarting(error);
    }
  };

  let body: React.ReactNode;
  if (!evaluation) {
    body = (
      <Empty title="This run has no evaluation yet">
        <p>
          Commit the run (<code>nu runs commit {runId}</code>) or evaluate it now against the ground truth.
        </p>
        <button
          type="button"
          className="primary"
          onClick={() => void evaluate()}
          disabled={starting === true}
        >
          {starting === true ? "Starting…" : "Evaluate now"}
        </button>
        {starting && starting !== true ? <ErrorState error={starting} what="the evaluation" /> : null}
      </Empty>
    );
  } else if (evaluation.status === "failed") {
    body = (
      <Empty title="The evaluation failed">
        <p>
          {evaluation.errorMessage ?? "The server gave no reason."} Fix the predictions or ground truth, then
          evaluate again.
        </p>
        <button type="button" onClick={() => void evaluate()}>
          Evaluate again
        </button>
      </Empty>
    );
  } else if (!charts) {
    body = <Loading what="the evaluation" detail={`(${evaluation.status}; this page updates by itself)`} />;
  } else {
    body = (
      <Report
        report={report.data}
        other={other.status === "ready" ? other.data : undefined}
        iou={iou}
        subset={subset}
      />
    );
  }

  const ious = charts?.computedIouRanges.length ? charts.computedIouRanges : [0.5, 0.75];
  return (
    <Shell crumbs={crumbs}>
      <div className="run-page">
        <header className="run-header">
          <div>
            <h1>{run.name}</h1>
            <p className="muted small">
              Run <code>{run.id}</code> · model <code>{run.modelId}</code> · {run.status}
              {evaluation ? ` · evaluation ${evaluation.status}` : ""}
            </p>
          </div>
          <div className="run-actions">
            <label className="field inline">
              <span>Items</span>
              <select value={subset.sliceId ?? ""} onChange={(e) => set({ slice: e.target.value || null })}>
                <option value="">All of the dataset</option>
                {(dataset.status === "ready" ? dataset.data.slices : []).map((s) => (
                  <option key={s.id} value={s.id}>
                    Slice: {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field inline">
              <span>IoU</span>
              <select
                value={String(iou)}
                onChange={(e) => set({ iou: e.target.value === "0.5" ? null : e.target.value })}
              >
                {ious.map((t) => (
                  <option key={t} value={String(t)}>
                    {t.toFixed(2)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field inline">
              <span>
                Compare with <kbd>c</kbd>
              </span>
              <select value={compareId ?? ""} onChange={(e) => set({ compare: e.target.value || null })}>
                <option value="">—</option>
                {siblings.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <Link
              className="button"
              href={`/datasets/${encodeURIComponent(run.datasetId)}?runs=${encodeURIComponent(run.id)}${compareId ? `,${encodeURIComponent(compareId)}` : ""}&color=match${iou !== 0.5 ? `&iou=${iou}` : ""}${subset.sliceId ? `&slice=${encodeURIComponent(subset.sliceId)}` : ""}${subset.query ? `&q=${encodeURIComponent(subset.query)}` : ""}`}
            >
              See its predictions
            </Link>
          </div>
        </header>
        <div className="run-subset">
          <QueryBar
            value={subset.query ?? ""}
            onApply={(query) => set({ q: query || null })}
            vocab={vocab.status === "ready" ? vocab.data : undefined}
            placeholder='metrics on the items of a query, e.g. metadata.weather = "foggy"'
          />
          {report.data.subsetItems !== undefined ? (
            <p className="muted small subset-note">
              These metrics cover the {report.data.subsetItems.toLocaleString()}{" "}
              {report.data.subsetItems === 1 ? "item" : "items"}
              {subset.sliceId
                ? ` of the slice “${dataset.status === "ready" ? (dataset.data.slices.find((s) => s.id === subset.sliceId)?.name ?? subset.sliceId) : subset.sliceId}”`
                : ""}
              {subset.query ? `${subset.sliceId ? " that match" : " matching"} the query` : ""}, not the whole
              run.
            </p>
          ) : null}
        </div>
        {other.status === "error" ? <ErrorState error={other.error} what="the compared run" /> : null}
        {body}
      </div>
    </Shell>
  );
}

function Report({
  report,
  other,
  iou,
  subset,
}: {
  report: RunReport;
  other: RunReport | undefined;
  iou: number;
  subset: Subset;
}) {
  const charts = report.charts;
  if (!charts) return null;
  const o = other?.charts;
  const { mapSummary: m, apBySize: s, totalCounts: t } = charts;
  const openExamples = (gt: string | null, pred: string | null) => {
    const q = new URLSearchParams();
    q.set("gt", gt ?? "");
    q.set("pred", pred ?? "");
    if (iou !== 0.5) q.set("iou", String(iou));
    // The examples of a subset's matrix come from that subset.
    if (subset.sliceId) q.set("slice", subset.sliceId);
    if (subset.query) q.set("q", subset.query);
    navigate(`/runs/${encodeURIComponent(report.run.id)}/examples?${q}`);
  };
  return (
    <>
      <fieldset className="metrics">
        <legend className="visually-hidden">Summary</legend>
        <Metric label="mAP @[.5:.95]" value={m.mapAt5095} other={o?.mapSummary.mapAt5095} />
        <Metric label="AP50" value={m.mapAt50} other={o?.mapSummary.mapAt50} />
        <Metric label="AP75" value={m.mapAt75} other={o?.mapSummary.mapAt75} />
        <Metric label="AP small" value={s.small} other={o?.apBySize.small} />
        <Metric label="AP medium" value={s.medium} other={o?.apBySize.medium} />
        <Metric label="AP large" value={s.large} other={o?.apBySize.large} />
        <div className="metric counts">
          <span className="metric-label">At IoU {iou.toFixed(2)}</span>
          <span>
            <b className="tp">{t.tp}</b> TP · <b className="fp">{t.fp}</b> FP · <b className="fn">{t.fn}</b>{" "}
            FN
          </span>
        </div>
      </fieldset>
      {other ? (
        <p className="muted small compare-note">
          Differences are this run ({report.run.name}) minus {other.run.name}, in points.
        </p>
      ) : null}
      <div className="cards">
        <Card title="AP per class">
          <ApTable rows={charts.perClassAp} other={o?.perClassAp} otherName={other?.run.name} iou={iou} />
        </Card>
        <Card title={other ? `Precision–recall: ${report.run.name}` : "Precision–recall per class"}>
          <Suspense fallback={<Loading what="the chart" />}>
            <PrCurves points={charts.prCurve} />
          </Suspense>
        </Card>
        {o ? (
          <Card title={`Precision–recall: ${other?.run.name}`}>
            <Suspense fallback={<Loading what="the chart" />}>
              <PrCurves points={o.prCurve} />
            </Suspense>
          </Card>
        ) : null}
        <Card title="Confusion matrix">
          <ConfusionMatrix cells={charts.confusionMatrix} onOpen={openExamples} />
        </Card>
        <Card title="Confidence of the predictions">
          <Suspense fallback={<Loading what="the chart" />}>
            <ScoreHistogram buckets={charts.scoreHistogram} />
          </Suspense>
        </Card>
        <Card title="Where the errors come from (TIDE)">
          <TideBars tide={charts.tideAttribution as unknown as Record<string, number>} />
        </Card>
      </div>
    </>
  );
}
