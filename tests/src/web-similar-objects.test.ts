/**
 * "More like this" for objects in the web app, in Chromium against the real server: boxes (and a
 * polygon) whose `embedding_vector`s lie in two planted clusters, "car" and "person". From a crop
 * of the objects view, the nearest objects show as crops in the server's order with their
 * distances, the example's cluster first; the way back is the list it came from. A selection of
 * two crops searches near both, each object at its distance to the nearer example. In the
 * predictions mode the search stays among the run's predictions; an object without a vector
 * offers no action, and its address says why instead of failing.
 */
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { box, type Dataset, NucleusClient, polygon, type SimilarObject } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axe, launchChromium, openSignedInPage, shoot, skipBrowser } from "./web-browser.js";
import { png } from "./web-data.js";

const KEY = "web-similar-objects-key";
const ITEMS = 16;
const DIM = 8;
const CLUSTERS = ["car", "person"] as const;
/** The item whose car is drawn as a polygon. */
const POLYGON_ITEM = 6;

const ref = (i: number) => `img_${String(i).padStart(2, "0")}`;
const clusterOf = (i: number) => i % CLUSTERS.length;

/** A deterministic generator in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** One vector per item: its cluster's axis plus noise, well apart from the other cluster. */
function vectors(seed: number): number[][] {
  const next = noise(seed);
  return Array.from({ length: ITEMS }, (_, i) =>
    Array.from({ length: DIM }, (_, d) => (d === clusterOf(i) ? 1 : 0) + 0.2 * next()),
  );
}

/** Item i's box: item 0's the largest, so the view (largest first) lists it first. */
const boxOf = (i: number) => ({
  x: 6 + (i % 4) * 3,
  y: 6 + (i % 3) * 2,
  width: 48 - i,
  height: 36 - Math.floor(i / 2),
});

