// biome-ignore-all lint/performance/useDomNodeTextContent: innerText here is playwright's Locator method, which reads what a user sees.
/**
 * The web app, served by the real server from its own build (`dist/web`), on a generated dataset:
 * what the server refuses without a session or from another origin; and in Chromium (Debian's,
 * through playwright-core) signing in by the one-time link and by the key form, the datasets
 * list, the grid (label pixels read back where a box must be and must not be), the item view's
 * TP/FP/FN colours, the run page's charts, keyboard navigation and an accessibility scan.
 * Screenshots of each page go to reports/screenshots/ at 1280x720 and 1920x1080 at 2x (4K);
 * first-paint and item-open times go to reports/web-timings.json (measured, not asserted).
 */
/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NucleusClient } from "@nucleus/core";
import { createServer, type RunningNucleusServer } from "@nucleus/server";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axe as axeViolations,
  launchChromium,
  layerPixel,
  shoot as shootPage,
  skipBrowser,
} from "./web-browser.js";
import { HEIGHT, ITEM0, makeWebDataset, type WebDataset, WIDTH } from "./web-data.js";

const KEY = "web-key";
const ITEMS = 2_000;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let server: RunningNucleusServer;
let client: NucleusClient;
let data: WebDataset;
let dir: string;
let origin: string;
const timings: Record<string, number[]> = {};
const record = (name: string, ms: number) => {
  timings[name] = [...(timings[name] ?? []), Math.round(ms)];
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nucleus-web-"));
  server = await createServer({ dataDir: join(dir, "data"), apiKeys: [KEY], port: 0 });
  origin = new URL(server.url).origin;
  client = new NucleusClient({ apiKey: KEY, endpoint: server.url });
  data = await makeWebDataset(client, join(dir, "images"), ITEMS);
}, 300_000);

afterAll(async () => {
  if (Object.keys(timings).length > 0) {
    mkdirSync(join(ROOT, "reports"), { recursive: true });
    writeFileSync(
      join(ROOT, "reports", "web-timings.json"),
      `${JSON.stringify({ items: data?.items ?? ITEMS, timings }, null, 2)}\n`,
    );
  }
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A session cookie opened through a login link, as a browser would hold it. */
async function sessionCookies(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(server.createLoginUrl(), { redirect: "manual" });
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0] as string);
  const csrf = cookies.find((c) => c.startsWith("nucleus_csrf="))?.split("=")[1] ?? "";
  return { cookie: cookies.join("; "), csrf };
}

