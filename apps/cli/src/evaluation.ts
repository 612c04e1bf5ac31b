import type { NucleusClient } from "@nucleus/core";
import { CliError, table } from "./output.js";

/** Box metrics of one run on some items: overall and per class. AP is -1 where a class has none. */
export interface EvaluationSummary {
  map: number;
  map50: number;
  map75: number;
  perClass: { label: string; ap: number; ap50: number; ap75: number }[];
  counts?: { items: number; groundTruth: number; predictions: number };
}

/** A run, named for people: its id and name. */
export interface RunLabel {
  id: string;
  name: string;
}

/** `0.4123` as `41.2%`; AP of -1 (no ground truth and no predictions) as `n/a`. */
export function percent(value: number | undefined): string {
  return value === undefined || value < 0 ? "n/a" : `${(value * 100).toFixed(1)}%`;
}

/** The difference `b - a` in percentage points, signed (`+3.2`), or `n/a`. */
export function pointsDifference(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || a < 0 || b < 0) return "n/a";
  const points = (b - a) * 100;
  return `${points >= 0 ? "+" : ""}${points.toFixed(1)}`;
}

interface ServerMetrics {
  map: number;
  map50: number;
  map75: number;
  per_class: { label: string; ap: number; ap50: number; ap75: number }[];
  counts?: { items: number; ground_truth: number; predictions: number };
}

/** A run's evaluation as the server stores it (`modelRun/{id}/info`), with its status. */
export interface RunEvaluation {
  run: RunLabel & { status: string; modelId: string };
  /** `none` before the run is committed, then the evaluation job's status. */
  status: string;
  summary?: EvaluationSummary;
}

/** Reads a run's latest evaluation; with `wait`, polls until it has succeeded or failed. */
export async function runEvaluation(
  client: NucleusClient,
  runId: string,
  options: { wait?: boolean } = {},
): Promise<RunEvaluation> {
  const run = await client.getModelRun(runId);
  for (;;) {
    const info = (await run.info()) as { name: string; status: string; modelId: string } & {
      evaluation?: { status: string; metrics: ServerMetrics | null } | null;
    };
    const status = info.evaluation?.status ?? "none";
    const metrics = info.evaluation?.metrics;
    if (status === "succeeded" && metrics) {
      return {
        run: { id: runId, name: info.name, status: info.status, modelId: info.modelId },
        status,
        summary: {
          map: metrics.map,
          map50: metrics.map50,
          map75: metrics.map75,
          perClass: metrics.per_class,
          ...(metrics.counts
            ? {
                counts: {
                  items: metrics.counts.items,
                  groundTruth: metrics.counts.ground_truth,
                  predictions: metrics.counts.predictions,
                },
              }
            : {}),
        },
      };
    }
    if (!options.wait || status === "none" || status === "failed")
      return { run: { id: runId, name: info.name, status: info.status, modelId: info.modelId }, status };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The summary of a run that must have been evaluated; an error saying what to do otherwise. */
export function requireSummary(evaluation: RunEvaluation): EvaluationSummary {
  if (evaluation.summary) return evaluation.summary;
  throw new CliError(
    "Not evaluated",
    `Run ${evaluation.run.id} has no evaluation${evaluation.status === "none" ? "" : ` (its evaluation is ${evaluation.status})`}`,
    evaluation.status === "none"
      ? `Commit it to evaluate it: nu runs commit ${evaluation.run.id}`
      : `Wait for it: nu runs info ${evaluation.run.id} --wait`,
  );
}

/** mAP, AP50 and AP75 on one line, then a table of AP per class. */
export function evaluationText(summary: EvaluationSummary): string {
  const overall = `mAP ${percent(summary.map)}   AP50 ${percent(summary.map50)}   AP75 ${percent(summary.map75)}   (COCO, boxes)`;
  const counts = summary.counts
    ? `\n${summary.counts.items} items, ${summary.counts.groundTruth} ground-truth boxes, ${summary.counts.predictions} predicted boxes`
    : "";
  const rows = summary.perClass.map((c) => ({
    label: c.label,
    ap: percent(c.ap),
    ap50: percent(c.ap50),
    ap75: percent(c.ap75),
  }));
  const perClass = rows.length
    ? `\n\n${table(rows, ["label", "ap", "ap50", "ap75"], ["CLASS", "AP", "AP50", "AP75"])}`
    : "";
  return `${overall}${counts}${perClass}\n`;
}

/** Two runs' metrics side by side, overall and per class, with the difference `b - a` in points. */
export function comparison(
  a: { run: RunLabel; summary: EvaluationSummary },
  b: { run: RunLabel; summary: EvaluationSummary },
) {
  const overall = (["map", "map50", "map75"] as const).map((metric) => ({
    metric: { map: "mAP", map50: "AP50", map75: "AP75" }[metric],
    a: a.summary[metric],
    b: b.summary[metric],
  }));
  const labels = [...new Set([...a.summary.perClass, ...b.summary.perClass].map((c) => c.label))].sort();
  const perClass = labels.map((label) => ({
    label,
    a: a.summary.perClass.find((c) => c.label === label)?.ap,
    b: b.summary.perClass.find((c) => c.label === label)?.ap,
  }));
  return { runs: [a.run, b.run], overall, perClass };
}

/** The comparison as text: two tables with a column per run and one for the difference. */
export function comparisonText(result: ReturnType<typeof comparison>): string {
  const [a, b] = result.runs as [RunLabel, RunLabel];
  const headers = (first: string) => [first, `A: ${a.name}`, `B: ${b.name}`, "B - A (points)"];
  const row = (name: string, x: number | undefined, y: number | undefined) => ({
    name,
    a: percent(x),
    b: percent(y),
    difference: pointsDifference(x, y),
  });
  const columns = ["name", "a", "b", "difference"];
  return [
    `A = ${a.id}   B = ${b.id}`,
    "",
    table(
      result.overall.map((m) => row(m.metric, m.a, m.b)),
      columns,
      headers("METRIC"),
    ),
    "",
    table(
      result.perClass.map((c) => row(c.label, c.a, c.b)),
      columns,
      headers("CLASS (AP)"),
    ),
    "",
  ].join("\n");
}
