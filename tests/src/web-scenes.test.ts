// biome-ignore-all lint/performance/useDomNodeTextContent: innerText here is playwright's Locator method, which reads what a user sees.
/**
 * Scenes in the web app, in Chromium against the real server: the dataset's scenes listed (and
 * narrowed by a scene query), a video scene's frames as a strip in order, the selected frame large
 * with its labels drawn (pixels read back from the canvas), and tracks: one colour per track in
 * every frame, a track list whose choice marks the frames it appears in and dims the other labels.
 */
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Dataset, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axe, launchChromium, layerPixel, shoot, skipBrowser } from "./web-browser.js";
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
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(server.createLoginUrl());
    await page.waitForSelector("table.datasets", { timeout: 30_000 });
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

  it("shows a lidar scene by its camera images, frame by frame", { timeout: 30_000 }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}/scenes/drive`);
    await page.waitForSelector(".frame-strip .strip-frame");
    expect(await stripRefs()).toEqual(["drive-front-0", "drive-front-1"]);
    expect(await page.locator(".kv").first().innerText()).toMatch(/Kind\s+lidar/);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".scene-frame-image");
      return img?.complete && img.naturalWidth === 96;
    });
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
