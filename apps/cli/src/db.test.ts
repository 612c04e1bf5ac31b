/**
 * `nu db`: a dataset exported from one data folder and imported into another (files copied),
 * and schema migrations, on a data folder and (when the run has one) on PostgreSQL.
 */

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { NucleusClient } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NU_BINARY, type NuSession, startNuSession } from "./test-support.js";

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
    // By name, as elsewhere in nu.
    const exported = await session.nu(["db", "export", "portable", "--data", source, "--out", file]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toContain("50 items, 1 annotations");
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0] as string)).toMatchObject({ kind: "header", dataset: { name: "portable" } });
    expect(lines).toHaveLength(1 + 50 + 1 + 1);

    const target = join(session.scratch, "other");
    // A team's settings left in the environment do not redirect an import aimed at a data folder,
    // nor make its dataset invisible to the folder's own servers.
    const teamEnv = {
      ...session.env,
      NUCLEUS_DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
      NUCLEUS_SECRET: "ab".repeat(32),
    };
    const imported = await session.nu(
      ["db", "import", file, "--data", target, "--media-from", join(source, "media"), "--json"],
      { env: teamEnv },
    );
    expect(imported.code, imported.stderr).toBe(0);
    const result = JSON.parse(imported.stdout) as { datasetId: string; counts: { items: number } };
    expect(result.counts.items).toBe(50);
    expect(existsSync(join(target, "nucleus.sqlite"))).toBe(true);
    expect((await session.nu(["db", "migrate", "--data", target])).stdout).toMatch(/^Nothing to do/);
    const again = await session.nu(["db", "export", "portable", "--data", target, "--out", file], {
      env: teamEnv,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("50 items, 1 annotations");
  });

  it("stops quietly when the reader of its output goes away", { timeout: 60_000 }, async () => {
    const client = new NucleusClient({ apiKey: "db-key", endpoint: session.server.url });
    const dataset = await client.createDataset("long");
    await dataset.append(
      Array.from({ length: 2_000 }, (_, i) => ({ referenceId: `long-${i}`, imageUrl: `s3://b/${i}.jpg` })),
    );
    // Far more than a pipe holds, so nu is still writing when `head` has gone.
    const pipeline = `"${process.execPath}" "${NU_BINARY}" db export long --data server | head -n 1`;
    const { stdout, stderr } = await promisify(execFile)("bash", ["-o", "pipefail", "-c", pipeline], {
      cwd: session.scratch,
      env: session.env,
    });
    expect(JSON.parse(stdout)).toMatchObject({ kind: "header", dataset: { name: "long" } });
    expect(stderr).toBe("");
  });

  it("names an unknown or ambiguous dataset in a titled error", { timeout: 30_000 }, async () => {
    const client = new NucleusClient({ apiKey: "db-key", endpoint: session.server.url });
    await client.createDataset("twin");
    await client.createDataset("twin");
    const source = join(session.scratch, "server");
    const unknown = await session.nu(["db", "export", "nothing-here", "--data", source]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown dataset");
    expect(unknown.stderr).toContain("No dataset nothing-here for this key");
    const twins = await session.nu(["db", "export", "twin", "--data", source]);
    expect(twins.code).toBe(1);
    expect(twins.stderr).toMatch(/2 datasets are named twin \(ds_\w+, ds_\w+\): give the id/);
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
