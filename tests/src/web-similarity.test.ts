// biome-ignore-all lint/performance/useDomNodeTextContent: innerText here is playwright's Locator method, which reads what a user sees.
/**
 * Embeddings in the web app, in Chromium against the real server and a dataset whose vectors lie
 * in three planted clusters (with two planted near-duplicate pairs): "more like this" from the item
 * view and from a grid selection, in the server's order; an autotag created from the examples,
 * refined in a round that changes its scores, and sliced above a threshold; near-duplicate groups
 * and their deduplicated slice; the embedding map coloured by label, and a box selection on it
 * that becomes the grid's query.
 */
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Dataset, type MapPoint, NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axe, launchChromium, layerPixel, openSignedInPage, shoot, skipBrowser } from "./web-browser.js";
import { png } from "./web-data.js";

const KEY = "web-similarity-key";
const PER_CLUSTER = 20;
const CLUSTERS = ["car", "person", "sign"] as const;
const COUNT = PER_CLUSTER * CLUSTERS.length;
const DIM = 8;
/** Twins (in one cluster): each the first item's vector moved a hair. */
const TWINS = [
  [0, 3],
  [1, 4],
] as const;

const ref = (i: number) => `img_${String(i).padStart(5, "0")}`;
/** Clusters interleave, so the grid's first rows hold all three. */
const clusterOf = (i: number) => i % CLUSTERS.length;

