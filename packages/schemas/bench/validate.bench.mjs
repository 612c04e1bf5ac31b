// Validation and encoding throughput of @nucleus/schemas, next to a plain JSON.stringify of the
// same data in the same process. Run with `pnpm bench` (builds first).
import { performance } from "node:perf_hooks";
import { AnnotateRequest, Annotation, AppendItemsRequest, DatasetItem } from "../dist/index.js";

const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 1_000_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const BATCH = 5_000;

function boxes(count) {
  return Array.from({ length: count }, (_, i) => ({
    type: "box",
    label: i % 3 === 0 ? "car" : "pedestrian",
    referenceId: `img_${Math.floor(i / 10)}`,
    annotationId: `ann_${i}`,
    geometry: { x: (i * 7) % 640, y: (i * 13) % 480, width: 10 + (i % 50), height: 20 + (i % 30) },
    metadata: { occluded: i % 2 === 0, source: "bench" },
  }));
}

function items(count) {
  return Array.from({ length: count }, (_, i) => ({
    imageUrl: `s3://bench-bucket/images/${i}.jpg`,
    referenceId: `img_${i}`,
    metadata: {
      camera: i % 2 ? "front" : "rear",
      weather: { rain: i % 5 === 0, lux: i % 1000 },
      tags: ["a", "b"],
    },
    width: 1920,
    height: 1080,
  }));
}

function batches(array, size) {
  const out = [];
  for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
  return out;
}

/** Best of three runs, in seconds. */
function time(fn) {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run += 1) {
    const start = performance.now();
    fn();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

function report(name, count, unit, baseline, candidates) {
  console.log(`\n${name}: ${count.toLocaleString("en-US")} ${unit}`);
  const rate = (s) => `${Math.round(count / s).toLocaleString("en-US")} ${unit}/s`;
  console.log(`  ${"JSON.stringify (baseline)".padEnd(34)} ${baseline.toFixed(3)} s  ${rate(baseline)}`);
  for (const [label, seconds] of candidates) {
    console.log(
      `  ${label.padEnd(34)} ${seconds.toFixed(3)} s  ${rate(seconds)}  ${(seconds / baseline).toFixed(2)}x baseline`,
    );
  }
}

const domainBoxes = boxes(ANNOTATIONS);
const wireBoxes = domainBoxes.map((box) => Annotation.toWire(box));
const boxBatches = batches(wireBoxes, BATCH);
const domainBoxBatches = batches(domainBoxes, BATCH);

report(
  "box annotations",
  ANNOTATIONS,
  "annotations",
  time(() => {
    for (const batch of boxBatches) JSON.stringify({ update: false, annotations: batch });
  }),
  [
    [
      "validate (AnnotateRequest.check)",
      time(() => {
        for (const batch of boxBatches)
          if (!AnnotateRequest.check({ update: false, annotations: batch }).ok) throw new Error("invalid");
      }),
    ],
    [
      "encode (camelCase -> wire, validated)",
      time(() => {
        for (const batch of domainBoxBatches) AnnotateRequest.encode({ update: false, annotations: batch });
      }),
    ],
    [
      "toWire only (key renaming)",
      time(() => {
        for (const batch of domainBoxBatches) AnnotateRequest.toWire({ update: false, annotations: batch });
      }),
    ],
  ],
);

const domainItems = items(ITEMS);
const wireItems = domainItems.map((item) => DatasetItem.toWire(item));
const itemBatches = batches(wireItems, 1_000);
const domainItemBatches = batches(domainItems, 1_000);

report(
  "dataset items",
  ITEMS,
  "items",
  time(() => {
    for (const batch of itemBatches) JSON.stringify({ items: batch, update: false });
  }),
  [
    [
      "validate (AppendItemsRequest.check)",
      time(() => {
        for (const batch of itemBatches)
          if (!AppendItemsRequest.check({ items: batch, update: false }).ok) throw new Error("invalid");
      }),
    ],
    [
      "encode (camelCase -> wire, validated)",
      time(() => {
        for (const batch of domainItemBatches) AppendItemsRequest.encode({ items: batch, update: false });
      }),
    ],
  ],
);
