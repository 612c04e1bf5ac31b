/**
 * A segmentation mask uploaded from a local file through `@nucleus/core`, against the real
 * server: read back, its `maskUrl` is the path the client gave, and `maskMediaUrl` serves the
 * PNG that was uploaded.
 */
import { segmentation } from "@nucleus/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "./support.js";

// The smallest valid PNG: one grey pixel.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c6360000000020001e221bc330000000049454e44ae426082",
  "hex",
);

let env: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  env = await startServer();
});
afterAll(async () => {
  await env.stop();
});

describe("a mask from a local file", () => {
  it("reads back with its path as maskUrl and its bytes at maskMediaUrl", async () => {
    const dataset = await env.client.createDataset("masks");
    await dataset.append([{ referenceId: "street", imageUrl: "s3://bucket/street.jpg" }]);
    const path = "/data/masks/street.png";
    const uploaded = await dataset.annotate(
      [segmentation({ referenceId: "street", maskUrl: path, segments: { road: 1 } })],
      {
        files: { [path]: new Blob([PNG], { type: "image/png" }) },
      },
    );
    expect(uploaded.processed).toBe(1);

    const { annotations } = await dataset.refloc("street");
    const [mask] = annotations.segmentation ?? [];
    expect(mask?.maskUrl).toBe(path);
    expect(mask?.annotations).toEqual([{ label: "road", index: 1 }]);
    const served = await fetch(mask?.maskMediaUrl as string);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });
});