/** A deterministic generator in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function vectors(): number[][] {
  const next = noise(7);
  const out = Array.from({ length: COUNT }, (_, i) =>
    Array.from({ length: DIM }, (_, d) => (d === clusterOf(i) ? 1 : 0) + 0.25 * next()),
  );
  for (const [a, b] of TWINS) out[b] = (out[a] as number[]).map((v) => v + 0.001 * next());
  return out;
}

let server: RunningNucleusServer;
let client: NucleusClient;
let dataset: Dataset;
let dir: string;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-web-similarity-"));
  server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  origin = new URL(server.url).origin;
  client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
  dataset = await client.createDataset("web: embeddings");
  const folder = join(dir, "images");
  mkdirSync(folder);
  const items = Array.from({ length: COUNT }, (_, i) => {
    const file = join(folder, `${ref(i)}.png`);
    const level = [200, 120, 50][clusterOf(i)] as number;
    writeFileSync(
      file,
      png(64, 48, (x, y) => level + ((x * (i + 1) + y) % 17)),
    );
    return {
      imageUrl: file,
      referenceId: ref(i),
      width: 64,
      height: 48,
      metadata: { cluster: CLUSTERS[clusterOf(i)] as string, index: i },
    };
  });
  await dataset.append(items);
  await dataset.annotate(
    items.map((item, i) => ({
      type: "box" as const,
      label: CLUSTERS[clusterOf(i)] as string,
      referenceId: item.referenceId,
      geometry: { x: 8, y: 8, width: 30, height: 20 },
    })),
  );
  const vs = vectors();
  await dataset.uploadEmbeddings(
    items.map((item, i) => ({ referenceId: item.referenceId, vector: vs[i] as number[] })),
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipBrowser)("similarity in the web app", () => {
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    ({ page, errors } = await openSignedInPage(browser, server.createLoginUrl(), 20_000));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const refsIn = (list: string) =>
    page
      .locator(`${list} > li.result-tile`)
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-reference-id") as string));
  const figuresIn = (list: string) =>
    page
      .locator(`${list} > li.result-tile .result-figure`)
      .evaluateAll((els) => els.map((e) => Number(e.textContent)));
  /** The id of the slice the notice links to. */
  const noticeSlice = async () => {
    const href = await page.locator(".notice-line a").getAttribute("href");
    return new URL(href ?? "", origin).searchParams.get("slice") ?? "";
  };
  const NEAREST = 'ol[aria-label="Nearest items"]';
  const SCORED = 'ol[aria-label="Scored items"]';

  it("opens “more like this” from the item view: the nearest items in the server's order", {
    timeout: 60_000,
  }, async () => {
    const example = ref(5);
    const item = await dataset.refloc(example);
    await page.goto(`${origin}/datasets/${dataset.id}/items/${item.item.id}`);
    await page.getByRole("link", { name: "More like this" }).click();
    await page.waitForSelector(`${NEAREST} > li.result-tile`);
    const answer = await dataset.similar({ referenceId: example, k: 49 });
    const expected = answer.filter((r) => r.referenceId !== example).slice(0, 48);
    await expect.poll(() => refsIn(NEAREST)).toEqual(expected.map((r) => r.referenceId));
    expect(await figuresIn(NEAREST)).toEqual(expected.map((r) => Number(r.distance.toFixed(3))));
    // Its own cluster first: the planted structure shows through.
    const first = (await refsIn(NEAREST)).slice(0, PER_CLUSTER - 1);
    expect(first.every((r) => clusterOf(Number(r.slice(4))) === clusterOf(5))).toBe(true);
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    expect(await axe(page)).toEqual([]);
    await shoot(page, "similar");
  });

  it("searches from a grid selection of two items, merged by each item's nearest example", {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}`);
    await page.waitForSelector(".tile[data-item-id]");
    const pick = [ref(2), ref(6)];
    for (const r of pick) await page.getByRole("button", { name: `Select ${r}` }).click();
    await expect.poll(() => page.locator(".selection-count").innerText()).toBe("2 items selected");
    await page.getByRole("link", { name: "More like these" }).click();
    await page.waitForSelector(`${NEAREST} > li.result-tile`);
    expect(new URL(page.url()).searchParams.getAll("id").sort()).toEqual(pick);
    const best = new Map<string, number>();
    for (const r of pick)
      for (const hit of await dataset.similar({ referenceId: r, k: 50 }))
        if (!pick.includes(hit.referenceId))
          best.set(hit.referenceId, Math.min(best.get(hit.referenceId) ?? 9, hit.distance));
    const expected = [...best]
      .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
      .slice(0, 48)
      .map(([r]) => r);
    await expect.poll(() => refsIn(NEAREST)).toEqual(expected);
    const shown = await figuresIn(NEAREST);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // Both examples' clusters are among the nearest.
    const clusters = new Set(expected.slice(0, 10).map((r) => clusterOf(Number(r.slice(4)))));
    expect(clusters).toEqual(new Set([clusterOf(2), clusterOf(6)]));
    await shoot(page, "similar-selection");
  });

  it("creates an autotag from the examples, refines it in a round that changes its scores, and slices it", {
    timeout: 90_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}/similar?id=${ref(6)}&id=${ref(9)}`);
    await page.getByLabel("Name").fill("bright");
    await page.getByRole("button", { name: "Create autotag" }).click();
    await page.waitForSelector(`${SCORED} > li.result-tile`, { timeout: 30_000 });
    const [tag] = (await dataset.autotagDetails()).filter((t) => t.name === "bright");
    if (!tag) throw new Error("no autotag");
    expect(page.url()).toContain(`/autotags/${tag.id}`);
    const before = await dataset.autotagItems(tag).toArray({ limit: 48 });
    await expect.poll(() => refsIn(SCORED)).toEqual(before.map((s) => s.referenceId));
    expect(await figuresIn(SCORED)).toEqual(before.map((s) => Number(s.score.toFixed(3))));
    expect(await page.locator('[data-field="rounds"]').innerText()).toBe("0");
    await shoot(page, "autotag");

    // Accept two bright items the classifier placed lower, reject two it placed high.
    const shown = before.map((s) => s.referenceId);
    const accept = shown.filter((r) => clusterOf(Number(r.slice(4))) === 0).slice(-2);
    const reject = shown.filter((r) => clusterOf(Number(r.slice(4))) !== 0).slice(0, 2);
    expect(accept).toHaveLength(2);
    expect(reject).toHaveLength(2);
    for (const r of accept) await page.getByRole("button", { name: `Accept ${r}` }).click();
    for (const r of reject) await page.getByRole("button", { name: `Reject ${r}` }).click();
    expect(await page.getByRole("button", { name: `Accept ${accept[0]}` }).getAttribute("aria-pressed")).toBe(
      "true",
    );
    await shoot(page, "autotag-judged");
    await page.getByRole("button", { name: /Refine with 2 accepted, 2 rejected/ }).click();
    await expect.poll(() => page.locator('[data-field="rounds"]').innerText(), { timeout: 30_000 }).toBe("1");
    const after = await dataset.autotagItems(tag).toArray({ limit: 48 });
    await expect.poll(() => refsIn(SCORED)).toEqual(after.map((s) => s.referenceId));
    expect(await figuresIn(SCORED)).toEqual(after.map((s) => Number(s.score.toFixed(3))));
    const scoreOf = (list: typeof before, r: string) => list.find((s) => s.referenceId === r)?.score ?? -2;
    // The round moved the judged items: accepted ones up, rejected ones down.
    for (const r of accept) expect(scoreOf(after, r)).toBeGreaterThan(scoreOf(before, r));
    for (const r of reject) expect(scoreOf(after, r)).toBeLessThan(scoreOf(before, r));
    expect(await page.locator('[data-field="positives"]').innerText()).toBe("4");

    await page.getByLabel("Score at least").fill("0.5");
    const above = await dataset.countItems("autotag.bright >= 0.5");
    await expect.poll(() => page.locator(".embed-form p[aria-live]").innerText()).toBe(`${above} items`);
    await page.getByLabel("Slice name").fill("bright items");
    await page.getByRole("button", { name: "Make slice" }).click();
    await expect
      .poll(() => page.locator(".notice-line").innerText())
      .toContain(`Made a slice of ${above} items`);
    const brightSlice = await noticeSlice();
    expect(await dataset.countItems(`slice.${JSON.stringify(brightSlice)} = true`)).toBe(above);
    await shoot(page, "autotag-refined");
  });

  it("finds near-duplicate groups and makes a deduplicated slice", { timeout: 60_000 }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}`);
    await page.getByRole("link", { name: "Near-duplicates" }).click();
    await page.getByLabel("Cosine distance at most").fill("0.001");
    await page.getByRole("button", { name: "Find groups" }).click();
    await page.waitForSelector(".dup-group, .embed-form .qb-error", { timeout: 60_000 });
    expect(await page.locator(".embed-form .qb-error").count()).toBe(0);
    const groups = await page
      .locator(".dup-group")
      .evaluateAll((els) =>
        els.map((g) =>
          Array.from(g.querySelectorAll("li.result-tile")).map((t) => t.getAttribute("data-reference-id")),
        ),
      );
    const answer = await dataset.nearDuplicates({ threshold: 0.001 });
    expect(groups).toEqual(answer.groups.map((g) => g.items.map((i) => i.referenceId)));
    expect(groups.map((g) => [...g].sort())).toEqual(TWINS.map(([a, b]) => [ref(a), ref(b)]));
    expect(await page.locator(".dup-group li.result-selected .result-figure").allInnerTexts()).toEqual([
      "kept",
      "kept",
    ]);
    expect(await axe(page)).toEqual([]);
    await shoot(page, "near-duplicates");
    await page.getByLabel("Slice name").fill("deduplicated");
    await page.getByRole("button", { name: "Make slice" }).click();
    await expect
      .poll(() => page.locator(".notice-line").innerText())
      .toContain(`of ${COUNT - TWINS.length} items`);
    const slice = { id: await noticeSlice() };
    expect(await dataset.countItems(`slice.${JSON.stringify(slice.id)} = true`)).toBe(COUNT - TWINS.length);
    // One of each pair stays.
    for (const group of groups)
      expect(
        await dataset.countItems(
          `slice.${JSON.stringify(slice.id)} = true AND item.reference_id IN [${group.map((r) => JSON.stringify(r)).join(", ")}]`,
        ),
      ).toBe(1);
  });

  it("draws the embedding map coloured by label; a box selection fills the grid below and becomes the grid's query", {
    timeout: 90_000,
  }, async () => {
    await page.goto(`${origin}/datasets/${dataset.id}`);
    await page.getByRole("link", { name: "Embedding map" }).click();
    await page.waitForSelector(`.scatter canvas[data-points="${COUNT}"]`, { timeout: 30_000 });
    await expect
      .poll(() => page.locator(".map-legend li").allInnerTexts())
      .toEqual(
        ["car\n20", "person\n20", "sign\n20"].map((t) => expect.stringMatching(t.replace("\n", "\\s+"))),
      );
    const points: MapPoint[] = [];
    for await (const p of dataset.embeddingMapPoints()) points.push(p);
    type Transform = { sx: number; sy: number; dx: number; dy: number };
    // Where the points are once the layout has settled (a screenshot at 4K lays the page out
    // again): the same transform on two reads a moment apart.
    const readTransform = async (): Promise<Transform> => {
      const read = async () =>
        (await page.locator(".scatter canvas").getAttribute("data-transform")) as string;
      let before = await read();
      for (;;) {
        await page.waitForTimeout(250);
        const now = await read();
        if (now === before) return JSON.parse(now) as Transform;
        before = now;
      }
    };
    let t = await readTransform();
    const px = (p: { x: number; y: number }) => ({ x: p.x * t.sx + t.dx, y: p.y * t.sy + t.dy });
    // A point of each cluster is drawn in its label's legend colour.
    const swatches = await page
      .locator(".map-legend .embed-swatch")
      .evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    for (let c = 0; c < CLUSTERS.length; c++) {
      const p = points.find((q) => clusterOf(Number(q.referenceId.slice(4))) === c);
      if (!p) throw new Error("no point");
      const at = px(p);
      const drawn = await layerPixel(page, ".scatter canvas", Math.floor(at.x), Math.floor(at.y));
      const legend = (swatches[c]?.match(/\d+/g) ?? []).map(Number);
      // Within a unit or two: the canvas may round a channel its own way.
      const off = drawn.slice(0, 3).map((v, i) => Math.abs(v - (legend[i] ?? -9)));
      expect(Math.max(...off), `${drawn} drawn, ${legend} in the legend`).toBeLessThanOrEqual(2);
    }
    expect(await axe(page)).toEqual([]);
    await shoot(page, "embedding-map");
    // The 4K screenshot laid the page out again: where the points are now.
    t = await readTransform();

    // A box around the "sign" cluster's points selects exactly the points inside it.
    const boxOfSigns = () => {
      const signs = points.filter((p) => clusterOf(Number(p.referenceId.slice(4))) === 2).map(px);
      return {
        x0: Math.min(...signs.map((p) => p.x)) - 6,
        x1: Math.max(...signs.map((p) => p.x)) + 6,
        y0: Math.min(...signs.map((p) => p.y)) - 6,
        y1: Math.max(...signs.map((p) => p.y)) + 6,
      };
    };
    let box = boxOfSigns();
    const inBox = points
      .filter((p) => {
        const q = px(p);
        return q.x >= box.x0 && q.x <= box.x1 && q.y >= box.y0 && q.y <= box.y1;
      })
      .map((p) => p.referenceId)
      .sort();
    expect(inBox.filter((r) => clusterOf(Number(r.slice(4))) === 2)).toHaveLength(PER_CLUSTER);
    let origin2 = await page.locator(".scatter").boundingBox();
    if (!origin2) throw new Error("no map");
    await page.mouse.move(origin2.x + box.x0, origin2.y + box.y0);
    await page.mouse.down();
    await page.mouse.move(origin2.x + (box.x0 + box.x1) / 2, origin2.y + (box.y0 + box.y1) / 2, { steps: 4 });
    await page.mouse.move(origin2.x + box.x1, origin2.y + box.y1, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.locator(".map-selected").innerText()).toBe(`${inBox.length} items selected`);
    await expect.poll(async () => (await refsIn('ul[aria-label="Selected items"]')).sort()).toEqual(inBox);
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    await shoot(page, "embedding-map-selection");

    // The lasso: a triangle drawn around the "car" cluster selects the points inside it.
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => page.locator(".map-selected").count()).toBe(0);
    await page.getByText("Lasso", { exact: true }).click();
    const cars = points.filter((p) => clusterOf(Number(p.referenceId.slice(4))) === 0).map(px);
    const [cx0, cx1] = [Math.min(...cars.map((p) => p.x)), Math.max(...cars.map((p) => p.x))];
    const [cy0, cy1] = [Math.min(...cars.map((p) => p.y)), Math.max(...cars.map((p) => p.y))];
    const w = cx1 - cx0 + 12;
    const h = cy1 - cy0 + 12;
    // The apex points to where the map has room (the projection's orientation is arbitrary).
    const mapHeight = await page.locator(".scatter").evaluate((e) => e.clientHeight);
    const up = (cy0 + cy1) / 2 > mapHeight / 2;
    const base = up ? cy1 + 6 : cy0 - 6;
    const apex = up ? cy0 - h - 6 : cy1 + h + 6;
    const triangle = [
      { x: (cx0 + cx1) / 2, y: apex },
      { x: cx1 + w / 2 + 6, y: base },
      { x: cx0 - w / 2 - 6, y: base },
    ];
    const inTriangle = (q: { x: number; y: number }) => {
      let hit = false;
      for (let i = 0, j = triangle.length - 1; i < triangle.length; j = i++) {
        const a = triangle[i] as { x: number; y: number };
        const b = triangle[j] as { x: number; y: number };
        if (a.y > q.y !== b.y > q.y && q.x < ((b.x - a.x) * (q.y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
      }
      return hit;
    };
    const lassoed = points
      .filter((p) => inTriangle(px(p)))
      .map((p) => p.referenceId)
      .sort();
    expect(lassoed.filter((r) => clusterOf(Number(r.slice(4))) === 0)).toHaveLength(PER_CLUSTER);
    const [first, ...rest] = triangle as [{ x: number; y: number }, ...{ x: number; y: number }[]];
    await page.mouse.move(origin2.x + first.x, origin2.y + first.y);
    await page.mouse.down();
    for (const v of [...rest, first]) await page.mouse.move(origin2.x + v.x, origin2.y + v.y, { steps: 8 });
    await page.mouse.up();
    await expect
      .poll(() => page.locator(".map-selected").innerText())
      .toBe(`${lassoed.length} items selected`);
    await expect.poll(async () => (await refsIn('ul[aria-label="Selected items"]')).sort()).toEqual(lassoed);

    // Coloured by a metadata key: one group per value.
    await page.getByLabel("Colour by").selectOption("metadata:cluster");
    await expect
      .poll(() => page.locator(".map-legend li").allInnerTexts())
      .toEqual(CLUSTERS.map((c) => expect.stringMatching(new RegExp(`^${c}\\s+${PER_CLUSTER}$`))));
    // The shortcut is not for a focused field.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("t");
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await axe(page)).toEqual([]);
    await shoot(page, "embedding-map-dark");
    await page.keyboard.press("t");
    // Back to the box selection of the "sign" cluster, for the grid.
    await page.getByText("Box", { exact: true }).click();
    t = await readTransform();
    box = boxOfSigns();
    origin2 = await page.locator(".scatter").boundingBox();
    if (!origin2) throw new Error("no map");
    await page.mouse.move(origin2.x + box.x0, origin2.y + box.y0);
    await page.mouse.down();
    await page.mouse.move(origin2.x + box.x1, origin2.y + box.y1, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.locator(".map-selected").innerText()).toBe(`${inBox.length} items selected`);

    await page.getByRole("link", { name: "Open in the grid" }).click();
    await page.waitForSelector(".tile[data-item-id]");
    const q = new URL(page.url()).searchParams.get("q") ?? "";
    expect(q.startsWith("item.reference_id IN [")).toBe(true);
    expect(await dataset.countItems(q)).toBe(inBox.length);
    await expect
      .poll(async () => Number((await page.locator(".panel-count strong").innerText()).replace(/,/g, "")))
      .toBe(inBox.length);
    expect(errors).toEqual([]);
  });
});
