// The reference COCO workload of docs/metrics (5,000 images, 80 categories, about 7 ground-truth
// objects and exactly 100 detections per image, fixed seed), written to a temp folder, read back
// and evaluated. Run with `pnpm bench` (builds first). BENCH_IMAGES / BENCH_SEGM_IMAGES shrink it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { evaluateCoco } from "../dist/index.js";

const IMAGES = Number(process.env.BENCH_IMAGES ?? 5_000);
const SEGM_IMAGES = Number(process.env.BENCH_SEGM_IMAGES ?? 500);
// pycocotools 2.0.11 on this workload and machine size (loadRes + evaluate + accumulate +
// summarize), as measured for the metrics design notes; pycocotools itself cannot be installed here.
const PYCOCOTOOLS_BBOX_SECONDS = 58;

function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COCO_IDS = Array.from({ length: 90 }, (_, i) => i + 1).filter(
  (id) => ![12, 26, 29, 30, 45, 66, 68, 69, 71, 83].includes(id),
);

function workload(images, seed, withPolygons) {
  const rnd = random(seed);
  const gt = { images: [], categories: COCO_IDS.map((id) => ({ id, name: `c${id}` })), annotations: [] };
  const dt = [];
  const polygon = ([x, y, w, h]) => [[x, y, x + w, y, x + w, y + h * 0.6, x + w * 0.5, y + h, x, y + h]];
  let annId = 1;
  for (let img = 1; img <= images; img += 1) {
    const width = 480 + Math.floor(rnd() * 160);
    const height = 360 + Math.floor(rnd() * 120);
    gt.images.push({ id: img, width, height });
    const objects = [];
    const n = 1 + Math.floor(rnd() * 13);
    for (let j = 0; j < n; j += 1) {
      const w = 8 + rnd() * 200;
      const h = 8 + rnd() * 200;
      const bbox = [rnd() * (width - w), rnd() * (height - h), w, h];
      const category = COCO_IDS[Math.floor(rnd() * COCO_IDS.length)];
      const ann = {
        id: annId++,
        image_id: img,
        category_id: category,
        bbox,
        area: w * h * (0.5 + rnd() * 0.45),
        iscrowd: rnd() < 0.01 ? 1 : 0,
      };
      if (withPolygons) ann.segmentation = polygon(bbox);
      gt.annotations.push(ann);
      objects.push(ann);
    }
    const perClass = new Map();
    let made = 0;
    while (made < 100) {
      const near = objects[Math.floor(rnd() * objects.length)];
      const category = rnd() < 0.7 ? near.category_id : COCO_IDS[Math.floor(rnd() * COCO_IDS.length)];
      if ((perClass.get(category) ?? 0) >= 12) continue;
      perClass.set(category, (perClass.get(category) ?? 0) + 1);
      const [x, y, w, h] = near.bbox;
      const jitter = () => (rnd() - 0.5) * 0.3;
      const bbox =
        rnd() < 0.6
          ? [x + w * jitter(), y + h * jitter(), w * (1 + jitter()), h * (1 + jitter())]
          : [rnd() * (width - 40), rnd() * (height - 40), 10 + rnd() * 100, 10 + rnd() * 100];
      const det = { image_id: img, category_id: category, bbox, score: Math.round(rnd() * 1000) / 1000 };
      if (withPolygons) det.segmentation = polygon(bbox);
      dt.push(det);
      made += 1;
    }
  }
  return { gt, dt };
}

function run(label, images, seed, iouType) {
  const folder = mkdtempSync(join(tmpdir(), "nucleus-coco-bench-"));
  const { gt, dt } = workload(images, seed, iouType === "segm");
  writeFileSync(join(folder, "gt.json"), JSON.stringify(gt));
  writeFileSync(join(folder, "dt.json"), JSON.stringify(dt));
  const loadStart = performance.now();
  const groundTruth = JSON.parse(readFileSync(join(folder, "gt.json"), "utf8"));
  const detections = JSON.parse(readFileSync(join(folder, "dt.json"), "utf8"));
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const start = performance.now();
  const result = evaluateCoco(groundTruth, detections, { iouType });
  const seconds = (performance.now() - start) / 1000;
  rmSync(folder, { recursive: true, force: true });
  console.log(
    `${label}: ${images.toLocaleString("en-US")} images, ${groundTruth.annotations.length.toLocaleString("en-US")} ground truth, ${detections.length.toLocaleString("en-US")} detections`,
  );
  console.log(
    `  JSON load ${loadSeconds.toFixed(2)} s; evaluate + accumulate + summarize ${seconds.toFixed(2)} s; AP ${result.stats[0].toFixed(4)}`,
  );
  return seconds;
}

const bbox = run("bbox", IMAGES, 2024, "bbox");
if (IMAGES === 5_000) {
  console.log(
    `  vs pycocotools ${PYCOCOTOOLS_BBOX_SECONDS} s on the same workload and machine size: ${(PYCOCOTOOLS_BBOX_SECONDS / bbox).toFixed(1)}x faster`,
  );
}
run("segm", SEGM_IMAGES, 7, "segm");
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
