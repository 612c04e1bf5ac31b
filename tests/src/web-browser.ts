/**
 * Chromium (Debian's, through playwright-core) for the web app's browser tests: launching it,
 * screenshots into reports/screenshots/, and axe-core's serious and critical findings.
 */
/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from "node:fs";
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

/** Saves a screenshot of the page as reports/screenshots/<name>-<width>x<height>.png. */
export async function shoot(page: Page, name: string): Promise<string> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  const path = join(SHOTS, `${name}-${size.width}x${size.height}.png`);
  await page.screenshot({ path });
  return path;
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
