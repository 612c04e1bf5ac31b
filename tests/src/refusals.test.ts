/**
 * Entries the server refuses are reported on the right input positions, by the structured
 * details the server sends beside its error strings, whatever characters their reference ids
 * hold.
 */
import type { Annotation } from "@nucleus/core";
import { Uploader } from "@nucleus/upload";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "./support.js";

let env: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  env = await startServer();
});
afterAll(async () => {
  await env.stop();
});

const box = (referenceId: string, n: number): Annotation => ({
  type: "box",
  label: "car",
  referenceId,
  annotationId: `a${n}`,
  geometry: { x: 0, y: 0, width: 1, height: 1 },
});

describe("refused entries", () => {
  it("are reported at their input positions, with their reference ids", async () => {
    const dataset = await env.client.createDataset("refusals");
    await dataset.append([{ imageUrl: "s3://b/real.jpg", referenceId: "real" }]);
    const odd = ['gh"ost', "back\\slash", 'say "reference id "x""', "plain ghost"];
    const entries = [box("real", 0), ...odd.map((ref, i) => box(ref, i + 1)), box("real", 9)];
    const report = await new Uploader(env.client).annotate(dataset.id, entries);
    expect(report).toMatchObject({ total: 6, processed: 2, failed: 4 });
    expect(report.failures.map((f) => [f.index, f.referenceId])).toEqual(odd.map((ref, i) => [i + 1, ref]));
    for (const failure of report.failures) expect(failure.reason).toContain("doesn't exist");
  });
});
