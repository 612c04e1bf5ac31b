import { labelColor } from "../labels/colors.js";
import type { Shape } from "../labels/shapes.js";

/**
 * Categories and multi-categories of an item as chips, one per class (a multi-category gives
 * several); predictions dashed with their confidence. Past `max`, a "+n" chip says how many more.
 */
export function CategoryChips({
  shapes,
  max,
  describeSource,
}: {
  shapes: readonly Shape[];
  max?: number;
  /** Names a chip's source in its tooltip (ground truth, or the run's name). */
  describeSource?: (shape: Shape) => string;
}) {
  const chips = shapes.flatMap((shape) =>
    shape.kind === "category"
      ? shape.labels.map((label) => ({ key: `${shape.key}/${label}`, label, shape }))
      : [],
  );
  const shown = max === undefined ? chips : chips.slice(0, max);
  const more = chips.length - shown.length;
  return (
    <>
      {shown.map(({ key, label, shape }) => {
        const from = describeSource?.(shape) ?? (shape.source === "gt" ? "Ground truth" : "Prediction");
        return (
          <span
            key={key}
            className={`chip${shape.source === "gt" ? "" : " chip-predicted"}`}
            title={`${from}: ${label}${shape.confidence !== undefined ? ` (${shape.confidence.toFixed(2)})` : ""}`}
            data-category={label}
          >
            <i style={{ background: labelColor(label) }} />
            {label}
            {shape.confidence !== undefined ? ` ${shape.confidence.toFixed(2)}` : ""}
          </span>
        );
      })}
      {more > 0 ? (
        <span
          className="chip"
          title={chips
            .slice(shown.length)
            .map((c) => c.label)
            .join(", ")}
        >
          +{more}
        </span>
      ) : null}
    </>
  );
}
