/**
 * The main job: a local Nucleus server over a data folder, a dataset of images generated on the
 * spot with ground truth, two models' predictions, committed runs, their evaluation, and the
 * worst slice. Ends by itself; the data folder stays so the server can open it again.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Annotation,
  type Dataset,
  NucleusClient,
  type Prediction,
  type PredictionGroups,
} from "@nucleus/core";
import { type CocoAnnotation, type CocoDetection, evaluateCoco } from "@nucleus/metrics";
import { createServer } from "@nucleus/server";
import { encodePng } from "./images.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DATA = process.env.NUCLEUS_DEMO_DATA ?? join(ROOT, ".nucleus", "demo");
const KEY = "demo-key";
const LABELS = ["car", "person", "sign"] as const;
const WEATHER = ["sunny", "rainy", "foggy"] as const;
const IMAGES = 48;
const WIDTH = 160;
const HEIGHT = 120;

function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scene {
  referenceId: string;
  file: string;
  weather: (typeof WEATHER)[number];
  objects: { label: (typeof LABELS)[number]; x: number; y: number; width: number; height: number }[];
}

/** Draws street-like scenes: boxes of three classes on a background, fog lowering the contrast. */
function makeScenes(folder: string): Scene[] {
  const rnd = seeded(7);
  mkdirSync(folder, { recursive: true });
  return Array.from({ length: IMAGES }, (_, i) => {
    const weather = WEATHER[i % WEATHER.length] as (typeof WEATHER)[number];
    const objects = Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => {
      const label = LABELS[Math.floor(rnd() * LABELS.length)] as (typeof LABELS)[number];
      const width = Math.round(12 + rnd() * 40);
      const height = Math.round(label === "person" ? width * 1.8 : width * 0.7);
      return {
        label,
        x: Math.round(rnd() * (WIDTH - width)),
        y: Math.round(rnd() * (HEIGHT - Math.min(height, HEIGHT - 1))),
        width,
        height: Math.min(height, HEIGHT - 1),
      };
    });
    const shade = { car: 200, person: 60, sign: 250 };
    const fog = weather === "foggy" ? 0.35 : weather === "rainy" ? 0.75 : 1;
    const png = encodePng(WIDTH, HEIGHT, (x, y) => {
      const hit = objects.find((o) => x >= o.x && x < o.x + o.width && y >= o.y && y < o.y + o.height);
      const value = hit ? shade[hit.label] : 120 + ((x * 3 + y) % 16);
      return Math.round(128 + (value - 128) * fog);
    });
    const file = join(folder, `street_${String(i).padStart(3, "0")}.png`);
    writeFileSync(file, png);
    return { referenceId: `street_${String(i).padStart(3, "0")}`, file, weather, objects };
  });
}

/** A model's predictions: ground truth moved by noise, some missed, some invented; fog hurts the small one. */
function predictions(
  scenes: Scene[],
  seed: number,
  quality: { jitter: number; miss: number; fogMiss: number; extra: number },
): Prediction[] {
  const rnd = seeded(seed);
  const out: Prediction[] = [];
  for (const scene of scenes) {
    for (const o of scene.objects) {
      const miss = scene.weather === "foggy" ? quality.fogMiss : quality.miss;
      if (rnd() < miss) continue;
      const j = () => (rnd() - 0.5) * 2 * quality.jitter * Math.max(o.width, o.height);
      const label = rnd() < 0.05 ? (LABELS[Math.floor(rnd() * 3)] as string) : o.label;
      out.push({
        type: "box",
        label,
        referenceId: scene.referenceId,
        geometry: {
          x: o.x + j(),
          y: o.y + j(),
          width: Math.max(1, o.width + j()),
          height: Math.max(1, o.height + j()),
        },
        confidence: Math.round((0.55 + rnd() * 0.45) * 1000) / 1000,
      });
    }
    while (rnd() < quality.extra) {
      out.push({
        type: "box",
        label: LABELS[Math.floor(rnd() * 3)] as string,
        referenceId: scene.referenceId,
        geometry: { x: rnd() * 120, y: rnd() * 90, width: 10 + rnd() * 30, height: 10 + rnd() * 30 },
        confidence: Math.round(rnd() * 600) / 1000,
      });
    }
  }
  return out;
}

