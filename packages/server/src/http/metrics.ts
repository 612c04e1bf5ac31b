/** Request counts and latencies by route, kept in memory and written in Prometheus' text format. */

/** Upper bounds of the latency histogram's buckets, in seconds. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

/** A label value with Prometheus' escapes. */
const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/**
 * What this process served: a counter per (method, route, status) and a latency histogram per
 * (method, route). Routes are the patterns requests matched (`/v1/nucleus/dataset/:datasetId`),
 * never the paths, so no id, name or token of a tenant reaches the metrics.
 */
export class RequestMetrics {
  private readonly counts = new Map<string, number>();
  private readonly latencies = new Map<string, Series>();

  /** Records one request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const counted = `method="${label(method)}",route="${label(route)}",status="${status}"`;
    this.counts.set(counted, (this.counts.get(counted) ?? 0) + 1);
    const timed = `method="${label(method)}",route="${label(route)}"`;
    let series = this.latencies.get(timed);
    if (!series) {
      series = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      this.latencies.set(timed, series);
    }
    series.count += 1;
    series.sum += seconds;
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) (series as Series).buckets[i] = ((series as Series).buckets[i] as number) + 1;
    });
  }

  /** The metrics in Prometheus' text exposition format, with `gauges` (name → help, value) after them. */
  render(
    gauges: { name: string; help: string; values: { labels?: string; value: number }[] }[] = [],
  ): string {
    const lines = [
      "# HELP nucleus_http_requests_total Requests served by this process, by method, route and status.",
      "# TYPE nucleus_http_requests_total counter",
    ];
    for (const [labels, count] of this.counts) lines.push(`nucleus_http_requests_total{${labels}} ${count}`);
    lines.push(
      "# HELP nucleus_http_request_duration_seconds Time to answer requests, by method and route.",
      "# TYPE nucleus_http_request_duration_seconds histogram",
    );
    for (const [labels, series] of this.latencies) {
      BUCKETS.forEach((bound, i) => {
        lines.push(
          `nucleus_http_request_duration_seconds_bucket{${labels},le="${bound}"} ${series.buckets[i]}`,
        );
      });
      lines.push(
        `nucleus_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${series.count}`,
        `nucleus_http_request_duration_seconds_sum{${labels}} ${series.sum}`,
        `nucleus_http_request_duration_seconds_count{${labels}} ${series.count}`,
      );
    }
    for (const gauge of gauges) {
      lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
      for (const { labels, value } of gauge.values) {
        lines.push(`${gauge.name}${labels ? `{${labels}}` : ""} ${value}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}
