/**
 * What a new user does in the first hour, through the real `nu` against a real server: upload
 * (CSV metadata typed, JSON printed by `nu` uploaded again, datasets by name, an unknown dataset
 * refused once, Ctrl-C and resume), then read runs and slices with AP as percentages.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCoco } from "@nucleus/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NU_BINARY, type NuSession, startNuSession } from "./test-support.js";

let s: NuSession;
beforeAll(async () => {
  s = await startNuSession();
});
afterAll(async () => {
  await s.stop();
});

const ndjson = (rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;

describe("uploads", () => {
  it("CSV metadata: numbers and booleans typed, --string-columns kept as text, quoted commas", async () => {
    await s.json(["datasets", "create", "csv-typed"]);
    const csv = join(s.scratch, "typed.csv");
    writeFileSync(
      csv,
      'image_url,reference_id,count,score,night,zip,note\ns3://b/1.jpg,one,3,0.25,TRUE,02139,"rain, then fog"\ns3://b/2.jpg,two,-4,1e3,false,10001,plain\n',
    );
    const upload = await s.nu(["upload", "items", csv, "--dataset", "csv-typed", "--string-columns", "zip"]);
    expect(upload.code, upload.stderr).toBe(0);
    const one = await s.json<{ item: { metadata: unknown } }>(["items", "get", "csv-typed", "one"]);
    expect(one.item.metadata).toEqual({
      count: 3,
      score: 0.25,
      night: true,
      zip: "02139",
      note: "rain, then fog",
    });
    const two = await s.json<{ item: { metadata: unknown } }>(["items", "get", "csv-typed", "two"]);
    expect(two.item.metadata).toEqual({ count: -4, score: 1000, night: false, zip: "10001", note: "plain" });
    const unknown = await s.nu([
      "upload",
      "items",
      csv,
      "--dataset",
      "csv-typed",
      "--string-columns",
      "zipcode",
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--string-columns names zipcode");
  });

  it("what `nu items get --json` prints uploads again as items and annotations (camelCase accepted)", async () => {
    const source = await s.json<{ id: string }>(["datasets", "create", "round-trip-source"]);
    writeFileSync(
      join(s.scratch, "rt-items.ndjson"),
      ndjson([
        {
          image_url: "s3://b/rt.jpg",
          reference_id: "rt",
          metadata: { weather: "fog" },
          width: 64,
          height: 48,
        },
      ]),
    );
    writeFileSync(
      join(s.scratch, "rt-labels.ndjson"),
      ndjson([
        {
          type: "box",
          reference_id: "rt",
          label: "car",
          annotation_id: "c1",
          geometry: { x: 1, y: 2, width: 3, height: 4 },
        },
        {
          type: "polygon",
          reference_id: "rt",
          label: "road",
          annotation_id: "p1",
          geometry: {
            vertices: [
              { x: 0, y: 0 },
              { x: 5, y: 0 },
              { x: 5, y: 5 },
            ],
          },
        },
      ]),
    );
    expect(
      (await s.nu(["upload", "items", join(s.scratch, "rt-items.ndjson"), "--dataset", source.id])).code,
    ).toBe(0);
    expect(
      (await s.nu(["upload", "annotations", join(s.scratch, "rt-labels.ndjson"), "--dataset", source.id]))
        .code,
    ).toBe(0);

    const printed = await s.nu(["items", "get", source.id, "rt", "--json"]);
    const file = join(s.scratch, "printed.json");
    writeFileSync(file, printed.stdout);
    await s.json(["datasets", "create", "round-trip-copy"]);
    const items = await s.json<{ new: number; failed: number }>([
      "upload",
      "items",
      file,
      "--dataset",
      "round-trip-copy",
    ]);
    expect(items).toMatchObject({ new: 1, failed: 0 });
    const labels = await s.json<{ processed: number; failed: number }>([
      "upload",
      "annotations",
      file,
      "--dataset",
      "round-trip-copy",
    ]);
    expect(labels).toMatchObject({ processed: 2, failed: 0 });

    type Printed = {
      item: Record<string, unknown>;
      annotations: Record<string, { label: string; annotationId: string; geometry: unknown }[]>;
    };
    const original = JSON.parse(printed.stdout) as Printed;
    const copy = await s.json<Printed>(["items", "get", "round-trip-copy", "rt"]);
    const { id: _a, ...originalItem } = original.item;
    const { id: _b, ...copyItem } = copy.item;
    expect(copyItem).toEqual(originalItem);
    const shape = (p: Printed) =>
      Object.entries(p.annotations).flatMap(([type, list]) =>
        list.map((a) => ({ type, label: a.label, annotationId: a.annotationId, geometry: a.geometry })),
      );
    expect(shape(copy)).toEqual(shape(original));
    expect(shape(copy)).toHaveLength(2);
  });

  it("--dataset takes a name; a name shared by several datasets is an error listing them", async () => {
    const a = await s.json<{ id: string }>(["datasets", "create", "twin"]);
    const b = await s.json<{ id: string }>(["datasets", "create", "twin"]);
    const file = join(s.scratch, "twin.ndjson");
    writeFileSync(file, ndjson([{ image_url: "s3://b/t.jpg", reference_id: "t" }]));
    const result = await s.nu(["upload", "items", file, "--dataset", "twin"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Error: Ambiguous dataset name\n2 datasets are named "twin": ${a.id}, ${b.id}`,
    );
    expect((await s.json<{ length: number }>(["datasets", "info", a.id])).length).toBe(0);
    await s.nu(["datasets", "delete", b.id, "--yes"]);
    expect(await s.json(["upload", "items", file, "--dataset", "twin"])).toMatchObject({ new: 1 });
    expect((await s.json<{ length: number }>(["datasets", "info", "twin"])).length).toBe(1);
  });

  it("an unknown dataset fails once, before anything is sent, with one message", async () => {
    const file = join(s.scratch, "many.ndjson");
    writeFileSync(
      file,
      ndjson(
        Array.from({ length: 30 }, (_, i) => ({
          type: "box",
          reference_id: `r${i}`,
          label: "car",
          geometry: { x: 0, y: 0, width: 1, height: 1 },
        })),
      ),
    );
    const result = await s.nu(["upload", "annotations", file, "--dataset", "ds_00000000000000000000"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Error: No such dataset\nDataset ds_00000000000000000000 does not exist, so nothing was uploaded\nHint: List datasets with `nu datasets list`, or create one with `nu datasets create NAME`\n",
    );
    const byName = await s.nu(["upload", "annotations", file, "--dataset", "no such name"]);
    expect(byName.code).toBe(1);
    expect(byName.stderr).toContain('No dataset has the id or name "no such name"');
  });

  it("Ctrl-C prints where the journal is and how to resume; the resumed report counts what it skipped", {
    timeout: 90_000,
  }, async () => {
    const dataset = await s.json<{ id: string }>(["datasets", "create", "interrupted"]);
    const csv = join(s.scratch, "big.csv");
    const total = 4_000;
    writeFileSync(
      csv,
      `image_url,reference_id\n${Array.from({ length: total }, (_, i) => `s3://b/${i}.jpg,big-${i}`).join("\n")}\n`,
    );
    const cache = join(s.scratch, "cache");
    const env = { ...s.env, XDG_CACHE_HOME: cache };
    const args = ["upload", "items", csv, "--dataset", dataset.id, "--batch-size", "5", "--concurrency", "1"];
    const child = spawn(process.execPath, [NU_BINARY, ...args], { env, cwd: s.scratch });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const journals = join(cache, "nucleus", "uploads");
    // Interrupt once a few chunks are acknowledged.
    for (let tries = 0; tries < 500; tries += 1) {
      const [name] = existsSync(journals) ? readdirSync(journals) : [];
      if (name && readFileSync(join(journals, name), "utf8").split("\n").length > 5) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (exitCode) => resolve(exitCode));
      child.kill("SIGINT");
    });
    expect(code).toBe(130);
    const journal = /Journal: (.+)\n/.exec(stderr)?.[1] as string;
    expect(journal.startsWith(journals)).toBe(true);
    const resume = /Resume with: (.+)\n/.exec(stderr)?.[1] as string;
    expect(resume).toBe(`nu ${args.join(" ")} --resume ${journal}`);
    const sent = readFileSync(journal, "utf8").trim().split("\n").length - 1;
    expect(sent).toBeGreaterThan(0);

    const resumed = await s.nu([...resume.split(" ").slice(1)]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(
      new RegExp(
        `^append: ${total} read, ${total} written, 0 ignored, 0 failed \\((\\d+) skipped: already acknowledged per the journal\\)`,
      ),
    );
    const skipped = Number(/\((\d+) skipped/.exec(resumed.stdout)?.[1]);
    expect(skipped).toBeGreaterThanOrEqual(sent * 5);
    expect(skipped).toBeLessThan(total);
    expect((await s.json<{ length: number }>(["datasets", "info", dataset.id])).length).toBe(total);
    // A journal the user named is theirs to keep.
    expect(existsSync(journal)).toBe(true);
  });

  it("a finished upload removes the journal it made", async () => {
    await s.json(["datasets", "create", "tidy"]);
    const file = join(s.scratch, "tidy.ndjson");
    writeFileSync(file, ndjson([{ image_url: "s3://b/x.jpg", reference_id: "x" }]));
    const cache = join(s.scratch, "tidy-cache");
    const result = await s.nu(["upload", "items", file, "--dataset", "tidy"], {
      env: { ...s.env, XDG_CACHE_HOME: cache },
    });
    expect(result.code).toBe(0);
    expect(readdirSync(join(cache, "nucleus", "uploads"))).toEqual([]);
  });
});

describe("runs and slices", () => {
  const LABELS = ["car", "person"];
  /** Ground truth: two boxes an item; model A finds both, model B misses every person and shifts cars. */
  const groundTruth = Array.from({ length: 6 }, (_, i) =>
    LABELS.map((label, k) => ({
      type: "box",
      reference_id: `img-${i}`,
      label,
      annotation_id: `${label}-${i}`,
      geometry: { x: 10 + k * 40, y: 10, width: 30, height: 30 },
    })),
  ).flat();
  const predictionsOf = (model: "a" | "b") =>
    groundTruth
      .filter((g) => model === "a" || g.label === "car")
      .map((g, i) => ({
        type: "box",
        reference_id: g.reference_id,
        label: g.label,
        confidence: 0.5 + (i % 5) / 10,
        geometry: { ...g.geometry, x: g.geometry.x + (model === "a" ? 1 : 6 + (i % 3) * 3) },
      }));
  let datasetId: string;
  const runs: Record<"a" | "b", string> = { a: "", b: "" };

  beforeAll(async () => {
    datasetId = (await s.json<{ id: string }>(["datasets", "create", "evaluated"])).id;
    const items = join(s.scratch, "eval-items.ndjson");
    writeFileSync(
      items,
      ndjson(
        Array.from({ length: 6 }, (_, i) => ({ image_url: `s3://b/e${i}.jpg`, reference_id: `img-${i}` })),
      ),
    );
    await s.json(["upload", "items", items, "--dataset", datasetId]);
    const gt = join(s.scratch, "eval-gt.ndjson");
    writeFileSync(gt, ndjson(groundTruth));
    await s.json(["upload", "annotations", gt, "--dataset", datasetId]);
    for (const model of ["a", "b"] as const) {
      const created = await s.json<{ id: string }>(["models", "create", `model ${model}`, `model-${model}`]);
      const file = join(s.scratch, `eval-${model}.ndjson`);
      writeFileSync(file, ndjson(predictionsOf(model)));
      await s.json(["upload", "predictions", file, "--dataset", datasetId, "--model", created.id]);
    }
    const listed = await s.json<{ id: string; modelId: string; name: string }[]>([
      "runs",
      "list",
      "evaluated",
    ]);
    for (const run of listed) {
      const model = run.name.startsWith("model a") ? "a" : "b";
      runs[model] = run.id;
      await s.json(["runs", "commit", run.id]);
    }
  }, 30_000);

  it("runs info shows mAP, AP50, AP75 as percentages and a table per class", async () => {
    const text = await s.nu(["runs", "info", runs.b, "--wait"]);
    expect(text.code, text.stderr).toBe(0);
    const info = await s.json<{
      evaluation: {
        metrics: {
          map: number;
          map50: number;
          map75: number;
          per_class: { label: string; ap: number; ap50: number }[];
        };
      };
    }>(["runs", "info", runs.b]);
    const m = info.evaluation.metrics;
    const pct = (v: number) => (v < 0 ? "n/a" : `${(v * 100).toFixed(1)}%`);
    expect(text.stdout).toContain(`mAP ${pct(m.map)}   AP50 ${pct(m.map50)}   AP75 ${pct(m.map75)}`);
    expect(text.stdout).toMatch(/^CLASS\s+AP\s+AP50\s+AP75$/m);
    for (const row of m.per_class)
      expect(text.stdout).toMatch(
        new RegExp(
          `^${row.label}\\s+${pct(row.ap).replace(".", "\\.")}\\s+${pct(row.ap50).replace(".", "\\.")}`,
          "m",
        ),
      );
    // Model B predicts no person: its person AP is 0, not missing.
    expect(m.per_class.find((c) => c.label === "person")?.ap).toBe(0);
  });

  it("runs compare puts two runs side by side per class with the difference in points", async () => {
    const result = await s.json<{
      runs: { id: string }[];
      overall: { metric: string; a: number; b: number }[];
      perClass: { label: string; a: number; b: number }[];
    }>(["runs", "compare", runs.a, runs.b, "--wait"]);
    expect(result.runs.map((r) => r.id)).toEqual([runs.a, runs.b]);
    const infoA = await s.json<{
      evaluation: { metrics: { map: number; per_class: { label: string; ap: number }[] } };
    }>(["runs", "info", runs.a]);
    expect(result.overall[0]).toMatchObject({ metric: "mAP", a: infoA.evaluation.metrics.map });
    expect(result.perClass.map((c) => c.label)).toEqual(LABELS);

    const text = await s.nu(["runs", "compare", runs.a, runs.b]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^METRIC\s+A: model a\s+B: model b\s+B - A \(points\)$/m);
    for (const row of result.perClass) {
      const points = (row.b - row.a) * 100;
      const difference = `${points >= 0 ? "+" : ""}${points.toFixed(1)}`;
      expect(text.stdout).toMatch(
        new RegExp(`^${row.label}\\s+\\S+\\s+\\S+\\s+${difference.replace(/[+.]/g, "\\$&")}$`, "m"),
      );
    }
  });

  it("runs compare of a run not committed says how to evaluate it", async () => {
    const model = await s.json<{ id: string }>(["models", "create", "uncommitted", "uncommitted-ref"]);
    const file = join(s.scratch, "eval-c.ndjson");
    writeFileSync(file, ndjson(predictionsOf("a").slice(0, 2)));
    await s.json(["upload", "predictions", file, "--dataset", datasetId, "--model", model.id]);
    const run = (await s.json<{ id: string; name: string }[]>(["runs", "list", datasetId])).find((r) =>
      r.name.startsWith("uncommitted"),
    );
    const result = await s.nu(["runs", "compare", runs.a, run?.id as string]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Hint: Commit it to evaluate it: nu runs commit ${run?.id}`);
  });

  it("slices info evaluates each run on the slice's items, the same way as on the whole dataset", async () => {
    const all = Array.from({ length: 6 }, (_, i) => `img-${i}`);
    const whole = await s.json<{ id: string }>(["slices", "create", "evaluated", "everything", ...all]);
    const info = await s.json<{
      items: number;
      evaluations: {
        run: { id: string };
        summary: { map: number; perClass: { label: string; ap: number }[] };
      }[];
    }>(["slices", "info", whole.id, "--run", runs.a, "--run", runs.b]);
    expect(info.items).toBe(6);
    for (const model of ["a", "b"] as const) {
      const server = await s.json<{
        evaluation: { metrics: { map: number; per_class: { label: string; ap: number }[] } };
      }>(["runs", "info", runs[model]]);
      const onSlice = info.evaluations.find((e) => e.run.id === runs[model])?.summary;
      expect(onSlice?.map).toBeCloseTo(server.evaluation.metrics.map, 12);
      expect(onSlice?.perClass.map((c) => c.ap)).toEqual(
        server.evaluation.metrics.per_class.map((c) => c.ap),
      );
    }

    // A subset: the numbers are pycocotools' on those items' boxes.
    const subset = ["img-1", "img-4"];
    const part = await s.json<{ id: string }>(["slices", "create", "evaluated", "two items", ...subset]);
    const partInfo = await s.json<{
      items: number;
      evaluations: { run: { id: string }; summary: { map50: number } }[];
    }>(["slices", "info", part.id, "--run", runs.b]);
    expect(partInfo.items).toBe(2);
    const image = (ref: string) => subset.indexOf(ref) + 1;
    const category = (label: string) => LABELS.indexOf(label) + 1;
    const gt = groundTruth.filter((g) => subset.includes(g.reference_id));
    const expected = evaluateCoco(
      {
        images: subset.map((_, i) => ({ id: i + 1 })),
        categories: LABELS.map((name, i) => ({ id: i + 1, name })),
        annotations: gt.map((g, i) => ({
          id: i + 1,
          image_id: image(g.reference_id),
          category_id: category(g.label),
          bbox: [g.geometry.x, g.geometry.y, g.geometry.width, g.geometry.height],
          area: g.geometry.width * g.geometry.height,
          iscrowd: 0,
        })),
      },
      predictionsOf("b")
        .filter((p) => subset.includes(p.reference_id))
        .map((p) => ({
          image_id: image(p.reference_id),
          category_id: category(p.label),
          bbox: [p.geometry.x, p.geometry.y, p.geometry.width, p.geometry.height],
          score: p.confidence,
        })),
    );
    expect(partInfo.evaluations[0]?.summary.map50).toBeCloseTo(expected.stats[1] as number, 12);

    const text = await s.nu(["slices", "info", part.id, "--run", runs.b]);
    expect(text.stdout).toContain(`Slice ${part.id}: two items`);
    expect(text.stdout).toContain(`Items: 2`);
    expect(text.stdout).toContain(`AP50 ${((expected.stats[1] as number) * 100).toFixed(1)}%`);
    expect(text.stdout).toMatch(/^CLASS\s+AP\s+AP50\s+AP75$/m);
  });
});
