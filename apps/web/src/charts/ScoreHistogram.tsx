import { useMemo } from "react";
import uPlot from "uplot";
import { useTheme } from "../state/theme.js";
import { chartColors, UPlotChart } from "./UPlotChart.js";

/** One bucket of prediction confidences. */
export interface Bucket {
  bucketMin: number;
  bucketMax: number;
  count: number;
}

/** How many predictions fall in each confidence bucket, as bars. */
export function ScoreHistogram({ buckets, height = 200 }: { buckets: readonly Bucket[]; height?: number }) {
  const theme = useTheme();
  const data = useMemo<uPlot.AlignedData>(
    () => [buckets.map((b) => (b.bucketMin + b.bucketMax) / 2), buckets.map((b) => b.count)],
    [buckets],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new theme means new axis colours.
  const options = useMemo(() => {
    const c = chartColors();
    const axis = { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid } };
    const bars = uPlot.paths.bars?.({ size: [0.9, 64] });
    return {
      // Counts start at zero, so bar heights compare.
      scales: {
        x: { time: false, range: [0, 1] as [number, number] },
        y: {
          range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max * 1.1)] as [number, number],
        },
      },
      axes: [
        { ...axis, label: "Confidence" },
        { ...axis, label: "Predictions" },
      ],
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        {
          label: "predictions",
          fill: "#4e9bffcc",
          stroke: "#4e9bff",
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
        },
      ],
    };
  }, [theme]);
  if (buckets.every((b) => b.count === 0))
    return <p className="muted small">No prediction has a confidence.</p>;
  return (
    <UPlotChart options={options} data={data} height={height} label="Histogram of prediction confidences" />
  );
}
