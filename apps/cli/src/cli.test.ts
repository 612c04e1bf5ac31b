/**
 * The real `nu` binary in a child process, against the real local server: every command, its
 * JSON output, exit codes, and the progress bar only on a terminal.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createServer } from "@nucleus/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { positionalLimit } from "./cli.js";
import { NU_BINARY, type NuSession, startNuSession } from "./test-support.js";

const exec = promisify(execFile);
const binary = NU_BINARY;
const fixtures = fileURLToPath(new URL("../../../fixtures/coco-eval/", import.meta.url));
let session: NuSession;
let scratch: string;
let env: Record<string, string>;
const nu = (args: string[], options: { env?: Record<string, string> } = {}) => session.nu(args, options);
const json = <T>(args: string[]) => session.json<T>(args);

const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c6360000000020001e221bc330000000049454e44ae426082",
  "hex",
);

beforeAll(async () => {
  session = await startNuSession("cli-key");
  scratch = session.scratch;
  env = session.env;
});
afterAll(async () => {
  await session.stop();
});

describe("nu eval", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".json"));
  it.each(files)("%s prints pycocotools' stats", async (file) => {
    const fixture = JSON.parse(readFileSync(join(fixtures, file), "utf8"));
    const gt = join(scratch, `${file}.gt.json`);
    const dt = join(scratch, `${file}.dt.json`);
    writeFileSync(gt, JSON.stringify(fixture.gt));
    writeFileSync(dt, JSON.stringify(fixture.dt));
    for (const iouType of fixture.iou_types as string[]) {
      const expected = fixture.expected[iouType].stats as number[];
      const text = await nu(["eval", "--gt", gt, "--dt", dt, "--iou-type", iouType]);
      expect(text.code).toBe(0);
      const printed = text.stdout
        .trim()
        .split("\n")
        .map((line) => Number(line.split(" = ").at(-1)));
      expect(printed).toEqual(expected.map((v) => Number(v.toFixed(3))));
      expect(text.stdout.split("\n")[0]).toBe(
        ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = ${expected[0]?.toFixed(3)}`,
      );
      const { stats } = await json<{ stats: number[] }>([
        "eval",
        "--gt",
        gt,
        "--dt",
        dt,
        "--iou-type",
        iouType,
      ]);
      for (const [i, v] of stats.entries())
        expect(Math.abs(v - (expected[i] as number))).toBeLessThanOrEqual(1e-12);
    }
  });
});

describe("nu against a server", () => {
  it("creates, lists, inspects and deletes datasets, asking before deleting", async () => {
    const created = await json<{ id: string; name: string }>(["datasets", "create", "cli-set"]);
    expect(created.id).toMatch(/^ds_/);
    expect((await json<{ id: string }[]>(["datasets", "list"])).map((d) => d.id)).toContain(created.id);
    expect(await json(["datasets", "info", created.id])).toMatchObject({
      datasetId: created.id,
      name: "cli-set",
      length: 0,
    });
    const table = await nu(["datasets", "list"]);
    expect(table.stdout).toMatch(/^ID\s+NAME/);
    const refused = await nu(["datasets", "delete", created.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Hint: Run again with --yes");
    expect((await nu(["datasets", "delete", created.id, "--yes"])).code).toBe(0);
  });

  it("uploads a folder of images and NDJSON annotations, without a progress bar off a terminal", async () => {
    const dataset = await json<{ id: string }>(["datasets", "create", "uploads"]);
    const images = join(scratch, "images");
    mkdirSync(join(images, "sub"), { recursive: true });
    for (const name of ["a.png", "b.png", "sub/c.png"]) writeFileSync(join(images, name), PNG);
    const items = await nu(["upload", "items", images, "--dataset", dataset.id]);
    expect(items.code).toBe(0);
    expect(items.stdout).toContain("append: 3 read, 3 written, 0 ignored, 0 failed");
    expect(items.stderr).not.toContain("\r");
    expect(
      (await json<{ referenceId: string }[]>(["items", "list", dataset.id])).map((i) => i.referenceId),
    ).toEqual(["a.png", "b.png", "sub/c.png"]);

    const ndjson = join(scratch, "boxes.ndjson");
    writeFileSync(
      ndjson,
      ["a.png", "b.png", "missing.png"]
        .map((ref, i) =>
          JSON.stringify({
            type: "box",
            label: "thing",
            reference_id: ref,
            annotation_id: `x${i}`,
            geometry: { x: 0, y: 0, width: 1, height: 1 },
          }),
        )
        .join("\n"),
    );
    const report = await json<{ processed: number; failed: number; failures: { referenceId: string }[] }>([
      "upload",
      "annotations",
      ndjson,
      "--dataset",
      dataset.id,
    ]).catch(() => undefined);
    expect(report).toBeUndefined(); // a failed entry makes the exit code 1
    const partial = await nu(["upload", "annotations", ndjson, "--dataset", dataset.id, "--json"]);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({
      processed: 0,
      ignored: 2,
      failed: 1,
      failures: [{ index: 2, referenceId: "missing.png" }],
    });
    const item = await json<{ annotations: { box: unknown[] } }>(["items", "get", dataset.id, "a.png"]);
    expect(item.annotations.box).toHaveLength(1);
  });

  it("draws a progress bar on a terminal", async () => {
    const dataset = await json<{ id: string }>(["datasets", "create", "tty"]);
    const csv = join(scratch, "items.csv");
    writeFileSync(
      csv,
      `image_url,reference_id,camera\n${Array.from({ length: 50 }, (_, i) => `s3://b/${i}.jpg,r${i},front`).join("\n")}\n`,
    );
    const command = `${process.execPath} ${binary} upload items ${csv} --dataset ${dataset.id}`;
    const { stdout } = await exec("script", ["-qec", command, "/dev/null"], { env });
    expect(stdout).toMatch(/\[#+\.*\] \d+\/50/);
    expect(stdout).toContain("append: 50 read, 50 written");
  });

  it("runs models, runs, slices and jobs", { timeout: 90_000 }, async () => {
    const dataset = await json<{ id: string }>(["datasets", "create", "models"]);
    const images = join(scratch, "m");
    mkdirSync(images, { recursive: true });
    writeFileSync(join(images, "one.png"), PNG);
    await nu(["upload", "items", images, "--dataset", dataset.id]);
    const model = await json<{ id: string }>(["models", "create", "Detector", "det-ref"]);
    expect((await json<{ id: string }[]>(["models", "list"])).map((m) => m.id)).toContain(model.id);
    const preds = join(scratch, "preds.ndjson");
    writeFileSync(
      preds,
      JSON.stringify({
        type: "box",
        label: "thing",
        reference_id: "one.png",
        geometry: { x: 0, y: 0, width: 1, height: 1 },
        confidence: 0.5,
      }),
    );
    expect(
      await json(["upload", "predictions", preds, "--dataset", dataset.id, "--model", model.id]),
    ).toMatchObject({ processed: 1, failed: 0 });
    const runs = await json<{ id: string; status: string }[]>(["runs", "list", dataset.id]);
    expect(runs).toHaveLength(1);
    const runId = runs[0]?.id as string;
    expect((await nu(["runs", "commit", runId])).code).toBe(0);
    expect(await json(["runs", "info", runId])).toMatchObject({ status: "Committed" });

    const slice = await json<{ id: string }>(["slices", "create", dataset.id, "s1", "one.png"]);
    expect((await json<{ id: string }[]>(["slices", "list"])).map((s) => s.id)).toContain(slice.id);
    // Of one dataset, by id or name: another dataset's slice is not listed.
    const otherName = `other-${Date.now()}`;
    const other = await json<{ id: string }>(["datasets", "create", otherName]);
    await nu(["upload", "items", images, "--dataset", other.id]);
    const elsewhere = await json<{ id: string }>(["slices", "create", other.id, "s2", "one.png"]);
    const ofDataset = (await json<{ id: string }[]>(["slices", "list", dataset.id])).map((s) => s.id);
    expect(ofDataset).toContain(slice.id);
    expect(ofDataset).not.toContain(elsewhere.id);
    expect((await json<{ id: string }[]>(["slices", "list", otherName])).map((s) => s.id)).toEqual([
      elsewhere.id,
    ]);
    expect(await json(["slices", "append", slice.id, "one.png"])).toMatchObject({ added: 0 });
    expect((await nu(["slices", "delete", slice.id])).code).toBe(0);

    const jobs = await json<{ id: string; type: string }[]>(["jobs", "list", "--dataset", dataset.id]);
    const commitJob = jobs.find((j) => j.type === "modelRunCommit");
    expect(commitJob).toBeDefined();
    expect(await json(["jobs", "wait", commitJob?.id as string])).toMatchObject({ status: "Completed" });
    expect(await json(["jobs", "get", commitJob?.id as string])).toMatchObject({
      status: "Completed",
      jobProgress: "1.00",
    });

    expect((await nu(["runs", "delete", runId, "--yes"])).code).toBe(0);
    expect((await nu(["models", "delete", model.id, "--yes"])).code).toBe(0);
  });

  it("imports COCO and exports it back unchanged", async () => {
    const fixture = JSON.parse(readFileSync(join(fixtures, "p06_area_ranges.json"), "utf8"));
    const images = join(scratch, "coco");
    mkdirSync(images, { recursive: true });
    for (const image of fixture.gt.images) writeFileSync(join(images, image.file_name), PNG);
    const gt = join(scratch, "coco-gt.json");
    const dt = join(scratch, "coco-dt.json");
    writeFileSync(gt, JSON.stringify(fixture.gt));
    writeFileSync(dt, JSON.stringify(fixture.dt));
    const imported = await json<{
      datasetId: string;
      items: number;
      annotations: number;
      predictions: number;
      failed: number;
    }>([
      "import",
      "coco",
      "--dataset",
      "coco",
      "--images",
      images,
      "--annotations",
      gt,
      "--predictions",
      dt,
      "--model",
      "coco-model",
    ]);
    expect(imported).toMatchObject({
      items: fixture.gt.images.length,
      annotations: fixture.gt.annotations.length,
      predictions: fixture.dt.length,
      failed: 0,
    });

    const exported = await json<{
      images: { id: number; file_name: string; width: number; height: number }[];
      categories: { id: number; name: string }[];
      annotations: Record<string, unknown>[];
    }>(["export", "coco", "--dataset", imported.datasetId]);
    const pick = (image: Record<string, unknown>) => ({
      id: image.id,
      file_name: image.file_name,
      width: image.width,
      height: image.height,
    });
    expect(exported.images.map(pick)).toEqual(fixture.gt.images.map(pick));
    const usedCategories = new Set(fixture.gt.annotations.map((a: { category_id: number }) => a.category_id));
    expect(exported.categories).toEqual(
      fixture.gt.categories
        .filter((c: { id: number }) => usedCategories.has(c.id))
        .map((c: { id: number; name: string }) => ({ id: c.id, name: c.name })),
    );
    const strip = (a: Record<string, unknown>) => ({
      id: a.id,
      image_id: a.image_id,
      category_id: a.category_id,
      bbox: a.bbox,
      area: a.area,
      iscrowd: a.iscrowd,
    });
    expect(exported.annotations.map(strip)).toEqual(fixture.gt.annotations.map(strip));

    const models = await json<{ id: string; name: string }[]>(["models", "list"]);
    const model = models.find((m) => m.name === "coco-model");
    const results = await json<{ image_id: number; category_id: number; bbox: number[]; score: number }[]>([
      "export",
      "coco",
      "--dataset",
      imported.datasetId,
      "--model",
      model?.id as string,
    ]);
    expect(results.length).toBe(fixture.dt.length);
    const key = (d: { image_id: number; category_id: number; bbox: number[]; score: number }) =>
      JSON.stringify([d.image_id, d.category_id, d.bbox, d.score]);
    expect(results.map(key).sort()).toEqual(fixture.dt.map(key).sort());
  });

  it("validates NDJSON and prints completion scripts", async () => {
    const file = join(scratch, "bad.ndjson");
    writeFileSync(
      file,
      `${JSON.stringify({ type: "box", label: "a", reference_id: "r", geometry: { x: 0, y: 0, width: -1, height: 1 } })}\n`,
    );
    const result = await nu(["validate", "annotations", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('annotations[0] (reference_id "r"): geometry.width must be >= 0, got -1');
    for (const shell of ["bash", "zsh", "fish"]) {
      const script = await nu(["completion", shell]);
      expect(script.code).toBe(0);
      expect(script.stdout).toContain("datasets");
    }
  });
});

describe("nu serve", () => {
  it("starts a server that keeps its key in the data folder, which the other commands find", async () => {
    const dataDir = join(scratch, "served");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [binary, "serve", "--port", "0", "--data", dataDir, "--json"], {
      env: { PATH: env.PATH as string, HOME: scratch },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const ready = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
      let text = "";
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        try {
          resolve(JSON.parse(text));
        } catch {
          // not all of it yet
        }
      });
      child.once("exit", (code) => reject(new Error(`nu serve exited ${code}`)));
    });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus$/);
    expect(readFileSync(join(dataDir, "api-key"), "utf8").trim()).toBe(ready.apiKey);
    const listed = await nu(
      ["datasets", "create", "served", "--json", "--endpoint", ready.url, "--data", dataDir],
      {
        env: { PATH: env.PATH as string, HOME: scratch },
      },
    );
    expect(listed.code).toBe(0);
    const exitCode = await new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
    expect(exitCode).toBe(0);
  });
});

describe("the arguments a command takes", () => {
  it("are one per word of its usage, any number when one repeats, none without a usage", () => {
    expect(positionalLimit({ usage: "<dataset> <reference-id>" })).toBe(2);
    expect(positionalLimit({ usage: "items|annotations|predictions <file>" })).toBe(2);
    expect(positionalLimit({ usage: "[<object-id>]" })).toBe(1);
    expect(positionalLimit({ usage: "<slice-id> <reference-id...>" })).toBe(Number.POSITIVE_INFINITY);
    expect(positionalLimit({ usage: "<dataset> <track-reference-id>..." })).toBe(Number.POSITIVE_INFINITY);
    expect(positionalLimit({})).toBe(0);
  });
});

describe("errors and exit codes", () => {
  it("usage errors exit 2", async () => {
    expect((await nu(["nonsense"])).code).toBe(2);
    expect((await nu([])).code).toBe(2);
    const missing = await nu(["datasets", "info"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing <dataset>");
    expect((await nu(["datasets", "list", "--nope"])).stderr).toContain("Unknown option --nope");
    // An option written with one dash is refused, not taken as a word; a negative number is a word.
    const short = await nu(["items", "similar", "r5", "--dataset", "ds_x", "-k", "5"]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("Unknown option -k: options take two dashes (--k)");
    expect((await nu(["datasets", "list", "-x"])).stderr).toContain("Unknown option -x");
    // A word past a command's arguments is refused, not ignored.
    const extra = await nu(["items", "similar", "r5", "6", "--dataset", "ds_x"]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "6": nu items similar takes <reference-id>');
    const none = await nu(["datasets", "list", "all"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('unexpected argument "all": nu datasets list takes no arguments');
    expect((await nu(["--help"])).code).toBe(0);
  });

  it("failures exit 1 with a title, message and hint, and a stack trace only with --debug", async () => {
    const unknown = await nu(["datasets", "info", "ds_00000000000000000000"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: The server answered 404\n/);
    expect(unknown.stderr).toContain("Hint:");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const badKey = await nu(["datasets", "list"], { env: { ...env, NUCLEUS_API_KEY: "wrong" } });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain("Hint: Check --api-key or NUCLEUS_API_KEY");
    const debug = await nu(["datasets", "info", "ds_00000000000000000000", "--debug"]);
    expect(debug.stderr).toMatch(/\n\s+at /);
    const noKey = await nu(["datasets", "list"], {
      env: { PATH: env.PATH as string, HOME: scratch, NUCLEUS_ENDPOINT: "http://example.invalid/v1/nucleus" },
    });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain("Error: No API key");
  });

  it("finds the local server's key in its data folder", async () => {
    const dataDir = join(scratch, "keyed");
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const local = await createServer({ dataDir, apiKeys: ["from-file"], port: 0 });
    writeFileSync(join(dataDir, "api-key"), "from-file\n", { mode: 0o600 });
    try {
      const result = await nu(["datasets", "list", "--json", "--endpoint", local.url, "--data", dataDir], {
        env: { PATH: env.PATH as string, HOME: scratch },
      });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
