/**
 * A generated dataset for the web app's tests: small greyscale PNGs with two boxes each, ground
 * truth, two model runs whose errors are known (item 0: one TP, one FP, one FN for run A), a
 * slice, categories and multi-categories in two taxonomies, one polygon, and two items whose
 * images a browser cannot show (positions 4 and 5 of the upload order).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import type { Annotation, NucleusClient, Prediction } from "@nucleus/core";

/** Size of every generated image. */
export const WIDTH = 96;
export const HEIGHT = 72;

/** Item 0's labels, where the tests read pixels. */
export const ITEM0 = {
  car: { x: 10, y: 10, width: 30, height: 20 },
  person: { x: 60, y: 30, width: 14, height: 30 },
  /** Run A's false positive on item 0. */
  sign: { x: 40, y: 50, width: 12, height: 12 },
} as const;

/** The dataset's taxonomies: a scene (one category an item) and conditions (several at once). */
export const TAXONOMIES = {
  scene: { name: "scene", labels: ["street", "park"] },
  conditions: { name: "conditions", labels: ["wet", "night", "busy"] },
} as const;

/** A ground-truth polygon (a triangle) on one item, for the objects view's non-box crops. */
export const PUDDLE = {
  item: 7,
  vertices: [
    [20, 40],
    [50, 40],
    [35, 65],
  ],
} as const;

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit greyscale PNG. */
export function png(width: number, height: number, pixel: (x: number, y: number) => number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

type Box = { x: number; y: number; width: number; height: number };
const shift = (b: Box, dx: number, dy: number): Box => ({ ...b, x: b.x + dx, y: b.y + dy });

/** What the generated dataset holds, for the tests to check against. */
export interface WebDataset {
  datasetId: string;
  datasetName: string;
  runA: string;
  runB: string;
  sliceId: string;
  /** Items in all: `count` images and the two unviewable ones. */
  items: number;
}

/** Creates the dataset through the API: `count` items, their labels, two committed runs and a slice. */
export async function makeWebDataset(
  client: NucleusClient,
  folder: string,
  count: number,
): Promise<WebDataset> {
  mkdirSync(folder, { recursive: true });
  const name = "web: street grid";
  const dataset = await client.createDataset(name);
  const ref = (i: number) => `img_${String(i).padStart(5, "0")}`;
  const cars = (i: number) => shift(ITEM0.car, i % 10, (i * 7) % 12);
  const people = (i: number) => shift(ITEM0.person, -(i % 8), (i * 3) % 8);
  const boxes = Array.from({ length: count }, (_, i) => [cars(i), people(i)]);
  const weathers = ["sunny", "rainy", "foggy"];

  const items = boxes.map((objects, i) => {
    const file = join(folder, `${ref(i)}.png`);
    const base = 100 + (i % 40);
    writeFileSync(
      file,
      png(WIDTH, HEIGHT, (x, y) => {
        const inside = objects.findIndex(
          (b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height,
        );
        return inside === 0 ? 210 : inside === 1 ? 50 : base + ((x + 2 * y) % 12);
      }),
    );
    return {
      imageUrl: file,
      referenceId: ref(i),
      width: WIDTH,
      height: HEIGHT,
      metadata: { weather: weathers[i % 3] as string, brightness: (i * 37) % 101, index: i },
    };
  });
  // Two items a browser cannot show, at positions 4 and 5: one in a bucket, one on an unreachable host.
  const unviewable = [
    { imageUrl: "s3://street-bucket/raw/cam_4.jpg", referenceId: "remote_s3", width: WIDTH, height: HEIGHT },
    { imageUrl: "https://images.invalid/cam_5.jpg", referenceId: "remote_web", width: WIDTH, height: HEIGHT },
  ];
  await dataset.append(items.slice(0, 4));
  await dataset.append(unviewable);
  for (let at = 4; at < items.length; at += 500) await dataset.append(items.slice(at, at + 500));

  // Categories in two taxonomies: a scene on every fourth item, conditions (several at once) on
  // every eighth.
  await dataset.addTaxonomy(TAXONOMIES.scene.name, "category", TAXONOMIES.scene.labels);
  await dataset.addTaxonomy(TAXONOMIES.conditions.name, "multicategory", TAXONOMIES.conditions.labels);
  const truth: Annotation[] = boxes.flatMap(([car, person], i) => [
    { type: "box" as const, label: "car", referenceId: ref(i), geometry: car as Box },
    { type: "box" as const, label: "person", referenceId: ref(i), geometry: person as Box },
    ...(i % 4 === 0
      ? [{ type: "category" as const, label: "street", referenceId: ref(i), taxonomyName: "scene" }]
      : []),
    ...(i % 8 === 0
      ? [
          {
            type: "multicategory" as const,
            labels: i % 16 === 0 ? ["wet", "busy"] : ["night"],
            referenceId: ref(i),
            taxonomyName: "conditions",
          },
        ]
      : []),
    // One polygon, on an item no other test reads pixels of.
    ...(i === PUDDLE.item
      ? [
          {
            type: "polygon" as const,
            label: "puddle",
            referenceId: ref(i),
            geometry: { vertices: PUDDLE.vertices.map(([x, y]) => ({ x, y })) },
          },
        ]
      : []),
  ]);
  await dataset.annotate(truth);

  // Run A: cars found, people missed on every third item, a sign invented on even items.
  const predictionsA: Prediction[] = boxes.flatMap(([car, person], i) => [
    {
      type: "box" as const,
      label: "car",
      referenceId: ref(i),
      geometry: shift(car as Box, 1, 0),
      confidence: 0.9,
    },
    ...(i % 3 === 0
      ? []
      : [
          {
            type: "box" as const,
            label: "person",
            referenceId: ref(i),
            geometry: shift(person as Box, 0, 1),
            confidence: 0.8,
          },
        ]),
    ...(i % 2 === 0
      ? [{ type: "box" as const, label: "sign", referenceId: ref(i), geometry: ITEM0.sign, confidence: 0.7 }]
      : []),
  ]);
  // Run B: looser cars, every person, no invented signs.
  const predictionsB: Prediction[] = boxes.flatMap(([car, person], i) => [
    {
      type: "box" as const,
      label: "car",
      referenceId: ref(i),
      geometry: shift(car as Box, 5, 3),
      confidence: 0.6,
    },
    {
      type: "box" as const,
      label: "person",
      referenceId: ref(i),
      geometry: shift(person as Box, 1, 0),
      confidence: 0.85,
    },
  ]);
  const runs: string[] = [];
  for (const [label, predictions] of [
    ["detector-a", predictionsA],
    ["detector-b", predictionsB],
  ] as const) {
    const model = await client.addModel({ name: label, referenceId: `web-${label}` });
    const run = await model.createRun({ name: label, dataset, predictions });
    await run.commit();
    runs.push(run.id);
  }
  // Both runs' evaluations finish before the browser looks.
  for (const id of runs) {
    const run = await client.getModelRun(id);
    for (let tries = 0; tries < 600; tries++) {
      const [evaluation] = await run.evaluations();
      if (evaluation?.data?.status === "succeeded") break;
      if (evaluation?.data?.status === "failed") throw new Error(`evaluation of ${id} failed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const slice = await dataset.createSlice(
    "first hundred",
    Array.from({ length: Math.min(100, count) }, (_, i) => ref(i)),
  );
  return {
    datasetId: dataset.id,
    datasetName: name,
    runA: runs[0] as string,
    runB: runs[1] as string,
    sliceId: slice.id,
    items: count + 2,
  };
}
