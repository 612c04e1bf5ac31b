import type { Facets as FacetData, Taxonomy } from "@nucleus/core";
import { memo } from "react";
import { PANEL_VALUES } from "../api/curation.js";
import { labelColor } from "../labels/colors.js";
import { literal, segment } from "../query/complete.js";

const metadataField = (key: string) => `metadata.${key.split(".").map(segment).join(".")}`;
const format = (n: number) => (Number.isInteger(n) ? n.toLocaleString() : n.toPrecision(3));

/** A list of values with counts as bars; a click narrows the query to one value. */
function Bars({
  title,
  rows,
  onPick,
}: {
  title: string;
  rows: { key: string; label: string; count: number; condition: string; color?: string; detail?: string }[];
  onPick: (condition: string) => void;
}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="facet" aria-label={title}>
      <h3>{title}</h3>
      <ul>
        {rows.map((row) => (
          <li key={row.key}>
            <button
              type="button"
              className="facet-row"
              onClick={() => onPick(row.condition)}
              title={`Narrow to ${row.condition}`}
              aria-label={`${row.label}: ${row.count.toLocaleString()}${row.detail ? ` (${row.detail})` : ""}. Narrow the query to ${row.condition}`}
            >
              <span
                className="facet-bar"
                style={{ width: `${(100 * row.count) / max}%` }}
                aria-hidden="true"
              />
              {row.color ? <i className="dot" style={{ background: row.color }} aria-hidden="true" /> : null}
              <span className="facet-label">{row.label}</span>
              <span className="facet-count">{row.count.toLocaleString()}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A numeric key's histogram: one button per bucket, a click narrows the query to the bucket. */
function Histogram({
  field,
  title,
  histogram,
  onPick,
}: {
  field: string;
  title: string;
  histogram: { edges: number[]; counts: number[] };
  onPick: (condition: string) => void;
}) {
  const { edges, counts } = histogram;
  const max = Math.max(1, ...counts);
  const last = counts.length - 1;
  return (
    <section className="facet" aria-label={title}>
      <h3>{title}</h3>
      <div className="histogram">
        {counts.map((count, i) => {
          const low = edges[i] as number;
          const high = edges[i + 1] as number;
          const condition = `${field} >= ${low} AND ${field} ${i === last ? "<=" : "<"} ${high}`;
          return (
            <button
              // biome-ignore lint/suspicious/noArrayIndexKey: buckets are positional.
              key={i}
              type="button"
              className="histogram-bin"
              onClick={() => onPick(condition)}
              aria-label={`${format(low)} to ${format(high)}: ${count.toLocaleString()} items. Narrow the query`}
              title={`${format(low)} – ${format(high)}: ${count.toLocaleString()}`}
            >
              <span style={{ height: `${count === 0 ? 0 : Math.max(4, (100 * count) / max)}%` }} />
            </button>
          );
        })}
      </div>
      <div className="histogram-axis small muted" aria-hidden="true">
        <span>{format(edges[0] ?? 0)}</span>
        <span>{format(edges.at(-1) ?? 0)}</span>
      </div>
    </section>
  );
}

const NO_TAXONOMIES: readonly Taxonomy[] = [];

/**
 * The facets of the current query: categories by taxonomy, labels of the ground truth and of the
 * shown run, metadata values and histograms, tags. Each value is a button that adds its condition to the query.
 */
export const FacetPanel = memo(function FacetPanel({
  facets,
  runNames,
  onPick,
  taxonomies = NO_TAXONOMIES,
}: {
  facets: FacetData;
  /** Names of runs by id, for the prediction counts. */
  runNames: ReadonlyMap<string, string>;
  onPick: (condition: string) => void;
  /** The dataset's taxonomies: their labels are counted apart, as categories. */
  taxonomies?: readonly Taxonomy[];
}) {
  const categories = new Set(taxonomies.flatMap((t) => t.labels));
  const counts = new Map(facets.annotations.map((l) => [l.label, l]));
  const objects = facets.annotations.filter((l) => !categories.has(l.label));
  return (
    <div className="facets">
      {taxonomies.map((taxonomy) => (
        <Bars
          key={`taxonomy:${taxonomy.name}`}
          title={`${taxonomy.name} (${taxonomy.type === "multicategory" ? "multi-category" : "category"})`}
          onPick={onPick}
          rows={taxonomy.labels.map((label) => ({
            key: label,
            label,
            count: counts.get(label)?.items ?? 0,
            color: labelColor(label),
            condition: `annotations.${segment(label)} > 0`,
          }))}
        />
      ))}
      {objects.length > 0 ? (
        <Bars
          title="Ground truth labels"
          onPick={onPick}
          rows={objects.map((l) => ({
            key: l.label,
            label: l.label,
            count: l.items,
            detail: `${l.objects.toLocaleString()} objects`,
            color: labelColor(l.label),
            condition: `annotations.${segment(l.label)} > 0`,
          }))}
        />
      ) : null}
      {facets.predictions.map((predictions) =>
        predictions.labels.length > 0 ? (
          <Bars
            key={predictions.modelRunId}
            title={`Predicted by ${runNames.get(predictions.modelRunId) ?? predictions.modelRunId}`}
            onPick={onPick}
            rows={predictions.labels.map((l) => ({
              key: l.label,
              label: l.label,
              count: l.items,
              detail: `${l.objects.toLocaleString()} objects`,
              color: labelColor(l.label),
              condition: `predictions.${segment(l.label)} > 0`,
            }))}
          />
        ) : null,
      )}
      {facets.metadata.map((m) => {
        const field = metadataField(m.key);
        if (m.histogram && m.histogram.counts.length > 0)
          return (
            <Histogram key={m.key} field={field} title={field} histogram={m.histogram} onPick={onPick} />
          );
        if (m.values && m.values.length > 0)
          return (
            <Bars
              key={m.key}
              title={field}
              onPick={onPick}
              rows={m.values.slice(0, PANEL_VALUES).map((v) => ({
                key: String(v.value),
                label: String(v.value),
                count: v.count,
                condition: `${field} = ${literal(v.value)}`,
              }))}
            />
          );
        return null;
      })}
      {facets.tags.length > 0 ? (
        <Bars
          title="Tags"
          onPick={onPick}
          rows={facets.tags.map((t) => ({
            key: t.tag,
            label: t.tag,
            count: t.count,
            condition: `tags CONTAINS ${literal(t.tag)}`,
          }))}
        />
      ) : null}
    </div>
  );
});
