import { useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import { itemsByReference, quote } from "../api/embeddings.js";
import { invalidate, useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { ResultTile } from "../components/ResultTile.js";
import { Shell } from "../components/Shell.js";
import { describeError, ErrorState, Loading } from "../components/States.js";

const TOP = 48;

type Verdict = "accept" | "reject";

/**
 * An autotag: the items it scores highest, which the user accepts or rejects to train it again
 * (a refinement round), and a slice of the items it scores at or above a threshold.
 */
export function AutotagPage({ datasetId, autotagId }: { datasetId: string; autotagId: string }) {
  const client = useClient();
  const dataset = client.getDataset(datasetId);
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const details = useResource(`autotag:${autotagId}`, async () => {
    const tag = (await dataset.autotagDetails()).find((t) => t.id === autotagId);
    if (!tag) throw new Error(`There is no autotag ${autotagId} in this dataset.`);
    return tag;
  });
  const rounds = details.data?.refinementRounds ?? 0;
  const scores = useResource(details.data ? `autotag:${autotagId}:scores:${rounds}` : null, async () => {
    const top = await dataset.autotagItems(autotagId).toArray({ limit: TOP });
    const items = await itemsByReference(
      client,
      datasetId,
      top.map((s) => s.referenceId),
    );
    return { top, items };
  });
  const [verdicts, setVerdicts] = useState<Map<string, Verdict>>(new Map());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [threshold, setThreshold] = useState("0.5");
  const [sliceName, setSliceName] = useState("");
  const [notice, setNotice] = useState<{ text: string; sliceId?: string }>();
  const name = details.data?.name ?? "";
  const above = useResource(
    name && Number.isFinite(Number(threshold)) ? `autotag:${autotagId}:above:${rounds}:${threshold}` : null,
    () => dataset.countItems(`autotag.${quote(name)} >= ${Number(threshold)}`),
  );

  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    { label: summary.status === "ready" ? summary.data.name : "…", href: grid },
    { label: `Autotag ${name}` },
  ];
  if (details.status !== "ready")
    return (
      <Shell crumbs={crumbs}>
        {details.status === "loading" ? (
          <Loading what="the autotag" />
        ) : (
          <ErrorState error={details.error} retry={details.reload} what="the autotag" />
        )}
      </Shell>
    );
  const tag = details.data;
  const judge = (referenceId: string, verdict: Verdict) =>
    setVerdicts((before) => {
      const next = new Map(before);
      if (next.get(referenceId) === verdict) next.delete(referenceId);
      else next.set(referenceId, verdict);
      return next;
    });
  const pick = (verdict: Verdict) => [...verdicts].filter(([, v]) => v === verdict).map(([ref]) => ref);
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const refine = () =>
    act(async () => {
      await dataset.refineAutotag(autotagId, { accept: pick("accept"), reject: pick("reject") });
      setVerdicts(new Map());
      setNotice({ text: `Trained again with ${verdicts.size} judged items.` });
      invalidate(`autotag:${autotagId}`);
      invalidate(`autotags:${datasetId}`);
    });
  const makeSlice = () =>
    act(async () => {
      const made = await dataset.autotagSlice(autotagId, sliceName.trim() || `${name} ≥ ${threshold}`, {
        threshold: Number(threshold),
      });
      invalidate(`dataset:${datasetId}`);
      setNotice({ text: `Made a slice of ${made.items} items.`, sliceId: made.sliceId });
    });
  const accepted = pick("accept").length;
  const rejected = pick("reject").length;
  return (
    <Shell crumbs={crumbs}>
      <div className="with-panel">
        <aside className="panel embed-form" aria-label="Autotag">
          <section className="panel-section">
            <h2>Autotag {tag.name}</h2>
            <dl className="kv">
              <div className="kv-row">
                <dt>Status</dt>
                <dd>{tag.status}</dd>
              </div>
              <div className="kv-row">
                <dt>Positives</dt>
                <dd data-field="positives">{tag.positives ?? 0}</dd>
              </div>
              <div className="kv-row">
                <dt>Negatives</dt>
                <dd data-field="negatives">{tag.negatives ?? 0}</dd>
              </div>
              <div className="kv-row">
                <dt>Rounds</dt>
                <dd data-field="rounds">{rounds}</dd>
              </div>
              <div className="kv-row">
                <dt>Scored</dt>
                <dd>{(tag.scored ?? 0).toLocaleString()}</dd>
              </div>
            </dl>
            <p className="muted small">
              Queries read its scores as <code>autotag.{tag.name}</code>.
            </p>
          </section>
          <section className="panel-section">
            <h2>Refine</h2>
            <p className="muted small">
              Accept the items that show the concept and reject those that do not, then train again.
            </p>
            <button
              type="button"
              className="primary"
              disabled={busy || verdicts.size === 0}
              onClick={() => void refine()}
            >
              Refine with {accepted} accepted, {rejected} rejected
            </button>
          </section>
          <form
            className="panel-section"
            onSubmit={(e) => {
              e.preventDefault();
              void makeSlice();
            }}
          >
            <h2>Slice</h2>
            <label className="field">
              <span>Score at least</span>
              <input
                type="number"
                min={-1}
                max={1}
                step="any"
                value={threshold}
                onChange={(e) => setThreshold(e.target.value)}
              />
            </label>
            <p className="muted small" aria-live="polite">
              {above.status === "ready" ? `${above.data.toLocaleString()} items` : "…"}
            </p>
            <label className="field">
              <span>Slice name</span>
              <input type="text" value={sliceName} onChange={(e) => setSliceName(e.target.value)} />
            </label>
            <button type="submit" disabled={busy}>
              Make slice
            </button>
          </form>
          {error ? (
            <p className="qb-error" role="alert">
              {describeError(error).hint}
            </p>
          ) : null}
          {notice ? (
            <p className="notice-line" role="status">
              {notice.text}{" "}
              {notice.sliceId ? (
                <Link href={`${grid}?slice=${encodeURIComponent(notice.sliceId)}`}>Open it</Link>
              ) : null}
            </p>
          ) : null}
        </aside>
        <section className="page embed-main" aria-label="Top scored items">
          <h1>Highest scores of {tag.name}</h1>
          {scores.status === "loading" || busy ? <Loading what="the scores" /> : null}
          {scores.status === "error" ? (
            <ErrorState error={scores.error} retry={scores.reload} what="the scores" />
          ) : null}
          {scores.status === "ready" ? (
            <ol className="result-grid" aria-label="Scored items">
              {scores.data.top.map((scored) => {
                const verdict = verdicts.get(scored.referenceId);
                return (
                  <ResultTile
                    key={scored.referenceId}
                    datasetId={datasetId}
                    referenceId={scored.referenceId}
                    item={scores.data.items.get(scored.referenceId)}
                    figure={scored.score.toFixed(3)}
                    selected={verdict !== undefined}
                  >
                    <button
                      type="button"
                      className={verdict === "accept" ? "verdict accept on" : "verdict accept"}
                      aria-pressed={verdict === "accept"}
                      aria-label={`Accept ${scored.referenceId}`}
                      onClick={() => judge(scored.referenceId, "accept")}
                    >
                      ✓ Yes
                    </button>
                    <button
                      type="button"
                      className={verdict === "reject" ? "verdict reject on" : "verdict reject"}
                      aria-pressed={verdict === "reject"}
                      aria-label={`Reject ${scored.referenceId}`}
                      onClick={() => judge(scored.referenceId, "reject")}
                    >
                      ✕ No
                    </button>
                  </ResultTile>
                );
              })}
            </ol>
          ) : null}
        </section>
      </div>
    </Shell>
  );
}
