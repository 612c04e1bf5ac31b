/**
 * The platform of this build. This is Node's; the browser build (`dist/browser.js`, see
 * `tsup.config.ts`) resolves `./node.js` to `./browser.js` instead, so no `node:` import reaches
 * a browser bundle.
 */
export { platform } from "./node.js";
export type { Platform } from "./platform.js";