describe("the server's side of the web app", () => {
  it("serves the built app at / and its pages' paths, but not the API's", async () => {
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<meta name="nucleus-api" content="/v1/nucleus"');
    expect(html).toMatch(/src="\/assets\/index-[\w-]+\.js"/);
    expect((await fetch(`${origin}/datasets/${data.datasetId}/items/x`)).status).toBe(200);
    const unknownApi = await fetch(`${server.url}/no/such/route`, {
      headers: { authorization: `Basic ${btoa(`${KEY}:`)}` },
    });
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ error: expect.stringContaining("No route") });
    expect((await fetch(`${origin}/assets/nothing-here.js`)).status).toBe(404);
  });

  it("trades a login link for a session once, and takes the token out of the address", async () => {
    const link = server.createLoginUrl();
    expect(link).toMatch(new RegExp(`^${origin}/login\\?token=[\\w-]{43}$`));
    expect(link).not.toContain(KEY);
    const first = await fetch(link, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/");
    const cookies = first.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith("nucleus_session="))).toMatch(/HttpOnly; SameSite=Strict/);
    const again = await fetch(link, { redirect: "manual" });
    expect(again.headers.get("location")).toBe("/login?link=used");
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(
      (await fetch(`${origin}/login?token=made-up`, { redirect: "manual" })).headers.get("location"),
    ).toBe("/login?link=used");
  });

  it("refuses the API and thumbnails without a session, and a session used from another origin", async () => {
    const [item] = await client.getDataset(data.datasetId).items().toArray({ limit: 1 });
    const thumb = `${server.url}/__thumbnail/${data.datasetId}/${item?.id}?size=128`;
    expect((await fetch(`${server.url}/dataset/details`)).status).toBe(401);
    expect((await fetch(thumb)).status).toBe(401);

    const { cookie, csrf } = await sessionCookies();
    const ok = await fetch(`${server.url}/dataset/details`, {
      headers: { cookie, "sec-fetch-site": "same-origin", origin },
    });
    expect(ok.status).toBe(200);
    for (const headers of [
      { cookie, origin: "http://127.0.0.1:9" } as Record<string, string>,
      { cookie, "sec-fetch-site": "same-site" },
      { cookie, "sec-fetch-site": "cross-site" },
    ]) {
      const refused = await fetch(`${server.url}/dataset/details`, { headers });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: string }).error).toMatch(/only good on pages of/);
    }
    // A change needs the CSRF token as well.
    const create = (headers: Record<string, string>) =>
      fetch(`${server.url}/dataset/create`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "from a cookie" }),
      });
    expect((await create({})).status).toBe(403);
    expect((await create({ "x-csrf-token": csrf })).status).toBe(200);
    expect((await fetch(thumb, { headers: { cookie } })).status).toBe(200);
  });

  it("makes WebP thumbnails of stored images once, keeps them in the data folder, and says why for others", async () => {
    const items = await client.getDataset(data.datasetId).items().toArray({ limit: 6 });
    const auth = { authorization: `Basic ${btoa(`${KEY}:`)}` };
    const local = items[0];
    const url = `${server.url}/__thumbnail/${data.datasetId}/${local?.id}?size=200`;
    const first = await fetch(url, { headers: auth });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/webp");
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(bytes.subarray(8, 12).toString("ascii")).toBe("WEBP");
    const etag = first.headers.get("etag") ?? "";
    expect((await fetch(url, { headers: { ...auth, "if-none-match": etag } })).status).toBe(304);
    const key = (local?.originalImageUrl ?? "").split("/__media/")[1]?.split("?")[0] ?? "";
    expect(existsSync(join(dir, "data", "thumbnails", "256", key.slice(0, 2), `${key}.webp`))).toBe(true);
    for (const remote of [items[4], items[5]]) {
      const answer = await fetch(`${server.url}/__thumbnail/${data.datasetId}/${remote?.id}`, {
        headers: auth,
      });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: string }).error).toMatch(/no image stored on this server/);
    }
  });
});

