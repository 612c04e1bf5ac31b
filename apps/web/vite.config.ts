import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web app's build: one page whose hashed assets go to `dist/`, which `@nucleus/server`'s
 * build copies into its own `dist/web`. `vite` (dev) forwards the API to a local server on 8080
 * (`nu serve`); there, sign in with the key.
 */
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", target: "es2022", sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { "/v1/nucleus": { target: "http://127.0.0.1:8080" } } },
});