const pct = (value: number) => (value < 0 ? "  n/a" : `${(value * 100).toFixed(1).padStart(5)}`);

/** AP@.50 of the run's predictions on a subset of items, computed here from what the server returns. */
/** Reads one item's predictions of a run. */
type PredictionsOf = (referenceId: string) => Promise<PredictionGroups>;

async function ap50On(dataset: Dataset, runRefloc: PredictionsOf, refs: string[]): Promise<number> {
  const images = refs.map((_, i) => ({ id: i + 1 }));
  const categories = LABELS.map((name, i) => ({ id: i + 1, name }));
  const annotations: CocoAnnotation[] = [];
  const detections: CocoDetection[] = [];
  for (const [i, ref] of refs.entries()) {
    const { annotations: groups } = await dataset.refloc(ref);
    for (const b of groups.box ?? []) {
      const g = b.geometry;
      annotations.push({
        id: annotations.length + 1,
        image_id: i + 1,
        category_id: LABELS.indexOf(b.label as never) + 1,
        bbox: [g.x, g.y, g.width, g.height],
        area: g.width * g.height,
        iscrowd: 0,
      });
    }
    for (const p of (await runRefloc(ref)).box ?? []) {
      const g = p.geometry;
      detections.push({
        image_id: i + 1,
        category_id: LABELS.indexOf(p.label as never) + 1,
        bbox: [g.x, g.y, g.width, g.height],
        score: p.confidence ?? 1,
      });
    }
  }
  return evaluateCoco({ images, categories, annotations }, detections).stats[1] as number;
}

