import { useMemo } from "react";
import type uPlot from "uplot";
import { labelColor } from "../labels/colors.js";
import { useTheme } from "../state/theme.js";
import { chartColors, UPlotChart } from "./UPlotChart.js";

/** One point of a class's precision-recall curve. */
export interface PrPoint {
  classLabel: string;
  recall: number;
  precision: number;
}

/** Curves on a shared recall axis (0.00 to 1.00 by 0.01): uPlot plots aligned series. */
function align(points: readonly PrPoint[]): { classes: string[]; data: uPlot.AlignedData } {
  const classes = [...new Set(points.map((p) => p.classLabel))].sort();
  const xs = Array.from({ length: 101 }, (_, i) => i / 100);
  const series = classes.map((label) => {
    const curve = points.filter((p) => p.classLabel === label).sort((a, b) => a.recall - b.recall);
    // Interpolated precision: the best precision at this recall or beyond (as COCO reports it).
    return xs.map((x) => {
      let best: number | null = null;
      for (const p of curve) if (p.recall >= x - 1e-9) best = Math.max(best ?? 0, p.precision);
      return best;
    });
  });
  return { classes, data: [xs, ...series] as uPlot.AlignedData };
}

/** Precision against recall, one line per class, coloured as the class is everywhere else. */
export function PrCurves({ points, height = 260 }: { points: readonly PrPoint[]; height?: number }) {
  const theme = useTheme();
  const { classes, data } = useMemo(() => align(points), [points]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new theme means new axis colours.
  const options = useMemo(() => {
    const c = chartColors();
    const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid } };
    return {
      scales: {
        x: { time: false, range: [0, 1] as [number, number] },
        y: { range: [0, 1.02] as [number, number] },
      },
      axes: [
        { ...axis, label: "Recall" },
        { ...axis, label: "Precision" },
      ],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: "recall" },
        ...classes.map((label) => ({ label, stroke: labelColor(label), width: 2 })),
      ],
    };
  }, [classes, theme]);
  if (classes.length === 0)
    return <p className="muted small">No precision-recall points: the run has no matched predictions.</p>;
  return (
    <UPlotChart
      options={options}
      data={data}
      height={height}
      label={`Precision-recall curves of ${classes.join(", ")}`}
    />
  );
}
