// biome-ignore-all lint/performance/useDomNodeTextContent: innerText here is playwright's Locator method, which reads what a user sees.
/**
 * Scenes in the web app, in Chromium against the real server: the dataset's scenes listed (and
 * narrowed by a scene query), a video scene's frames as a strip in order, the selected frame large
 * with its labels drawn (pixels read back from the canvas), and tracks: one colour per track in
 * every frame, a track list whose choice marks the frames it appears in and dims the other labels;
 * and a lidar scene's point clouds drawn from above with their cuboids (pixels read back again),
 * a large cloud taken down to a bounded number of points, and a cloud the server cannot read.
 */
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Dataset, type LidarScene, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axe, launchChromium, layerPixel, openSignedInPage, shoot, skipBrowser } from "./web-browser.js";
import { png } from "./web-data.js";

const KEY = "web-scenes-key";
const WIDTH = 96;
const HEIGHT = 72;
const FRAMES = 6;
/** The palette's first two colours: the scene's first and second tracks. */
const TRACK_COLORS = [
  [0x3b, 0x82, 0xf6],
  [0xf9, 0x73, 0x16],
];
/** What a label of another track is drawn in while a track is chosen. */
const DIM = [0x8a, 0x94, 0xa3];

type Box = { x: number; y: number; width: number; height: number };
/** The car moves right across the frames; the person stands still in frames 2 to 4. */
const car = (i: number): Box => ({ x: 8 + 8 * i, y: 20, width: 24, height: 16 });
const PERSON: Box = { x: 60, y: 40, width: 12, height: 24 };
const PERSON_FRAMES = [2, 3, 4];

type CloudPoint = { x: number; y: number; z: number; i: number };
/**
 * A parking lot seen by a lidar: the outline of a 40 m x 20 m rectangle, a point every 10 cm,
 * rising from z 0 on the left to 3 m on the right; and a dense block of points on the car.
 */
const lotOutline = (): CloudPoint[] => {
  const out: CloudPoint[] = [];
  const at = (x: number, y: number) => out.push({ x, y, z: ((x + 20) / 40) * 3, i: Math.abs(y) * 10 });
  for (let k = 0; k <= 400; k++) {
    at(-20 + k / 10, -10);
    at(-20 + k / 10, 10);
  }
  for (let k = 1; k < 200; k++) {
    at(-20, -10 + k / 10);
    at(20, -10 + k / 10);
  }
  return out;
};
/** The car: centre, length 4.5 m along its heading, width 2 m, turned a quarter turn (pointing +y). */
const carCuboid = (x: number) => ({ x, y: 2, z: 0.8, length: 4.5, width: 2, height: 1.6, yaw: Math.PI / 2 });
const CAR_X = [5, 8];
/** A truck along the x axis, and a pedestrian turned a little (no track). */
const TRUCK = { x: -10, y: 5, z: 1.5, length: 6, width: 2.5, height: 3, yaw: 0 };
const PEDESTRIAN = { x: -8, y: -4, z: 0.9, length: 0.8, width: 0.8, height: 1.8, yaw: 0.6 };
/** Frame 2 of the lot: a ground grid of 300 x 200 points, more than the app draws. */
const DENSE = 60_000;
const DRAWN = 50_000;
/** The background of the point cloud view. */
const CLOUD_BACKGROUND = [0x0f, 0x12, 0x18];

