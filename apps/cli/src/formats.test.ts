/**
 * Import and export formats through the real `nu` binary against the real local server: COCO
 * (polygons, multi-ring objects, RLE masks, results), YOLO, Pascal VOC and CVAT, round trips on
 * files written here, and malformed entries reported one by one.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";
import { rleToString } from "@nucleus/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseVoc } from "./formats/voc.js";
import { parseXml } from "./formats/xml.js";
import { labelPathOf } from "./formats/yolo.js";
import { type NuSession, startNuSession } from "./test-support.js";

const fixtures = fileURLToPath(new URL("../../../fixtures/coco-eval/", import.meta.url));
// Made now: some describe blocks name their folders while the tests are collected.
const scratch = mkdtempSync(join(tmpdir(), "nu-formats-"));
let session: NuSession;
const nu = (args: string[]) => session.nu(args);
const json = <T>(args: string[]) => session.json<T>(args);

/** A whole grey PNG of the given size. */
function png(width: number, height: number, shade = 0): Buffer {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // 8-bit greyscale
  const rows = Buffer.alloc(height * (width + 1), shade);
  for (let y = 0; y < height; y += 1) rows[y * (width + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", new Uint8Array()),
  ]);
}

/** A progressive JPEG's header, with an EXIF segment first, as cameras write it. */
function jpeg(width: number, height: number): Buffer {
  const segment = (marker: number, body: number[]) =>
    Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe1, [...Buffer.from("Exif\0\0MM\0\x2a\0\0\0\x08\0\0", "latin1"), 0, 0, 0, 0]),
    segment(0xdb, [0, ...new Array(64).fill(1)]),
    segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function write(path: string, content: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  session = await startNuSession("formats-key", scratch);
});
afterAll(async () => {
  await session.stop();
});

interface Coco {
  images: Record<string, unknown>[];
  categories: Record<string, unknown>[];
  annotations: Record<string, unknown>[];
}

