import type { ReactNode } from "react";
import type { RunSummary, SliceSummary } from "../api/catalog.js";
import { labelColor } from "../labels/colors.js";
import type { ColorBy } from "../labels/style.js";
import type { ViewState } from "../state/view.js";
import { Link } from "./Link.js";

/** A titled group of controls in the side panel. */
export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="panel-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Which labels are drawn: ground truth, runs, classes, a confidence floor; and how they are coloured. */
export function LabelControls({
  view,
  update,
  runs,
  classes,
  maxRuns,
}: {
  view: ViewState;
  update: (change: Partial<ViewState>) => void;
  runs: readonly RunSummary[];
  classes: readonly string[];
  /** How many runs may be shown at once. */
  maxRuns?: number;
}) {
  const { colorBy } = view;
  const setColorBy = (mode: ColorBy) => update({ colorBy: mode });
  const toggleRun = (id: string) => {
    const on = view.runs.includes(id);
    const next = on ? view.runs.filter((r) => r !== id) : [...view.runs, id].slice(-(maxRuns ?? 9));
    update({ runs: next });
  };
  const toggleClass = (label: string) => {
    const hidden = new Set(view.hidden);
    if (hidden.has(label)) hidden.delete(label);
    else hidden.add(label);
    update({ hidden });
  };
  return (
    <>
      <Section title="Labels" id="labels-title">
        <label className="check">
          <input
            type="checkbox"
            checked={view.groundTruth}
            onChange={() => update({ groundTruth: !view.groundTruth })}
          />
          <span className="swatch swatch-solid" aria-hidden="true" />
          Ground truth <kbd>g</kbd>
        </label>
        {runs.length === 0 ? <p className="muted small">No model runs on this dataset yet.</p> : null}
        {runs.map((run, i) => (
          <div key={run.id} className="run-toggle">
            <label className="check">
              <input
                type="checkbox"
                checked={view.runs.includes(run.id)}
                onChange={() => toggleRun(run.id)}
              />
              <span
                className={`swatch ${view.runs.indexOf(run.id) > 0 ? "swatch-dotted" : "swatch-dashed"}`}
                aria-hidden="true"
              />
              {run.name} {i < 9 ? <kbd>{i + 1}</kbd> : null}
            </label>
            <Link
              href={`/runs/${encodeURIComponent(run.id)}`}
              className="small"
              aria-label={`Metrics of ${run.name}`}
            >
              metrics
            </Link>
          </div>
        ))}
      </Section>
      <Section title="Colour" id="colour-title">
        <div className="segmented" role="radiogroup" aria-label="Colour labels by">
          {(["label", "match"] as const).map((mode) => (
            <label key={mode} className={colorBy === mode ? "on" : ""}>
              <input
                type="radio"
                name="color-by"
                checked={colorBy === mode}
                onChange={() => setColorBy(mode)}
              />
              {mode === "label" ? "By class" : "TP / FP / FN"}
            </label>
          ))}
        </div>
        {colorBy === "match" ? (
          <>
            <p className="legend small">
              <span className="tp">■ TP</span> <span className="fp">■ FP dashed</span>{" "}
              <span className="fn">■ FN</span>
              {view.runs.length === 0 ? <span className="muted"> · turn a run on</span> : null}
            </p>
            <label className="slider">
              <span>
                IoU threshold <output>{view.iou.toFixed(2)}</output>
              </span>
              <input
                type="range"
                min={0.05}
                max={0.95}
                step={0.05}
                value={view.iou}
                onChange={(e) => update({ iou: Number(e.target.value) })}
              />
            </label>
          </>
        ) : null}
        <label className="slider">
          <span>
            Min. confidence <output>{view.minConfidence.toFixed(2)}</output>
          </span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={view.minConfidence}
            onChange={(e) => update({ minConfidence: Number(e.target.value) })}
          />
        </label>
      </Section>
      <Section title="Classes" id="classes-title">
        {classes.length === 0 ? <p className="muted small">Classes appear as labels load.</p> : null}
        <ul className="classes">
          {classes.map((label) => (
            <li key={label}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={!view.hidden.has(label)}
                  onChange={() => toggleClass(label)}
                />
                <span className="swatch" style={{ background: labelColor(label) }} aria-hidden="true" />
                {label}
              </label>
            </li>
          ))}
        </ul>
        {view.hidden.size > 0 ? (
          <button type="button" className="link small" onClick={() => update({ hidden: new Set() })}>
            Show all classes
          </button>
        ) : null}
      </Section>
    </>
  );
}

/** Which items: the dataset or a slice, in which order, at which tile size. */
export function ItemControls({
  view,
  update,
  slices,
  fields,
}: {
  view: ViewState;
  update: (change: Partial<ViewState>) => void;
  slices: readonly SliceSummary[];
  fields: readonly string[];
}) {
  return (
    <Section title="Items" id="items-title">
      <label className="field">
        <span>Show</span>
        <select value={view.sliceId ?? ""} onChange={(e) => update({ sliceId: e.target.value || undefined })}>
          <option value="">The whole dataset</option>
          {slices.map((slice) => (
            <option key={slice.id} value={slice.id}>
              Slice: {slice.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Sort by</span>
        <select
          value={view.sort?.field ?? ""}
          onChange={(e) =>
            update({
              sort: e.target.value
                ? { field: e.target.value, descending: view.sort?.descending ?? false }
                : undefined,
            })
          }
        >
          <option value="">Upload order</option>
          {fields.map((field) => (
            <option key={field} value={field}>
              metadata.{field}
            </option>
          ))}
        </select>
      </label>
      {view.sort ? (
        <label className="check">
          <input
            type="checkbox"
            checked={view.sort.descending}
            onChange={() =>
              update({ sort: view.sort ? { ...view.sort, descending: !view.sort.descending } : undefined })
            }
          />
          Descending
        </label>
      ) : null}
      <label className="slider">
        <span>
          Tile size <kbd>+</kbd> <kbd>-</kbd>
        </span>
        <input
          type="range"
          min={120}
          max={480}
          step={20}
          value={view.tile}
          onChange={(e) => update({ tile: Number(e.target.value) })}
        />
      </label>
    </Section>
  );
}
