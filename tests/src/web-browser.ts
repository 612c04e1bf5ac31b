/**
 * Chromium (Debian's, through playwright-core) for the web app's browser tests: launching it,
 * screenshots into reports/screenshots/ (1280x720 and 4K), label pixels read back, and axe-core's
 * serious and critical findings.
 */
/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/** Where Debian puts its Chromium. */
export const CHROMIUM = "/usr/bin/chromium";
/** CI installs Debian's chromium; elsewhere the browser tests are skipped when it is missing. */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Where screenshots go (artifacts for a person to look at, not golden images). */
export const SHOTS = join(ROOT, "reports", "screenshots");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** A headless Chromium with what a test run does not need turned off. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A 1280x720 page signed in through a one-time login link, on the datasets list; uncaught page
 * errors are collected in `errors`. A missing element fails its test after `defaultTimeout`
 * rather than at the test's own timeout.
 */
export async function openSignedInPage(
  browser: Browser,
  loginUrl: string,
  defaultTimeout: number,
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.setDefaultTimeout(defaultTimeout);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(loginUrl);
  await page.waitForSelector("table.datasets", { timeout: 30_000 });
  return { page, errors };
}

/**
 * Saves two screenshots of the page as it is: reports/screenshots/<name>-1280x720.png (or the
 * page's viewport) and <name>-3840x2160.png, the same state on a 4K screen (1920x1080 CSS pixels
 * at 2x). The 4K one re-lays the page out in place (dialogs, suggestions and selections stay),
 * waits for the images it then shows, and puts the viewport back.
 */
export async function shoot(page: Page, name: string): Promise<string> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  const path = join(SHOTS, `${name}-${size.width}x${size.height}.png`);
  await page.screenshot({ path });
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Emulation.setDeviceMetricsOverride", {
      width: 1920,
      height: 1080,
      deviceScaleFactor: 2,
      mobile: false,
    });
    await settle(page);
    const { data } = await cdp.send("Page.captureScreenshot", { format: "png" });
    writeFileSync(join(SHOTS, `${name}-3840x2160.png`), Buffer.from(data, "base64"));
  } finally {
    await cdp.send("Emulation.setDeviceMetricsOverride", { ...size, deviceScaleFactor: 1, mobile: false });
    await cdp.detach();
    await page.setViewportSize(size);
  }
  return path;
}

/** Waits (a few seconds at most) until the images in view have loaded and two frames have passed. */
async function settle(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () =>
        Array.from(document.images).every((img) => {
          const r = img.getBoundingClientRect();
          const shown = r.bottom > 0 && r.top < innerHeight && r.width > 0;
          return !shown || img.complete;
        }),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  await page.waitForTimeout(200);
}

/** Serious and critical accessibility violations (WCAG 2 A and AA) that axe-core finds on the page. */
export async function axe(page: Page): Promise<string[]> {
  // Evaluated through DevTools: the page's CSP (rightly) refuses inline scripts.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run(
            o: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.id}: ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(" "))
            .join(", ")}`,
      );
  });
}

/**
 * The RGBA of a pixel of a label layer at CSS coordinates inside it: read from a canvas, or, for
 * an inline SVG (the grid's tiles), from the SVG drawn onto a canvas at the device's pixel ratio.
 */
export async function layerPixel(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    async ({ selector, x, y }) => {
      const element = document.querySelector(selector);
      if (!element) throw new Error(`no label layer ${selector}`);
      if (element instanceof HTMLCanvasElement) {
        const ratio = element.width / element.clientWidth;
        return [
          ...(element.getContext("2d")?.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1)
            .data ?? []),
        ];
      }
      const box = element.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      const copy = element.cloneNode(true) as SVGSVGElement;
      copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
      const image = new Image();
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      const ctx = canvas.getContext("2d");
      ctx?.drawImage(image, 0, 0, canvas.width, canvas.height);
      return [...(ctx?.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data ?? [])];
    },
    { selector, x, y },
  );
}