describe("COCO", () => {
  it("round-trips the segm fixture exactly: polygons, multi-ring objects, crowds, results", async () => {
    const fixture = JSON.parse(readFileSync(join(fixtures, "p10_segm_polygons.json"), "utf8"));
    const images = join(scratch, "segm");
    for (const image of fixture.gt.images) write(join(images, image.file_name), png(2, 2));
    const gt = write(join(scratch, "segm-gt.json"), JSON.stringify(fixture.gt));
    const dt = write(join(scratch, "segm-dt.json"), JSON.stringify(fixture.dt));
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
      "segm",
      "--images",
      images,
      "--annotations",
      gt,
      "--predictions",
      dt,
      "--model",
      "segm-model",
    ]);
    const rings = fixture.gt.annotations.reduce(
      (n: number, a: { segmentation: unknown[] }) => n + a.segmentation.length,
      0,
    );
    expect(imported).toMatchObject({ items: fixture.gt.images.length, annotations: rings, failed: 0 });

    const exported = await json<Coco>(["export", "coco", "--dataset", "segm"]);
    expect(exported.annotations).toEqual(fixture.gt.annotations);
    expect(exported.images).toEqual(fixture.gt.images);
    const used = new Set(fixture.gt.annotations.map((a: { category_id: number }) => a.category_id));
    expect(exported.categories).toEqual(
      fixture.gt.categories
        .filter((c: { id: number }) => used.has(c.id))
        .map((c: { id: number; name: string }) => ({ id: c.id, name: c.name })),
    );

    const results = await json<unknown[]>([
      "export",
      "coco",
      "--dataset",
      imported.datasetId,
      "--model",
      "segm-model",
    ]);
    expect(results).toEqual(fixture.dt);
    const boxes = await json<Coco>(["export", "coco", "--dataset", "segm", "--boxes-only"]);
    expect(boxes.annotations.every((a) => a.segmentation === undefined)).toBe(true);
    expect(boxes.annotations.map((a) => a.bbox)).toEqual(
      fixture.gt.annotations.map((a: { bbox: unknown }) => a.bbox),
    );
  });

  it("keeps RLE masks exactly, imports the good entries and names each bad one", async () => {
    const compressed = rleToString({ size: [3, 4], counts: Uint32Array.from([3, 6, 3]) });
    const gt = {
      images: [
        { id: 7, file_name: "m1.png", width: 4, height: 3 },
        { id: 8, file_name: "m2.png" },
      ],
      categories: [{ id: 5, name: "blob & co" }],
      annotations: [
        {
          id: 1,
          image_id: 7,
          category_id: 5,
          bbox: [0, 0, 2, 2],
          area: 4,
          iscrowd: 1,
          segmentation: { size: [3, 4], counts: [0, 2, 1, 2, 7] },
        },
        {
          id: 2,
          image_id: 7,
          category_id: 5,
          bbox: [1, 0, 3, 3],
          area: 9,
          iscrowd: 1,
          segmentation: { size: [3, 4], counts: compressed },
        },
        {
          id: 3,
          image_id: 8,
          category_id: 5,
          bbox: [0, 0, 1, 1],
          area: 0,
          iscrowd: 0,
          segmentation: [[0, 0, 1, 1]],
        },
        {
          id: 4,
          image_id: 8,
          category_id: 5,
          bbox: [0, 0, 1, 1],
          area: 1,
          iscrowd: 0,
          segmentation: [[0, 0, 1]],
        },
        { id: 5, image_id: 99, category_id: 5, bbox: [0, 0, 1, 1], area: 1, iscrowd: 0 },
        { id: 6, image_id: 8, category_id: 5, bbox: [0, 0, 1], area: 1, iscrowd: 0 },
        {
          id: 7,
          image_id: 8,
          category_id: 5,
          area: 1,
          iscrowd: 0,
          segmentation: { size: [3, 4], counts: [1, 2] },
        },
        { id: 8, image_id: 8, category_id: 5, bbox: [0, 1, 2, 1], area: 2, iscrowd: 0, segmentation: [] },
      ],
    };
    const images = join(scratch, "rle");
    write(join(images, "m1.png"), png(4, 3));
    write(join(images, "m2.png"), png(5, 6));
    const file = write(join(scratch, "rle-gt.json"), JSON.stringify(gt));
    const result = await nu([
      "import",
      "coco",
      "--dataset",
      "rle",
      "--images",
      images,
      "--annotations",
      file,
      "--json",
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      annotations: number;
      problems: { file: string; entry: string; message: string }[];
    };
    expect(report.annotations).toBe(4);
    expect(report.problems).toEqual([
      {
        file,
        entry: "annotations[3] (id 4)",
        message: "segmentation[0]: has an odd number of coordinates (3)",
      },
      { file, entry: "annotations[4] (id 5)", message: "image_id: 99 is not in images" },
      { file, entry: "annotations[5] (id 6)", message: "bbox: must be 4 numbers [x, y, width, height]" },
      {
        file,
        entry: "annotations[6] (id 7)",
        message: "segmentation.counts: the runs cover 3 pixels, not height × width = 12",
      },
    ]);
    const text = await nu(["import", "coco", "--dataset", "rle", "--images", images, "--annotations", file]);
    expect(text.stderr).toContain(
      `${file}: annotations[3] (id 4): segmentation[0]: has an odd number of coordinates (3)`,
    );

    const exported = await json<Coco>(["export", "coco", "--dataset", "rle"]);
    const kept = [0, 1, 2, 7].map((i) => gt.annotations[i]);
    expect(exported.annotations).toEqual(kept);
    // The server read the second image's size from its header.
    expect(exported.images).toEqual([
      { id: 7, file_name: "m1.png", width: 4, height: 3 },
      { id: 8, file_name: "m2.png", width: 5, height: 6 },
    ]);
  });

  it("`nu upload annotations` refuses a COCO file with bad entries instead of dropping them", async () => {
    const dataset = await json<{ id: string }>(["datasets", "create", "coco-upload"]);
    const dir = join(scratch, "coco-upload");
    write(join(dir, "a.png"), png(8, 8));
    expect((await nu(["upload", "items", dir, "--dataset", dataset.id])).code).toBe(0);
    const good = {
      images: [{ id: 1, file_name: "a.png" }],
      categories: [{ id: 1, name: "thing" }],
      annotations: [
        {
          id: 3,
          image_id: 1,
          category_id: 1,
          bbox: [1, 1, 2, 2],
          area: 2,
          iscrowd: 0,
          segmentation: [[1, 1, 3, 1, 3, 3]],
        },
      ],
    };
    const bad = {
      ...good,
      annotations: [...good.annotations, { id: 4, image_id: 1, category_id: 9, bbox: [0, 0, 1, 1] }],
    };
    const refused = await nu([
      "upload",
      "annotations",
      write(join(scratch, "bad.json"), JSON.stringify(bad)),
      "--dataset",
      dataset.id,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("annotations[1] (id 4): category_id: 9 is not in categories");
    const uploaded = await nu([
      "upload",
      "annotations",
      write(join(scratch, "good.json"), JSON.stringify(good)),
      "--dataset",
      dataset.id,
    ]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    const item = await json<{ annotations: { polygon: { geometry: unknown }[] } }>([
      "items",
      "get",
      dataset.id,
      "a.png",
    ]);
    expect(item.annotations.polygon[0]?.geometry).toEqual({
      vertices: [
        { x: 1, y: 1 },
        { x: 3, y: 1 },
        { x: 3, y: 3 },
      ],
    });
  });
});

describe("image sizes", () => {
  it("come from the headers of uploaded PNG and JPEG files", async () => {
    const dataset = await json<{ id: string }>(["datasets", "create", "sizes"]);
    const dir = join(scratch, "sizes");
    write(join(dir, "wide.png"), png(33, 7));
    write(join(dir, "photo.jpg"), jpeg(1024, 768));
    expect((await nu(["upload", "items", dir, "--dataset", dataset.id])).code).toBe(0);
    for (const [ref, width, height] of [
      ["wide.png", 33, 7],
      ["photo.jpg", 1024, 768],
    ] as const) {
      const { item } = await json<{ item: { width: number; height: number } }>([
        "items",
        "get",
        dataset.id,
        ref,
      ]);
      expect([item.width, item.height]).toEqual([width, height]);
    }
  });
});

describe("YOLO", () => {
  const root = join(scratch, "yolo");
  const labels: Record<string, string> = {
    "labels/train/a.txt": "0 0.5 0.5 0.25 0.5\n1 0.1 0.2 0.3 0.2 0.2 0.4\n",
    "labels/train/b.txt": "1 0.123456 0.654321 0.1 0.05\n",
    "labels/val/c.txt": "0 0.25 0.75 0.5 0.5\n2 0.1 0.1 0.9 0.1 0.9 0.9 0.1 0.9\n",
  };

  it("imports data.yaml with a names map, and exports the same labels", async () => {
    write(
      join(root, "data.yaml"),
      "# a dataset\npath: .\ntrain: images/train\nval: images/val\nnames:\n  0: person\n  1: car\n  2: traffic light\n",
    );
    write(join(root, "images/train/a.png"), png(64, 48));
    write(join(root, "images/train/b.png"), png(100, 50));
    write(join(root, "images/val/c.png"), png(20, 40));
    for (const [path, text] of Object.entries(labels)) write(join(root, path), text);
    const imported = await json<{ datasetId: string; items: number; annotations: number; failed: number }>([
      "import",
      "yolo",
      join(root, "data.yaml"),
      "--dataset",
      "yolo",
    ]);
    expect(imported).toMatchObject({ items: 3, annotations: 5, failed: 0 });
    const item = await json<{ item: { metadata: unknown }; annotations: { box: { geometry: unknown }[] } }>([
      "items",
      "get",
      imported.datasetId,
      "images/train/a.png",
    ]);
    expect(item.annotations.box[0]?.geometry).toEqual({ x: 24, y: 12, width: 16, height: 24 });
    expect(item.item.metadata).toEqual({ yolo_split: "train" });

    const out = join(scratch, "yolo-out");
    expect(await json(["export", "yolo", "--dataset", "yolo", "--output", out])).toMatchObject({
      images: 3,
      labels: 5,
    });
    for (const [path, text] of Object.entries(labels))
      expect(readFileSync(join(out, path), "utf8")).toBe(text);
    expect(readFileSync(join(out, "images/val/c.png"))).toEqual(png(20, 40));
    expect(readFileSync(join(out, "data.yaml"), "utf8")).toBe(
      'train: "images/train"\nval: "images/val"\nnc: 3\nnames:\n  0: "person"\n  1: "car"\n  2: "traffic light"\n',
    );
    // The export imports again to the same labels.
    const again = await json<{ annotations: number }>(["import", "yolo", out, "--dataset", "yolo-again"]);
    expect(again.annotations).toBe(5);
  });

  it("reads a names list and a model's labels with confidences, and exports them back", async () => {
    const dir = join(scratch, "yolo-list");
    write(join(dir, "dataset.yaml"), "names: [cat, dog]\nnc: 2\n");
    write(join(dir, "images/x.png"), png(10, 10));
    write(join(dir, "labels/x.txt"), "1 0.5 0.5 0.2 0.2\n");
    const predictions = join(dir, "predictions");
    write(join(predictions, "x.txt"), "0 0.5 0.5 0.4 0.4 0.875\n1 0.1 0.1 0.5 0.1 0.5 0.5 0.25\n");
    const imported = await json<{ annotations: number; predictions: number }>([
      "import",
      "yolo",
      dir,
      "--dataset",
      "yolo-list",
      "--predictions",
      predictions,
      "--model",
      "yolo-model",
    ]);
    expect(imported).toMatchObject({ annotations: 1, predictions: 2 });
    const out = join(scratch, "yolo-list-out");
    await json([
      "export",
      "yolo",
      "--dataset",
      "yolo-list",
      "--model",
      "yolo-model",
      "--output",
      out,
      "--labels-only",
    ]);
    expect(readFileSync(join(out, "labels/x.txt"), "utf8")).toBe(
      "0 0.5 0.5 0.4 0.4 0.875\n1 0.1 0.1 0.5 0.1 0.5 0.5 0.25\n",
    );
    expect(existsSync(join(out, "images/x.png"))).toBe(false);
  });

  it("reports each malformed line with its file and line, and imports the rest", async () => {
    const dir = join(scratch, "yolo-bad");
    write(join(dir, "data.yaml"), "names: [a]\n");
    write(join(dir, "images/p.png"), png(10, 10));
    const file = write(
      join(dir, "labels/p.txt"),
      "0 0.5 0.5 0.1 0.1\n3 0.5 0.5 0.1 0.1\n0 0.5 x 0.1 0.1\n0 0.5 0.5 0.1\n0 1.5 0.5 0.1 0.1\n\n0 0.2 0.2 0.1 0.1\n",
    );
    const result = await nu(["import", "yolo", dir, "--dataset", "yolo-bad", "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { annotations: number; problems: unknown[] };
    expect(report.annotations).toBe(2);
    expect(report.problems).toEqual([
      { file, entry: "line 2", message: "class: 3 is not in names (0-0)" },
      { file, entry: "line 3", message: 'value 3: "x" is not a number' },
      {
        file,
        entry: "line 4",
        message:
          "has 3 values after the class: a box needs 4 (cx cy w h), a polygon an even number of at least 6 (x1 y1 x2 y2 x3 y3)",
      },
      {
        file,
        entry: "line 5",
        message: "value 2: 1.5 is outside 0..1 (YOLO coordinates are divided by the image size)",
      },
    ]);
    const yaml = write(join(scratch, "yolo-nonames", "data.yaml"), "train: images\n");
    const noNames = await nu(["import", "yolo", yaml, "--dataset", "x"]);
    expect(noNames.code).toBe(1);
    expect(noNames.stderr).toContain(`${yaml}: names: missing`);
    const missing = await nu(["import", "yolo", yaml]);
    expect(missing.code).toBe(2);
  });

  it("reads splits as ../ paths (as some exporters write them) and as .txt lists", async () => {
    const dir = join(scratch, "yolo-splits");
    write(join(dir, "data.yaml"), "train: ../train/images\nval: val.txt\nnames: ['a', 'b']\n");
    write(join(dir, "train/images/t.png"), png(10, 20));
    write(join(dir, "train/labels/t.txt"), "1 0.5 0.5 1 1\n");
    write(join(dir, "extra/images/v.png"), png(4, 4));
    write(join(dir, "extra/labels/v.txt"), "0 0.5 0.5 0.5 0.5\n");
    write(join(dir, "val.txt"), "./extra/images/v.png\n");
    const imported = await json<{ datasetId: string; items: number; annotations: number }>([
      "import",
      "yolo",
      dir,
      "--dataset",
      "yolo-splits",
    ]);
    expect(imported).toMatchObject({ items: 2, annotations: 2 });
    const { item, annotations } = await json<{
      item: { metadata: unknown; width: number; height: number };
      annotations: { box: { label: string; geometry: unknown }[] };
    }>(["items", "get", imported.datasetId, "extra/images/v.png"]);
    expect(item).toMatchObject({ metadata: { yolo_split: "val" }, width: 4, height: 4 });
    expect(annotations.box).toMatchObject([{ label: "a", geometry: { x: 1, y: 1, width: 2, height: 2 } }]);
  });

  it("finds labels the way Ultralytics does", () => {
    expect(labelPathOf("ds/images/train/a.b.jpg")).toBe("ds/labels/train/a.b.txt");
    expect(labelPathOf("images/x.png")).toBe("labels/x.txt");
    expect(labelPathOf("/d/images/v/images/x.png")).toBe("/d/images/v/labels/x.txt");
  });
});

describe("Pascal VOC and CVAT", () => {
  const voc = (filename: string, objects: string) =>
    `<?xml version="1.0"?>\n<!-- from a labelling tool -->\n<annotation>\n  <folder>VOC</folder>\n  <filename>${filename}</filename>\n  <size><width>40</width><height>30</height><depth>3</depth></size>\n${objects}</annotation>\n`;
  const object = (name: string, box: number[], extra = "") =>
    `  <object><name>${name}</name>${extra}<bndbox><xmin>${box[0]}</xmin><ymin>${box[1]}</ymin><xmax>${box[2]}</xmax><ymax>${box[3]}</ymax></bndbox></object>\n`;

  it("round-trips boxes with their flags, reports bad objects and files, and writes CVAT", async () => {
    const dir = join(scratch, "voc");
    write(join(dir, "JPEGImages/one.png"), png(40, 30));
    write(join(dir, "JPEGImages/two.png"), png(40, 30));
    write(
      join(dir, "Annotations/one.xml"),
      voc(
        "one.png",
        object(
          "cat &amp; dog",
          [1, 2, 11.5, 22],
          "<pose>Left</pose><truncated>1</truncated><difficult>0</difficult>",
        ) +
          object("person", [5, 5, 9, 9], "<difficult>1</difficult>") +
          object("person", [9, 5, 5, 9]),
      ),
    );
    write(
      join(dir, "Annotations/two.xml"),
      voc("two.png", `${object("car", [0, 0, 40, 30])}  <object><name>car</name></object>\n`),
    );
    const broken = write(
      join(dir, "Annotations/zbroken.xml"),
      "<annotation><filename>x.png</filename>\n<size></annotation>",
    );
    const result = await nu([
      "import",
      "voc",
      "--dataset",
      "voc",
      "--images",
      join(dir, "JPEGImages"),
      "--annotations",
      join(dir, "Annotations"),
      "--json",
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { items: number; annotations: number; problems: unknown[] };
    expect(report).toMatchObject({ items: 2, annotations: 3 });
    expect(report.problems).toEqual([
      {
        file: join(dir, "Annotations/one.xml"),
        entry: "object[2]",
        message: "bndbox: xmax 5 is less than xmin 9",
      },
      {
        file: join(dir, "Annotations/two.xml"),
        entry: "object[1]",
        message: 'bndbox: missing (object "car")',
      },
      { file: broken, entry: "line 2", message: "</annotation> closes <size> (opened on line 2)" },
    ]);

    const out = join(scratch, "voc-out");
    await json(["export", "voc", "--dataset", "voc", "--output", out]);
    const read = (name: string) => parseVoc(readFileSync(join(out, "Annotations", name), "utf8"), name);
    const one = read("one.xml");
    expect(one.problems).toEqual([]);
    expect(one.voc).toEqual({
      filename: "one.png",
      width: 40,
      height: 30,
      objects: [
        {
          index: 1,
          name: "cat & dog",
          box: { x: 1, y: 2, width: 10.5, height: 20 },
          metadata: { voc_truncated: 1, voc_difficult: 0, voc_pose: "Left" },
        },
        {
          index: 2,
          name: "person",
          box: { x: 5, y: 5, width: 4, height: 4 },
          metadata: { voc_truncated: 0, voc_difficult: 1, voc_pose: "Unspecified" },
        },
      ],
    });
    expect(read("two.xml").voc?.objects.map((o) => o.box)).toEqual([{ x: 0, y: 0, width: 40, height: 30 }]);
    expect(readFileSync(join(out, "JPEGImages/two.png"))).toEqual(png(40, 30));

    const cvat = join(scratch, "cvat.xml");
    await json(["export", "cvat", "--dataset", "voc", "--output", cvat]);
    const root = parseXml(readFileSync(cvat, "utf8"));
    const image = root.children.find((c) => c.name === "image" && c.attributes.name === "one.png");
    expect(image?.attributes).toMatchObject({ width: "40", height: "30" });
    expect(image?.children[0]?.attributes).toMatchObject({
      label: "cat & dog",
      xtl: "1",
      ytl: "2",
      xbr: "11.5",
      ybr: "22",
    });
  });

  it("writes CVAT polygons as x,y;x,y points", async () => {
    const cvat = join(scratch, "cvat-dir");
    mkdirSync(cvat, { recursive: true });
    await json(["export", "cvat", "--dataset", "yolo", "--output", cvat]);
    expect(existsSync(join(cvat, "annotations.xml"))).toBe(true);
    const root = parseXml(readFileSync(join(cvat, "annotations.xml"), "utf8"));
    const a = root.children.find((c) => c.name === "image" && c.attributes.name === "images/train/a.png");
    const polygon = a?.children.find((c) => c.name === "polygon");
    expect(polygon?.attributes).toMatchObject({
      label: "car",
      points: `${0.1 * 64},${0.2 * 48};${0.3 * 64},${0.2 * 48};${0.2 * 64},${0.4 * 48}`,
    });
  });
});

describe("the XML reader", () => {
  it("reads entities, CDATA and attributes, and names the line of a mistake", () => {
    const root = parseXml(
      "<?xml version='1.0'?>\n<!DOCTYPE a>\n<a k=\"1 &lt; 2\"><b><![CDATA[<raw>]]></b><c>&#65;&#x42;&quot;</c><d/></a>",
    );
    expect(root.attributes).toEqual({ k: "1 < 2" });
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ["b", "<raw>"],
      ["c", 'AB"'],
      ["d", ""],
    ]);
    expect(() => parseXml("<a>\n<b>x & y</b></a>")).toThrow('line 2: "&" must be written &amp;');
    expect(() => parseXml("<a>\n\n<b></a>")).toThrow("line 3: </a> closes <b>");
    expect(() => parseXml("<a></a><b/>")).toThrow("content after the root element");
  });
});
