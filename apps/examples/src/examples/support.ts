import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { NucleusClient } from "@nucleus/core";
import { writeDemoPng } from "../images.js";

/** What each example gets: a client and a scratch folder for local files. */
export interface ExampleContext {
  client: NucleusClient;
  workdir: string;
  /** Prints a line of the example's story. */
  log: (line: string) => void;
}

/** A runnable flow: it does what its README section shows and asserts what it got back. */
export interface Example {
  name: string;
  run(context: ExampleContext): Promise<void>;
}

/** Writes `count` small PNG images into the scratch folder and returns their paths. */
export function localImages(workdir: string, count: number, prefix = "local"): string[] {
  mkdirSync(workdir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const file = join(workdir, `${prefix}_${i}.png`);
    writeDemoPng(file, 32, 24, i);
    return file;
  });
}

/** A unique name, so examples can share one server. */
export function uniqueName(base: string): string {
  return `${base}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
