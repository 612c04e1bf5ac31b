import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { byScore, CocoAccumulator } from "./evaluation/coco-accumulate.js";
import { createDataset, remoteItems, startTestServer, type TestServer } from "./test-support.js";

/** The longest the event loop of this process waited, in ms, while `work` ran. */
async function longestLoopDelay(work: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  // The monitor's timer must be running before the work starts, or a loop held from the
  // start is never seen.
  await new Promise((resolve) => setTimeout(resolve, 20));
  try {
    await work();
    // A loop held until the work ended is recorded once the monitor's timer runs again.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    histogram.disable();
  }
  return histogram.max / 1e6;
}

/** An accumulator of `n` box predictions over a few classes, each with a ground truth. */
function bigAccumulator(n: number): CocoAccumulator {
  const accumulator = new CocoAccumulator();
  for (let i = 0; i < n; i += 1) {
    const label = `c${i % 6}`;
    const tp = (i * 7919) % 5 !== 0;
    // Outcome bits per area range: TP at the first thresholds, none ignored.
    const bits = tp ? (1 << (i % 10)) - 1 : 0;
    accumulator.add({
      matchType: tp ? "TP" : "FP",
      shape: "box",
      predLabel: label,
      gtLabel: tp ? label : null,
      score: ((i * 104_729) % 1000) / 1000,
      rank: i % 120,
      coco: [bits, bits, 0, 0],
      gtArea: tp ? 900 : null,
    });
  }
  return accumulator;
}

describe("evaluation metrics over many match rows", () => {
  it("rank detections as one stable sort by descending score does, ties included", () => {
    const n = 150_000;
    const scores = Float64Array.from({ length: n }, (_, i) => ((i * 7_919) % 1_009) / 1_009);
    const steps = byScore(scores, n);
    let next = steps.next();
    while (!next.done) next = steps.next();
    const expected = Int32Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => (scores[b] as number) - (scores[a] as number) || a - b,
    );
    expect(next.value).toEqual(expected);
  });

  it("come out equal when computed in steps, and never hold the event loop for long", async () => {
    const accumulator = bigAccumulator(1_200_000);
    let stepwise: unknown;
    const delay = await longestLoopDelay(async () => {
      stepwise = await accumulator.metricsInTurns(600, 10);
    });
    expect(stepwise).toEqual(accumulator.metrics(600));
    // In one go these metrics hold the loop for well over a second on a 2-core machine;
    // in steps no stretch comes near the bound.
    expect(delay).toBeLessThan(1_000);
  }, 30_000);
});

/** Polls the run's newest evaluation until `done` says so. */
async function evaluationOf(server: TestServer, runId: string, done: (status: string) => boolean) {
  for (;;) {
    const list = (await server.call("GET", `modelRun/${runId}/evaluationsV2`)).body as {
      id: string;
      status: string;
    }[];
    if (list[0] && done(list[0].status)) return list[0];
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("stopping the server during an evaluation", () => {
  it("stops at the evaluation's next step and a later server finishes it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-stall-"));
    const jobTiming = { leaseMs: 1_000, pollMs: 200 };
    try {
      const first = await startTestServer(dir, { jobTiming });
      const ds = await createDataset(first);
      const items = 4_000;
      await first.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(items) } });
      const boxes = Array.from({ length: items * 5 }, (_, i) => ({
        type: "box",
        label: `c${i % 4}`,
        reference_id: `img_${Math.floor(i / 5)}`,
        annotation_id: `a_${i}`,
        geometry: { x: (i * 37) % 500, y: (i * 53) % 500, width: 40, height: 30 },
      }));
      await first.call("POST", `dataset/${ds}/annotate`, { body: { annotations: boxes } });
      await first.call("POST", "models/add", { body: { name: "m", reference_id: "m" } });
      const run = await first.call("POST", `dataset/${ds}/modelRun/create`, {
        body: { name: "r", reference_id: "m" },
      });
      const runId = (run.body as { model_run_id: string }).model_run_id;
      const predictions = boxes.map((b, i) => ({ ...b, annotation_id: `p_${i}`, confidence: (i % 10) / 10 }));
      await first.call("POST", `modelRun/${runId}/predict`, { body: { annotations: predictions } });
      expect((await first.call("POST", `modelRun/${runId}/commit`, { body: {} })).status).toBe(200);
      await evaluationOf(first, runId, (status) => status === "computing");
      await first.stop();
      expect(first.logs.some((line) => line.includes("the runner stopped before the job ended"))).toBe(true);

      const second = await startTestServer(dir, { jobTiming });
      try {
        // Left unfinished, not failed: the next server resumes it once the lease ends.
        const left = await evaluationOf(second, runId, () => true);
        expect(left.status).toBe("computing");
        const done = await evaluationOf(second, runId, (status) => status !== "computing");
        expect(done.status).toBe("succeeded");
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
