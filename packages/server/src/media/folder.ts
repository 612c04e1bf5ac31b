import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MediaBackend } from "./backend.js";

/** Files in a folder, two hex characters of their key per subfolder; writes are atomic renames. */
export class FolderMedia implements MediaBackend {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  get location(): string {
    return this.root;
  }

  write(key: string, bytes: Uint8Array): void {
    const path = this.pathOf(key);
    if (existsSync(path)) return;
    mkdirSync(join(this.root, key.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch {
      return undefined;
    }
  }

  async has(key: string): Promise<boolean> {
    return existsSync(this.pathOf(key));
  }

  pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), key);
  }

  async check(): Promise<void> {
    await access(this.root);
  }
}
