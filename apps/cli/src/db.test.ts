/**
 * `nu db`: a dataset exported from one data folder and imported into another (files copied),
 * and schema migrations, on a data folder and (when the run has one) on PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NucleusClient } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NuSession, startNuSession } from "./test-support.js";

let session: NuSession;

beforeAll(async () => {
  session = await startNuSession("db-key");
});
afterAll(async () => {
  await session.stop();
});

describe("nu db", () => {
  it("exports a dataset to a file and imports it into another data folder", { timeout: 60_000 }, async () => {
    const client = new NucleusClient({ apiKey: "db-key", endpoint: session.server.url });
    const dataset = await client.createDataset("portable");
    await dataset.append(
      Array.from({ length: 50 }, (_, i) => ({
        referenceId: `r${i}`,
        imageUrl: `s3://b/${i}.jpg`,
        metadata: { i },
      })),
    );
    await dataset.annotate([
      {
        type: "box",
        label: "car",
        referenceId: "r1",
        annotationId: "a1",
        geometry: { x: 1, y: 2, width: 3, height: 4 },
      },
    ]);
    const source = join(session.scratch, "server");
    const file = join(session.scratch, "portable.ndjson");
    const exported = await session.nu(["db", "export", dataset.id, "--data", source, "--out", file]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain("50 items, 1 annotations");
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0] as string)).toMatchObject({ kind: "header", dataset: { name: "portable" } });
    expect(lines).toHaveLength(1 + 50 + 1 + 1);

    const target = join(session.scratch, "other");
    const imported = await session.nu([
      "db",
      "import",
      file,
      "--data",
      target,
      "--media-from",
      join(source, "media"),
      "--json",
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout) as { datasetId: string; counts: { items: number } };
    expect(result.counts.items).toBe(50);
    expect(existsSync(join(target, "nucleus.sqlite"))).toBe(true);
    expect((await session.nu(["db", "migrate", "--data", target])).stdout).toMatch(/^Nothing to do/);
  });

  it.skipIf(!process.env.NUCLEUS_TEST_DATABASE_URL)("migrates a PostgreSQL database", async () => {
    const url = new URL(process.env.NUCLEUS_TEST_DATABASE_URL as string);
    url.searchParams.set("schema", `cli_${randomBytes(5).toString("hex")}`);
    const first = await session.nu(["db", "migrate", "--database", url.toString()]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migrations?: the database is at schema version \d+/);
    expect((await session.nu(["db", "migrate", "--database", url.toString()])).stdout).toMatch(
      /^Nothing to do/,
    );
  });
});
