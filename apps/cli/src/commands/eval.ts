import { readFileSync } from "node:fs";
import type { CocoDetection, CocoGroundTruth } from "@nucleus/metrics";
import type { Command } from "../command.js";
import { CliError } from "../output.js";

const LINES: [ap: boolean, iou: string, area: string, maxDets: (m: number[]) => number][] = [
  [true, "0.50:0.95", "all", () => 100],
  [true, "0.50", "all", (m) => m[2] as number],
  [true, "0.75", "all", (m) => m[2] as number],
  [true, "0.50:0.95", "small", (m) => m[2] as number],
  [true, "0.50:0.95", "medium", (m) => m[2] as number],
  [true, "0.50:0.95", "large", (m) => m[2] as number],
  [false, "0.50:0.95", "all", (m) => m[0] as number],
  [false, "0.50:0.95", "all", (m) => m[1] as number],
  [false, "0.50:0.95", "all", (m) => m[2] as number],
  [false, "0.50:0.95", "small", (m) => m[2] as number],
  [false, "0.50:0.95", "medium", (m) => m[2] as number],
  [false, "0.50:0.95", "large", (m) => m[2] as number],
];

/** pycocotools' 12-line summary, character for character. */
export function summaryLines(stats: number[], maxDets: number[]): string[] {
  return LINES.map(([ap, iou, area, max], i) => {
    const title = ap ? "Average Precision" : "Average Recall";
    const type = ap ? "(AP)" : "(AR)";
    return ` ${title.padEnd(18)} ${type} @[ IoU=${iou.padEnd(9)} | area=${area.padStart(6)} | maxDets=${String(max(maxDets)).padStart(3)} ] = ${(stats[i] as number).toFixed(3)}`;
  });
}

function readJson<T>(path: string | undefined, flag: string): T {
  if (!path) throw new CliError("Missing file", `--${flag} is required`, `Pass --${flag} FILE`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    throw new CliError(
      "Cannot read file",
      `${path}: ${(error as Error).message}`,
      "Check the path and that the file is COCO JSON",
    );
  }
}

/** `nu eval`: offline COCO evaluation. */
export const evalCommand: Command = {
  path: ["eval"],
  summary: "evaluate COCO detections against a COCO ground truth, exactly as pycocotools does",
  flags: {
    gt: { type: "string", description: "COCO ground-truth JSON" },
    dt: { type: "string", description: "COCO results JSON (an array of detections)" },
    "iou-type": { type: "string", description: "bbox (default) or segm" },
  },
  async run(c) {
    const { evaluateCoco } = await import("@nucleus/metrics");
    const gt = readJson<CocoGroundTruth & { gt?: CocoGroundTruth }>(c.flag("gt"), "gt");
    const dt = readJson<CocoDetection[]>(c.flag("dt"), "dt");
    const iouType = c.flag("iou-type") ?? "bbox";
    if (iouType !== "bbox" && iouType !== "segm")
      throw new CliError("Bad option", `--iou-type must be bbox or segm, got ${iouType}`);
    let result: ReturnType<typeof evaluateCoco>;
    try {
      result = evaluateCoco(gt, dt, { iouType });
    } catch (error) {
      throw new CliError("Cannot evaluate", (error as Error).message, "Fix the entry it names");
    }
    if (c.json) c.print({ stats: result.stats, perCategory: result.perCategory, warnings: result.warnings });
    else {
      for (const warning of result.warnings) c.io.err(`warning: ${warning}\n`);
      c.io.out(`${summaryLines(result.stats, result.params.maxDets).join("\n")}\n`);
    }
    return 0;
  },
};
