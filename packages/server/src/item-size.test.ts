/** Local image uploads get their width and height from the image header unless the item gives them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, startTestServer, type TestServer, TINY_PNG } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** A JPEG header as a camera writes it: EXIF (no rotation) before the quantisation table and the frame. */
function jpegHeader(width: number, height: number): Buffer {
  const segment = (marker: number, body: number[]) =>
    Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
  const exif = [...Buffer.from("Exif\0\0MM\0\x2a\0\0\0\x08\0\0", "latin1"), 0, 0, 0, 0];
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe1, exif),
    segment(0xdb, [0, ...new Array(64).fill(1)]),
    segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

describe("local image uploads", () => {
  it("store the width and height read from the header, unless the item has its own", async () => {
    const ds = await createDataset(server);
    const form = new FormData();
    form.append(
      "items",
      JSON.stringify([
        { reference_id: "png", image_url: "a.png" },
        { reference_id: "jpeg", image_url: "b.jpg" },
        { reference_id: "given", image_url: "c.jpg", width: 64, height: 48 },
        { reference_id: "unknown", image_url: "d.bin" },
      ]),
    );
    form.append("image", new Blob([TINY_PNG]), "a.png");
    form.append("image", new Blob([jpegHeader(1280, 720)]), "b.jpg");
    form.append("image", new Blob([jpegHeader(1280, 720)]), "c.jpg");
    form.append("image", new Blob([Buffer.from("not an image")]), "d.bin");
    const response = await server.call("POST", `dataset/${ds}/append`, { body: form });
    expect(response.body).toMatchObject({ new_items: 4 });
    const sizes: Record<string, unknown> = {};
    for (const ref of ["png", "jpeg", "given", "unknown"]) {
      const { item } = (await server.call("GET", `dataset/${ds}/refloc/${ref}`)).body as {
        item: { width?: number | null; height?: number | null };
      };
      sizes[ref] = [item.width ?? null, item.height ?? null];
    }
    expect(sizes).toEqual({
      png: [1, 1],
      jpeg: [1280, 720],
      given: [64, 48],
      unknown: [null, null],
    });
  });
});