let server: RunningNucleusServer;
let client: NucleusClient;
let dataset: Dataset;
let dir: string;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-web-scenes-"));
  server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  origin = new URL(server.url).origin;
  client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
  dataset = await client.createDataset("web: drives", { isScene: true });
  const folder = join(dir, "frames");
  mkdirSync(folder);
  const frames = Array.from({ length: FRAMES }, (_, i) => {
    const file = join(folder, `street_${i}.png`);
    const c = car(i);
    writeFileSync(
      file,
      png(WIDTH, HEIGHT, (x, y) =>
        x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height ? 220 : 70 + ((x + y) % 9),
      ),
    );
    return { url: file, type: "image" as const, referenceId: `street-${i}` };
  });
  await dataset.uploadVideoScenes([
    { referenceId: "street", frameRate: 10, frames, metadata: { weather: "rain" } },
    { referenceId: "dashcam", videoUrl: "s3://drives/dashcam.mp4", metadata: { weather: "clear" } },
  ]);
  // A lidar drive: each frame a point cloud the browser cannot show and a front camera image.
  await dataset.uploadScenes([
    {
      referenceId: "drive",
      metadata: { weather: "clear" },
      frames: [0, 1].map((i) => ({
        lidar: {
          url: `s3://drives/drive/${i}.json`,
          type: "pointcloud" as const,
          referenceId: `drive-lidar-${i}`,
        },
        front: { url: frames[i]?.url as string, type: "image" as const, referenceId: `drive-front-${i}` },
      })),
    },
  ]);
  // A lidar scene of local point clouds: the lot with the car moving right, then a dense grid.
  const clouds: LidarScene["frames"] = [0, 1, 2].map((f) => {
    const file = join(folder, `lot_${f}.json`);
    let points: CloudPoint[] = lotOutline();
    if (f === 2) {
      points = [];
      for (let a = 0; a < 300; a++)
        for (let b = 0; b < 200; b++) {
          const x = -20 + (40 * a) / 299;
          const y = -10 + (20 * b) / 199;
          points.push({ x, y, z: Math.sin(x / 4) + Math.cos(y / 3), i: (a + b) % 50 });
        }
    }
    writeFileSync(file, JSON.stringify({ points }));
    const lidar = { url: file, type: "pointcloud" as const, referenceId: `lot-lidar-${f}` };
    // The first two frames have a camera image too; the last is a point cloud alone.
    const front = frames[f];
    const frame: LidarScene["frames"][number] = { lidar };
    if (f < 2 && front) frame.front = { url: front.url, type: "image", referenceId: `lot-front-${f}` };
    return frame;
  });
  await dataset.uploadScenes([{ referenceId: "lot", metadata: { weather: "dry" }, frames: clouds }]);
  const cuboid = (
    referenceId: string,
    annotationId: string,
    label: string,
    c: typeof TRUCK,
    trackReferenceId?: string,
  ) => ({
    type: "cuboid" as const,
    label,
    referenceId,
    annotationId,
    geometry: {
      position: { x: c.x, y: c.y, z: c.z },
      dimensions: { x: c.length, y: c.width, z: c.height },
      yaw: c.yaw,
    },
    ...(trackReferenceId ? { trackReferenceId } : {}),
  });
  await dataset.annotate([
    ...CAR_X.map((x, f) => cuboid(`lot-lidar-${f}`, `car-${f}`, "car", carCuboid(x), "car-7")),
    ...CAR_X.map((_, f) => cuboid(`lot-lidar-${f}`, `truck-${f}`, "truck", TRUCK, "truck-9")),
    cuboid("lot-lidar-0", "pedestrian-0", "pedestrian", PEDESTRIAN),
  ]);
  await dataset.annotate([
    ...frames.map((f, i) => ({
      type: "box" as const,
      label: "car",
      referenceId: f.referenceId,
      annotationId: `car-${i}`,
      geometry: car(i),
      trackReferenceId: "car-1",
    })),
    ...PERSON_FRAMES.map((i) => ({
      type: "box" as const,
      label: "person",
      referenceId: `street-${i}`,
      annotationId: `person-${i}`,
      geometry: PERSON,
      trackReferenceId: "person-2",
    })),
  ]);
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipBrowser)("scenes in the web app", () => {
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    ({ page, errors } = await openSignedInPage(browser, server.createLoginUrl(), 15_000));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** The CSS position on the frame's canvas of an image point (the frame is fitted, centred). */
  const onCanvas = async (x: number, y: number) => {
    const size = await page
      .locator(".scene-frame canvas")
      .evaluate((c) => ({ width: c.clientWidth, height: c.clientHeight }));
    const scale = Math.min(size.width / WIDTH, size.height / HEIGHT);
    return {
      x: (size.width - WIDTH * scale) / 2 + x * scale,
      y: (size.height - HEIGHT * scale) / 2 + y * scale,
    };
  };
  /** The colour drawn on the middle of a box's left edge, as [r, g, b]. */
  const leftEdge = async (box: Box) => {
    const p = await onCanvas(box.x, box.y + box.height / 2);
    // The pixel whose square lies inside the 2-pixel stroke centred on the edge.
    return (await layerPixel(page, ".scene-frame canvas", Math.floor(p.x), Math.floor(p.y))).slice(0, 3);
  };
  /** Where a world point (metres) is on the point cloud canvas, by the view the canvas says it drew with. */
  const onCloud = async (x: number, y: number) => {
    const view = (await page.locator(".cloud-canvas").getAttribute("data-view")) ?? "";
    const [scale, dx, dy] = view.split(" ").map(Number) as [number, number, number];
    return { x: x * scale + dx, y: -y * scale + dy };
  };
  /** The colour drawn at a world point of the point cloud view, as [r, g, b]. */
  const cloudPixel = async (x: number, y: number) => {
    const p = await onCloud(x, y);
    // On an edge: the pixel whose square lies inside the 2-pixel stroke centred on it.
    return (await layerPixel(page, ".cloud-canvas", Math.floor(p.x), Math.floor(p.y))).slice(0, 3);
  };
  /** The middle of the car's left side (it points +y, so its 2 m width spans x). */
  const carSide = (f: number) => [(CAR_X[f] as number) - 1, 2] as const;
  /** The middle of the truck's lower side (it points +x, its 2.5 m width spans y). */
  const truckSide = [TRUCK.x, TRUCK.y - TRUCK.width / 2] as const;
  /**
   * The point cloud view once it holds still: a screenshot resizes the page and back, and the
   * view is fitted again when the canvas settles.
   */
  const settledView = async () => {
    const canvas = page.locator(".cloud-canvas");
    let last = await canvas.getAttribute("data-view");
    for (;;) {
      await page.waitForTimeout(300);
      const now = await canvas.getAttribute("data-view");
      if (now === last) return now;
      last = now;
    }
  };
  const stripRefs = () =>
    page
      .locator(".frame-strip .strip-frame")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-reference-id")));

  it("lists the dataset's scenes with their kind and frames, and a scene query narrows them", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}`);
    await page.getByRole("link", { name: "Scenes" }).click();
    await page.waitForSelector("table.scenes tbody tr");
    const expected = await dataset.scenes();
    const rows = await page
      .locator("table.scenes tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.children).map((c) => (c as HTMLElement).innerText.trim())),
      );
    expect(rows.map((r) => r.slice(0, 3))).toEqual(
      expected.map((s) => [s.referenceId, s.type, String(s.frameCount ?? "?")]),
    );
    expect(rows[0]?.[0]).toBe("street");
    expect(rows[0]?.[2]).toBe(String(FRAMES));
    expect(await axe(page)).toEqual([]);
    await shoot(page, "scenes");

    await page.getByLabel("Scene query").fill('scene.metadata.weather = "rain"');
    await page.getByRole("button", { name: "Apply" }).click();
    const rainy = await dataset.queryScenes('scene.metadata.weather = "rain"').toArray({ limit: 10 });
    await expect
      .poll(() => page.locator("table.scenes tbody th").allInnerTexts())
      .toEqual(rainy.map((s) => s.referenceId));
    expect(rainy.map((s) => s.referenceId)).toEqual(["street"]);
  });

  it("shows a scene's frames as a strip in order, the first large with its tracked label in its track's colour", {
    timeout: 60_000,
  }, async () => {
    await page.locator("table.scenes").getByRole("link", { name: "street", exact: true }).click();
    await page.waitForSelector(".frame-strip .strip-frame");
    const scene = await dataset.scene("street");
    expect(await stripRefs()).toEqual(scene.videoFrames?.map((f) => f.referenceId));
    expect(await page.locator(".strip-frame[aria-current]").getAttribute("data-frame")).toBe("0");
    // The tracks in the scene's order, each with the frames it is in.
    expect(scene.tracks.map((t) => t.referenceId)).toEqual(["car-1", "person-2"]);
    expect(await page.locator(".track-list button").allInnerTexts()).toEqual([
      expect.stringMatching(/car-1\s+6 frames/),
      expect.stringMatching(/person-2\s+3 frames/),
    ]);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".scene-frame-image");
      return img?.complete && img.naturalWidth > 0;
    });
    await expect.poll(() => page.locator(".scene-frame canvas").getAttribute("data-shapes")).toBe("1");
    await expect.poll(() => leftEdge(car(0))).toEqual(TRACK_COLORS[0]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "scene");
  });

  it("picks a track: the frames it is in are marked, other labels dim, and stepping frames follows it", {
    timeout: 60_000,
  }, async () => {
    await page.locator('.track-list button[data-track="person-2"]').click();
    expect(new URL(page.url()).searchParams.get("track")).toBe("person-2");
    await expect
      .poll(() =>
        page
          .locator(".strip-frame.in-track")
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-frame")))),
      )
      .toEqual(PERSON_FRAMES);
    // Frame 0 has only the car: drawn dim now.
    await expect.poll(() => leftEdge(car(0))).toEqual(DIM);

    await page.locator('.strip-frame[data-frame="3"]').click();
    await expect.poll(() => page.locator(".strip-frame[aria-current]").getAttribute("data-frame")).toBe("3");
    await expect.poll(() => page.locator(".scene-frame canvas").getAttribute("data-shapes")).toBe("2");
    await expect.poll(() => leftEdge(PERSON)).toEqual(TRACK_COLORS[1]);
    await expect.poll(() => leftEdge(car(3))).toEqual(DIM);
    await shoot(page, "scene-track");

    // The arrow keys step through the frames; the chosen track stays.
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.locator(".strip-frame[aria-current]").getAttribute("data-frame")).toBe("4");
    await expect.poll(() => leftEdge(PERSON)).toEqual(TRACK_COLORS[1]);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.locator(".scene-frame canvas").getAttribute("data-shapes")).toBe("1");
    await expect.poll(() => leftEdge(car(5))).toEqual(DIM);
    // Choosing the track again lets every label take its own colour.
    await page.locator('.track-list button[data-track="person-2"]').click();
    await expect.poll(() => leftEdge(car(5))).toEqual(TRACK_COLORS[0]);
    expect(errors).toEqual([]);
  });

  it("draws a lidar frame's points from above with its cuboids turned by their yaw, in their tracks' colours", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}/scenes/lot`);
    await page.waitForSelector(".frame-strip .strip-frame");
    // A frame is shown in the strip by its camera image, or by its point cloud when it has none.
    expect(await stripRefs()).toEqual(["lot-front-0", "lot-front-1", "lot-lidar-2"]);
    expect(await page.locator('.strip-frame[data-frame="2"]').innerText()).toMatch(/Point cloud\s+0 cuboids/);
    const scene = await dataset.scene("lot");
    expect(scene.tracks.map((t) => t.referenceId)).toEqual(["car-7", "truck-9"]);
    const outline = lotOutline().length;
    const canvas = page.locator(".cloud-canvas");
    await expect.poll(() => canvas.getAttribute("data-points")).toBe(String(outline));
    expect(await canvas.getAttribute("data-total")).toBe(String(outline));
    expect(await canvas.getAttribute("data-cuboids")).toBe("3");
    // Both axes at one scale: the 40 m x 20 m lot is twice as wide as it is tall on screen.
    const corners = [await onCloud(-20, -10), await onCloud(20, 10)];
    const [a, b] = corners as [{ x: number; y: number }, { x: number; y: number }];
    expect((b.x - a.x) / (a.y - b.y)).toBeCloseTo(2, 6);
    const size = await canvas.evaluate((c) => ({ width: c.clientWidth, height: c.clientHeight }));
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(b.x).toBeLessThanOrEqual(size.width);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(a.y).toBeLessThanOrEqual(size.height);
    // Points on the lot's left side; nothing drawn on the empty ground inside it.
    expect(await cloudPixel(-20, 0)).not.toEqual(CLOUD_BACKGROUND);
    expect(await cloudPixel(-2.3, -6.7)).toEqual(CLOUD_BACKGROUND);
    // The car points +y: its side is where the quarter turn puts it, not where an unturned box would be.
    await expect.poll(() => cloudPixel(...carSide(0))).toEqual(TRACK_COLORS[0]);
    expect(await cloudPixel(CAR_X[0] as number, 2 - 1)).not.toEqual(TRACK_COLORS[0]);
    expect(await cloudPixel(TRUCK.x, TRUCK.y)).not.toEqual(TRACK_COLORS[1]);
    expect(await cloudPixel(...truckSide)).toEqual(TRACK_COLORS[1]);
    expect(await page.locator(".cloud-legend").innerText()).toMatch(/1,200 points/);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".scene-frame-image");
      return img?.complete && img.naturalWidth === 96;
    });
    expect(await axe(page)).toEqual([]);
    await shoot(page, "scene-lidar");

    // The wheel zooms in about the pointer; a double click fits the cloud again.
    const before = await settledView();
    const box = (await canvas.boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await expect
      .poll(async () => Number((await canvas.getAttribute("data-view"))?.split(" ")[0]))
      .toBeGreaterThan(Number(before?.split(" ")[0]));
    const fit = page.getByRole("button", { name: "Fit" });
    expect(await fit.isEnabled()).toBe(true);
    const zoomed = Number((await canvas.getAttribute("data-view"))?.split(" ")[0]);
    await canvas.dblclick();
    await expect.poll(() => fit.isEnabled()).toBe(false);
    expect(Number((await canvas.getAttribute("data-view"))?.split(" ")[0])).toBeLessThan(zoomed);
    expect(errors).toEqual([]);
  });

  it("follows a track through the point clouds, dims other cuboids, and draws a large cloud's bounded share", {
    timeout: 60_000,
  }, async () => {
    await page.locator('.track-list button[data-track="car-7"]').click();
    await expect
      .poll(() =>
        page
          .locator(".strip-frame.in-track")
          .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-frame")))),
      )
      .toEqual([0, 1]);
    await expect.poll(() => cloudPixel(...truckSide)).toEqual(DIM);
    expect(await cloudPixel(...carSide(0))).toEqual(TRACK_COLORS[0]);
    await shoot(page, "scene-lidar-track");

    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.locator(".strip-frame[aria-current]").getAttribute("data-frame")).toBe("1");
    await expect.poll(() => cloudPixel(...carSide(1))).toEqual(TRACK_COLORS[0]);
    expect(await page.locator(".cloud-canvas").getAttribute("data-cuboids")).toBe("2");

    // 60,000 points in the file: the server sends 50,000, taken evenly, and all of them are drawn
    // (in the fitted view, which the next frame keeps).
    const fit = page.getByRole("button", { name: "Fit" });
    if (await fit.isEnabled()) await fit.click();
    await page.keyboard.press("ArrowRight");
    const canvas = page.locator(".cloud-canvas");
    await expect.poll(() => canvas.getAttribute("data-total")).toBe(String(DENSE));
    await expect.poll(() => canvas.getAttribute("data-points")).toBe(String(DRAWN));
    expect(await canvas.getAttribute("data-cuboids")).toBe("0");
    expect(await page.locator(".cloud-legend").innerText()).toMatch(/50,000 of 60,000 points/);
    await shoot(page, "scene-lidar-dense");
    expect(errors).toEqual([]);
  });

  it("shows a lidar scene by its camera images frame by frame, and says why its point clouds cannot be drawn", {
    timeout: 30_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}/scenes/drive`);
    await page.waitForSelector(".frame-strip .strip-frame");
    expect(await stripRefs()).toEqual(["drive-front-0", "drive-front-1"]);
    expect(await page.locator(".kv").first().innerText()).toMatch(/Kind\s+lidar/);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".scene-frame-image");
      return img?.complete && img.naturalWidth === 96;
    });
    // The clouds are in a bucket the server cannot read: the view says so instead of drawing.
    await expect
      .poll(() => page.locator(".cloud-message code").innerText())
      .toMatch(/\(s3:\/\/drives\/drive\/0\.json\) is not readable by this server/);
    expect(await page.locator(".cloud-canvas").getAttribute("data-points")).toBeNull();
    expect(await axe(page)).toEqual([]);
    await shoot(page, "scene-lidar-unreadable");
  });

  it("shows a video scene without image frames as its video location", { timeout: 30_000 }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}/scenes/dashcam`);
    await expect
      .poll(() => page.locator(".scene-frame .placeholder code").innerText())
      .toBe("s3://drives/dashcam.mp4");
    expect(await page.locator(".frame-strip .strip-frame").count()).toBe(0);
    await shoot(page, "scene-video");
  });
});
