import { useEffect, useLayoutEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/**
 * A uPlot chart that fills its container's width: rebuilt when its data or options change,
 * resized when the container does.
 */
export function UPlotChart({
  options,
  data,
  height,
  label,
}: {
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  height: number;
  /** What the chart shows, for assistive technology. */
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);
  // The chart is rebuilt for new data or options, and only resized for a new width (below).
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above.
  useEffect(() => {
    const element = box.current;
    if (!element || width === 0) return;
    chart.current = new uPlot({ ...options, width, height }, data, element);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [options, data, height, width === 0]);
  useEffect(() => {
    if (width > 0) chart.current?.setSize({ width, height });
  }, [width, height]);
  return <div ref={box} className="uplot-box" role="img" aria-label={label} />;
}

/** Axis and grid colours of the current theme, read from CSS variables. */
export function chartColors(): { axis: string; grid: string; text: string } {
  const css = getComputedStyle(document.documentElement);
  return {
    axis: css.getPropertyValue("--border-strong").trim() || "#888",
    grid: css.getPropertyValue("--border").trim() || "#ddd",
    text: css.getPropertyValue("--text-muted").trim() || "#666",
  };
}