describe.skipIf(skipBrowser)("the web app in Chromium", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Screenshots of the page at 1280x720 and at 4K. */
  const shoot = (name: string, target: Page = page) => shootPage(target, name);

  /** Serious and critical accessibility violations axe-core finds on the page. */
  const axe = (target: Page = page): Promise<string[]> => axeViolations(target);

  /** The RGBA of a label layer's pixel (a canvas, or a grid tile's SVG) at CSS coordinates inside it. */
  const pixel = (selector: string, x: number, y: number) => layerPixel(page, selector, x, y);

  /** True when a pixel is near a colour (given as #rrggbb) and opaque. */
  const near = (rgba: number[], hex: string) => {
    const n = Number.parseInt(hex.slice(1), 16);
    const want = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    return (rgba[3] ?? 0) > 200 && want.every((v, i) => Math.abs(v - (rgba[i] ?? 0)) < 40);
  };

  it("signs in through the one-time link, which leaves the address bar at once", {
    timeout: 60_000,
  }, async () => {
    await page.goto(server.createLoginUrl());
    await page.waitForSelector("table.datasets");
    expect(page.url()).toBe(`${origin}/`);
    const cookies = await context.cookies(`${origin}/v1/nucleus/`);
    expect(cookies.find((c) => c.name === "nucleus_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });
    // The page can read its CSRF token only: nothing of the key is in the browser.
    expect(await page.evaluate(() => document.cookie)).toMatch(/^nucleus_csrf=[\w-]+$/);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(KEY);
  });

  it("lists the datasets with their items, runs and slices", { timeout: 60_000 }, async () => {
    const row = page.locator("table.datasets tbody tr", { hasText: data.datasetName });
    await expect.poll(() => row.count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain(data.items.toLocaleString("en-US"));
    expect(text).toContain("detector-a");
    expect(text).toContain("detector-b");
    expect(text).toContain("first hundred");
    expect(await axe()).toEqual([]);
    await shoot("datasets");
  });

  it("paints the grid with the labels over the images: a box's edge coloured, its inside and the background clear", {
    timeout: 120_000,
  }, async () => {
    const started = await page.evaluate(() => performance.now());
    await page.click(`a:text("${data.datasetName}")`);
    // First paint: the first tile's image is in and its labels are drawn.
    await page.waitForFunction(() => {
      const tile = document.querySelector('.tile[data-index="0"]');
      const img = tile?.querySelector<HTMLImageElement>("img.thumb");
      const layer = tile?.querySelector<SVGElement>(".label-layer");
      return Boolean(img?.complete && img.naturalWidth > 0 && Number(layer?.dataset.shapes) > 0);
    });
    const painted = await page.evaluate(() => performance.now());
    record("firstGridPaintMs", painted - started);

    const canvas = '.tile[data-index="0"] .label-layer';
    const width = await page.locator(canvas).evaluate((c) => c.getBoundingClientRect().width);
    const scale = width / WIDTH;
    const { car, person } = ITEM0;
    // The car's left edge, halfway down: the car's colour. Its middle, and empty ground: nothing.
    const edge = await pixel(canvas, car.x * scale, (car.y + car.height / 2) * scale);
    const middle = await pixel(canvas, (car.x + car.width / 2) * scale, (car.y + car.height / 2) * scale);
    const ground = await pixel(canvas, 5 * scale, (HEIGHT - 5) * scale);
    expect(edge[3]).toBeGreaterThan(200);
    expect(middle[3]).toBe(0);
    expect(ground[3]).toBe(0);
    expect(
      near(
        await pixel(canvas, person.x * scale, (person.y + 15) * scale),
        await page.evaluate(() => "#a855f7"),
      ),
    ).toBe(true);

    // Unreachable images show what they are.
    await expect
      .poll(() => page.locator('.tile[data-index="4"] .placeholder code').innerText())
      .toBe("s3://street-bucket/raw/cam_4.jpg");
    await expect.poll(() => page.locator('.tile[data-index="5"] .placeholder').count()).toBe(1);

    // Hiding the class clears its box; the confidence floor hides predictions.
    await page.getByLabel("car", { exact: true }).uncheck();
    await expect
      .poll(async () => (await pixel(canvas, car.x * scale, (car.y + car.height / 2) * scale))[3])
      .toBe(0);
    await page.getByLabel("car", { exact: true }).check();
    await page.keyboard.press("1"); // run A on
    await expect
      .poll(() => page.locator('.tile[data-index="0"] .label-layer').getAttribute("data-shapes"))
      .toBe("4");
    await page.locator(".slider", { hasText: "Min. confidence" }).locator("input").fill("0.95");
    await expect
      .poll(() => page.locator('.tile[data-index="0"] .label-layer').getAttribute("data-shapes"))
      .toBe("2");
    await page.locator(".slider", { hasText: "Min. confidence" }).locator("input").fill("0");
    await page.keyboard.press("m"); // TP / FP / FN
    await expect
      .poll(() => page.locator('.tile[data-index="0"] .errors').innerText())
      .toMatch(/^1 FP\s+1 FN$/);
    expect(await axe()).toEqual([]);
    await shoot("grid");
    expect(errors).toEqual([]);
  });

  it("scrolls through the whole dataset, reading items lazily", { timeout: 120_000 }, async () => {
    const scroller = page.locator(".grid-scroller");
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForFunction(
      (last) => document.querySelector(`.tile[data-index="${last}"][data-item-id]`),
      data.items - 1,
      {
        timeout: 60_000,
      },
    );
    // Only the rows in view are in the page.
    expect(await page.locator(".tile").count()).toBeLessThan(120);
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.waitForSelector('.tile[data-index="0"]');
  });

  it("opens an item with its TP, FP and FN in their colours, and steps through items by keyboard", {
    timeout: 120_000,
  }, async () => {
    const started = await page.evaluate(() => performance.now());
    await page.locator('.tile[data-index="0"]').click();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".viewer-image");
      const canvas = document.querySelector<HTMLCanvasElement>(".viewer-stage canvas");
      return Boolean(img?.complete && img.naturalWidth > 0 && Number(canvas?.dataset.shapes) >= 4);
    });
    record("itemViewOpenMs", (await page.evaluate(() => performance.now())) - started);
    expect(page.url()).toContain("color=match");
    await expect
      .poll(() => page.locator(".match-counts").first().innerText())
      .toContain("1 TP · 1 FP · 1 FN");

    const stage = page.locator(".viewer-stage").first();
    const box = await stage.evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
    const scale = Math.min(box.width / WIDTH, box.height / HEIGHT);
    const dx = (box.width - WIDTH * scale) / 2;
    const dy = (box.height - HEIGHT * scale) / 2;
    const at = (x: number, y: number) => pixel(".viewer-stage canvas", dx + x * scale, dy + y * scale);
    /** Whether a box's left edge shows a colour somewhere (FP and FN are dashed, so not everywhere). */
    const leftEdge = async (b: { x: number; y: number; height: number }, hex: string) => {
      for (let t = 0.1; t < 0.95; t += 0.05) if (near(await at(b.x, b.y + b.height * t), hex)) return true;
      return false;
    };
    const { car, person, sign } = ITEM0;
    // The car is a TP (green), the invented sign an FP (red), the missed person an FN (amber).
    expect(await leftEdge(car, "#22c55e")).toBe(true);
    expect(await leftEdge(sign, "#ef4444")).toBe(true);
    expect(await leftEdge(person, "#f59e0b")).toBe(true);
    expect(await leftEdge(person, "#ef4444")).toBe(false);
    expect((await at(2, HEIGHT - 2))[3]).toBe(0);

    // Hovering a label says what it is.
    await page.mouse.move(...(await stagePoint(sign.x + sign.width / 2, sign.y)));
    await expect
      .poll(() => page.locator(".hovercard").innerText())
      .toMatch(/sign · detector-a\nconfidence 0\.700\nFP/);
    expect(await axe()).toEqual([]);
    await shoot("item");

    // Side by side with the second run.
    await page.keyboard.press("2");
    await page.keyboard.press("o");
    await expect.poll(() => page.locator(".viewer-panel").count()).toBe(3);
    await shoot("item-side-by-side");
    await page.keyboard.press("o");

    // Next with the arrow key, back to the grid with Escape.
    const first = page.url();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.url()).not.toBe(first);
    await expect.poll(() => page.locator(".kv dd").first().innerText()).toBe("img_00001");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.locator(".kv dd").first().innerText()).toBe("img_00000");
    await page.keyboard.press("Escape");
    await page.waitForSelector(".grid-scroller");
    expect(errors).toEqual([]);

    async function stagePoint(x: number, y: number): Promise<[number, number]> {
      const rect = await stage.boundingBox();
      return [(rect?.x ?? 0) + dx + x * scale, (rect?.y ?? 0) + dy + y * scale];
    }
  });

  it("moves through the grid with the arrow keys and opens with Enter; ? lists the shortcuts", {
    timeout: 60_000,
  }, async () => {
    await page.locator('.tile[data-index="0"]').focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    const columns = Number(await page.locator(".grid-scroller").getAttribute("data-columns"));
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-index")))
      .toBe(String(1 + columns));
    const focused = await page.locator(`.tile[data-index="${1 + columns}"] .tile-ref`).innerText();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".kv dd").first().innerText()).toBe(focused);
    await page.keyboard.press("?");
    await expect.poll(() => page.locator("dialog.shortcuts[open]").count()).toBe(1);
    expect(await page.locator("dialog.shortcuts").innerText()).toContain("Next item");
    await shoot("shortcuts");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.waitForSelector(".grid-scroller");
  });

  it("shows a run's evaluation with its charts; a confusion cell opens its examples; two runs compare", {
    timeout: 120_000,
  }, async () => {
    await page.goto(`${origin}/runs/${data.runA}`);
    await page.waitForSelector(".metrics");
    await expect.poll(() => page.locator(".uplot-box canvas").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator(".metric").first().innerText()).toMatch(/^mAP @\[\.5:\.95\]\n\d+\.\d/);
    expect(await page.locator("table.matrix").innerText()).toContain("none");
    expect(await page.locator(".tide").innerText()).toContain("Background");
    expect(await axe()).toEqual([]);
    await shoot("run");

    await page.goto(`${origin}/runs/${data.runA}?compare=${data.runB}`);
    await page.waitForSelector(".metric .delta");
    expect(await page.locator("table.data-table thead").first().innerText()).toContain("Δ");
    await shoot("run-compare");

    // The "none" row of the sign column: the invented signs, one per even item.
    await page.goto(`${origin}/runs/${data.runA}`);
    await page
      .locator('table.matrix button[aria-label^="1000 with ground truth none predicted as sign"]')
      .click();
    await page.waitForSelector(".examples .tile[data-item-id]");
    await page.waitForLoadState("networkidle");
    expect(await page.locator(".examples-page").innerText()).toContain("1,000 items");
    await shoot("examples");
    await page.locator(".examples .tile").first().click();
    await page.waitForSelector(".viewer-stage");
    expect(errors).toEqual([]);
  });

  it("narrows the grid with a query, timing the new results", { timeout: 60_000 }, async () => {
    await page.goto(`${origin}/datasets/${data.datasetId}`);
    await page.waitForSelector('.tile[data-index="0"][data-item-id]');
    const input = page.getByRole("combobox", { name: /Query/ });
    await input.fill('metadata.weather = "foggy" AND annotations.street > 0');
    const started = await page.evaluate(() => performance.now());
    await input.press("Enter");
    // Foggy is every third item from 2, a street every fourth from 0: the first is item 8.
    await page.waitForFunction(
      () => document.querySelector('.tile[data-index="0"] .tile-ref')?.textContent === "img_00008",
    );
    record("queryRefinementMs", (await page.evaluate(() => performance.now())) - started);
    expect(new URL(page.url()).searchParams.get("q")).toBe(
      'metadata.weather = "foggy" AND annotations.street > 0',
    );
  });

  it("switches to the dark theme with t", { timeout: 60_000 }, async () => {
    await page.goto(`${origin}/datasets/${data.datasetId}?runs=${data.runA}`);
    await page.waitForSelector('.tile[data-index="0"] .label-layer');
    await page.keyboard.press("t");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await axe()).toEqual([]);
    await shoot("grid-dark");
    await page.keyboard.press("t");
  });

  it("signs in with the key form; a wrong key is refused; signing out ends the session", {
    timeout: 60_000,
  }, async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const tab = await other.newPage();
    await tab.goto(`${origin}/`);
    await tab.waitForSelector("form.login-card");
    expect(await axe(tab)).toEqual([]);
    await shoot("login", tab);
    await tab.getByLabel("API key").fill("not-the-key");
    await tab.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => tab.locator("#login-error").innerText()).toContain("not one this server accepts");
    await tab.getByLabel("API key").fill(KEY);
    await tab.getByRole("button", { name: "Sign in" }).click();
    await tab.waitForSelector("table.datasets");
    expect(await tab.evaluate(() => document.cookie)).toMatch(/^nucleus_csrf=/);
    await tab.getByRole("button", { name: "Sign out" }).click();
    await tab.waitForSelector("form.login-card");
    await tab.reload();
    await tab.waitForSelector("form.login-card");

    await other.close();

    // A used link brings the form back with the reason.
    const link = server.createLoginUrl();
    await fetch(link, { redirect: "manual" });
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const late = await fresh.newPage();
    await late.goto(link);
    await expect.poll(() => late.locator(".notice").innerText()).toContain("used already");
    expect(late.url()).toBe(`${origin}/login?link=used`);
    await fresh.close();
  });
});
