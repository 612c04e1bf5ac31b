// biome-ignore-all lint/performance/useDomNodeTextContent: innerText here is playwright's Locator method, which reads what a user sees.
/**
 * Curation in the web app, in Chromium against the real server and a small generated dataset:
 * the query bar (colouring, suggestions, errors at their position, the query in the address bar
 * across a reload), facets that narrow the query, selecting items into a slice and tagging them,
 * reviews, the slices page, the objects view of a run's false positives and of a polygon (its
 * pixels read back), a run's metrics on a query, and categories (chips, facets, taxonomies).
 * Every write is read back through the API.
 */
/// <reference lib="dom" />
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axe, launchChromium, layerPixel, openSignedInPage, shoot, skipBrowser } from "./web-browser.js";
import { makeWebDataset, PUDDLE, type WebDataset } from "./web-data.js";

const KEY = "web-curation-key";
/** Small: the other web test covers scale; this one covers what a user does. */
const IMAGES = 60;

let server: RunningNucleusServer;
let client: NucleusClient;
let data: WebDataset;
let dir: string;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-web-curation-"));
  server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  origin = new URL(server.url).origin;
  client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
  data = await makeWebDataset(client, join(dir, "images"), IMAGES);
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipBrowser)("curation in the web app", () => {
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

  const queryInput = () => page.getByRole("combobox", { name: /Query/ });
  const suggestions = () => page.getByRole("listbox", { name: "Suggestions" }).getByRole("option");
  const query = () => new URL(page.url()).searchParams.get("q");
  const shownCount = async () =>
    Number((await page.locator(".panel-count strong").innerText()).replace(/,/g, ""));
  const firstRefs = (n: number) =>
    page
      .locator(".tile[data-item-id] .tile-ref")
      .evaluateAll((els, n) => els.slice(0, n).map((e) => e.textContent), n);

  it("types a query with suggestions; the grid, the count and the address follow, and a reload keeps them", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${data.datasetId}`);
    await page.waitForSelector(".tile[data-item-id]");
    await queryInput().click();
    await page.keyboard.type("metadata.we");
    await expect.poll(() => suggestions().first().innerText()).toContain("metadata.weather");
    await page.keyboard.press("Tab");
    await page.keyboard.type('= "f');
    // Values come with the vocabulary, read once the grid's first tiles have their labels.
    await expect
      .poll(() => suggestions().allInnerTexts(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('"foggy"')]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "query-suggestions");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await queryInput().inputValue()).toBe('metadata.weather = "foggy" ');
    // The text is coloured as the language reads it.
    expect(await page.locator(".qb-highlight .qt-field").first().innerText()).toBe("metadata.weather");
    expect(await page.locator(".qb-highlight .qt-string").innerText()).toBe('"foggy"');
    await page.keyboard.press("Enter");

    const expected = await client.getDataset(data.datasetId).countItems('metadata.weather = "foggy"');
    expect(expected).toBe(IMAGES / 3);
    await expect.poll(() => query()).toBe('metadata.weather = "foggy"');
    await expect.poll(shownCount).toBe(expected);
    await expect.poll(() => firstRefs(3)).toEqual(["img_00002", "img_00005", "img_00008"]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "query");

    await page.reload();
    await page.waitForSelector(".tile[data-item-id]");
    expect(await queryInput().inputValue()).toBe('metadata.weather = "foggy"');
    await expect.poll(shownCount).toBe(expected);
    expect(await firstRefs(1)).toEqual(["img_00002"]);
    // The item view steps through the query's items, and goes back to the same grid.
    await page.locator('.tile[data-index="0"]').click();
    await expect.poll(() => page.locator(".kv dd").first().innerText()).toBe("img_00002");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.locator(".kv dd").first().innerText()).toBe("img_00005");
    await page.keyboard.press("Escape");
    await page.waitForSelector(".tile[data-item-id]");
    expect(query()).toBe('metadata.weather = "foggy"');
  });

  it("marks a query's error where it is and keeps the grid as it was", { timeout: 30_000 }, async () => {
    await queryInput().fill("metadata.weather bad");
    await queryInput().press("Enter");
    await expect
      .poll(() => page.locator(".qb-error").innerText())
      .toMatch(/^at 18 bad: expected an operator/);
    expect(await page.locator(".qb-highlight .qt-error").innerText()).toBe("bad");
    expect(await queryInput().getAttribute("aria-invalid")).toBe("true");
    expect(query()).toBe('metadata.weather = "foggy"');
    // A comparison of a number with text is caught too, at the value.
    await queryInput().fill('metadata.brightness > "high"');
    await queryInput().press("Enter");
    await expect.poll(() => page.locator(".qb-error").innerText()).toMatch(/^at 23 "high"/);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "query-error");
  });

  it("narrows the query with a click on a facet, counted as the API counts", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${data.datasetId}`);
    await page.waitForSelector(".facets");
    await page
      .getByRole("button", { name: /^rainy: .* Narrow the query to metadata\.weather = "rainy"/ })
      .click();
    await expect.poll(() => query()).toBe('metadata.weather = "rainy"');
    await page
      .getByRole("button", { name: /^street: .* Narrow the query to annotations\.street > 0/ })
      .click();
    const both = 'metadata.weather = "rainy" AND annotations.street > 0';
    await expect.poll(() => query()).toBe(both);
    const expected = await client.getDataset(data.datasetId).countItems(both);
    expect(expected).toBeGreaterThan(0);
    await expect.poll(shownCount).toBe(expected);
    // The facets describe the narrowed items: every one of them is rainy.
    await expect
      .poll(() => page.getByRole("button", { name: /^rainy: / }).getAttribute("aria-label"))
      .toMatch(new RegExp(`^rainy: ${expected}\\.`));
    await page
      .getByRole("button", { name: /^0 to .* Narrow the query/ })
      .first()
      .click();
    await expect
      .poll(() => query())
      .toMatch(/^metadata\.weather = "rainy" AND annotations\.street > 0 AND metadata\.\w+ >= 0 AND/);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "facets");
    // The dark theme keeps the query's colours and the facets readable.
    await page.keyboard.press("t");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "facets-dark");
    await page.keyboard.press("t");
    expect(errors).toEqual([]);
  });

  it("selects by check box, shift-click and a dragged rectangle, and makes a slice of them", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${data.datasetId}`);
    await page.waitForSelector('.tile[data-index="7"][data-item-id]');
    await page.getByRole("button", { name: "Select img_00000" }).click();
    await page.locator('.tile[data-index="2"]').click({ modifiers: ["Shift"] });
    await expect.poll(() => page.locator(".selection-count").innerText()).toBe("3 items selected");
    // With something selected a plain click selects too, rather than opening the item.
    await page.locator('.tile[data-index="3"]').click();
    await expect.poll(() => page.locator(".selection-count").innerText()).toBe("4 items selected");
    expect(new URL(page.url()).pathname).toBe(`/datasets/${data.datasetId}`);

    // A rectangle from the middle of tile 6 to the middle of tile 7, holding shift to add.
    const centre = async (index: number) => {
      const box = await page.locator(`.tile[data-index="${index}"]`).boundingBox();
      return { x: (box?.x ?? 0) + (box?.width ?? 0) / 2, y: (box?.y ?? 0) + (box?.height ?? 0) / 2 };
    };
    const from = await centre(6);
    const to = await centre(7);
    await page.keyboard.down("Shift");
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 4, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    expect(await page.locator(".select-rect").count()).toBe(1);
    await page.mouse.up();
    await page.keyboard.up("Shift");
    await expect.poll(() => page.locator(".selection-count").innerText()).toBe("6 items selected");
    expect(new URL(page.url()).pathname).toBe(`/datasets/${data.datasetId}`);
    await shoot(page, "selection");

    await page.getByRole("button", { name: "Add to slice…" }).click();
    const dialog = page.getByRole("dialog", { name: "Add 6 items to a slice" });
    await dialog.getByLabel("Name").fill("picked by hand");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "slice-dialog");
    await dialog.getByRole("button", { name: "Create slice" }).click();
    await expect
      .poll(() => page.locator(".selection-notice, .form-dialog [role=alert]").first().innerText())
      .toContain("Added 6 items to “picked by hand”");

    const dataset = client.getDataset(data.datasetId);
    const slices = await Promise.all((await dataset.slices()).map((s) => s.info()));
    const made = slices.find((s) => s.name === "picked by hand");
    expect(made).toBeDefined();
    const refs = (
      await client
        .getSlice(made?.id ?? "")
        .items()
        .toArray({ limit: 100 })
    )
      .map((i) => i.referenceId)
      .sort();
    // Positions 4 and 5 are the two remote items: the rectangle took positions 6 and 7.
    expect(refs).toEqual(["img_00000", "img_00001", "img_00002", "img_00003", "img_00004", "img_00005"]);
    expect(errors).toEqual([]);
  });

  it("tags every item of a query and saves the query as a dynamic slice", { timeout: 60_000 }, async () => {
    const rainy = 'metadata.weather = "rainy"';
    await page.goto(`${origin}/datasets/${data.datasetId}?q=${encodeURIComponent(rainy)}`);
    await page.waitForSelector(".tile[data-item-id]");
    await page.locator(".grid-scroller").click({ position: { x: 2, y: 2 } });
    await page.keyboard.press("A");
    await expect
      .poll(() => page.locator(".selection-count").innerText())
      .toBe(`All ${IMAGES / 3} items of the query`);
    await page.getByRole("button", { name: "Tag…" }).click();
    await page.getByRole("dialog").getByLabel("Tag").fill("wet");
    await page.getByRole("dialog").getByRole("button", { name: "Add tag" }).click();
    await expect
      .poll(() => page.locator(".selection-notice").innerText())
      .toContain(`to ${IMAGES / 3} items`);
    const dataset = client.getDataset(data.datasetId);
    expect(await dataset.countItems('tags CONTAINS "wet"')).toBe(IMAGES / 3);
    expect(await dataset.countItems(`tags CONTAINS "wet" AND NOT ${rainy}`)).toBe(0);
    expect((await dataset.facets(rainy)).tags).toEqual([{ tag: "wet", count: IMAGES / 3 }]);
    // The facets know the tag now.
    await expect.poll(() => page.getByRole("button", { name: /^wet: 20\./ }).count()).toBe(1);

    await page.keyboard.press("A");
    await page.getByRole("button", { name: "Add to slice…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("rainy, always");
    await dialog.getByLabel(/the query, read again/).check();
    await dialog.getByRole("button", { name: "Create slice" }).click();
    await expect
      .poll(() => page.locator(".selection-notice").innerText())
      .toContain("dynamic slice “rainy, always”");
    const infos = await Promise.all((await dataset.slices()).map((s) => s.info()));
    const made = infos.find((s) => s.name === "rainy, always") as
      | { dynamic?: boolean; query?: string }
      | undefined;
    expect(made).toMatchObject({ dynamic: true, query: rainy });
    expect(errors).toEqual([]);
  });

  it("reviews an item with the keyboard, and a later API read sees each review", {
    timeout: 60_000,
  }, async () => {
    const dataset = client.getDataset(data.datasetId);
    const { item } = await dataset.refloc("img_00003");
    await page.goto(`${origin}/datasets/${data.datasetId}/items/${item.id}`);
    await expect.poll(() => page.locator(".review-status").innerText()).toBe("Not reviewed yet");
    await page.keyboard.press("r");
    await expect.poll(() => page.locator(".review-status .status").innerText()).toBe("rejected");
    const [rejected] = await dataset.reviews("img_00003");
    expect(rejected).toMatchObject({ status: "rejected", annotationId: null, referenceId: "img_00003" });
    expect(await dataset.countItems('review.status = "rejected"')).toBe(1);
    await page.keyboard.press("f");
    await expect.poll(() => page.locator(".review-status .status").innerText()).toBe("needs fix");
    await page.keyboard.press("a");
    await expect.poll(() => page.locator(".review-status .status").innerText()).toBe("accepted");
    const statuses = (await dataset.reviews("img_00003")).map((r) => r.status);
    expect(statuses.sort()).toEqual(["accepted", "needs_fix", "rejected"]);
    expect(await dataset.countItems('review.status = "accepted"')).toBe(1);
    expect(await dataset.countItems('review.status = "rejected"')).toBe(0);
    // Nucleus keeps an item's status in its metadata too; the panel shows it.
    await expect
      .poll(() => page.locator(".kv-row", { hasText: "review_status" }).innerText())
      .toContain("accepted");
    expect(await page.getByRole("button", { name: "Accept a" }).getAttribute("aria-pressed")).toBe("true");
    // One annotation on its own: the car is rejected, the item stays accepted.
    const car = page.getByRole("button", { name: /^Reject car / });
    const carId = ((await car.getAttribute("aria-label")) ?? "").replace(/^Reject car /, "");
    await car.click();
    await expect.poll(() => car.getAttribute("aria-pressed")).toBe("true");
    const reviews = await dataset.reviews("img_00003");
    expect(reviews.find((r) => r.annotationId === carId)).toMatchObject({ status: "rejected" });
    expect(await page.locator(".review-status .status").innerText()).toBe("accepted");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "review");
    expect(errors).toEqual([]);
  });

  it("lists static and dynamic slices with their sizes, and opens a run's metrics on one", {
    timeout: 60_000,
  }, async () => {
    const dataset = client.getDataset(data.datasetId);
    await page.goto(`${origin}/datasets/${data.datasetId}`);
    await page.getByRole("link", { name: /^Slices \(/ }).click();
    await page.waitForSelector("table.slices");
    const row = (name: string) => page.locator("table.slices tbody tr", { hasText: name });
    await expect
      .poll(() => row("rainy, always").innerText())
      .toMatch(new RegExp(`dynamic\\s+${IMAGES / 3}\\s+metadata\\.weather = "rainy"`));
    await expect
      .poll(() => row("picked by hand").innerText())
      .toMatch(/static\s+6\s+items chosen one by one/);
    await expect.poll(() => row("first hundred").innerText()).toMatch(new RegExp(`static\\s+${IMAGES}\\s`));
    expect(await axe(page)).toEqual([]);
    await shoot(page, "slices");

    const slices = await Promise.all((await dataset.slices()).map((s) => s.info()));
    const dynamic = slices.find((s) => s.name === "rainy, always");
    const run = await client.getModelRun(data.runA);
    const subset = await run.evaluation({ slice: dynamic?.id ?? "" });
    expect(subset.items).toBe(IMAGES / 3);
    await page.getByRole("link", { name: "Metrics of detector-a on rainy, always" }).click();
    await expect
      .poll(() => page.locator(".subset-note").innerText())
      .toContain(`${IMAGES / 3} items of the slice “rainy, always”`);
    const ap50 = page.locator(".metric", { hasText: "AP50" }).locator(".metric-value");
    expect(await ap50.innerText()).toBe(((subset.charts.mapSummary.mapAt50 ?? Number.NaN) * 100).toFixed(1));
    expect(await page.locator(".card", { hasText: "AP per class" }).locator("thead").innerText()).toContain(
      "AP@0.50",
    );

    // A cell of the subset's confusion matrix opens the subset's examples only.
    const signed = await dataset.countItems(
      `slice.${JSON.stringify(dynamic?.id)} = true AND predictions.sign > 0`,
      {
        modelRun: data.runA,
      },
    );
    expect(signed).toBe(IMAGES / 6);
    await page.locator('table.matrix button[aria-label*="with ground truth none predicted as sign"]').click();
    await expect
      .poll(() => page.locator(".examples-page").innerText())
      .toContain(`${signed} items of the subset`);
    await page.goBack();
    await page.waitForSelector(".subset-note");

    // The same for a query typed on the run page.
    const sunny = "annotations.street > 0";
    const bySunny = await run.evaluation({ query: sunny });
    const both = await run.evaluation({ query: `slice.${JSON.stringify(dynamic?.id)} = true AND ${sunny}` });
    await page.getByRole("combobox", { name: /Query/ }).fill(sunny);
    await page.getByRole("combobox", { name: /Query/ }).press("Enter");
    await expect.poll(() => new URL(page.url()).searchParams.get("q")).toBe(sunny);
    await expect
      .poll(() => page.locator(".subset-note").innerText())
      .toContain(`${both.items} items of the slice “rainy, always” that match the query`);
    await page.locator(".run-actions select").first().selectOption("");
    await expect
      .poll(() => page.locator(".subset-note").innerText())
      .toContain(`${bySunny.items} items matching the query`);
    expect(await ap50.innerText()).toBe(((bySunny.charts.mapSummary.mapAt50 ?? Number.NaN) * 100).toFixed(1));
    expect(await axe(page)).toEqual([]);
    await shoot(page, "run-subset");
    expect(errors).toEqual([]);
  });

  it("shows a run's false positives as crops; an object query narrows them; sorting reorders", {
    timeout: 60_000,
  }, async () => {
    const dataset = client.getDataset(data.datasetId);
    const all = await dataset
      .queryObjects("", { patchMode: "false_positive", modelRun: data.runA })
      .toArray({ limit: 10_000 });
    expect(all.length).toBeGreaterThan(0);
    await page.goto(`${origin}/datasets/${data.datasetId}/objects?mode=false_positive&run=${data.runA}`);
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(all.length));
    const signs = 'pred_label = "sign" AND iou < 0.1';
    const narrowed = await dataset
      .queryObjects(signs, { patchMode: "false_positive", modelRun: data.runA })
      .toArray({ limit: 10_000 });
    expect(narrowed.length).toBe(IMAGES / 2);
    await page.getByRole("combobox", { name: /Query/ }).fill(signs);
    await page.getByRole("combobox", { name: /Query/ }).press("Enter");
    await expect
      .poll(() => page.locator(".crops-scroller").getAttribute("data-count"))
      .toBe(String(narrowed.length));
    expect(new URL(page.url()).searchParams.get("q")).toBe(signs);
    const first = page.locator(".crop").first();
    expect(await first.getAttribute("data-match")).toBe("FP");
    expect(await first.getAttribute("aria-label")).toMatch(/^FP sign on img_\d+, conf 0\.70, IoU 0\.00$/);
    // The box is drawn in the false-positive colour, over an image that loaded.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".crop .crop-image");
      return Boolean(img?.complete && img.naturalWidth > 0);
    });
    expect(await first.locator(".crop-box").evaluate((el) => getComputedStyle(el).borderTopColor)).toBe(
      "rgb(239, 68, 68)",
    );
    expect(await axe(page)).toEqual([]);
    await shoot(page, "objects");

    // Every ground-truth person, largest first.
    await page.getByRole("combobox", { name: /Query/ }).fill('label = "person"');
    await page.getByRole("combobox", { name: /Query/ }).press("Enter");
    await page.getByLabel("Show").selectOption("ground_truth");
    await expect.poll(() => page.locator(".crops-scroller").getAttribute("data-count")).toBe(String(IMAGES));
    const areas = await page
      .locator(".crop .crop-box")
      .evaluateAll((els) =>
        els.slice(0, 6).map((el) => el.getBoundingClientRect().width * el.getBoundingClientRect().height),
      );
    expect(areas.length).toBeGreaterThan(1);
    await first.click();
    await page.waitForSelector(".viewer-stage");
    expect(errors).toEqual([]);
  });

  it("draws a polygon over its crop: its edge in colour, its inside tinted, outside it clear", {
    timeout: 60_000,
  }, async () => {
    const puddles = 'label = "puddle"';
    const objects = await client.getDataset(data.datasetId).queryObjects(puddles).toArray({ limit: 10 });
    expect(objects.map((o) => o.type)).toEqual(["polygon"]);
    await page.goto(`${origin}/datasets/${data.datasetId}/objects?q=${encodeURIComponent(puddles)}`);
    await page.getByLabel("Show").selectOption("ground_truth");
    await expect.poll(() => page.locator(".crops-scroller").getAttribute("data-count")).toBe("1");
    const shape = '.crop svg.crop-shape[data-kind="polygon"]';
    await page.waitForSelector(shape);
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".crop .crop-image");
      return Boolean(img?.complete && img.naturalWidth > 0);
    });
    // The triangle's box in the crop's pixels: its top edge is the polygon's first side.
    const box = await page.locator(`${shape} path`).evaluate((path) => {
      const b = (path as SVGGraphicsElement).getBBox();
      return { x: b.x, y: b.y, width: b.width, height: b.height };
    });
    const [, , apex] = PUDDLE.vertices;
    expect(box.width / box.height).toBeCloseTo(30 / 25, 1);
    const edge = await layerPixel(page, shape, box.x + box.width / 2, box.y);
    const inside = await layerPixel(page, shape, box.x + box.width / 2, box.y + box.height / 2);
    const outside = await layerPixel(page, shape, box.x + 2, box.y + box.height - 2);
    expect(edge[3]).toBeGreaterThan(200);
    expect(inside[3]).toBeGreaterThan(10);
    expect(inside[3]).toBeLessThan(120);
    expect(outside[3]).toBe(0);
    expect(apex).toEqual([35, 65]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "objects-polygon");
    expect(errors).toEqual([]);
  });

  it("shows categories as chips on tiles and in the item view, filters by them, and lists the taxonomies", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${data.datasetId}`);
    // Item 0: the scene "street" and the conditions "wet" and "busy".
    const chips = (selector: string) =>
      page.locator(`${selector} .chip[data-category]`).evaluateAll((els) => els.map((e) => e.textContent));
    await expect.poll(() => chips('.tile[data-index="0"]')).toEqual(["street", "wet", "busy"]);
    // The dataset's taxonomies, with their kinds and labels.
    const scene = page.locator('.taxonomies li[data-taxonomy="scene"]');
    await expect.poll(() => scene.innerText()).toMatch(/scene\s+category · 2 labels\s+street\s+park/);
    const conditions = page.locator('.taxonomies li[data-taxonomy="conditions"]');
    await expect
      .poll(() => conditions.innerText())
      .toMatch(/conditions\s+multi-category · 3 labels\s+wet\s+night\s+busy/);
    // The facets count each category apart, and a click narrows the grid to it.
    const wet = page.getByRole("region", { name: "conditions (multi-category)" }).getByRole("button", {
      name: /^wet: /,
    });
    const wetItems = await client.getDataset(data.datasetId).countItems("annotations.wet > 0");
    expect(wetItems).toBe(Math.ceil(IMAGES / 16));
    await expect.poll(() => wet.getAttribute("aria-label")).toMatch(new RegExp(`^wet: ${wetItems}\\.`));
    await wet.click();
    await expect.poll(() => query()).toBe("annotations.wet > 0");
    await expect.poll(shownCount).toBe(wetItems);
    await expect.poll(() => firstRefs(2)).toEqual(["img_00000", "img_00016"]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "categories");
    // The item view shows them too.
    await page.locator('.tile[data-index="0"]').click();
    await expect.poll(() => chips(".item-categories")).toEqual(["street", "wet", "busy"]);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
