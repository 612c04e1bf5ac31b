/**
 * `nu tests` through the real binary against a real server: create scenario tests with criteria,
 * list and describe them, and `nu tests run` as a CI gate: exit 1 and a JUnit failure when a
 * criterion fails its threshold, exit 0 and no failure once every criterion passes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { box, NucleusClient } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
let sliceId: string;
let modelId: string;

beforeAll(async () => {
  s = await startNuSession();
  const client = new NucleusClient({ apiKey: s.env.NUCLEUS_API_KEY, endpoint: s.server.url });
  const dataset = await client.createDataset("gated");
  await dataset.append(["a", "b"].map((ref) => ({ referenceId: ref, imageUrl: `s3://bucket/${ref}.jpg` })));
  // a: two cars, one found; b: one car, found.
  await dataset.annotate([
    box({ referenceId: "a", label: "car", x: 0, y: 0, width: 10, height: 10, annotationId: "a1" }),
    box({ referenceId: "a", label: "car", x: 50, y: 0, width: 10, height: 10, annotationId: "a2" }),
    box({ referenceId: "b", label: "car", x: 0, y: 0, width: 10, height: 10, annotationId: "b1" }),
  ]);
  const model = await client.addModel({ name: "detector", referenceId: "detector" });
  modelId = model.id;
  await model.createRun({
    name: "v1",
    dataset,
    predictions: [
      box({ referenceId: "a", label: "car", x: 0, y: 0, width: 10, height: 10, confidence: 0.9 }),
      box({ referenceId: "b", label: "car", x: 0, y: 0, width: 10, height: 10, confidence: 0.8 }),
    ],
  });
  sliceId = (await dataset.createSlice("all", ["a", "b"])).id;
});
afterAll(async () => {
  await s.stop();
});

describe("nu tests", () => {
  it("create, list and describe scenario tests with their criteria", { timeout: 60_000 }, async () => {
    const created = await s.json<{ id: string; name: string }>([
      "tests",
      "create",
      "all cars",
      "--slice",
      sliceId,
      "--criterion",
      "bbox_recall>=0.9",
      "--criterion",
      "bbox_precision > 0.5",
    ]);
    expect(created.id).toMatch(/^ut_/);
    const listed = await s.json<{ id: string; name: string; sliceId: string }[]>(["tests", "list"]);
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: "all cars", sliceId })]);
    const table = await s.nu(["tests", "list"]);
    expect(table.stdout).toContain(created.id);
    const described = await s.nu(["tests", "describe", created.id]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toContain("bbox_recall >= 0.9");
    expect(described.stdout).toContain("bbox_precision > 0.5");
    expect(described.stdout).toContain("2 items");
    const all = await s.json<{ name: string; criteria: unknown[] }[]>(["tests", "describe", "--all"]);
    expect(all.map((t) => [t.name, t.criteria.length])).toEqual([["all cars", 2]]);
    expect((await s.nu(["tests", "describe"])).code).toBe(2);

    const bad = await s.nu(["tests", "create", "x", "--slice", sliceId, "--criterion", "bbox_recall=>1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--criterion");
    const unknown = await s.nu(["tests", "create", "y", "--slice", sliceId, "--criterion", "no_such_fn"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no_such_fn");
    expect(await s.json<unknown[]>(["tests", "list"])).toHaveLength(1);
  });

  it("run exits 1 with a JUnit failure when a threshold fails, and 0 once all pass", {
    timeout: 60_000,
  }, async () => {
    const junit = join(s.scratch, "reports.xml");
    // Recall is 2/3 (a finds 1 of 2, b 1 of 1), under 0.9; precision is 1.
    const failing = await s.nu(["tests", "run", "--model", modelId, "--junit", junit]);
    expect(failing.code, failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/all cars\s+bbox_recall >= 0\.9\s+0\.6667\s+FAIL/);
    expect(failing.stdout).toMatch(/bbox_precision > 0\.5\s+1\s+pass/);
    expect(failing.stdout).toContain("1 of 2 criteria failed");
    const failedXml = readFileSync(junit, "utf8");
    expect(failedXml).toContain('<testsuites name="nucleus scenario tests" tests="2" failures="1">');
    expect(failedXml).toContain('<testsuite name="all cars"');
    expect(failedXml).toContain('<failure message="bbox_recall = 0.6667, needs &gt;= 0.9" type="threshold">');
    expect(failedXml.match(/<testcase /g)).toHaveLength(2);

    const [test] = await s.json<{ id: string }[]>(["tests", "list"]);
    const client = new NucleusClient({ apiKey: s.env.NUCLEUS_API_KEY, endpoint: s.server.url });
    await (await client.validate.getScenarioTest(test?.id as string)).setThreshold("bbox_recall", 0.6);

    const passing = await s.nu(["tests", "run", "--model", modelId, "--junit", junit]);
    expect(passing.code, passing.stdout + passing.stderr).toBe(0);
    expect(passing.stdout).toContain("All 2 criteria passed");
    const passedXml = readFileSync(junit, "utf8");
    expect(passedXml).toContain('tests="2" failures="0"');
    expect(passedXml).not.toContain("<failure");

    const json = await s.json<{ passed: boolean; outcomes: { function: string; result: number }[] }>([
      "tests",
      "run",
      "--model",
      modelId,
    ]);
    expect(json.passed).toBe(true);
    expect(json.outcomes.map((o) => o.function)).toEqual(["bbox_recall", "bbox_precision"]);
  });
});
