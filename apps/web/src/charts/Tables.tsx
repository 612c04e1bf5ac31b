import type { ConfusionCell } from "@nucleus/core";
import { labelColor } from "../labels/colors.js";

const pct = (value: number | null | undefined) =>
  value == null || value < 0 ? "—" : `${(value * 100).toFixed(1)}`;

/** A headline number with an optional change against another run. */
export function Metric({
  label,
  value,
  other,
}: {
  label: string;
  value: number | null | undefined;
  other?: number | null | undefined;
}) {
  const delta =
    value != null && other != null && value >= 0 && other >= 0 ? (value - other) * 100 : undefined;
  return (
    <div className="metric">
      <span className="metric-label">{label}</span>
      <span className="metric-value">{pct(value)}</span>
      {delta !== undefined ? (
        <span className={`delta ${delta >= 0 ? "up" : "down"}`}>
          {delta >= 0 ? "+" : ""}
          {delta.toFixed(1)}
        </span>
      ) : null}
    </div>
  );
}

/**
 * Average precision per class at one IoU threshold, with the difference to a compared run when
 * there is one.
 */
export function ApTable({
  rows,
  other,
  otherName,
  iou,
}: {
  rows: readonly { classLabel: string; ap: number }[];
  /** The IoU threshold the APs are computed at. */
  iou: number;
  other?: readonly { classLabel: string; ap: number }[] | undefined;
  otherName?: string | undefined;
}) {
  const classes = [
    ...new Set([...rows.map((r) => r.classLabel), ...(other ?? []).map((r) => r.classLabel)]),
  ].sort();
  const ap = (list: readonly { classLabel: string; ap: number }[] | undefined, label: string) =>
    list?.find((r) => r.classLabel === label)?.ap;
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col" className="num">
            AP@{iou.toFixed(2)}
          </th>
          {other ? (
            <>
              <th scope="col" className="num">
                {otherName ?? "Other"}
              </th>
              <th scope="col" className="num">
                Δ
              </th>
            </>
          ) : null}
          <th scope="col" aria-label="AP bar" />
        </tr>
      </thead>
      <tbody>
        {classes.map((label) => {
          const mine = ap(rows, label);
          const theirs = ap(other, label);
          const delta = mine !== undefined && theirs !== undefined ? (mine - theirs) * 100 : undefined;
          return (
            <tr key={label}>
              <th scope="row">
                <i className="dot" style={{ background: labelColor(label) }} />
                {label}
              </th>
              <td className="num">{pct(mine)}</td>
              {other ? (
                <>
                  <td className="num">{pct(theirs)}</td>
                  <td className={`num delta ${delta === undefined ? "" : delta >= 0 ? "up" : "down"}`}>
                    {delta === undefined ? "—" : `${delta >= 0 ? "+" : ""}${delta.toFixed(1)}`}
                  </td>
                </>
              ) : null}
              <td className="bar-cell">
                <span
                  className="bar"
                  style={{ width: `${Math.max(0, mine ?? 0) * 100}%`, background: labelColor(label) }}
                />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * The confusion matrix as a table: rows are ground-truth classes, columns predicted ones, with
 * "none" for misses and spurious predictions; each cell is a button that opens its examples.
 */
export function ConfusionMatrix({
  cells,
  onOpen,
}: {
  cells: readonly ConfusionCell[];
  onOpen: (gtLabel: string | null, predLabel: string | null) => void;
}) {
  const gts = [...new Set(cells.map((c) => c.gtLabel).filter((l): l is string => l !== null))].sort();
  const preds = [...new Set(cells.map((c) => c.predLabel).filter((l): l is string => l !== null))].sort();
  const rows: (string | null)[] = [...gts, null];
  const columns: (string | null)[] = [...preds, null];
  const count = (g: string | null, p: string | null) =>
    cells.find((c) => c.gtLabel === g && c.predLabel === p)?.count ?? 0;
  const max = Math.max(1, ...cells.map((c) => c.count));
  const name = (label: string | null) => label ?? "none";
  return (
    <div className="matrix-wrap">
      <table className="matrix">
        <caption className="muted small">
          Rows: ground truth · columns: prediction · a cell opens its examples
        </caption>
        <thead>
          <tr>
            <th scope="col" />
            {columns.map((p) => (
              <th scope="col" key={name(p)} className={p === null ? "none" : ""}>
                {name(p)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr key={name(g)}>
              <th scope="row" className={g === null ? "none" : ""}>
                {name(g)}
              </th>
              {columns.map((p) => {
                const n = count(g, p);
                if (g === null && p === null) return <td key="none" className="empty" />;
                const kind = g === p ? "diag" : "off";
                return (
                  <td key={name(p)} className={kind}>
                    <button
                      type="button"
                      disabled={n === 0}
                      style={{ ["--w" as string]: String(n / max) }}
                      aria-label={`${n} with ground truth ${name(g)} predicted as ${name(p)}`}
                      onClick={() => onOpen(g, p)}
                    >
                      {n}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Counts of the TIDE error attribution: what the errors were, as bars. */
export function TideBars({ tide }: { tide: Record<string, number> }) {
  const parts: [string, string, string][] = [
    ["classification", "Classification", "right place, wrong class"],
    ["localization", "Localisation", "right class, poor box"],
    ["both", "Both", "wrong class and poor box"],
    ["duplicate", "Duplicate", "second detection of a found object"],
    ["background", "Background", "nothing there"],
    ["missed", "Missed", "object never detected"],
  ];
  const max = Math.max(1, ...parts.map(([key]) => tide[key] ?? 0));
  return (
    <table className="data-table tide">
      <tbody>
        {parts.map(([key, title, hint]) => (
          <tr key={key}>
            <th scope="row" title={hint}>
              {title}
              <span className="muted small"> {hint}</span>
            </th>
            <td className="num">{tide[key] ?? 0}</td>
            <td className="bar-cell">
              <span className={`bar bar-${key}`} style={{ width: `${((tide[key] ?? 0) / max) * 100}%` }} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