async function main(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const server = await createServer({ dataDir: join(DATA, "server"), apiKeys: [KEY], port: 0 });
  console.log(`Nucleus server running at ${server.url} (data in ${DATA})`);
  const client = new NucleusClient({ apiKey: KEY, endpoint: server.url });

  for (const old of await client.listDatasets())
    if (old.name === "demo: street scenes") await client.deleteDataset(old.id);
  for (const old of await client.listModels())
    if (old.referenceId.startsWith("demo-")) await client.deleteModel(old.id);

  const imageFolder = join(DATA, "images");
  rmSync(imageFolder, { recursive: true, force: true });
  const scenes = makeScenes(imageFolder);
  const dataset = await client.createDataset("demo: street scenes");
  const appended = await dataset.append(
    scenes.map((s) => ({
      imageUrl: s.file,
      referenceId: s.referenceId,
      metadata: { weather: s.weather },
      width: WIDTH,
      height: HEIGHT,
    })),
  );
  console.log(`Uploaded ${appended.newItems} generated images to dataset ${dataset.id}`);

  const groundTruth: Annotation[] = scenes.flatMap((s) =>
    s.objects.map((o) => ({
      type: "box" as const,
      label: o.label,
      referenceId: s.referenceId,
      geometry: { x: o.x, y: o.y, width: o.width, height: o.height },
    })),
  );
  const annotated = await dataset.annotate(groundTruth);
  console.log(`Annotated ${annotated.processed} boxes (${LABELS.join(", ")})`);

  const models = [
    { name: "detector-large", quality: { jitter: 0.04, miss: 0.03, fogMiss: 0.08, extra: 0.3 }, seed: 11 },
    { name: "detector-small", quality: { jitter: 0.12, miss: 0.1, fogMiss: 0.45, extra: 0.6 }, seed: 12 },
  ];
  const runs = [];
  for (const spec of models) {
    const model = await client.addModel({ name: spec.name, referenceId: `demo-${spec.name}` });
    const run = await model.createRun({
      name: `${spec.name} on street scenes`,
      dataset,
      predictions: predictions(scenes, spec.seed, spec.quality),
    });
    await run.commit();
    runs.push({ spec, run });
  }

  console.log(
    "\nEvaluation (COCO, boxes)          mAP   AP50   AP75   " +
      LABELS.map((l) => `AP ${l}`.padStart(11)).join(""),
  );
  for (const { spec, run } of runs) {
    let info = await run.info();
    for (
      let tries = 0;
      (info.evaluation as { status?: string } | null)?.status !== "succeeded" && tries < 200;
      tries += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      info = await run.info();
    }
    const metrics = (
      info.evaluation as {
        metrics: { map: number; map50: number; map75: number; per_class: { label: string; ap: number }[] };
      }
    ).metrics;
    const perClass = LABELS.map((label) =>
      pct(metrics.per_class.find((k) => k.label === label)?.ap ?? -1).padStart(11),
    ).join("");
    console.log(
      `  ${spec.name.padEnd(30)} ${pct(metrics.map)}  ${pct(metrics.map50)}  ${pct(metrics.map75)}  ${perClass}`,
    );
  }

  const small = runs[1]?.run;
  let worstSlice = "SLICE_ID";
  if (small) {
    console.log("\ndetector-small by weather (AP50):");
    let worst = { weather: "", ap: 2, refs: [] as string[] };
    for (const weather of WEATHER) {
      const refs = scenes.filter((s) => s.weather === weather).map((s) => s.referenceId);
      const ap = await ap50On(dataset, (ref) => small.refloc(ref), refs);
      console.log(`  ${weather.padEnd(8)} ${pct(ap)}  (${refs.length} images)`);
      if (ap < worst.ap) worst = { weather, ap, refs };
    }
    const slice = await dataset.createSlice(`worst for detector-small: ${worst.weather}`, worst.refs);
    worstSlice = slice.id;
    console.log(`Worst slice: ${worst.weather} (AP50 ${pct(worst.ap).trim()}) saved as slice ${slice.id}`);
  }
  await server.close();

  const pointed = pointNuAtDemo();
  const [large, smallRun] = runs.map((r) => r.run.id);
  console.log(`
Explore it with nu${pointed ? " (.nucleus/config.json points it at the demo's data; no server needed)" : ` (add --data ${join(DATA, "server")})`}:
  pnpm exec nu datasets list
  pnpm exec nu runs list "demo: street scenes"
  pnpm exec nu runs compare ${large} ${smallRun}
  pnpm exec nu slices info ${worstSlice}
  pnpm exec nu export coco --dataset "demo: street scenes" --output demo-coco.json
  pnpm exec nu --help

See it in a browser: the grid of images with their boxes, each item, and each run's metrics:
  pnpm exec nu serve --data ${join(DATA, "server")} --port 8080
  then open the "Web app: open http://127.0.0.1:8080/login?token=..." link it prints
  (the link works once; after that, sign in with the key ${KEY})

The same server speaks HTTP to curl, the SDK or the official Python client:
  curl -u ${KEY}: http://127.0.0.1:8080/v1/nucleus/dataset/details

  # Python, with scale-nucleus installed:
  import nucleus
  client = nucleus.NucleusClient("${KEY}", endpoint="http://127.0.0.1:8080/v1/nucleus")
  print(client.datasets)`);
}

/**
 * Points \`nu\` run in this checkout at the demo's data folder, through the project config file
 * \`.nucleus/config.json\`; a config someone else wrote is left alone. The demo's key goes in the
 * data folder, where \`nu\` and \`nu serve\` look for it. True when \`nu\` now finds the demo.
 */
function pointNuAtDemo(): boolean {
  const serverData = join(DATA, "server");
  writeFileSync(join(serverData, "api-key"), `${KEY}\n`, { mode: 0o600 });
  const configDir = join(ROOT, ".nucleus");
  const configFile = join(configDir, "config.json");
  const data = relative(configDir, serverData);
  if (existsSync(configFile)) {
    try {
      return (JSON.parse(readFileSync(configFile, "utf8")) as { data?: string }).data === data;
    } catch {
      return false;
    }
  }
  mkdirSync(configDir, { recursive: true });
  writeFileSync(configFile, `${JSON.stringify({ data }, null, 2)}\n`);
  return true;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