let server: RunningNucleusServer;
let client: NucleusClient;
let dataset: Dataset;
let dir: string;
let origin: string;
let runId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-web-similar-objects-"));
  server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  origin = new URL(server.url).origin;
  client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
  dataset = await client.createDataset("web: similar objects");
  const folder = join(dir, "images");
  mkdirSync(folder);
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const file = join(folder, `${ref(i)}.png`);
    // Cars on light frames, people on dark ones, so the two clusters look apart in the crops.
    const level = clusterOf(i) === 0 ? 190 : 70;
    writeFileSync(
      file,
      png(96, 72, (x, y) => level + ((x * 3 + y * (i + 2)) % 29)),
    );
    return { imageUrl: file, referenceId: ref(i), width: 96, height: 72 };
  });
  await dataset.append(items);
  const truth = vectors(7);
  await dataset.annotate([
    ...items.map((item, i) => {
      const b = boxOf(i);
      const common = {
        referenceId: item.referenceId,
        annotationId: `gt-${i}`,
        label: CLUSTERS[clusterOf(i)] as string,
        embeddingVector: truth[i] as number[],
      };
      return i === POLYGON_ITEM
        ? polygon({
            ...common,
            vertices: [
              [b.x, b.y + b.height],
              [b.x + b.width, b.y + b.height],
              [b.x + b.width / 2, b.y],
            ],
          })
        : box({ ...common, ...b });
    }),
    // Two signs without vectors: nothing to search near.
    ...[0, 1].map((i) =>
      box({
        referenceId: ref(i),
        annotationId: `sign-${i}`,
        label: "sign",
        x: 74,
        y: 52,
        width: 12,
        height: 10,
      }),
    ),
  ]);
  const predicted = vectors(11);
  const model = await client.addModel({ name: "detector", referenceId: "web-similar-objects-detector" });
  const run = await model.createRun({
    name: "detector",
    dataset,
    predictions: items.map((item, i) =>
      box({
        referenceId: item.referenceId,
        annotationId: `pred-${i}`,
        label: CLUSTERS[clusterOf(i)] as string,
        ...boxOf(i),
        confidence: 0.5 + i / 40,
        embeddingVector: predicted[i] as number[],
      }),
    ),
  });
  runId = run.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipBrowser)("more like this for objects in the web app", () => {
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  /** Server ids of the ground truth, by annotation id. */
  const ids = new Map<string, string>();

  beforeAll(async () => {
    for (const o of await dataset.queryObjects("").toArray({ limit: 100 })) {
      const record = o as unknown as { id: string; annotation_id: string };
      ids.set(record.annotation_id, record.id);
    }
    browser = await launchChromium();
    ({ page, errors } = await openSignedInPage(browser, server.createLoginUrl(), 20_000));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const idOf = (annotationId: string) => {
    const id = ids.get(annotationId);
    if (!id) throw new Error(`no object ${annotationId}`);
    return id;
  };
  const shownIds = () =>
    page
      .locator(".crops-scroller .crop")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-object-id") as string));
  const shownDistances = () =>
    page.locator(".crops-scroller .crop-distance").evaluateAll((els) => els.map((e) => e.textContent));
  const objectsUrl = (query = "") => `${origin}/datasets/${dataset.id}/objects${query}`;
  /** Waits for a picture in every crop in view. */
  const imagesLoaded = () =>
    page.waitForFunction(() => {
      const images = Array.from(document.querySelectorAll<HTMLImageElement>(".crop .crop-image"));
      return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
    });

  it("lists the nearest ground-truth objects of a crop, nearest first with their distances, and goes back", {
    timeout: 60_000,
  }, async () => {
    await page.goto(objectsUrl());
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(ITEMS + 2));
    const example = idOf("gt-0");
    // The largest object comes first; pointing at it shows its action.
    const first = page.locator(".crop-cell").first();
    expect(await first.locator(".crop").getAttribute("data-object-id")).toBe(example);
    await first.hover();
    const more = page.getByRole("link", { name: `More like car on ${ref(0)}` });
    await expect.poll(() => more.evaluate((e) => getComputedStyle(e).opacity)).toBe("1");
    await imagesLoaded();
    await shoot(page, "objects-more-like-this");

    await more.click();
    await page.waitForSelector(`.crops-scroller[data-like="${example}"]`);
    expect(new URL(page.url()).searchParams.get("like")).toBe(example);
    const answer: SimilarObject[] = await dataset.similarObjects({
      objectId: example,
      k: 48,
      source: "annotation",
    });
    // Every other object with a vector: the signs have none, the example is left out.
    expect(answer).toHaveLength(ITEMS - 1);
    await expect.poll(shownIds).toEqual(answer.map((o) => o.objectId));
    expect(await shownDistances()).toEqual(answer.map((o) => o.distance.toFixed(3)));
    const distances = answer.map((o) => o.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    // The planted structure: the other cars first (the polygon among them), then the people.
    const cars = Array.from({ length: ITEMS }, (_, i) => i).filter((i) => i > 0 && clusterOf(i) === 0);
    const nearest = (await shownIds()).slice(0, cars.length);
    expect([...nearest].sort()).toEqual(cars.map((i) => idOf(`gt-${i}`)).sort());
    expect(await page.locator('.crops-scroller .crop svg.crop-shape[data-kind="polygon"]').count()).toBe(1);
    // The example, beside the results.
    expect(await page.locator(".like-example .crop").getAttribute("data-object-id")).toBe(example);
    expect(await page.locator(".panel-count").textContent()).toBe(`${ITEMS - 1} nearest objects`);
    // The pointer off the crops, so that none shows its action.
    await page.mouse.move(100, 700);
    await imagesLoaded();
    expect(await axe(page)).toEqual([]);
    await shoot(page, "similar-objects");
    // The same in the dark theme (the shortcut is not for a focused field).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("t");
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "similar-objects-dark");
    await page.keyboard.press("t");
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).not.toBe("dark");

    await page.getByRole("link", { name: "Back to all objects" }).click();
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(ITEMS + 2));
    expect(new URL(page.url()).searchParams.has("like")).toBe(false);
    expect(await page.locator(".crops-scroller").getAttribute("data-like")).toBeNull();
    // The browser's own back and forward move between the two as well.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get("like")).toBe(example);
    await expect.poll(shownIds).toEqual(answer.map((o) => o.objectId));
    expect(errors).toEqual([]);
  });

  it("searches from a selection of two crops, each object at its distance to the nearer example", {
    timeout: 60_000,
  }, async () => {
    await page.goto(objectsUrl());
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(ITEMS + 2));
    const pick = [idOf("gt-0"), idOf("gt-1")];
    await page.getByRole("button", { name: `Select car on ${ref(0)}` }).click();
    await page.getByRole("button", { name: `Select person on ${ref(1)}` }).click();
    await expect.poll(() => page.locator(".selection-count").textContent()).toBe("2 objects selected");
    // Escape clears the selection; pick the two again.
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator(".selection-count").count()).toBe(0);
    await page.getByRole("button", { name: `Select car on ${ref(0)}` }).click();
    await page.getByRole("button", { name: `Select person on ${ref(1)}` }).click();
    await expect.poll(() => page.locator(".selection-count").textContent()).toBe("2 objects selected");
    expect(
      await page.getByRole("button", { name: `Select car on ${ref(0)}` }).getAttribute("aria-pressed"),
    ).toBe("true");
    // Objects without a vector cannot be picked.
    expect(await page.getByRole("button", { name: `Select sign on ${ref(0)}` }).count()).toBe(0);
    await imagesLoaded();
    await shoot(page, "objects-selection");
    await page
      .getByRole("toolbar", { name: "Selection" })
      .getByRole("link", { name: "More like these" })
      .click();
    await page.waitForSelector(`.crops-scroller[data-like="${pick.join(" ")}"]`);
    expect(new URL(page.url()).searchParams.getAll("like")).toEqual(pick);
    const best = new Map<string, number>();
    for (const objectId of pick)
      for (const hit of await dataset.similarObjects({ objectId, k: 48 + pick.length, source: "annotation" }))
        if (!pick.includes(hit.objectId))
          best.set(hit.objectId, Math.min(best.get(hit.objectId) ?? 9, hit.distance));
    const expected = [...best]
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 48)
      .map(([id]) => id);
    // Every other object with a vector, the two examples left out.
    expect(expected).toHaveLength(ITEMS - 2);
    await expect.poll(shownIds).toEqual(expected);
    const shown = (await shownDistances()).map(Number);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // Each object is near its own cluster's example: both clusters come early.
    const labels = await page
      .locator(".crops-scroller .crop .crop-label")
      .evaluateAll((els) => els.slice(0, 4).map((e) => e.textContent?.trim()));
    expect(new Set(labels)).toEqual(new Set(["car", "person"]));
    expect(
      await page
        .locator(".like-examples li")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-object-id"))),
    ).toEqual(pick);
    await page.mouse.move(100, 700);
    await imagesLoaded();
    expect(await axe(page)).toEqual([]);
    await shoot(page, "similar-objects-selection");
    expect(errors).toEqual([]);
  });

  it("searches among the run's predictions in the predictions mode, and again from a result", {
    timeout: 60_000,
  }, async () => {
    await page.goto(objectsUrl(`?mode=predictions_only&run=${runId}`));
    await expect.poll(() => page.locator(".crops-scroller").getAttribute("data-count")).toBe(String(ITEMS));
    const [top] = await page
      .locator(".crops-scroller .crop")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-object-id") as string));
    if (!top) throw new Error("no crop");
    await page.locator(".crop-cell").first().hover();
    await page
      .locator(".crop-cell")
      .first()
      .getByRole("link", { name: /^More like / })
      .click();
    await page.waitForSelector(`.crops-scroller[data-like="${top}"]`);
    const url = new URL(page.url());
    expect(url.searchParams.get("mode")).toBe("predictions_only");
    expect(url.searchParams.get("run")).toBe(runId);
    const answer = await dataset.similarObjects({ objectId: top, k: 48, modelRun: runId });
    expect(answer).toHaveLength(ITEMS - 1);
    expect(answer.every((o) => o.source === "prediction" && o.modelRunId === runId)).toBe(true);
    await expect.poll(shownIds).toEqual(answer.map((o) => o.objectId));
    const truth = new Set(ids.values());
    expect((await shownIds()).some((id) => truth.has(id))).toBe(false);
    expect(await page.locator(".panel-section").first().textContent()).toContain(
      "the predictions of detector",
    );

    // A result is an example in turn.
    const next = answer[0] as SimilarObject;
    await page.locator(".crop-cell").first().hover();
    await page.getByRole("link", { name: `More like ${next.label} on ${next.referenceId}` }).click();
    await page.waitForSelector(`.crops-scroller[data-like="${next.objectId}"]`);
    const again = await dataset.similarObjects({ objectId: next.objectId, k: 48, modelRun: runId });
    await expect.poll(shownIds).toEqual(again.map((o) => o.objectId));
    expect(errors).toEqual([]);
  });

  it("offers nothing on an object without a vector, and its address says why", {
    timeout: 60_000,
  }, async () => {
    await page.goto(objectsUrl());
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(ITEMS + 2));
    const sign = idOf("sign-0");
    expect(await page.locator(`.crop[data-object-id="${sign}"]`).count()).toBe(1);
    expect(await page.locator(`.crop-cell .crop[data-object-id="${sign}"]`).count()).toBe(0);
    expect(await page.getByRole("link", { name: `More like sign on ${ref(0)}` }).count()).toBe(0);
    expect(await page.locator(".crop-more").count()).toBe(await page.locator(".crop-cell .crop").count());

    await page.goto(objectsUrl(`?like=${sign}`));
    await page.waitForSelector(".state-empty");
    expect(await page.locator(".state-empty strong").textContent()).toBe("No objects like this one to show");
    expect(await page.locator(".state-empty").textContent()).toContain("with an embedding_vector");
    expect(await page.locator(".state-error").count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "similar-objects-no-vector");
    await page.locator(".state-empty").getByRole("link", { name: "Back to all objects" }).click();
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(ITEMS + 2));
    expect(errors).toEqual([]);
  });
});
