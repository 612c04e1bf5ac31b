import { labelColor, MATCH_COLORS } from "./colors.js";
import type { ShapeStyle } from "./draw.js";
import type { MatchInfo } from "./match.js";
import { classesOf, type Shape } from "./shapes.js";

/** How labels are coloured: by class, or by how predictions matched the ground truth. */
export type ColorBy = "label" | "match";

/** What decides how the shapes of one view are drawn. */
export interface StyleOptions {
  colorBy: ColorBy;
  /** Classes not drawn. */
  hidden: ReadonlySet<string>;
  /** Predictions below it are not drawn. */
  minConfidence: number;
  /** Draw the ground truth (default true); it may be loaded only to match predictions against. */
  groundTruth?: boolean;
  /** Match marks by shape key (from {@link matchShapes}). */
  marks?: ReadonlyMap<string, MatchInfo>;
  /** Runs in the order they are shown: the second one is drawn with a finer dash. */
  runs?: readonly string[];
  /** The hovered shape's key: drawn thicker. */
  highlight?: string | undefined;
  /** Write the class (and confidence) on each shape. */
  captions?: boolean;
}

/** Whether a shape is drawn at all under these options. */
export function isShown(
  shape: Shape,
  options: Pick<StyleOptions, "hidden" | "minConfidence" | "groundTruth">,
): boolean {
  if (shape.source === "gt" && options.groundTruth === false) return false;
  if (shape.source !== "gt" && (shape.confidence ?? 1) < options.minConfidence) return false;
  return !classesOf(shape).every((label) => options.hidden.has(label));
}

/**
 * The style of a shape: ground truth solid, predictions dashed (a second run more finely); by
 * class colour, or green TP, red dashed FP and amber FN in match mode, so a match is never told by
 * colour alone.
 */
export function styleOf(shape: Shape, options: StyleOptions): ShapeStyle {
  if (!isShown(shape, options)) return { color: "#000", hidden: true };
  const isGt = shape.source === "gt";
  const runIndex = isGt ? -1 : (options.runs?.indexOf(shape.source.slice(4)) ?? 0);
  const predictionDash = runIndex > 0 ? [2, 3] : [6, 4];
  const emphasis = options.highlight === shape.key ? 2 : 0;
  const caption = options.captions
    ? `${shape.label}${shape.confidence !== undefined ? ` ${shape.confidence.toFixed(2)}` : ""}`
    : undefined;
  const base = { ...(caption ? { caption } : {}) };
  if (options.colorBy === "match") {
    const mark = options.marks?.get(shape.key);
    if (mark?.kind === "TP")
      return {
        ...base,
        color: MATCH_COLORS.TP,
        width: (isGt ? 1.5 : 2) + emphasis,
        ...(isGt ? {} : { dash: predictionDash }),
      };
    if (mark?.kind === "FP") return { ...base, color: MATCH_COLORS.FP, width: 2.5 + emphasis, dash: [6, 3] };
    if (mark?.kind === "FN") return { ...base, color: MATCH_COLORS.FN, width: 3 + emphasis, dash: [12, 4] };
  }
  return {
    ...base,
    color: labelColor(shape.label),
    width: 2 + emphasis,
    ...(isGt ? {} : { dash: predictionDash }),
  };
}
